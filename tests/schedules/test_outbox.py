"""``qingdan outbox`` as an administrator runs it (``tests.support.cli``; two at once as processes),
on SQLite and PostgreSQL, against a stand-in WeCom that refuses the sends to some accounts
(``state.fail_accounts``)."""
import asyncio
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update
from sqlmodel import Session, select

from bot.cli import main
from bot.messages import Button, Image, button_card
from bot.wecom import WeComSender
from models.tables import PushLog, PushStatus, utcnow
from schedules.delivery import deliver
from schedules.digests import Push
from schedules.outbox import Entry, failure_lines, occasion_label
from tests.support.cli import qingdan
from tests.support.config import make_config, write_config
from tests.support.org import Org

PROMPT = "2026-11-25T01:00:00Z"          # 09:00 in Shanghai: the monthly prompt is due


def received(standin) -> Counter:
    return Counter(a for m in standin.state.sent for a in m.touser)


@pytest.fixture
def standin(threaded_standin):
    return threaded_standin


@pytest.fixture
def org(bare_engine) -> Org:
    """Twelve owners of an open item."""
    org = Org(bare_engine)
    org.unit("b1", "第一党支部", "党支部")
    for n in range(12):
        org.person(f"u{n}", f"党员{n}", "b1", "支部书记" if n == 0 else "党员")
        org.item(f"u{n}", f"X-{n}", "讲专题党课")
    return org


@pytest.fixture
def failed(tmp_path, db_url, org, standin):
    """The monthly prompt sent with u3 and u7 refused by WeCom (60020); the config file."""
    config = write_config(tmp_path / "config.toml", db_url, standin.base_url)
    standin.state.fail_accounts = {"u3", "u7"}
    assert qingdan("remind", "--at", PROMPT, config=config).returncode == 1
    assert set(received(standin)) == {f"u{n}" for n in range(12)} - {"u3", "u7"}
    return config


def add_unknown(engine, org, account: str, occasion: str = "deadline:2026-11-25") -> None:
    """A push claimed by a process that died mid-send, long ago (so it counts as interrupted)."""
    claimed = utcnow() - timedelta(hours=1)
    with Session(engine) as s:
        s.add(PushLog(occasion=occasion, member_id=org.people[account].id, created_at=claimed,
                      attempted_at=claimed, status=PushStatus.PENDING, content="【截止提醒】…"))
        s.commit()


def lines(r: subprocess.CompletedProcess) -> list[str]:
    assert "Traceback" not in r.stderr, r.stderr
    return r.stdout.splitlines()


def test_outbox_lists_failed_and_unknown_pushes_with_who_what_when_and_why(failed, bare_engine, org):
    add_unknown(bare_engine, org, "u9")
    r = qingdan("outbox", config=failed)
    assert r.returncode == 0, r.stderr
    out = lines(r)
    assert out[0] == "失败 2 条，结果不明 1 条（时间为 Asia/Shanghai）："
    today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d")
    for account in ("u3", "u7"):
        line = next(x for x in out if f"{account}（党员{account[1:]}）" in x)
        assert line.startswith("  失败  ") and "月报提醒 2026-11" in line and today in line
        assert "60020: not allow to access from your ip（本机出口IP不在应用的「企业可信IP」中）" in line
    unknown = next(x for x in out if "u9（党员9）" in x)
    assert unknown.startswith("  结果不明  ") and "截止提醒 2026-11-25" in unknown and "不会重发" in unknown
    assert out[-1].startswith("重发失败和未发出的推送：qingdan outbox --retry")

    only_failed = lines(qingdan("outbox", "--failed", config=failed))
    assert only_failed[0] == "失败 2 条（时间为 Asia/Shanghai）：" and not any("u9" in x for x in only_failed)


def test_outbox_since_leaves_out_older_pushes(failed, bare_engine, org):
    with Session(bare_engine) as s:       # u3's failure happened last month
        s.exec(update(PushLog).where(PushLog.member_id == org.people["u3"].id)
               .values(attempted_at=utcnow() - timedelta(days=30), created_at=utcnow() - timedelta(days=30)))
        s.commit()
    since = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    out = lines(qingdan("outbox", "--since", since, config=failed))
    assert out[0].startswith("失败 1 条") and any("u7（党员7）" in x for x in out) and not any("u3" in x for x in out)
    assert lines(qingdan("outbox", config=failed))[0].startswith("失败 2 条")
    bad = qingdan("outbox", "--since", "yesterday", config=failed)
    assert bad.returncode == 2 and bad.stderr.startswith("--since 的时间格式不对：yesterday")


