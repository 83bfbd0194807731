"""schedules.delivery: each (occasion, person) goes out once — reruns, failures, invalid accounts,
crashes — and a card or an image goes out, and is retried, as itself."""
import time
from datetime import date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from bot.messages import Button, Image, TemplateCard, button_card, from_stored
from models.tables import Member, PushLog, utcnow
from schedules import outbox
from schedules.delivery import deliver, parcels_of
from schedules.digests import Push
from schedules.runner import run_due
from tests.support.cli import by_person

PROMPT_AT = datetime.fromisoformat("2026-11-25T01:00:00+00:00")       # 09:00 in Shanghai


def at(s: str) -> datetime:
    return datetime.fromisoformat(s)


# --- monthly prompt ---------------------------------------------------------------------------


async def test_running_again_sends_nothing(org, config, engine, sender, standin):
    org.item("sun", "X-1", "讲专题党课")
    first = await run_due(config, engine, sender, PROMPT_AT)
    second = await run_due(config, engine, sender, PROMPT_AT + timedelta(hours=3))
    assert sum(o.sent for o in first) == 1
    assert sum(o.sent for o in second) == 0
    assert [o.already for o in second if o.occasion.kind == "monthly_prompt"] == [1]
    assert len(standin.state.sent) == 1


async def test_failed_send_is_retried_by_the_next_run(org, config, engine, standin):
    from bot.wecom import WeComSender

    org.item("sun", "X-1", "讲专题党课")
    standin.state.fail_accounts = {"sun"}                       # WeCom refuses the send (60020)
    sender = WeComSender(config.wecom)
    try:
        out = await run_due(config, engine, sender, PROMPT_AT, kinds=["monthly_prompt"])
        assert out[0].failed == 1 and "失败 1 人" in out[0].line
        standin.state.fail_accounts = set()
        out = await run_due(config, engine, sender, PROMPT_AT + timedelta(hours=1), kinds=["monthly_prompt"])
    finally:
        await sender.aclose()
    assert out[0].sent == 1 and len(standin.state.sent) == 1
    with Session(engine) as s:
        assert [r.status for r in s.exec(select(PushLog))] == ["sent"]


async def test_a_token_that_cannot_be_fetched_stops_the_run_before_anything_is_claimed(org, config, engine):
    from bot.config import WeComConfig
    from bot.wecom import WeComSender
    from bot.wecom_errors import TokenUnavailable

    org.item("sun", "X-1", "讲专题党课")
    dead = WeComSender(WeComConfig(corp_id="wwstandin", agent_id=1, secret="standin-secret",
                                   api_base_url="http://127.0.0.1:9/cgi-bin/", max_retries=0, timeout=1))
    try:
        with pytest.raises(TokenUnavailable, match="无法连接企业微信"):
            await run_due(config, engine, dead, PROMPT_AT, kinds=["monthly_prompt"])
    finally:
        await dead.aclose()
    with Session(engine) as s:
        assert list(s.exec(select(PushLog))) == []


async def test_invalid_account_is_logged_and_not_retried(org, config, engine, sender, standin):
    org.item("sun", "X-1", "讲专题党课")
    org.item("wu", "X-2", "开展主题党日")
    standin.state.known_users = {"wu"}
    out = await run_due(config, engine, sender, PROMPT_AT, kinds=["monthly_prompt"])
    assert (out[0].sent, out[0].invalid) == (1, 1)
    out = await run_due(config, engine, sender, PROMPT_AT + timedelta(hours=1), kinds=["monthly_prompt"])
    assert out[0].attempted == 0


async def test_pending_row_left_by_a_crash_is_not_resent_and_becomes_unknown(org, config, engine, sender, standin):
    org.item("sun", "X-1", "讲专题党课")
    org.item("wu", "X-2", "开展主题党日")
    with Session(engine) as s:
        claimed = utcnow() - timedelta(minutes=10)
        s.add(PushLog(occasion="monthly_prompt:2026-11", member_id=org.people["sun"].id,
                      created_at=claimed, attempted_at=claimed, status="pending"))
        s.commit()
    out = await run_due(config, engine, sender, PROMPT_AT, kinds=["monthly_prompt"])
    assert out[0].sent == 1 and set(by_person(standin)) == {"wu"}
    with Session(engine) as s:
        statuses = {r.member_id: r.status for r in s.exec(select(PushLog))}
    assert statuses == {org.people["sun"].id: "unknown", org.people["wu"].id: "sent"}


