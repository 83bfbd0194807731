"""schedules.supervision through run_due and the stand-in: 季度督查 rolled up the tree, and 月报督促
of non-reporters to the secretary answering for them."""
from datetime import date, datetime

from bot.fitting import MAX_TEXT_BYTES
from schedules.runner import run_due
from schedules.supervision import quarter_months
from tests.support.cli import by_person
from tests.support.org import leave


def at(s: str) -> datetime:
    return datetime.fromisoformat(s)


Q3_DIGEST_AT = "2026-10-08T09:00:00+08:00"      # first working day after 国庆节 and 中秋节 (1–7 October)


def branch3(org) -> None:
    """A third branch, without a secretary: 机关党委 covers it."""
    org.unit("b3", "第三党支部", "党支部", parent="committee")
    org.person("zheng", "郑四", "b3")
    org.person("feng", "冯五", "b3")


async def test_escalation_skips_a_unit_without_secretary_to_the_next_one_up(org, config, engine, sender, standin):
    org.unit("b3", "第三党支部", "党支部", parent="committee")
    org.person("zheng", "郑四", "b3")
    org.item("zheng", "X-1", "事项")
    await run_due(config, engine, sender, at("2026-12-01T09:00:00+08:00"), kinds=["escalation"])
    sent = by_person(standin)
    assert list(sent) == ["li"] and "郑四（第三党支部）" in sent["li"][0]


async def test_escalation_of_secretaries_goes_to_the_one_responsible_never_to_themself(
        org, config, engine, sender, standin):
    branch3(org)
    for who in ("li", "wang", "zheng", "qian"):
        org.item(who, f"X-{who}", f"{who}的事项")
    await run_due(config, engine, sender, at("2026-12-01T09:00:00+08:00"), kinds=["escalation"])
    sent = by_person(standin)
    assert set(sent) == {"li", "wang"}                        # nobody answers for the 党组 secretary
    assert sent["wang"][0].splitlines() == [
        "【月报督促】王书记，2026年11月以下1人未报送月报：", "· 李书记（机关党委机关党委书记）", "请督促其按月报送清单进展。"]
    assert sent["li"][0].splitlines()[1:] == [                # a branch without a secretary: 机关党委 covers it
        "· 钱书记（第二党支部支部书记）", "· 郑四（第三党支部）", "请督促其按月报送清单进展。"]


async def test_escalation_waits_for_the_first_working_day(org, config, engine, sender, standin):
    org.item("sun", "X-1", "事项")
    assert await run_due(config, engine, sender, at("2026-10-01T09:00:00+08:00"), kinds=["escalation"]) == []
    out = await run_due(config, engine, sender, at("2026-10-08T09:00:00+08:00"), kinds=["escalation"])
    assert [o.line for o in out] == ["未报督促 2026-09：发送 1 人"]
    assert "孙一" in by_person(standin)["zhao"][0]


async def test_quarterly_waits_for_the_first_working_day(org, config, engine, sender, standin):
    org.item("sun", "P-1", "逾期项目", kind="project", deadline=date(2026, 9, 30))
    assert await run_due(config, engine, sender, at("2026-10-01T09:00:00+08:00"), kinds=["quarterly"]) == []
    out = await run_due(config, engine, sender, at(Q3_DIGEST_AT), kinds=["quarterly"])
    assert [o.occasion.key for o in out] == ["quarterly:2026-Q3"]


async def test_quarterly_branch_secretary_gets_their_branch_item_by_item(org, config, engine, sender, standin):
    org.item("sun", "P-1", "逾期项目", kind="project", deadline=date(2026, 9, 30))
    org.item("sun", "Z-1", "整改在办", kind="rectification", status="in_progress", percent=50,
             deadline=date(2026, 12, 31))
    org.item("zhou", "Z-2", "整改待销号", kind="rectification", status="done", percent=100)
    org.item("zhou", "Z-3", "已销号", kind="rectification", status="closed", percent=100)
    org.item("zhao", "X-1", "书记事项")
    for month in ("2026-07", "2026-08", "2026-09"):
        org.reported("sun", month, at(f"{month}-20T10:00:00+08:00"))
    org.reported("zhou", "2026-09", at("2026-09-20T10:00:00+08:00"))

    await run_due(config, engine, sender, at(Q3_DIGEST_AT), kinds=["quarterly"])
    sent = by_person(standin)
    assert set(sent) == {"zhao", "li", "wang"}                # 第二党支部 has nothing: qian gets none
    text = sent["zhao"][0]
    assert "第一党支部2026年第3季度" in text
    # expected: sun and zhao (open items) each month, and zhou in September when he reported: 7; reported 4.
    assert "月报报送率57%（已报4/应报7人次）" in text
    assert "逾期事项1项" in text and "[P-1]" in text and "孙一" in text
    assert "[Z-1]" in text and "[Z-2]" in text and "待核实销号" in text and "[Z-3]" not in text


