"""The demo's server runs the pushes due at a moment the way production does: in one go, so a
person due two pushes at once gets one message (issue 11: one message per person per moment)."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.demo.folder import BOOK_FILE
from bot.demo.organisation import prepare_data
from bot.demo.server import DemoServer, demo_config
from bot.runtime import Clock

TZ = ZoneInfo("Asia/Shanghai")


def test_pushes_due_together_reach_each_person_in_one_message(tmp_path):
    cfg = demo_config(None, tmp_path)
    now = datetime(2026, 11, 22, 10, 0, tzinfo=TZ)
    clock = Clock(cfg.tz, now - datetime.now(TZ))
    prepare_data(cfg, tmp_path / BOOK_FILE, now)
    at = datetime(2026, 11, 25, 9, 0, tzinfo=TZ)          # 月报提醒 and 截止提醒 fall together
    with DemoServer(cfg, clock) as server:
        server.run_due(at - timedelta(days=2))            # the earlier deadline reminders, out of the way
        groups = dict(server.run_due(at))
    per_person = Counter(account for messages in groups.values() for m in messages for account in m.touser)
    assert per_person and max(per_person.values()) == 1
    both = groups["月报提醒、截止提醒"]
    assert both and all("【月报提醒】" in m.content and "【截止提醒】" in m.content for m in both)
    assert groups["月报提醒"]
