"""三会一课 in the pushes (schedules.meetings): the reminder of a branch behind its frequency, once,
before the period ends; the 季督 digest's lines of each branch's meetings against its frequency."""
from datetime import date, datetime

from sqlmodel import Session

from bot.config import ScheduleConfig
from models.meetings import name_recorder, store
from models.tables import Member
from schedules.runner import run_due
from schedules.timetable import PushKind, month_occasions
from tests.support.cli import by_person
from tests.support.org import SH


def at(s: str) -> datetime:
    return datetime.fromisoformat(s)


def _held(engine, org, unit: str, reporter: str, *meetings: tuple[str, date]) -> None:
    with Session(engine) as s:
        member = s.get(Member, org.people[reporter].id)
        for kind, held_on in meetings:
            store(s, unit_id=org.units[unit].id, member=member, kind=kind, held_on=held_on, due=None, present=None,
                  topic=None, words=f"{held_on}召开{kind}", at=datetime(2026, 11, 1, 9, tzinfo=SH), msg_id=None,
                  update_id=None, confirmed=False)
        s.commit()


def test_the_reminder_opens_on_the_configured_day_and_runs_to_the_months_end():
    cfg = ScheduleConfig()
    [nov] = [o for o in month_occasions(2026, 11, cfg) if o.kind == PushKind.MEETINGS]
    assert (nov.key, nov.start, nov.end) == ("meetings:2026-11", datetime(2026, 11, 20, 9, tzinfo=SH),
                                             datetime(2026, 12, 1, tzinfo=SH))
    [dec] = [o for o in month_occasions(2026, 12, cfg) if o.kind == PushKind.MEETINGS]
    assert dec.start == datetime(2026, 12, 18, 9, tzinfo=SH)        # the 20th is a Sunday: the Friday before
    cfg.meetings.reminder_day = 0
    assert not [o for o in month_occasions(2026, 11, cfg) if o.kind == PushKind.MEETINGS]


async def test_a_branch_behind_is_reminded_once_its_secretary_and_the_member_it_named(
        org, config, engine, sender, standin):
    config.meetings.reminder_day = 20
    _held(engine, org, "b1", "zhao", ("支委会", date(2026, 11, 5)), ("党小组会", date(2026, 11, 6)))
    _held(engine, org, "b2", "qian", ("支委会", date(2026, 11, 3)))
    with Session(engine) as s:
        name_recorder(s, s.get(Member, org.people["qian"].id), s.get(Member, org.people["wu"].id), datetime.now(SH))
        s.commit()
    assert await run_due(config, engine, sender, at("2026-11-20T08:59:00+08:00"), kinds=["meetings"]) == []
    await run_due(config, engine, sender, at("2026-11-20T09:00:00+08:00"), kinds=["meetings"])
    sent = by_person(standin)
    assert set(sent) == {"qian", "wu"}                      # b1 is on track; 党组 and 机关党委 hold no 三会一课
    assert sent["qian"][0].startswith("【三会一课提醒】钱书记，第二党支部以下会议本期尚未召开（本期11月底结束）：\n· 党小组会（11月）\n")
    assert "支委会" not in sent["qian"][0].split("\n", 2)[1] and "召开后请在聊天中报送" in sent["qian"][0]
    await run_due(config, engine, sender, at("2026-11-27T09:00:00+08:00"), kinds=["meetings"])
    assert {k: len(v) for k, v in by_person(standin).items()} == {"qian": 1, "wu": 1}      # once


async def test_at_a_quarters_end_the_quarterly_kinds_are_owed_too(org, config, engine, sender, standin):
    config.meetings.reminder_day = 20
    _held(engine, org, "b1", "zhao", ("支委会", date(2026, 12, 2)), ("党小组会", date(2026, 12, 3)),
          ("党课", date(2026, 10, 15)))
    _held(engine, org, "b2", "qian", ("支委会", date(2026, 12, 2)), ("党小组会", date(2026, 12, 3)),
          ("党课", date(2026, 11, 15)), ("支部党员大会", date(2026, 10, 20)))
    await run_due(config, engine, sender, at("2026-12-18T09:00:00+08:00"), kinds=["meetings"])
    sent = by_person(standin)
    assert set(sent) == {"zhao"}
    assert "· 支部党员大会（第4季度）\n" in sent["zhao"][0] and "党课" not in sent["zhao"][0]


async def test_the_quarterly_digest_shows_each_branchs_meetings_against_its_frequency(
        org, config, engine, sender, standin):
    config.meetings.in_quarterly = True
    org.item("sun", "X-1", "事项一")
    org.item("wu", "X-2", "事项二")
    _held(engine, org, "b1", "zhao", *[("支委会", date(2026, m, 5)) for m in (7, 8, 9)],
          *[("党小组会", date(2026, m, 6)) for m in (7, 8, 9)], ("支部党员大会", date(2026, 8, 1)),
          ("党课", date(2026, 9, 1)))
    _held(engine, org, "b2", "qian", ("支委会", date(2026, 7, 5)), ("支委会", date(2026, 7, 25)))    # July twice
    await run_due(config, engine, sender, at("2026-10-09T09:00:00+08:00"), kinds=["quarterly"])
    sent = by_person(standin)
    li = sent["li"][0]
    assert "三会一课（第3季度，已召开/应召开）：\n· 第二党支部：支部党员大会0/1、支委会1/3、党小组会0/3、党课0/1\n" \
           "其余1个支部均按要求召开" in li
    assert "第一党支部：支部党员大会" not in li
    assert "三会一课（第3季度，已召开/应召开）：\n均按要求召开" in sent["zhao"][0]       # one branch: his own


async def test_branches_without_a_secretary_go_to_the_one_above_in_one_message(org, config, engine, sender, standin):
    config.meetings.reminder_day = 20
    org.unit("b3", "第三党支部", "党支部", parent="committee")
    org.unit("b4", "第四党支部", "党支部", parent="committee")
    month = [("支委会", date(2026, 11, 3)), ("党小组会", date(2026, 11, 4))]
    _held(engine, org, "b1", "zhao", *month)
    _held(engine, org, "b2", "qian", *month)
    _held(engine, org, "b4", "li", ("支委会", date(2026, 11, 3)))
    await run_due(config, engine, sender, at("2026-11-20T09:00:00+08:00"), kinds=["meetings"])
    sent = by_person(standin)
    assert {k: len(v) for k, v in sent.items()} == {"li": 1}
    assert sent["li"][0].startswith("【三会一课提醒】李书记，以下支部本期尚有会议未召开（本期11月底结束）：\n"
                                    "· 第三党支部：支委会（11月）、党小组会（11月）\n· 第四党支部：党小组会（11月）\n")