async def test_quarterly_rolls_up_the_units_below(org, config, engine, sender, standin):
    branch3(org)
    org.item("zheng", "P-7", "无书记支部的逾期项目", kind="project", deadline=date(2026, 9, 1))
    org.item("feng", "Z-7", "无书记支部的整改", kind="rectification", deadline=date(2026, 12, 31))
    org.item("sun", "P-1", "逾期项目", kind="project", deadline=date(2026, 9, 30))
    org.item("wu", "X-2", "二支部事项")
    org.item("li", "X-3", "机关党委事项")
    for month in ("2026-07", "2026-08", "2026-09"):
        org.reported("wu", month, at(f"{month}-20T10:00:00+08:00"))

    await run_due(config, engine, sender, at(Q3_DIGEST_AT), kinds=["quarterly"])
    sent = by_person(standin)
    assert {k: len(v) for k, v in sent.items()} == {"wang": 1, "li": 1, "zhao": 1, "qian": 1}
    assert "zheng" not in sent and "feng" not in sent

    li = sent["li"][0]
    assert len(li.encode("utf-8")) <= MAX_TEXT_BYTES
    assert li.startswith("【季度督查】李书记，机关党委及下属3个单位2026年第3季度清单情况：")
    lines = li.splitlines()
    assert lines[1] == "合计：报送率20%（已报3/应报15人次）｜逾期2项｜未销号整改1项"
    assert lines[2] == "机关党委（本单位）：报送率0%（0/3）｜逾期0项｜未销号整改0项"
    assert lines[3] == "　第一党支部：报送率0%（0/3）｜逾期1项｜未销号整改0项"
    assert lines[4] == "　第二党支部：报送率100%（3/3）｜逾期0项｜未销号整改0项"
    assert lines[5] == "　第三党支部（无书记）：报送率0%（0/6）｜逾期1项｜未销号整改1项"
    assert lines[6] == "回复“第三党支部逾期事项”“第三党支部整改清单”查看明细"
    assert len(lines) == 7                                    # one line per unit, details on request

    wang = sent["wang"][0].splitlines()
    assert wang[0] == "【季度督查】王书记，机关党组及下属4个单位2026年第3季度清单情况："
    assert wang[1] == lines[1]                                # the party group itself has nothing
    assert [line.split("：")[0] for line in wang[2:7]] == [
        "机关党组（本单位）", "　机关党委", "　　第一党支部", "　　第二党支部", "　　第三党支部（无书记）"]

    assert "[P-1]" in sent["zhao"][0] and "第三党支部" not in sent["zhao"][0]
    assert "第二党支部月报报送率100%" in sent["qian"][0]


async def test_quarterly_for_many_units_stays_one_message(org, config, engine, sender, standin):
    for n in range(1, 61):
        org.unit(f"x{n}", f"第{n + 3}党支部（机关综合事务服务中心）", "党支部", parent="committee")
        org.person(f"x{n}", f"成员{n}", f"x{n}")
        org.item(f"x{n}", f"X-{n}", "事项", status="done" if n % 2 else "in_progress", percent=50)
        if n % 2 == 0:
            org.reported(f"x{n}", "2026-09", at("2026-09-20T10:00:00+08:00"))
    org.item("x7", "P-7", "逾期", kind="project", deadline=date(2026, 9, 1))
    await run_due(config, engine, sender, at(Q3_DIGEST_AT), kinds=["quarterly"])
    (li,) = by_person(standin)["li"]
    assert len(li.encode("utf-8")) <= MAX_TEXT_BYTES
    assert "合计：报送率" in li.splitlines()[1] and "逾期1项" in li.splitlines()[1]
    lines = li.splitlines()
    assert "　第10党支部（机关综合事务服务中心）（无书记）：报送率0%（0/3）｜逾期1项｜未销号整改0项" in lines
    shown = [line for line in lines if line.startswith("　第")]
    assert 10 < len(shown) < 31 and all("（1/3）" in line for line in shown if "第10党支部" not in line)
    assert f"另有{60 - len(shown)}个单位未列出（其中29个月报全部报送、无逾期、无未销号整改）" in lines[-2]
    assert lines[-1] == "回复“第10党支部（机关综合事务服务中心）逾期事项”“第10党支部（机关综合事务服务中心）整改清单”查看明细"


async def test_members_who_left_are_not_counted_nor_told(org, config, engine, sender, standin):
    branch3(org)
    org.item("zheng", "P-7", "逾期项目", kind="project", deadline=date(2026, 9, 1))
    org.item("feng", "X-8", "事项")
    org.item("zhao", "X-9", "支部书记的事项")
    org.item("sun", "X-1", "孙一的事项")
    leave(org, "zheng")
    leave(org, "zhao")                                        # 第一党支部 now has no secretary

    await run_due(config, engine, sender, at(Q3_DIGEST_AT), kinds=["quarterly", "escalation"])
    sent = by_person(standin)
    assert "zheng" not in sent and "zhao" not in sent
    (message,) = sent["li"]                                   # both pushes in one message
    escalated, li = message.split("\n\n")                  # in the timetable's order
    assert escalated.startswith("【月报督促】") and li.startswith("【季度督查】")
    assert "　第一党支部（无书记）：报送率0%（0/3）" in li      # sun only; zhao left
    assert "　第三党支部（无书记）：报送率0%（0/3）｜逾期1项" in li   # feng only; zheng's item still counts
    assert "冯五（第三党支部）" in escalated and "孙一（第一党支部）" in escalated
    assert "郑四" not in escalated and "赵书记" not in escalated


def test_a_quarter_is_its_three_months():
    assert quarter_months("2026-Q3") == ["2026-07", "2026-08", "2026-09"]
    assert quarter_months("2027-Q1") == ["2027-01", "2027-02", "2027-03"]
