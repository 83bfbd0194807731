"""The sender against the stand-in WeCom API: token fetch, bounded retries, 1000 per call, 2048 bytes,
and every kind of message: cards and their updates, images (uploaded, and again after three days),
links."""
from __future__ import annotations

import asyncio
import logging
import time

import pytest

from bot.config import WeComConfig
from bot.fitting import MAX_TEXT_BYTES
from bot.messages import Button, Image, News, TemplateCard, Text, TextCard, button_card
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


# --- every kind of message ------------------------------------------------------------------------

def deadline_card(task_id: str = "push-1") -> TemplateCard:
    return button_card(task_id, "【截止提醒】讲专题党课", [Button("已完成", "done"), Button("在推进", "doing", 2)],
                       "【截止提醒】讲专题党课 今天到期，回复“第1项完成”即可。")


async def test_a_card_is_sent_as_a_card_and_its_response_code_updates_it_once(standin):
    s = sender_for(standin)
    result = await s.send(["wangfang"], deadline_card())
    [sent] = standin.state.sent
    assert result.ok and sent.msgtype == "template_card" and sent.raw["template_card"]["task_id"] == "push-1"
    assert result.response_code == sent.response_code
    assert (await s.send(["wangfang"], deadline_card())).errcode == 42014             # task_id used: refused

    tap = standin.state.tap("wangfang", "push-1", "done")
    assert (await s.update_template_card(["wangfang"], tap, replace_name="已记录：已完成")).ok
    again = await s.update_template_card(["wangfang"], tap, replace_name="已记录：已完成")
    assert not again.ok and again.errcode == 40058 and len(standin.state.updates) == 1
    whole = await s.update_template_card(["wangfang"], result.response_code, card=deadline_card("push-1"))
    await s.aclose()
    assert whole.ok and standin.state.updates[-1].card["task_id"] == "push-1"
    with pytest.raises(ValueError):
        await s.update_template_card(["wangfang"], tap)


async def test_a_card_whose_answer_was_lost_is_not_counted_failed_when_the_retry_finds_its_task_id_used(standin):
    standin.state.lose_answers = 1                  # WeCom took it; its answer never came back
    s = sender_for(standin)
    result = await s.send(["wangfang"], deadline_card())
    await s.aclose()
    assert result.ok and len(standin.state.sent) == 1


async def test_an_image_is_uploaded_once_and_again_when_its_media_id_has_expired(standin):
    now = [1_800_000_000.0]
    s = WeComSender(sender_for(standin).cfg, clock=lambda: now[0])
    photo = Image("photo.png", "[图片] 会议照片", data=b"\x89PNG-meeting")
    assert (await s.send(["a"], photo)).ok and (await s.send(["b"], photo)).ok
    assert len(standin.state.uploads) == 1                                  # one upload, two sends
    assert standin.state.uploads[0].data == b"\x89PNG-meeting"

    now[0] += 3 * 86400                                                    # three days on: uploaded again
    assert (await s.send(["c"], photo)).ok and len(standin.state.uploads) == 2

    standin.state.clock = lambda: time.time() + 3 * 86400                   # WeCom forgot it before we did
    assert (await s.send(["d"], photo)).ok
    await s.aclose()
    assert len(standin.state.uploads) == 3
    assert [m.raw["image"]["media_id"] for m in standin.state.sent] == [
        standin.state.uploads[0].media_id] * 2 + [standin.state.uploads[1].media_id, standin.state.uploads[2].media_id]


async def test_an_image_wecom_refuses_to_take_is_a_failed_send_with_the_reason(standin):
    s = sender_for(standin)
    result = await s.send(["a"], Image("tiny.png", "[图片]", data=b"x"))
    await s.aclose()
    assert not result.ok and result.errcode == 40009 and "40009" in result.error and standin.state.sent == []


async def test_links_and_text_go_as_their_kind(standin):
    s = sender_for(standin)
    assert (await s.send(["a"], TextCard("月度报告", "十一月", "https://example.org/r", "月度报告"))).ok
    assert (await s.send(["a"], News("学习材料", "第一讲", "https://example.org/s", "学习材料"))).ok
    assert (await s.send(["a"], Text("党" * 1000))).ok and (await s.send(["a"], "你好")).ok
    await s.aclose()
    assert [m.msgtype for m in standin.state.sent] == ["textcard", "news", "text", "text"]
    assert len(standin.state.sent[2].content.encode()) <= MAX_TEXT_BYTES and standin.state.sent[3].content == "你好"
