"""Issue 25 in a real browser (Debian's Chromium, as test_browser): a photo sent in chat is drawn on
its item's page in the console for the branch secretary — the thumbnail and the downscaled image
both load under the console's CSP (img-src 'self') — and the branch's 三会一课 calendar opens."""
from __future__ import annotations

from sqlmodel import Session, select

from models.tables import Item
from tests.bot.console.test_browser import log_in, shot
from tests.handlers.test_photos import jpeg

LOADED = "img => img.complete && img.naturalWidth"
DECODED = "sel => { const img = document.querySelector(sel); return img && img.complete && img.naturalWidth > 0; }"


def _loaded(page, selector: str) -> int:
    """The image's natural width once the browser has it (a load is not over when the page is)."""
    page.wait_for_function(DECODED, arg=selector, timeout=5000)
    return page.locator(selector).evaluate(LOADED)


def test_a_secretary_opens_an_items_photos_and_the_image_renders(browser, live, engine, tmp_path):
    assert "已记录" in live.say("wangfang", "第3项完成了")
    assert "附到第3项" in live.send_photo("wangfang", jpeg(color="#b71c1c"))
    assert "已记录" in live.say("liming", "今天召开支委会，应到7人实到6人，研究发展党员工作")
    with Session(engine) as s:
        item_id = s.exec(select(Item.id).where(Item.code == "P-3")).one()
    context, page = log_in(browser, live, "liming", f"/console/items/{item_id}/photos")
    thumb = page.locator("#photos img")
    assert thumb.count() == 1 and _loaded(page, "#photos img") == 240   # the thumbnail, 240 px on the long side
    shot(page, tmp_path, "console-photos.png")
    thumb.click()                                                    # the downscaled image itself
    assert page.url.startswith(live.url + "/console/photos/")
    assert _loaded(page, "img") == 1600
    page.goto(live.url + "/console/board")
    page.locator("#reports a", has_text="第一党支部").click()          # the unit row to its calendar
    assert "三会一课" in page.locator("h1").inner_text() and page.locator("#calendar .month").count() == 12
    assert "支委会" in page.locator("#month-11").inner_text() and page.locator("span.missed").count() > 0
    shot(page, tmp_path, "console-meetings.png")
    context.close()
