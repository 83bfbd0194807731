"""models.conversation: the bot's memory of each member, written at once, on both engines."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.nlu import Update
from models.conversation import (
    State,
    Waiting,
    item_in_mind,
    lapsed,
    remember_item,
    stop_waiting,
    take_waiting,
    wait_for,
    waiting_for,
)
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


def test_an_update_waiting_for_its_item_is_kept_whole_and_only_while_fresh(engine):
    waiting = State(Waiting.WHICH_ITEM, AT, update=Update(None, None, count=2, total=11, candidates=["R-1", "R-2"]),
                    words="今年已召开11次")
    with Session(engine) as s:
        wait_for(s, get(s, "wangfang"), waiting)
        s.commit()
    with Session(engine) as s:
        who = get(s, "wangfang")
        assert waiting_for(who, AT + timedelta(hours=2)) == waiting     # every field of the update, the total too
        assert waiting_for(who, AT + timedelta(hours=2, seconds=1)) is None     # too late: nothing waited for
        stop_waiting(s, who)
        s.commit()
    with Session(engine) as s:
        who = get(s, "wangfang")
        assert (who.waiting, who.waiting_at) == (None, None)
        assert waiting_for(who, AT) is None


def test_a_new_state_replaces_the_one_before(engine):
    with Session(engine) as s:
        who = get(s, "wangfang")
        wait_for(s, who, State(Waiting.WHICH_ITEM, AT, update=Update(None, "done"), words="已完成"))
        wait_for(s, who, State(Waiting.NOTICE_CONFIRMATION, AT, notice_id=7))
        s.commit()
    with Session(engine) as s:
        state = waiting_for(get(s, "wangfang"), AT + timedelta(hours=3))
        assert (state.kind, state.notice_id, state.update) == (Waiting.NOTICE_CONFIRMATION, 7, None)


def test_a_state_kept_in_an_older_form_reads_as_nothing_waited_for(engine):
    with Session(engine) as s:
        who = get(s, "wangfang")
        who.waiting, who.waiting_at = '{"status": "done", "words": "已完成"}', AT
        assert waiting_for(who, AT) is None
        who.waiting = "not json"
        assert waiting_for(who, AT) is None


def test_nothing_waited_for_writes_nothing(engine):
    with Session(engine) as s:
        with statements(engine) as seen:
            stop_waiting(s, get(s, "wangfang"))
        assert not [x for x in seen if x.split()[0] not in ("BEGIN", "SELECT")]


def test_a_read_back_keeps_its_lines_whole_and_its_own_time_limit(engine):
    lines = [("R-1", Update("R-1", None, count=1)), ("P-3", Update(None, "done", sure=False))]
    kept = State(Waiting.READ_BACK, AT, words="月报：……", lines=lines, until=AT + timedelta(hours=5))
    with Session(engine) as s:
        wait_for(s, get(s, "wangfang"), kept)
        s.commit()
    with Session(engine) as s:
        who = get(s, "wangfang")
        assert waiting_for(who, AT + timedelta(hours=5)) == kept and lapsed(who, AT + timedelta(hours=5)) is None
        assert waiting_for(who, AT + timedelta(hours=5, seconds=1)) is None
        assert lapsed(who, AT + timedelta(hours=5, seconds=1)) == kept       # past its limit: to be told
        assert lapsed(who, AT + timedelta(days=30)) == kept


def test_a_read_back_is_taken_once(engine):
    kept = State(Waiting.READ_BACK, AT, words="x", lines=[("P-1", Update("P-1", "done"))], until=AT + timedelta(hours=1))
    with Session(engine) as s:
        wait_for(s, get(s, "wangfang"), kept)
        s.commit()
    with Session(engine) as first, Session(engine, expire_on_commit=False) as second:
        b = get(second, "wangfang")         # read waiting by another callback (its reading ends: SQLite
        second.commit()                     # lets one writer at a time, as the callbacks' transactions do)
        a = get(first, "wangfang")
        assert b.waiting is not None and take_waiting(first, a, kept) and a.waiting is None
        first.commit()
        assert not take_waiting(second, b, kept)                    # the other finds it gone
    with Session(engine) as s:
        who = get(s, "wangfang")
        assert who.waiting is None and lapsed(who, AT + timedelta(days=2)) is None
