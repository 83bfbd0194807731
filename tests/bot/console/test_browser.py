"""The console in a real browser: Debian's Chromium driven by Playwright (its own browser download
is not used: ``executable_path``), against the real app and the stand-in WeCom on a thread
(``tests.support.console.LiveConsole``). Few and whole journeys: what a browser adds over the HTTP
tests (test_login, test_pages) — the stand-in's pages, the redirects and cookies as a browser keeps
them, forms, no script run from a title, Chinese drawn with real glyphs."""
from __future__ import annotations

import os
import re
from pathlib import Path

from tests.bot.console.conftest import SCRIPT_TITLE
from tests.support.console import PC_UA, WECOM_UA

DOCS_IMG = Path(__file__).resolve().parents[3] / "docs" / "img"
REPORT = "第1项已完成，第2项完成80%，第3项进行中50%"


def shot(page, tmp_path: Path, name: str) -> None:
    """A full-page screenshot, checked to have something in it; also into docs/img/ (the pictures
    of docs/console.md) when ``QINGDAN_DOCS_SCREENSHOTS`` is set."""
    page.screenshot(path=str(tmp_path / name), full_page=True)
    assert (tmp_path / name).stat().st_size > 10_000
    if os.environ.get("QINGDAN_DOCS_SCREENSHOTS"):
        (DOCS_IMG / name).write_bytes((tmp_path / name).read_bytes())


def log_in(browser, live, account: str, path: str = "/console/"):
    """A PC browser logged in as ``account`` through the stand-in's SSO page, on ``path``."""
    context = browser.new_context(user_agent=PC_UA, locale="zh-CN", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(live.url + path)
    page.fill("input[name=userid]", account)
    page.click("button[type=submit]")
    assert page.url == live.url + path
    return context, page


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
    shot(page, tmp_path, "console-board.png")
    widths = page.evaluate(MEASURE)
    assert widths["chars"] > 50
    assert not widths["narrow"], widths                 # every Chinese character drawn a full em wide
    assert abs(widths["tofu"] - 20) > 4                 # while a missing glyph's box is not
    context.close()


def test_a_member_confirms_a_read_back_and_a_branch_secretary_returns_and_closes_off(browser, live, tmp_path):
    live.say("wangfang", "Z-1已整改到位")
    live.say("wangfang", REPORT)                                     # read back, waiting for 确认
    context, page = log_in(browser, live, "wangfang")
    assert page.locator("#read-back-lines li").count() == 3
    page.locator("#read-back-lines li").nth(2).locator("input[name=change]").fill("60%")
    page.locator("#read-back-lines li").nth(2).locator("button[name=edit]").click()
    assert page.locator("h1").inner_text() == "已修改"
    page.goto(live.url + "/console/")
    assert "进行中 60%" in page.locator("#read-back-lines li").nth(2).inner_text()
    shot(page, tmp_path, "console-read-back.png")
    page.click("button.confirm")
    assert page.locator("h1").inner_text() == "已确认保存" and "王芳的进展" in page.locator("#reason").inner_text()
    context.close()

    context, page = log_in(browser, live, "liming", "/console/rectifications")
    row = page.locator("#rectifications tr", has_text="Z-1")
    shot(page, tmp_path, "console-rectifications.png")
    row.locator("input[name=reason]").fill("台账不全")
    row.locator("button.send-back").click()
    assert "已退回" in page.locator("#reason").inner_text()
    live.say("wangfang", "Z-1已整改到位")                            # done again
    page.goto(live.url + "/console/rectifications")
    page.locator("#rectifications tr", has_text="Z-1").locator("button.close-off").click()
    assert "已销号" in page.locator("#reason").inner_text()
    page.go_back()                                                   # the page again, as it is now
    assert "已销号" in page.locator("#rectifications tr", has_text="Z-1").inner_text()
    assert page.locator("#rectifications button").count() == 0
    page.goto(live.url + "/console/stars")
    assert page.locator("svg.chart-radar").count() == 1
    shot(page, tmp_path, "console-stars.png")
    page.goto(live.url + "/console/publicity")
    page.emulate_media(media="print")
    assert page.locator("header").is_hidden()
    shot(page, tmp_path, "console-publicity.png")
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", page.pdf(prefer_css_page_size=True))
    assert round(float(box[1])) == 842 and round(float(box[2])) == 595          # A4 landscape, in points
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
