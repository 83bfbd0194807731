"""Issue 23 point 8, through the demo's own input (piped, as tests/bot/demo/test_demo_run.py): a
card shows with numbered buttons and "/点 N" taps button N of the last card the current member
received, through a real encrypted template_card_event — docs/demo.md's walk-through: a deadline
reminder tapped done, the close-off request approved on its card, a read-back confirmed."""
from __future__ import annotations

import calendar
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from models.db import make_engine, session_scope
from models.tables import CardTap, Item, ProgressUpdate
from tests.bot.demo.test_demo_run import run_demo

TZ = ZoneInfo("Asia/Shanghai")


def reminder_day(now: datetime) -> datetime:
    """When the demo's Z-1 of 张伟 (due in ten days) is reminded seven days ahead, alone: 10:00 then."""
    day = now + timedelta(days=3)
    if (now + timedelta(days=10)).year != now.year or day.day in (25, calendar.monthrange(day.year, day.month)[1]):
        pytest.skip("the demo's deadlines are clamped to the year, or the reminder falls with the month-end prompt")
    return day.replace(hour=10, minute=0, second=0, microsecond=0)


def test_a_reminder_tapped_done_a_close_off_approved_and_a_read_back_confirmed(tmp_path):
    at = reminder_day(datetime.now(TZ))
    proc = run_demo(tmp_path, ["zhangwei", f"/快进 到 {at:%Y-%m-%d %H:%M}", "/点 1", "/切换 wangxiaodong", "/点 9",
                               "/点 1", "/切换 zhangwei", "第4项完成50%，第3项完成了1次，召开了1次支委会", "/点 1",
                               "/点 1", "/退出"], "--fresh")
    out = proc.stdout
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr + out
    reminded = out[out.index("张伟> /快进"):out.index("张伟> /点 1")]
    assert "【截止提醒】还有7天" in reminded and "[1] 已完成  [2] 在推进  [3] 遇到困难" in reminded
    assert "（卡片已更新，按钮显示为“已记录：已完成" in out
    secretary = out[out.index("王晓东"):]
    assert "【整改待销号】" in secretary and "[1] 同意销号  [2] 退回" in secretary
    assert "请写按钮的编号（1到2）" in secretary                                   # "/点 9": no such button
    assert "（卡片已更新，按钮显示为“已同意销号”）" in secretary
    assert "已由王晓东销号" in out[out.index("张伟> 第4项"):] or "已由王晓东销号" in out[out.index("王晓东> /切换"):]
    read_back = out[out.index("张伟> 第4项"):]
    assert "【请核对】我理解为（共3条，尚未记录）" in read_back and "[1] 确认保存  [2] 有误，我来改" in read_back
    assert "（卡片已更新，按钮显示为“已确认保存”）" in read_back
    assert "这张卡片已经点选过（确认保存）" in read_back                           # the second "/点 1"

    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'demo.db'}")
    with session_scope(engine) as s:
        z1 = s.exec(select(Item).where(Item.code == "Z-1")).one()
        assert z1.status == "closed"
        words = [u.words for u in s.exec(select(ProgressUpdate).where(ProgressUpdate.item_id == z1.id)
                                         .order_by(ProgressUpdate.id))][-2:]
        assert words == ["[按钮] 已完成", "[按钮] 销号"]
        assert len(s.exec(select(CardTap)).all()) == 3
        r18 = s.exec(select(Item).where(Item.code == "R-18")).one()
        assert (r18.status, r18.percent) == ("in_progress", 50)
