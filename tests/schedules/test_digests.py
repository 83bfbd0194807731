"""Who gets what, through run_due and the stand-in: one digest per person per occasion, once."""
from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from bot.texts import numbered
from bot.wecom import MAX_TEXT_BYTES
from models.lookups import my_items
from models.tables import Member
from schedules.runner import run_due
from tests.support.cli import by_person

PROMPT_AT = datetime.fromisoformat("2026-11-25T01:00:00+00:00")       # 09:00 in Shanghai


def at(s: str) -> datetime:
    return datetime.fromisoformat(s)



# --- monthly prompt ---------------------------------------------------------------------------


async def test_monthly_prompt_one_digest_per_owner_numbered_as_my_list(org, config, engine, sender, standin):
    org.item("sun", "X-1", "学习贯彻会议精神", status="done", percent=100)
    org.item("sun", "X-2", "讲专题党课")
    org.item("sun", "X-3", "开展主题党日", status="in_progress", percent=40)
    org.item("wu", "P-1", "阵地建设项目", kind="project")
    org.item("zhou", "X-9", "已完成的事", status="done", percent=100)

    outcomes = await run_due(config, engine, sender, PROMPT_AT)

    prompt = next(o for o in outcomes if o.occasion.kind == "monthly_prompt")
    assert prompt.sent == 2 and prompt.line == "月报提醒 2026-11：发送 2 人"
    sent = by_person(standin)
    assert set(sent) == {"sun", "wu"}                      # zhou has no open item
    assert len(sent["sun"]) == 1
    text = sent["sun"][0]
    with Session(engine) as s:
        items = my_items(s, org.people["sun"].id, 2026)
    expected = numbered(items, only=[i for i in items if i.is_open], today=date(2026, 11, 25))
    assert expected[0].startswith("2. [X-2]") and expected[1].startswith("3. [X-3]")
    for line in expected:
        assert line in text
    assert "[X-1]" not in text
    assert "回复如：第2项完成80%" in text
    assert "2026年11月" in text


async def test_prompt_with_one_open_item_sets_the_conversation_context(org, config, engine, sender, standin):
    org.item("sun", "X-1", "讲专题党课")
    i2 = org.item("sun", "X-2", "开展主题党日")
    org.item("wu", "X-5", "一项", status="done", percent=100)
    org.item("wu", "X-6", "另一项")
    await run_due(config, engine, sender, PROMPT_AT)
    assert org.member("sun").context_item_id is None           # two open items: no context
    wu = org.member("wu")
    assert wu.context_item_id is not None and wu.context_at == PROMPT_AT
    assert i2.id != wu.context_item_id


async def test_nothing_stale_november_prompt_is_not_sent_in_december(org, config, engine, sender, standin):
    org.item("sun", "X-1", "讲专题党课")
    late = await run_due(config, engine, sender, at("2026-12-01T10:00:00+08:00"), kinds=["monthly_prompt"])
    assert late == [] and standin.state.sent == []
    caught_up = await run_due(config, engine, sender, at("2026-11-27T10:00:00+08:00"))
    assert [o.line for o in caught_up if o.sent] == ["月报提醒 2026-11：发送 1 人"]


async def test_no_push_in_quiet_hours(org, config, engine, sender, standin):
    org.item("sun", "X-1", "讲专题党课")
    assert await run_due(config, engine, sender, at("2026-11-25T23:00:00+08:00")) == []
    assert await run_due(config, engine, sender, at("2026-11-26T07:59:00+08:00")) == []
    assert standin.state.sent == []
    config.schedule.monthly_prompt_time = time(6, 30)      # configured inside the quiet hours
    assert await run_due(config, engine, sender, at("2026-11-25T06:30:00+08:00")) == []
    out = await run_due(config, engine, sender, at("2026-11-25T08:00:00+08:00"))
    assert sum(o.sent for o in out) == 1


async def test_long_digest_is_cut_within_2048_bytes(org, config, engine, sender, standin):
    for n in range(1, 61):
        org.item("sun", f"X-{n}", f"第{n}项很长的党建责任事项名称，用来撑满一条消息的字节数")
    await run_due(config, engine, sender, PROMPT_AT)
    (text,) = by_person(standin)["sun"]
    assert len(text.encode("utf-8")) <= MAX_TEXT_BYTES
    assert "1. [X-1]" in text
    assert "…及其余" in text and "项，回复“我的清单”查看" in text
    shown = sum(1 for line in text.splitlines() if line[:1].isdigit())
    assert f"…及其余{60 - shown}项，回复“我的清单”查看" in text
    assert text.rstrip().endswith("召开了1次支委会")            # how to reply survives the cut


# --- last day and escalation ---------------------------------------------------------------------


