"""The console's tests: the configuration points the logins at the stand-in; the organisation
is ``tests.support.org.branches`` with an item titled as a script and some history; for the
browser tests, Debian's Chromium (one a module, driven by Playwright) and the console served live."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from tests.support.console import LiveConsole, console_config

CHROMIUM = "/usr/bin/chromium"

SCRIPT_TITLE = "<script>alert('清单')</script>"


@pytest.fixture
def config(db_url, standin):
    return console_config(db_url, standin)


@pytest.fixture
def org(bare_engine):
    from tests.support.org import branches

    o = branches(bare_engine)
    o.item("zhouqiang", "P-10", SCRIPT_TITLE, kind="project", deadline=date(2026, 11, 25))
    return o


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("QINGDAN_TEST_REQUIRE_PG"):        # CI (.ci/run) installs it: it must run there
            pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk")
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def live(db_url, engine):
    with LiveConsole(db_url) as console:
        yield console