async def test_a_pending_row_with_no_attempt_on_record_is_still_owed_and_sent_once(org, config, engine, sender,
                                                                                  standin):
    """Rows a release left pending without ever sending (its claim misread on PostgreSQL)."""
    org.item("sun", "X-1", "讲专题党课")
    with Session(engine) as s:
        s.add(PushLog(occasion="monthly_prompt:2026-11", member_id=org.people["sun"].id,
                      created_at=utcnow() - timedelta(hours=30), status="pending"))
        s.commit()
    out = await run_due(config, engine, sender, PROMPT_AT, kinds=["monthly_prompt"])
    assert out[0].sent == 1 and set(by_person(standin)) == {"sun"}
    out = await run_due(config, engine, sender, PROMPT_AT + timedelta(hours=1), kinds=["monthly_prompt"])
    assert out[0].attempted == 0 and len(standin.state.sent) == 1
    with Session(engine) as s:
        [row] = s.exec(select(PushLog)).all()
        assert row.status == "sent" and row.attempted_at is not None


async def test_many_recipients_each_exactly_once(org, config, engine, sender, standin):
    with Session(engine) as s:
        for n in range(200):
            m = Member(account=f"p{n}", name=f"党员{n}", unit_id=org.units["b1"].id)
            s.add(m)
            s.flush()
            from models.tables import Item
            s.add(Item(kind="responsibility", code=f"X-{n}", title="事项", owner_id=m.id,
                       unit_id=m.unit_id, year=2026))
        s.commit()
    import asyncio
    results = await asyncio.gather(run_due(config, engine, sender, PROMPT_AT, kinds=["monthly_prompt"]),
                                   run_due(config, engine, sender, PROMPT_AT, kinds=["monthly_prompt"]))
    assert sum(o.sent for r in results for o in r) == 200
    counts = {k: len(v) for k, v in by_person(standin).items()}
    assert len(counts) == 200 and set(counts.values()) == {1}


async def test_pushes_due_to_one_person_at_one_moment_go_in_one_message(org, config, engine, sender, standin):
    """09:00 on the 25th: the month-end prompt and a deadline reminder are one message."""
    org.item("sun", "X-1", "讲专题党课", kind="project", deadline=date(2026, 11, 28))     # 3 days before
    org.item("wu", "X-2", "开展主题党日")
    out = await run_due(config, engine, sender, PROMPT_AT)
    sent = by_person(standin)
    assert {k: len(v) for k, v in sent.items()} == {"sun": 1, "wu": 1}
    assert "【月报提醒】" in sent["sun"][0] and "【截止提醒】" in sent["sun"][0]
    assert len(sent["sun"][0].encode()) <= 2048
    assert {o.occasion.kind: o.sent for o in out if o.sent} == {"monthly_prompt": 2, "deadline": 1}
    with Session(engine) as s:
        assert {(r.occasion.split(":")[0], r.status) for r in s.exec(select(PushLog))} == {
            ("monthly_prompt", "sent"), ("deadline", "sent")}
    again = await run_due(config, engine, sender, PROMPT_AT + timedelta(hours=2))
    assert sum(o.attempted for o in again) == 0 and len(standin.state.sent) == 2


def test_parts_that_do_not_fit_one_message_go_in_the_next_never_cut():
    """Two long pushes due together: two messages, each whole; short ones still join."""
    long_a, long_b, short = "甲" * 500, "乙" * 500, "丙" * 10          # 1,500 bytes each
    parcels = parcels_of([("quarterly:2026-Q3", [Push(1, "li", long_a), Push(2, "wu", short)]),
                          ("escalation:2026-09", [Push(1, "li", long_b), Push(2, "wu", short)])])
    assert [(p.account, p.content) for p in parcels] == [
        ("li", long_a), ("li", long_b), ("wu", short + "\n\n" + short)]
    assert all(len(p.content.encode()) <= 2048 for p in parcels)


# --- cards and images -----------------------------------------------------------------------------

def card(task_id: str) -> TemplateCard:
    return button_card(task_id, "【截止提醒】讲专题党课", [Button("已完成", "done"), Button("在推进", "doing")],
                       "【截止提醒】讲专题党课 今天到期，回复“第1项完成”即可。")


def rows(engine) -> dict[tuple[str, int], PushLog]:
    with Session(engine) as s:
        return {(r.occasion, r.member_id): r for r in s.exec(select(PushLog))}


def test_a_card_goes_as_a_card_only_when_it_is_all_the_person_is_due():
    parcels = parcels_of([("monthly_prompt:2026-11", [Push(1, "sun", "【月报提醒】"), Push(2, "wu", "【月报提醒】")]),
                          ("deadline:2026-11-25", [Push(1, "sun", card("push-a")), Push(2, "wu", "【截止提醒】"),
                                                   Push(3, "zhou", card("push-z"))]),
                          ("last_day:2026-11", [Push(1, "sun", "【月末提醒】")])])
    assert [(p.account, p.message.kind, p.content) for p in parcels] == [
        ("sun", "text", f"【月报提醒】\n\n{card('push-a').text}\n\n【月末提醒】"),     # one message: the card's text joins
        ("wu", "text", "【月报提醒】\n\n【截止提醒】"),
        ("zhou", "template_card", card("push-z").text)]


