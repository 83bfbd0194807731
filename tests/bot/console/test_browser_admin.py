"""The 管理 page in a real browser (Debian's Chromium by Playwright, as ``test_browser``): an
administrator logs in through the stand-in's SSO page, uploads a workbook with a bad row and reads
the row's error (nothing written), then previews a notice and sends it, once. With
``QINGDAN_CONSOLE_SHOTS=DIR`` the page's screenshot is also saved there (docs/img/console-admin.png)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from sqlmodel import Session, select

from models.tables import Member
from models.workbook import build_workbook
from tests.bot.console.test_admin import BAD
from tests.support.console import PC_UA


def test_an_administrator_uploads_a_bad_book_sees_the_row_and_sends_a_notice(browser, live, engine, tmp_path):
    book = tmp_path / "清单.xlsx"
    build_workbook(BAD).save(book)
    context = browser.new_context(user_agent=PC_UA, locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live.url + "/console/admin")
    page.fill("input[name=userid]", "zhaolei")
    page.click("button[type=submit]")
    assert page.url == live.url + "/console/admin" and page.locator("h1").inner_text() == "管理"

    page.set_input_files("input[name=book]", str(book))
    page.click("#import button[type=submit]")
    assert "未写入任何数据" in page.locator("#import-result").inner_text()
    row = page.locator("#problems tr").nth(1).inner_text()
    assert "党员" in row and "3" in row and "第九党支部" in row
    with Session(engine) as s:
        assert s.exec(select(Member).where(Member.account == "qianduoduo")).first() is None
    shot = tmp_path / "console-admin.png"
    page.screenshot(path=str(shot), full_page=True)

    page.select_option("select[name=audience]", "第二党支部")
    page.fill("textarea[name=body]", "周五下午3点交党费台账")
    page.click("#notice form:last-of-type button[type=submit]")
    assert "将发送给第二党支部共2人" in page.locator("#notice-result").inner_text()
    page.click("#confirm")
    assert "通知已发送给第二党支部，共2人" in page.locator("#notice-result").inner_text()
    assert page.locator("#confirm").count() == 0                        # sent: nothing left to confirm
    assert "已确认0/2人" in page.locator("#receipts").inner_text()
    assert len([m for m in live.standin.state.sent if "交党费台账" in str(m)]) == 1
    assert shot.stat().st_size > 10_000
    if os.environ.get("QINGDAN_CONSOLE_SHOTS"):
        shutil.copy(shot, Path(os.environ["QINGDAN_CONSOLE_SHOTS"]) / "console-admin.png")
    context.close()
