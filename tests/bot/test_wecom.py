"""The sender against the stand-in WeCom API: token fetch, bounded retries, 1000 per call, 2048 bytes."""
from __future__ import annotations

import asyncio
import logging

from bot.config import WeComConfig
from bot.wecom import RedactingFilter, WeComSender, install_log_redaction, redact
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
