"""The close-off request (【整改待销号】) links to the console's 整改 page when ``[web] base_url``
is set: a line ending its text form, and the card's ``card_action`` (which the stand-in checks as
WeCom's schema has it); without ``base_url``, neither."""
from __future__ import annotations

from tests.support import wecom as wf

URL = "https://qingdan.example.gov.cn/console/rectifications"


def _to(standin, account: str, kind: str) -> list:
    return [m for m in standin.state.to(account) if m.msgtype == kind]


async def test_without_base_url_the_request_carries_no_link(client, standin):
    await wf.say(client, "wangfang", "Z-1已整改到位")
    [card] = _to(standin, "liming", "template_card")
    assert "card_action" not in card.raw["template_card"] and "/console/" not in card.content


async def test_with_base_url_the_card_opens_the_rectifications_page(runtime, client, standin):
    runtime.config.web.base_url = "https://qingdan.example.gov.cn"
    await wf.say(client, "wangfang", "Z-1已整改到位")
    [card] = _to(standin, "liming", "template_card")
    assert card.raw["template_card"]["card_action"] == {"type": 1, "url": URL}


async def test_as_text_the_link_survives_the_longest_words(runtime, client, standin):
    runtime.config.web.base_url = "https://qingdan.example.gov.cn"
    runtime.config.wecom.cards = False
    await wf.say(client, "wangfang", "Z-1已整改到位，" + "逐月核对台账并补齐记录" * 80)
    [text] = _to(standin, "liming", "text")
    assert text.content.endswith(f"回复“退回 Z-1 原因：……”。\n在网页中查看：{URL}")
    assert len(text.content.encode("utf-8")) <= 2048
