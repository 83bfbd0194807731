"""models.nudges: whom a secretary's 催报 reaches, and at most once a day per person, on both engines."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot.wecom import SendResult
from models.nudges import Plan, claim, occasion, plan, settle
from models.organisation import Tree
from models.tables import PushLog
from tests.support.org import get

TZ = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 11, 20, 10, 0, tzinfo=TZ)


def test_the_days_occasion_is_the_local_day():
    assert occasion(datetime.fromisoformat("2026-11-20T16:30:00+00:00"), TZ) == "nudge:2026-11-21"


def _plan(s: Session, sender: str, target: str = "") -> Plan | str:
    return plan(s, Tree.load(s), get(s, sender), target, "2026-11")


def test_a_secretary_nudges_the_non_reporters_of_their_units_never_themself(engine):
    with Session(engine) as s:
        p = _plan(s, "liming")
        assert [m.account for m in p.due] == ["wangfang"] and p.expected == 2      # liming owes too, not nudged
        assert "第一党支部" in p.label


def test_someone_outside_the_senders_units_is_refused_by_name(engine):
    with Session(engine) as s:
        assert "周强（第二党支部）不在您负责的单位范围内" in _plan(s, "liming", "周强")
        assert "没有找到名为“钱七”的党员" in _plan(s, "liming", "钱七")


def test_a_person_who_reported_needs_no_nudge(org, engine):
    org.reported("wangfang", "2026-11", AT)
    with Session(engine) as s:
        p = _plan(s, "liming", "王芳")
        assert p.due == [] and p.reason == "王芳本月已报送，无需提醒。"


def test_one_nudge_a_day_however_many_secretaries_ask_and_a_failed_one_may_go_again(engine):
    key = occasion(AT, TZ)
    with Session(engine, expire_on_commit=False) as s:
        wang = get(s, "wangfang")
        claimed, before = claim(s, key, [wang], "请报送月报", AT)
        s.commit()
        assert claimed == [wang] and before == []
        assert claim(s, key, [wang], "请报送月报", AT) == ([], [wang])          # the same day: nobody
        s.commit()
    settle(engine, key, {wang.id: "wangfang"}, SendResult(ok=False, error="errcode 45009"))
    with Session(engine) as s:
        assert s.exec(select(PushLog.status)).one() == "failed"
        assert claim(s, key, [get(s, "wangfang")], "请报送月报", AT)[0]          # failed: may go again
        s.commit()
    settle(engine, key, {wang.id: "wangfang"}, SendResult(ok=True, invalid=["wangfang"]))
    with Session(engine) as s:
        assert s.exec(select(PushLog.status)).one() == "invalid"
