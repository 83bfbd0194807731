"""Who gets what, through run_due and the stand-in: one digest per person per occasion, once."""
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from bot.fitting import MAX_TEXT_BYTES
from bot.texts import NO_NEWS_REPLY, numbered
from models.lookups import my_items
from models.tables import PushLog
from schedules.runner import run_due
from tests.support.cli import by_person
from tests.support.org import leave

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
    assert "回复如：第1项完成80%" in text and text.rstrip().endswith(NO_NEWS_REPLY)   # how to reply survives the cut


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
    [card] = standin.state.to("wu")                             # about one item: a card, its text says how to type
    with Session(engine) as s:
        logged = s.exec(select(PushLog).where(PushLog.member_id == wu.id)).one()
    assert card.msgtype == "template_card" and "直接回复“已完成”" in logged.content


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


async def test_duty_report_prompt_to_every_secretary(org, config, engine, sender, standin):
    org.item("zhao", "X-1", "书记事项", status="done", percent=100)
    org.item("zhao", "X-2", "书记事项二")
    out = await run_due(config, engine, sender, at("2026-12-15T09:00:00+08:00"), kinds=["duty_report"])
    assert [o.line for o in out] == ["年度述职 2026：发送 4 人"]
    sent = by_person(standin)
    assert set(sent) == {"wang", "li", "zhao", "qian"}
    assert "共2项，已完成1项，未完成1项" in sent["zhao"][0]


# --- failures, invalid accounts, interrupted sends ------------------------------------------------------------