def test_an_image_still_goes_alone():
    image = Image("a.png", "【图片】学习资料", b"PNG-BYTES")
    parcels = parcels_of([("monthly_prompt:2026-11", [Push(1, "sun", "【月报提醒】")]),
                          ("notice:1", [Push(1, "sun", image)])])
    assert [(p.account, p.message.kind) for p in parcels] == [("sun", "text"), ("sun", "image")]


async def test_a_card_is_pushed_logged_with_its_json_and_retried_as_a_card(org, engine, sender, standin):
    sun, wu = org.people["sun"].id, org.people["wu"].id
    occasion = "deadline:2026-11-25"
    standin.state.fail_accounts = {"sun"}
    tally = await deliver(engine, sender, occasion, [Push(sun, "sun", card("push-sun")), Push(wu, "wu", card("push-wu"))],
                          PROMPT_AT)
    assert (tally.sent, tally.failed) == (1, 1)
    logged = rows(engine)
    assert logged[(occasion, sun)].status == "failed" and logged[(occasion, sun)].content == card("push-sun").text
    assert from_stored(logged[(occasion, sun)].message, "") == card("push-sun")          # the card, whole

    standin.state.fail_accounts = set()
    after, total = await outbox.resend(engine, sender, outbox.find(engine), PROMPT_AT)
    assert total.sent == 1 and [e.status for e in after] == ["sent"]
    [again] = standin.state.to("sun")
    assert again.msgtype == "template_card" and again.raw["template_card"]["task_id"] == "push-sun"
    assert again.response_code is not None
    assert rows(engine)[(occasion, sun)].status == "sent" and len(standin.state.sent) == 2


async def test_an_image_push_whose_media_id_expired_is_retried_by_uploading_again(org, engine, sender, standin):
    sun = org.people["sun"].id
    occasion = "reassign:2026-11-20"
    photo = Image("ledger.png", "[图片] 整改台账", data=b"\x89PNG-ledger")
    standin.state.fail_accounts = {"sun"}
    assert (await deliver(engine, sender, occasion, [Push(sun, "sun", photo)], PROMPT_AT)).failed == 1
    assert len(standin.state.uploads) == 1 and standin.state.sent == []
    logged = rows(engine)[(occasion, sun)]
    assert logged.content == "[图片] 整改台账" and "media_id" not in logged.message

    standin.state.fail_accounts = set()
    standin.state.clock = lambda: time.time() + 3 * 86400               # the first media_id has expired
    after, total = await outbox.resend(engine, sender, outbox.find(engine), PROMPT_AT)
    assert total.sent == 1 and [e.status for e in after] == ["sent"]
    assert [u.data for u in standin.state.uploads] == [b"\x89PNG-ledger"] * 2
    [sent] = standin.state.sent
    assert sent.msgtype == "image" and sent.raw["image"]["media_id"] == standin.state.uploads[1].media_id


async def test_a_stop_leaves_sends_unanswered_after_the_grace_in_doubt_and_releases_those_never_begun(
        org, engine, sender, standin):
    """SIGTERM's stop: two sends in flight get the grace and, unanswered, are abandoned (``pending``
    with their attempt: they may have arrived); the four never begun are released (owed)."""
    import asyncio

    from bot.messages import Text
    from schedules.delivery import deliver_parcels

    people = list(org.people.values())[:6]
    pushes = [Push(p.id, p.account, Text(f"测试 {p.account}")) for p in people]
    standin.state.send_delay = 2.0
    stop = asyncio.Event()
    asyncio.get_running_loop().call_later(0.3, stop.set)
    started = time.monotonic()
    tallies = await deliver_parcels(engine, sender, parcels_of([("nudge:2026-11-20", pushes)]), PROMPT_AT,
                                    workers=2, stop=stop, grace=0.2)
    assert time.monotonic() - started < 1.5                    # did not wait for the answers
    tally = tallies["nudge:2026-11-20"]
    assert (tally.sent, tally.failed, tally.held) == (0, 0, 4)
    with Session(engine) as s:
        rows = s.exec(select(PushLog)).all()
    assert sorted((r.status, r.attempted_at is None) for r in rows) == \
        [("pending", False)] * 2 + [("pending", True)] * 4