def test_retry_resends_each_failed_push_once_and_never_an_unknown_one(failed, bare_engine, org, standin):
    add_unknown(bare_engine, org, "u9")
    standin.state.fail_accounts = set()
    r = qingdan("outbox", "--retry", config=failed)
    assert r.returncode == 0, r.stderr
    out = lines(r)
    assert out[0] == "重发 2 条："
    assert "  u3（党员3）  月报提醒 2026-11：已发送" in out and "  u7（党员7）  月报提醒 2026-11：已发送" in out
    assert out[-1] == "发送 2 人"
    assert received(standin) == Counter({f"u{n}": 1 for n in range(12)})     # u9's unknown push not resent
    prompt = [m for m in standin.state.sent if "u3" in m.touser][0].content
    assert "讲专题党课" in prompt                                           # the content it was built with

    assert lines(qingdan("outbox", "--retry", config=failed)) == ["没有失败的推送可重发"]
    assert lines(qingdan("outbox", config=failed))[0] == "失败 0 条，结果不明 1 条（时间为 Asia/Shanghai）："
    assert received(standin) == Counter({f"u{n}": 1 for n in range(12)})
    with Session(bare_engine) as s:
        statuses = Counter(r.status for r in s.exec(select(PushLog)))
    assert statuses == Counter({"sent": 12, "unknown": 1})


def test_retry_that_fails_again_says_so_and_keeps_the_push_owed(failed, bare_engine, standin):
    standin.state.fail_accounts = {"u7"}
    r = qingdan("outbox", "--retry", config=failed)
    assert r.returncode == 1
    out = lines(r)
    assert "  u3（党员3）  月报提醒 2026-11：已发送" in out
    assert any(x.startswith("  u7（党员7）  月报提醒 2026-11：仍失败——60020") for x in out)
    assert out[-1] == "发送 1 人，仍失败 1 人"
    assert received(standin)["u7"] == 0
    standin.state.fail_accounts = set()
    assert qingdan("remind", "--at", "2026-11-25T03:00:00Z", config=failed).returncode == 0   # the catch-up
    assert received(standin) == Counter({f"u{n}": 1 for n in range(12)})


def test_two_retries_at_once_send_each_failed_push_once(failed, standin):
    """Two administrators retrying together (or a retry next to the hourly catch-up): the claim decides."""
    standin.state.fail_accounts = set()
    args = [sys.executable, "-m", "bot", "outbox", "--retry", "--config", str(failed)]
    runs = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=60) for p in runs]
    assert all(p.returncode == 0 for p in runs), outputs
    assert received(standin) == Counter({f"u{n}": 1 for n in range(12)})


def test_errors_are_shown_without_secrets(failed, bare_engine, org):
    with Session(bare_engine) as s:
        s.exec(update(PushLog).where(PushLog.member_id == org.people["u3"].id)
               .values(error="60020: https://qyapi/cgi-bin/gettoken?corpid=ww&corpsecret=TOPSECRET"))
        s.exec(update(PushLog).where(PushLog.member_id == org.people["u7"].id)
               .values(error="ConnectionError: https://qyapi/cgi-bin/gettoken?corpid=ww&corpsecret=TOPSECRET"))
        s.commit()
    r = qingdan("outbox", config=failed)
    assert "TOPSECRET" not in r.stdout + r.stderr and "corpsecret=***" in r.stdout
    # a connection error stored in English (before issue 22) reads as one Chinese line
    assert "u7（党员7）  月报提醒 2026-11" in r.stdout and "ConnectionError" not in r.stdout
    assert "无法连接企业微信（请检查网络、代理和 wecom.api_base_url）" in r.stdout


def test_occasion_labels_and_long_failure_lists():
    assert occasion_label("monthly_prompt:2026-11") == "月报提醒 2026-11"
    assert occasion_label("quarterly:2026-Q3") == "季度督查 2026-Q3"
    assert occasion_label("something:else") == "something:else"
    many = [Entry(n, "last_day:2026-11", n, f"m{n}", f"人{n}", True, PushStatus.FAILED, None, "81013: all invalid", "")
            for n in range(25)]
    [line] = failure_lines(many)
    assert line.startswith("失败 25 人：m0（人0）、") and "……及其余 5 人（qingdan outbox 查看全部）" in line
    assert line.endswith("——81013: all invalid（账号、部门和标签都无效（账号不在应用可见范围内或已删除））")


