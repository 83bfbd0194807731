"""The sender against the stand-in WeCom API: token fetch, bounded retries, 1000 per call, 2048 bytes."""
from __future__ import annotations

import asyncio
import logging

from bot.config import WeComConfig
from bot.wecom import MAX_TEXT_BYTES, RedactingFilter, WeComSender, fit_lines, fit_text, install_log_redaction, redact
from tests.support import wecom as wf


def sender_for(standin, retries=2) -> WeComSender:
    return WeComSender(WeComConfig(corp_id=wf.CORP_ID, agent_id=wf.AGENT_ID, secret="test-secret",
                                   api_base_url=standin.base_url, max_retries=retries))


async def test_token_is_fetched_from_the_configured_base_url(standin):
    s = sender_for(standin)
    result = await s.send_text(["wangfang"], "你好")
    await s.aclose()
    assert result.ok
    assert standin.state.token_fetches == 1
    assert standin.state.sent[0].touser == ["wangfang"]


async def test_an_expired_token_is_refreshed_and_retried(standin):
    standin.state.expire_next = 1
    s = sender_for(standin)
    result = await s.send_text(["wangfang"], "你好")
    await s.aclose()
    assert result.ok and len(standin.state.sent) == 1
    assert standin.state.token_fetches == 2


async def test_retries_are_bounded(standin):
    standin.state.expire_next = 1000
    s = sender_for(standin, retries=2)
    result = await s.send_text(["wangfang"], "你好")
    await s.aclose()
    assert not result.ok and "42001" in result.error
    assert standin.state.expire_next == 1000 - 3   # one try and two retries, then it gives up


async def test_touser_is_split_into_calls_of_1000(standin):
    s = sender_for(standin)
    accounts = [f"u{i}" for i in range(2500)]
    result = await s.send_text(accounts, "通知")
    await s.aclose()
    assert result.ok
    assert [len(m.touser) for m in standin.state.sent] == [1000, 1000, 500]


async def test_invalid_users_are_reported(standin):
    standin.state.known_users = {"a"}
    s = sender_for(standin)
    result = await s.send_text(["a", "b"], "x")
    await s.aclose()
    assert result.invalid == ["b"]


def test_fit_text_keeps_within_2048_bytes_on_a_character_boundary():
    text = "党" * 1000
    out = fit_text(text)
    assert len(out.encode()) <= MAX_TEXT_BYTES
    assert out.endswith("…") and out[:-1] == "党" * len(out[:-1])
    assert fit_text("短") == "短"


def test_fit_lines_names_what_was_left_out():
    lines = [f"{n}. 事项{'很长' * 30}" for n in range(1, 60)]
    out = fit_lines("标题", lines, "…及其余{n}项，回复“我的清单”查看", footer="回复如：第2项完成80%")
    assert len(out.encode()) <= MAX_TEXT_BYTES
    shown = sum(1 for line in out.splitlines() if line[:1].isdigit())
    assert f"…及其余{59 - shown}项" in out
    assert out.endswith("回复如：第2项完成80%")
    assert fit_lines("标题", ["1. a", "2. b"], "…{n}") == "标题\n1. a\n2. b"


def test_fit_lines_makes_only_the_lines_that_fit_when_told_how_many_there_are():
    made = []

    def lines():
        for k in range(10_000):
            made.append(k)
            yield f"{k + 1}. 第{k + 1}个党支部的逾期事项"

    out = fit_lines("标题", lines(), "…及其余{n}项", count=10_000)
    shown = out.count("党支部的逾期事项")
    assert len(out.encode("utf-8")) <= MAX_TEXT_BYTES and f"…及其余{10_000 - shown}项" in out
    assert len(made) == shown + 1           # the line that did not fit, and none after it
    assert out == fit_lines("标题", [f"{k + 1}. 第{k + 1}个党支部的逾期事项" for k in range(10_000)], "…及其余{n}项")


async def test_a_failed_send_leaves_no_secret_or_token_in_the_error_or_the_log(standin, caplog):
    """WeCom unreachable: the error names the failure, never the app secret nor a token."""
    await standin.stop()
    s = sender_for(standin, retries=1)
    with caplog.at_level(logging.DEBUG):
        install_log_redaction()
        logging.getLogger().addHandler(caplog.handler)
        caplog.handler.addFilter(RedactingFilter())
        result = await s.send_text(["wangfang"], "你好")
    await s.aclose()
    assert not result.ok and result.error
    assert "test-secret" not in result.error and "access_token=" not in result.error.replace("access_token=***", "")
    assert "test-secret" not in caplog.text


async def test_concurrent_sends_fetch_the_token_once(standin):
    s = sender_for(standin)
    results = await asyncio.gather(*(s.send_text([f"u{i}"], "你好") for i in range(8)))
    await s.aclose()
    assert all(r.ok for r in results)
    assert standin.state.token_fetches == 1


def test_redact_hides_tokens_and_secrets():
    assert redact("GET /cgi-bin/gettoken?corpid=ww1&corpsecret=abc HTTP") == "GET /cgi-bin/gettoken?corpid=ww1&corpsecret=*** HTTP"
    assert redact("message/send?access_token=tok123&x=1") == "message/send?access_token=***&x=1"


def test_a_sender_closed_on_one_loop_sends_again_on_another(threaded_standin):
    """aclose releases the connections of its loop only: the same sender works in a later run."""
    s = sender_for(threaded_standin)

    async def once():
        result = await s.send_text(["wangfang"], "你好")
        await s.aclose()
        return result

    assert asyncio.run(once()).ok and asyncio.run(once()).ok
    s.close()
    assert len(threaded_standin.state.sent) == 2 and threaded_standin.state.token_fetches == 1
