"""models.conversation: the bot's memory of each member, written at once, on both engines."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from models.conversation import PendingUpdate, item_in_mind, keep_pending, remember_item, take_pending
from models.lookups import my_items
from tests.support.org import get
from tests.support.statements import statements

AT = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_item_in_mind_is_remembered_for_three_days(engine):
    with Session(engine) as s:
        who, item = get(s, "wangfang"), get(s, code="P-3")
        with statements(engine) as seen:
            remember_item(s, who, item, AT)
        assert [x.split()[0] for x in seen] == ["UPDATE"] and who not in s.dirty
        s.commit()
    with Session(engine) as s:
        who = get(s, "wangfang")
        items = my_items(s, who.id, 2026)
        assert item_in_mind(who, items, AT + timedelta(days=3)).code == "P-3"
        assert item_in_mind(who, items, AT + timedelta(days=3, seconds=1)) is None


def test_a_pending_update_is_taken_once_and_only_while_fresh(engine):
    pending = PendingUpdate(status="done", percent=None, count=None, words="已完成")
    with Session(engine) as s:
        keep_pending(s, get(s, "wangfang"), pending, AT)
        s.commit()
    with Session(engine) as s:
        who = get(s, "wangfang")
        assert take_pending(s, who, AT + timedelta(hours=1)) == pending
        assert take_pending(s, who, AT + timedelta(hours=1)) is None      # forgotten once taken
        s.commit()
    with Session(engine) as s:
        who = get(s, "wangfang")
        assert (who.pending_update, who.pending_at) == (None, None)
        keep_pending(s, who, pending, AT)
        assert take_pending(s, who, AT + timedelta(hours=2, seconds=1)) is None    # too late: forgotten too
        s.commit()
    with Session(engine) as s:
        assert get(s, "wangfang").pending_update is None


def test_nothing_pending_writes_nothing(engine):
    with Session(engine) as s:
        with statements(engine) as seen:
            assert take_pending(s, get(s, "wangfang"), AT) is None
        assert not [x for x in seen if x.split()[0] not in ("BEGIN", "SELECT")]
