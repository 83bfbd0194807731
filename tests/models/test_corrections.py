"""models.corrections: 撤回 and 更正 put items back as they were, recorded in the order they happened."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot.nlu import Update
from models.corrections import UNDO_WINDOW, last_reply_updates, move, undo
from models.progress import record_progress
from models.tables import ProgressUpdate
from tests.support.org import get

AT = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _reply(s: Session, words: str, **state) -> None:
    """王芳's reply "words" setting P-1 (and P-3 when given ``p3``) as the progress handler does."""
    who = get(s, "wangfang")
    p3 = state.pop("p3", None)
    record_progress(s, item=get(s, code="P-1"), member=who, at=AT, words=words, msg_id="m1", update=Update(None, **{"status": None, **state}))
    if p3 is not None:
        record_progress(s, item=get(s, code="P-3"), member=who, at=AT, words=words, msg_id="m1", update=Update(None, None, percent=p3))


def test_undo_puts_every_item_of_the_last_reply_back(engine):
    with Session(engine) as s:
        _reply(s, "第1项完成80%，第3项完成50%", percent=80, p3=50)
        s.commit()
        done = undo(s, get(s, "wangfang"), AT + timedelta(minutes=5), "撤回", "m2")
        s.commit()
        assert len(done.changes) == 2 and not done.refused
    with Session(engine) as s:
        assert (get(s, code="P-1").percent, get(s, code="P-3").percent) == (0, 0)
        rows = s.exec(select(ProgressUpdate).order_by(ProgressUpdate.id)).all()
        assert [r.action for r in rows] == ["update", "update", "undo", "undo"]
        assert all(r.undone_at == AT + timedelta(minutes=5) for r in rows[:2])
        assert last_reply_updates(s, get(s, "wangfang"), AT + timedelta(minutes=6)) == []


def test_undo_is_refused_when_someone_else_changed_the_item_since(engine):
    with Session(engine) as s:
        _reply(s, "第1项完成80%", percent=80)
        record_progress(s, item=get(s, code="P-1"), member=get(s, "liming"), at=AT, words="改为90%", update=Update(None, None, percent=90))
        s.commit()
        done = undo(s, get(s, "wangfang"), AT + timedelta(minutes=5), "撤回")
        s.commit()
        assert not done.changes and "他人" in done.refused[0][1]
    with Session(engine) as s:
        assert get(s, code="P-1").percent == 90


def test_move_records_the_undo_before_the_correction(engine):
    with Session(engine) as s:
        _reply(s, "第1项完成80%", percent=80)
        s.commit()
        undone, change, why = move(s, get(s, "wangfang"), get(s, code="P-3"), AT + timedelta(minutes=1),
                                   "不对，是第3项", "m2")
        s.commit()
        assert why == "" and change.applied and len(undone.changes) == 1
    with Session(engine) as s:
        assert (get(s, code="P-1").percent, get(s, code="P-3").percent) == (0, 80)
        rows = s.exec(select(ProgressUpdate).order_by(ProgressUpdate.id)).all()
        assert [(r.action, r.words) for r in rows] == [
            ("update", "第1项完成80%"), ("undo", "不对，是第3项"), ("correct", "第1项完成80%（不对，是第3项）")]


def test_nothing_to_undo_after_the_window(engine):
    with Session(engine) as s:
        _reply(s, "第1项完成80%", percent=80)
        s.commit()
        assert last_reply_updates(s, get(s, "wangfang"), AT + UNDO_WINDOW + timedelta(seconds=1)) == []
