"""问责 as a ladder through ``qingdan remind --at``: a member who never reports climbs 提示 → 催办 →
通报 → 约谈 over three months, each step leaving a mark that stays; overdue items climb by days;
the study day reminds the members of the units that keep one. SQLite and PostgreSQL."""
from datetime import date, datetime

import openpyxl
import pytest
from sqlmodel import Session, select

from bot.config import load
from models.ladder import marks_of_year
from models.tables import Mark, Talk
from schedules.timetable import PushKind, month_occasions
from tests.support.cli import by_person, qingdan
from tests.support.config import write_config
from tests.support.org import three_levels


@pytest.fixture
def standin(threaded_standin):
    return threaded_standin


@pytest.fixture
def org(bare_engine):
    o = three_levels(bare_engine)
    o.item("sun", "X-1", "讲专题党课", deadline=date(2026, 12, 31))
    return o


@pytest.fixture
def setup(tmp_path, db_url, org, standin):
    return write_config(tmp_path / "config.toml", db_url, standin.base_url)


def escalation_at(setup, year: int, month: int) -> str:
    """When 未报督促 opens in ``year-month`` (the 1st, or the next working day), ISO."""
    cfg = load(setup, environ={}).schedule
    (occ,) = [o for o in month_occasions(year, month, cfg) if o.kind == PushKind.ESCALATION]
    return occ.start.isoformat()


def marks(engine) -> list[tuple[str, int, str, bool]]:
    with Session(engine) as s:
        return [(m.reason.value, m.month, m.step, m.cleared_at is not None)
                for m in s.exec(select(Mark).order_by(Mark.month, Mark.id))]


def test_three_months_unreported_climb_to_a_talk(setup, standin, org):
    first = qingdan("remind", "--at", escalation_at(setup, 2026, 9), config=setup)
    assert first.returncode == 0, first.stderr
    sent = by_person(standin)
    assert any("【月报督促】赵书记" in t and "孙一" in t for t in sent["zhao"])        # 催办, as before
    assert "li" not in sent and "问责" not in first.stdout           # 提示 and 催办: today's pushes, and a mark
    assert marks(org.engine) == [("未报", 8, "催办", False)]

    qingdan("remind", "--at", escalation_at(setup, 2026, 10), config=setup)
    sent = by_person(standin)
    assert any("【问责通报】李书记" in t and "孙一（第一党支部）9月月报未报送" in t for t in sent["li"])
    assert any("【问责提示】孙一" in t and "· 9月月报未报送：已通报李书记" in t for t in sent["sun"])
    assert marks(org.engine)[-1] == ("未报", 9, "通报", False)
    (digest,) = [t for t in sent["li"] if "【季度督查】李书记" in t]       # 季督 of Q3, the same moment
    assert "问责通报（本季度红叉达通报、约谈）：\n· 孙一（第一党支部）9月月报未报送：通报" in digest

    third = escalation_at(setup, 2026, 11)
    qingdan("remind", "--at", third, config=setup)
    again = qingdan("remind", "--at", third, config=setup)            # the push log: nothing twice
    assert "问责" not in again.stdout
    sent = by_person(standin)
    talks = [t for t in sent["li"] if "【约谈】李书记" in t]
    assert len(talks) == 1 and "孙一（第一党支部）10月月报未报送" in talks[0] and "约谈 孙一 已完成" in talks[0]
    assert marks(org.engine) == [("未报", 8, "催办", False), ("未报", 9, "通报", False), ("未报", 10, "约谈", False)]
    with Session(org.engine) as s:
        (talk,) = s.exec(select(Talk)).all()
        assert (talk.member_id, talk.holder_id, talk.done_at) == (org.people["sun"].id, org.people["li"].id, None)
        people, units = marks_of_year(s, 2026)
    assert (people[org.people["sun"].id].standing, people[org.people["sun"].id].highest) == (3, "约谈")
    assert units[org.units["b1"].id].standing == 3

    qingdan("remind", "--at", "2026-12-15T09:00:00+08:00", config=setup)     # 年度述职 counts them
    (duty,) = [t for t in by_person(standin)["zhao"] if "【年度述职】" in t]
    assert "本年度问责：本人无红叉；本单位红叉3个（最高：约谈）。" in duty

    book = setup.parent / "book.xlsx"                                        # the export counts them
    assert qingdan("export", str(book), "--year", "2026", config=setup).returncode == 0
    wb = openpyxl.load_workbook(book)
    rows = [[c.value for c in r] for r in wb["红叉"].iter_rows(min_row=2)]
    assert [[r[1], r[3], r[4], r[6], r[8]] for r in rows] == [
        ["孙一", "2026-08", "未报", "催办", "有效"], ["孙一", "2026-09", "未报", "通报", "有效"],
        ["孙一", "2026-10", "未报", "约谈", "有效"]]
    assert rows[0][7] == "2026-09-01 09:00" and rows[2][11] == "待李书记约谈"
    totals = [[c.value for c in r] for r in wb["红叉汇总"].iter_rows(min_row=2)]
    assert totals == [["个人", "孙一", "第一党支部", 3, 0, "约谈"], ["组织", "第一党支部", None, 3, 0, "约谈"]]
    again = qingdan("import", str(book), config=setup)
    assert again.returncode == 0 and "红叉" not in again.stdout + again.stderr     # skipped, as 月报 is


