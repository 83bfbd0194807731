"""The console's tests: the configuration points the logins at the stand-in; the organisation
is ``tests.support.org.branches`` with an item titled as a script and some history."""
from __future__ import annotations

from datetime import date

import pytest

from tests.support.console import console_config

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
