"""书面月报: "月报：本月……" counts as this month's report, kept word for word; so does "本月无新进展"
(or "本月未开展"), which changes no item."""
from __future__ import annotations

import re

from bot.router import Message, Router
from bot.texts import month_zh
from models.lookups import month_key
from models.progress import mark_reported
from models.reports import stand_on_written

router = Router("written_report")

WRITTEN = re.compile(r"^\s*(?:本月)?(?:月报|工作月报|月度报告|本月工作情况|本月工作)\s*[:：]\s*\S.{1,}", re.S)
# "本月无新进展" and its like, the whole message: an answer to the month's prompt naming no item.
NO_NEWS = re.compile(r"^\s*(?:(?:本月|这个月|这月)?(?:暂|还|均)?(?:无|没有)新进展|(?:本月|这个月)(?:暂|还|均)?(?:无|没有)进展"
                     r"|(?:本月|这个月)(?:未|没有)开展)\s*[。.!！]?\s*$")


def _written(msg: Message) -> bool:
    """A written report, unless it names items: then ``progress`` applies it (and it counts too)."""
    names_items = msg.intent == "progress" and any(u.item for u in msg.parsed.updates)
    return bool(WRITTEN.match(msg.text) or NO_NEWS.match(msg.text)) and not names_items


@router.message(when=_written)
def receive_written_report(msg: Message) -> str:
    """Record the written report; the first report of the month is what counts."""
    return report_in_words(msg, msg.text, no_news=bool(NO_NEWS.match(msg.text)))


def report_in_words(msg: Message, words: str, *, no_news: bool) -> str:
    """The month's report in ``words`` (a 书面月报, or no news: "本月无新进展"), changing no item."""
    tz = msg.runtime.tz
    month = month_key(msg.at, tz)
    if not mark_reported(msg.session, msg.member, msg.at, words, tz):
        stand_on_written(msg.session, msg.member, msg.at, words, tz)
        return f"已收到。您{month_zh(month)}的月报此前已报送，本条内容已知悉。如需更新事项进度，请回复如“第2项完成80%”。"
    if no_news:
        return f"已收到：{month_zh(month)}无新进展，计为您{month_zh(month)}已报送月报，未更改任何事项。"
    return f"已收到您{month_zh(month)}的书面月报，计为已报送。如需同时更新事项进度，请回复如“第2项完成80%”。"