def test_a_report_breaks_the_streak_and_the_marks_stay(setup, standin, org):
    qingdan("remind", "--at", escalation_at(setup, 2026, 9), config=setup)
    org.reported("sun", "2026-09", org_at(2026, 9, 15))
    qingdan("remind", "--at", escalation_at(setup, 2026, 10), config=setup)
    qingdan("remind", "--at", escalation_at(setup, 2026, 11), config=setup)
    assert marks(org.engine) == [("未报", 8, "催办", False), ("未报", 10, "催办", False)]   # 10月: the 1st again


def org_at(year, month, day):
    from datetime import datetime

    from tests.support.clock import TZ
    return datetime(year, month, day, 10, 0, tzinfo=TZ)


def test_an_overdue_item_climbs_by_days(setup, standin, org):
    org.item("zhou", "P-2", "建设党员活动室", kind="project", deadline=date(2026, 10, 10))
    org.reported("zhou", "2026-10", org_at(2026, 10, 20))
    for day in ("2026-10-11", "2026-10-17", "2026-11-09", "2026-12-09"):
        assert qingdan("remind", "--at", f"{day}T09:30:00+08:00", config=setup).returncode == 0
    got = [m for m in marks(org.engine) if m[0] == "逾期"]
    assert got == [("逾期", 10, "催办", False), ("逾期", 11, "通报", False), ("逾期", 12, "约谈", False)]
    sent = by_person(standin)
    assert any("【问责催办】赵书记" in t and "周二（第一党支部）[P-2] 建设党员活动室逾期7天" in t for t in sent["zhao"])
    assert any("【问责通报】李书记" in t and "逾期30天" in t for t in sent["li"])
    assert any("[P-2] 建设党员活动室逾期30天：已通报李书记" in t for t in sent["zhou"])


def test_the_study_day_reminds_the_units_that_keep_one(tmp_path, db_url, org, standin):
    setup = write_config(tmp_path / "config.toml", db_url, standin.base_url,
                         extra='[study_day]\nday = "23"\ntime = "08:30"\nunits = ["第一党支部"]\n')
    out = qingdan("remind", "--at", "2026-11-23T08:30:00+08:00", config=setup)
    assert out.returncode == 0, out.stderr
    assert "学习日提醒 2026-11-23：发送 3 人" in out.stdout
    sent = by_person(standin)
    assert set(sent) == {"zhao", "sun", "zhou"}
    assert sent["sun"] == ["【学习日提醒】孙一，今天（11月23日）是第一党支部的固定学习日，请按安排参加集中学习。"]
    assert "学习日" not in qingdan("remind", "--at", "2026-11-24T08:30:00+08:00", config=setup).stdout


# --- in chat, through real encrypted callbacks --------------------------------------------------------

@pytest.fixture
async def chat(setup, aiohttp_client):
    """``say(account, text)`` to the app built from the same configuration, its clock at NOW."""
    from bot.app import build_app
    from bot.runtime import Clock, Runtime
    from tests.support import wecom as wf
    from tests.support.clock import NOW, TZ

    runtime = Runtime.build(load(setup, environ={}), clock=Clock(TZ, offset=NOW - datetime.now(TZ)))
    client = await aiohttp_client(build_app(runtime))

    async def say(account: str, text: str) -> str:
        return await wf.say(client, account, text)

    yield say
    runtime.close()


