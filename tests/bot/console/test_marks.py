"""The board's report table shows each unit's 红叉 of the year (models.ladder.marks_of_year): a red ✗
with the count standing and the highest step, the cleared ones beside."""
from __future__ import annotations

import re
from html import unescape

from sqlmodel import Session, select

from bot.config import AccountabilityConfig
from models.ladder import climb_unreported
from models.tables import Mark
from tests.support.clock import NOW
from tests.support.console import login


async def test_the_board_shows_each_units_marks(client, org, engine):
    with Session(engine) as s:
        climb_unreported(s, "2026-10", AccountabilityConfig().thresholds("unreported"), NOW)      # October: nobody reported
        first = s.exec(select(Mark).where(Mark.member_id == org.people["liming"].id)).one()   # 第一党支部
        first.cleared_at, first.clear_reason = NOW, "已说明"
        s.add(first)
        s.commit()
        b1 = org.units["b1"].id
        standing = len(s.exec(select(Mark).where(Mark.unit_id == b1, Mark.cleared_at.is_(None))).all())
    await login(client, "jiwei")
    resp = await client.get("/console/board")
    html = await resp.text()
    table = html.split('id="reports"', 1)[1].split("</table>", 1)[0]
    assert '<span class="red-mark"' in table
    text = unescape(re.sub(r"<[^>]+>", " ", table))
    assert "本年红叉" in text
    assert re.search(rf"第一党支部[^✗]*✗{standing}\s*（最高：催办），已撤销1", text), text
    assert re.search(r"第二党支部[^✗]*✗1\s*（最高：催办）", text), text
