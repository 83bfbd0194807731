"""Taps on a read-back's card (``bot.cards.read_back``): 确认保存 is the typed "确认"
(``handlers.read_back.confirm``: every line stored once, confirmed); 有误，我来改 says how to fix a
line by typing — and, when ``[web] base_url`` is set, links 我的清单 in the console, where each
line can be changed on a form — and leaves the read-back waiting.

The card counts only while the read-back it shows is the one waiting for its member: a newer
read-back (after a fix, more progress), a 确认 or 取消 typed meanwhile, or a lapse makes it out
of date, and the tap changes nothing and says so. The shared rules (addressee, second tap) are
``bot.cards.taps``; the card is updated after the commit, or the person told by text.
"""
from __future__ import annotations

from bot.cards.read_back import OCCASION_KIND, shows
from bot.cards.taps import on_cards, take_and_apply, tapped_card, tell
from bot.router import Message, Router
from handlers import read_back
from models.conversation import Waiting

router = Router("read_back_card")

OUT_OF_DATE = ("这张核对卡片已过时（此后已有新的核对内容，或已确认、取消、超时作废），本次点击未做任何记录。"
               "回复“我的清单”查看各项进度。")
HOW_TO_FIX = ("请直接回复修改，如“第3条是60%”“第2条不对，删掉”“还有第5项完成了”；改好后会再发一次核对内容。"
              "回复“取消”不记录。核对内容仍在等待您的确认。")

ON_THE_WEB = "也可在网页上逐条修改后确认：{url}"


def how_to_fix(msg: Message) -> str:
    """How to fix a line by typing; with the console's 我的清单 link when ``[web] base_url`` is set."""
    base = msg.runtime.config.web.base_url
    return f"{HOW_TO_FIX}\n{ON_THE_WEB.format(url=base + '/console/')}" if base else HOW_TO_FIX


@router.card_tap(when=on_cards(OCCASION_KIND))
def tap_read_back_card(msg: Message) -> str:
    """确认保存 / 有误，我来改 on the read-back waiting; else why the tap changes nothing."""
    tapped = tapped_card(msg.session, msg.member, msg.inbound.task_id, msg.inbound.event_key)
    if isinstance(tapped, str):
        return tell(msg, tapped)
    state = msg.waiting
    if state is None or state.kind != Waiting.READ_BACK or not shows(tapped.about, state.since):
        return tell(msg, OUT_OF_DATE)
    if tapped.key.name != "confirm":
        return tell(msg, how_to_fix(msg))   # records nothing: the card stays open for 确认保存
    take_and_apply(msg, tapped, lambda: read_back.confirm(msg), "已确认保存")
    return ""