async def test_marks_stay_after_reporting_and_a_clearing_keeps_its_reason(setup, standin, org, chat):
    for month in (9, 10, 11):
        qingdan("remind", "--at", escalation_at(setup, 2026, month), config=setup)
    assert "已记录" in await chat("sun", "第1项完成了")                       # the member reports at last
    assert [m[2] for m in marks(org.engine)] == ["催办", "通报", "约谈"]      # the marks stay

    assert "· 问责记录 —— 本年红叉；约谈 " in await chat("li", "帮助")
    listing = await chat("li", "问责记录")
    assert "2026年问责记录：红叉3个：" in listing
    assert "· 孙一（第一党支部）10月月报未报送：约谈，待李书记约谈" in listing
    assert "须由其上级书记撤销" in await chat("zhao", "撤销 孙一 9月红叉：已补报")     # their own secretary: no
    assert "没有未撤销的红叉" in await chat("li", "撤销 孙一 7月红叉：误记")
    cleared = await chat("li", "撤销 孙一 9月红叉：病假期间，已说明情况")
    assert "已撤销红叉：孙一（第一党支部）9月月报未报送：通报（已撤销：病假期间，已说明情况）" in cleared
    assert marks(org.engine)[1] == ("未报", 9, "通报", True)
    with Session(org.engine) as s:
        mark = s.exec(select(Mark).where(Mark.month == 9)).one()
        assert (mark.clear_reason, mark.cleared_by) == ("病假期间，已说明情况", org.people["li"].id)
    assert "红叉2个，另已撤销1个" in await chat("sun", "红叉")

    assert "红叉恢复有效" in await chat("li", "撤回")                           # undone by its author
    assert marks(org.engine)[1] == ("未报", 9, "通报", False)

    assert "没有待完成的对孙一的约谈，未作记录" in await chat("zhao", "约谈 孙一 已完成：谈过了")   # not the holder
    assert "只有上级书记可以撤销红叉" in await chat("sun", "撤销 孙一 9月红叉：我补报了")
    assert "您负责的范围内没有找到“吴三”" in await chat("zhao", "撤销 吴三 9月红叉：误记")
    done = await chat("li", "约谈 孙一 已完成：谈了按时报送的要求")
    assert "对孙一的约谈已完成（1项）" in done
    with Session(org.engine) as s:
        (talk,) = s.exec(select(Talk)).all()
        assert talk.note == "谈了按时报送的要求" and talk.done_at is not None
    assert "没有待完成的对孙一的约谈" in await chat("li", "约谈 孙一 已完成：再谈一次")
    assert "已约谈：谈了按时报送的要求" in await chat("li", "红叉")


async def test_clearing_asks_which_when_the_month_has_several(setup, standin, org, chat):
    org.item("sun", "P-2", "建设党员活动室", kind="project", deadline=date(2026, 9, 20))
    qingdan("remind", "--at", "2026-09-30T09:30:00+08:00", config=setup)      # 10 days overdue: 催办
    qingdan("remind", "--at", escalation_at(setup, 2026, 10), config=setup)   # September not reported
    asked = await chat("li", "撤销 孙一 9月红叉：已说明")
    assert "孙一9月有2个红叉，请写明是哪一个，未作更改" in asked
    assert not any(m[3] for m in marks(org.engine))
    assert "[P-2] 建设党员活动室逾期" in await chat("li", "撤销 孙一 9月 P-2 红叉：工期顺延已批准")
    assert [(m[0], m[3]) for m in marks(org.engine) if m[1] == 9] == [("逾期", True), ("未报", False)]


def test_the_study_day_joins_what_else_is_due_at_that_moment(tmp_path, db_url, org, standin):
    setup = write_config(tmp_path / "config.toml", db_url, standin.base_url, extra='[study_day]\nday = "25"\n')
    out = qingdan("remind", "--at", "2026-11-25T09:00:00+08:00", config=setup)
    assert "学习日提醒 2026-11-25：发送 7 人" in out.stdout and "月报提醒 2026-11：发送 1 人" in out.stdout
    (one,) = by_person(standin)["sun"]                                # one message per person per moment
    assert one.startswith("【月报提醒】孙一") and "\n\n【学习日提醒】孙一，今天（11月25日）是第一党支部" in one