def test_outbox_lists_pushes_refused_for_an_invalid_account_but_never_resends_them(failed, bare_engine, org):
    with Session(bare_engine) as s:
        s.add(PushLog(occasion="deadline:2026-11-25", member_id=org.people["u5"].id, created_at=utcnow(),
                      attempted_at=utcnow(), status=PushStatus.INVALID, error="invaliduser", content="【截止提醒】…"))
        s.commit()
    out = lines(qingdan("outbox", config=failed))
    assert out[0].startswith("失败 2 条，账号无效 1 条（请在企业微信通讯录核对账号")
    assert next(x for x in out if "u5（党员5）" in x).startswith("  账号无效  ")
    assert not any("u5" in x for x in lines(qingdan("outbox", "--failed", config=failed)))
    assert not any("u5" in x for x in lines(qingdan("outbox", "--retry", config=failed)))


def test_retry_sends_a_card_as_a_card_and_an_image_by_uploading_it_again(tmp_path, db_url, bare_engine, org,
                                                                         standin, capsys):
    """``qingdan outbox --retry`` (run in-process): the stored message, not just its text form."""
    config = write_config(tmp_path / "config.toml", db_url, standin.base_url)
    card = button_card("push-u3", "【截止提醒】讲专题党课", [Button("已完成", "done")], "【截止提醒】讲专题党课，回复“第1项完成”")
    photo = Image("ledger.png", "[图片] 整改台账", data=b"\x89PNG-ledger")
    u3, u4 = org.people["u3"].id, org.people["u4"].id
    standin.state.fail_accounts = {"u3", "u4"}

    async def push() -> int:
        sender = WeComSender(make_config(db_url, standin.base_url).wecom)
        try:
            pushes = [Push(u3, "u3", card), Push(u4, "u4", photo)]
            return (await deliver(bare_engine, sender, "deadline:2026-11-25", pushes, datetime.now(UTC))).failed
        finally:
            await sender.aclose()

    assert asyncio.run(push()) == 2
    assert main(["outbox", "--config", str(config)]) == 0
    assert "失败 2 条" in capsys.readouterr().out
    standin.state.fail_accounts = set()
    standin.state.clock = lambda: time.time() + 3 * 86400             # the first upload's media_id has expired
    assert main(["outbox", "--retry", "--config", str(config)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "重发 2 条：" and out[-1] == "发送 2 人"
    [sent_card] = standin.state.to("u3")
    assert sent_card.msgtype == "template_card" and sent_card.raw["template_card"] == dict(card.card)
    [sent_image] = standin.state.to("u4")
    assert len(standin.state.uploads) == 2 and sent_image.raw["image"]["media_id"] == standin.state.uploads[1].media_id


def test_a_run_stopped_mid_batch_leaves_the_unsent_listed_and_retry_sends_exactly_those(
        tmp_path, db_url, org, standin, bare_engine):
    """A remind stopped (SIGTERM) with sends in flight: those finish and are marked, the batch's
    others are released — listed as 未发出, and ``outbox --retry`` sends each once."""
    from schedules.runner import run_due

    config = write_config(tmp_path / "config.toml", db_url, standin.base_url)
    standin.state.send_delay = 0.05

    async def stopped_after_the_third() -> list:
        stop, loop = asyncio.Event(), asyncio.get_running_loop()
        standin.state.listeners.append(
            lambda _m: len(standin.state.sent) == 3 and loop.call_soon_threadsafe(stop.set))
        sender = WeComSender(make_config(db_url, standin.base_url).wecom)
        try:
            return await run_due(make_config(db_url, standin.base_url), bare_engine, sender,
                                 datetime.fromisoformat(PROMPT), workers=4, stop=stop)
        finally:
            await sender.aclose()

    outcome = [o for o in asyncio.run(stopped_after_the_third()) if o.occasion.kind == "monthly_prompt"][0]
    standin.state.listeners.clear()
    sent = set(received(standin))
    assert outcome.sent == len(sent) >= 3 and outcome.held == 12 - len(sent) > 0       # in flight: finished
    assert f"{outcome.held} 人因停止而未发出" in outcome.line

    out = lines(qingdan("outbox", config=config))
    assert out[0] == f"失败 0 条，未发出 {outcome.held} 条（时间为 Asia/Shanghai）："
    assert all(x.startswith("  未发出  ") and "仍待发送" in x for x in out[1:-1])
    r = qingdan("outbox", "--retry", config=config)
    assert r.returncode == 0 and lines(r)[-1] == f"发送 {outcome.held} 人", r.stdout
    assert received(standin) == Counter({f"u{n}": 1 for n in range(12)})
    with Session(bare_engine) as s:
        assert Counter(r.status for r in s.exec(select(PushLog))) == Counter({"sent": 12})
