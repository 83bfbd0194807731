"""The console in a real browser: Debian's Chromium driven by Playwright (its own browser download
is not used: ``executable_path``), against the real app and the stand-in WeCom on a thread
(``tests.support.console.LiveConsole``). Few and whole journeys: what a browser adds over the HTTP
tests (test_login, test_pages) — the stand-in's pages, the redirects and cookies as a browser keeps
them, forms, no script run from a title, Chinese drawn with real glyphs."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.bot.console.conftest import SCRIPT_TITLE
from tests.support.console import PC_UA, WECOM_UA, LiveConsole

CHROMIUM = "/usr/bin/chromium"


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


def _rows(page) -> int:
    return page.locator("#board tr").count() - 1


def test_a_member_in_wecoms_browser_sees_their_list_and_nothing_else(browser, live):
    context = browser.new_context(user_agent=WECOM_UA, locale="zh-CN")
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(live.url + "/console/")
    assert page.url.startswith(live.standin.oauth_url)          # WeCom's OAuth: whose client is this?
    page.fill("input[name=userid]", "zhouqiang")
    page.click("button[type=submit]")
    assert page.url == live.url + "/console/" and page.locator("h1").inner_text() == "我的清单"
    assert page.get_by_text(SCRIPT_TITLE).count() == 1 and not dialogs        # the title as text, no script ran
    assert page.locator("header a", has_text="单位").count() == 0
    page.goto(live.url + "/console/board")
    assert "仅限各级书记和管理员" in page.locator("#reason").inner_text()
    page.goto(live.url + "/console/")
    page.click("header button")                                              # 退出: a POST with the token
    assert page.locator("h1").inner_text() == "已退出登录"
    page.goto(live.url + "/console/")                                        # WeCom's browser logs in again
    assert page.url.split("#")[0] == live.url + "/console/" and "周强" in page.locator("header").inner_text()
    context.close()


def test_secretaries_on_a_pc_log_in_by_sso_and_see_their_board(browser, live, tmp_path):
    context = browser.new_context(user_agent=PC_UA, locale="zh-CN", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(live.url + "/console/board")
    assert page.url.startswith(live.standin.sso_url) and "企业微信授权登录" in page.title()
    page.fill("input[name=userid]", "liming")
    page.click("button[type=submit]")
    assert page.url == live.url + "/console/board" and _rows(page) == 7
    page.select_option("select[name=kind]", "rectification")
    page.click("button.go")
    assert _rows(page) == 2 and "kind=rectification" in page.url
    context.close()

    context = browser.new_context(user_agent=PC_UA, locale="zh-CN", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(live.url + "/console/board")
    page.fill("input[name=userid]", "jiwei")
    page.click("button[type=submit]")
    assert _rows(page) == 9
    page.screenshot(path=str(tmp_path / "console-board.png"), full_page=True)
    assert (tmp_path / "console-board.png").stat().st_size > 10_000
    widths = page.evaluate(MEASURE)
    assert widths["chars"] > 50
    assert not widths["narrow"], widths                 # every Chinese character drawn a full em wide
    assert abs(widths["tofu"] - 20) > 4                 # while a missing glyph's box is not
    context.close()


# Each Chinese character on the page, drawn alone at 20px in the page's font: a real glyph is one
# em wide; a missing-glyph box (tofu) is not, as the unassigned U+10FFFD shows.
MEASURE = """() => {
  const font = getComputedStyle(document.body).fontFamily;
  const width = (text) => {
    const s = document.createElement('span');
    s.style.cssText = `font: 20px ${font}; white-space: pre; position: absolute`;
    s.textContent = text;
    document.body.appendChild(s);
    const w = s.getBoundingClientRect().width;
    s.remove();
    return w;
  };
  const chars = [...new Set(document.body.innerText.match(/[\\u4e00-\\u9fff]/g))];
  const narrow = chars.filter(c => Math.abs(width(c) - 20) > 1).map(c => [c, width(c)]);
  return {chars: chars.length, narrow, tofu: width('\\u{10FFFD}')};
}"""