async def test_reporter_gets_no_last_day_reminder_and_is_not_escalated(org, config, engine, sender, standin):
    for who in ("sun", "zhou", "wu", "zhao", "li"):
        org.item(who, f"X-{who}", f"{who}的事项")
    org.reported("sun", "2026-11", at("2026-11-26T10:00:00+08:00"))
    org.reported("li", "2026-11", at("2026-11-26T10:00:00+08:00"))

    out = await run_due(config, engine, sender, at("2026-11-30T09:00:00+08:00"), kinds=["last_day"])
    assert [o.line for o in out] == ["月末催报 2026-11：发送 3 人"]
    sent = by_person(standin)
    assert set(sent) == {"zhou", "wu", "zhao"}                # not sun, not li: they reported
    assert "今天是本月最后一天" in sent["zhou"][0]

    standin.state.sent.clear()
    out = await run_due(config, engine, sender, at("2026-12-01T09:00:00+08:00"), kinds=["escalation"])
    assert [o.line for o in out] == ["未报督促 2026-11：发送 3 人"]
    sent = by_person(standin)
    assert {k: len(v) for k, v in sent.items()} == {"zhao": 1, "li": 1, "qian": 1}
    assert "周二" in sent["zhao"][0] and "孙一" not in sent["zhao"][0]
    assert "· 赵书记" not in sent["zhao"][0]                   # a secretary is not told about themself
    assert "· 赵书记（第一党支部支部书记）" in sent["li"][0]     # … but one level up
    assert "吴三" in sent["qian"][0]
    assert "wang" not in sent                                 # li reported: nothing for the party group


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


# --- deadlines ------------------------------------------------------------------------------------------


async def test_deadline_digest_combines_a_persons_items(org, config, engine, sender, standin):
    day = date(2026, 11, 25)
    org.item("sun", "P-1", "七天后截止", kind="project", deadline=day + timedelta(days=7))
    org.item("sun", "P-2", "明天截止", kind="project", deadline=day + timedelta(days=1))
    org.item("sun", "Z-1", "昨天到期的整改", kind="rectification", deadline=day - timedelta(days=1))
    org.item("sun", "P-3", "五天后截止", kind="project", deadline=day + timedelta(days=5))
    org.item("sun", "P-4", "已完成", kind="project", status="done", percent=100, deadline=day + timedelta(days=3))
    only = org.item("wu", "P-9", "三天后截止", kind="project", deadline=day + timedelta(days=3))

    out = await run_due(config, engine, sender, at("2026-11-25T09:00:00+08:00"), kinds=["deadline"])
    assert [o.line for o in out] == ["截止提醒 2026-11-25：发送 2 人"]
    sent = by_person(standin)
    assert len(sent["sun"]) == 1
    text = sent["sun"][0]
    assert "您有3项" in text
    assert "[P-1]" in text and "还有7天" in text
    assert "[P-2]" in text and "还有1天" in text
    assert "[Z-1]" in text and "已逾期1天" in text
    assert "[P-3]" not in text and "[P-4]" not in text
    assert text.index("[Z-1]") < text.index("[P-2]") < text.index("[P-1]")   # soonest first
    assert org.member("sun").context_item_id is None
    wu = org.member("wu")
    assert wu.context_item_id == only.id                       # one item: "已完成" applies to it
    assert "直接回复“已完成”" in sent["wu"][0]


async def test_deadline_reminder_on_the_day_itself_and_not_to_who_left(org, config, engine, sender, standin):
    day = date(2026, 11, 28)                                  # a Saturday: deadline reminders keep their day
    org.item("sun", "P-1", "今天截止的项目", kind="project", deadline=day)
    org.item("sun", "P-2", "两天后截止", kind="project", deadline=day + timedelta(days=2))
    org.item("wu", "P-3", "今天截止，但吴三已离开", kind="project", deadline=day)
    leave(org, "wu")
    out = await run_due(config, engine, sender, at("2026-11-28T09:00:00+08:00"), kinds=["deadline"])
    assert [o.line for o in out] == ["截止提醒 2026-11-28：发送 1 人"]
    (text,) = by_person(standin)["sun"]
    assert "[P-1]" in text and "今天截止" in text and "[P-2]" not in text


async def test_last_day_reminder_on_the_last_working_day(org, config, engine, sender, standin):
    org.item("sun", "X-1", "事项")
    assert await run_due(config, engine, sender, at("2026-05-28T12:00:00+08:00"), kinds=["last_day"]) == []
    await run_due(config, engine, sender, at("2026-05-29T09:00:00+08:00"), kinds=["last_day"])   # the 31st is a Sunday
    (text,) = by_person(standin)["sun"]
    assert "本月只剩3天，您尚未报送2026年5月月报" in text


# --- quarterly digest and duty report -------------------------------------------------------------------


Q3_DIGEST_AT = "2026-10-08T09:00:00+08:00"      # first working day after 国庆节 and 中秋节 (1–7 October)


def branch3(org) -> None:
    """A third branch, without a secretary: 机关党委 covers it."""
    org.unit("b3", "第三党支部", "党支部", parent="committee")
    org.person("zheng", "郑四", "b3")
    org.person("feng", "冯五", "b3")


def leave(org, account: str) -> None:
    """The member left (状态 离开)."""
    with Session(org.engine) as s:
        m = s.get(Member, org.people[account].id)
        m.active = False
        s.add(m)
        s.commit()


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


async def test_duty_report_prompt_to_every_secretary(org, config, engine, sender, standin):
    org.item("zhao", "X-1", "书记事项", status="done", percent=100)
    org.item("zhao", "X-2", "书记事项二")
    out = await run_due(config, engine, sender, at("2026-12-15T09:00:00+08:00"), kinds=["duty_report"])
    assert [o.line for o in out] == ["年度述职 2026：发送 4 人"]
    sent = by_person(standin)
    assert set(sent) == {"wang", "li", "zhao", "qian"}
    assert "共2项，已完成1项，未完成1项" in sent["zhao"][0]


# --- failures, invalid accounts, interrupted sends ------------------------------------------------------------
