"""cards: task_ids from the push log row, in WeCom's characters, and back; the keys registry."""
import pytest

from bot.cards.keys import KEYS
from bot.cards.task_ids import kind_of, read_task_id, task_id
from bot.messages import CARD_LIMITS, Button, button_card, card_fits
from bot.wecom_rules import TASK_ID_RE


def test_a_task_id_is_the_push_log_row_in_valid_characters_and_reads_back():
    made = task_id("deadline:2026-11-25", 17)
    assert made == "qd@deadline@2026-11-25@17" and TASK_ID_RE.fullmatch(made) and len(made.encode()) <= 128
    assert read_task_id(made) == ("deadline:2026-11-25", 17) and kind_of(made) == "deadline"
    assert task_id("deadline:2026-11-25", 17) != task_id("deadline:2026-11-25", 18) != task_id("deadline:2026-11-26", 17)


@pytest.mark.parametrize("other", ["old-card", "push-17", "", None, "qd@deadline@2026-11-25@x", "qd@a@b@c@1"])
def test_a_task_id_the_bot_did_not_make_reads_as_none(other):
    assert read_task_id(other) is None and kind_of(other) is None


def test_an_occasion_that_would_make_an_invalid_task_id_is_refused():
    with pytest.raises(ValueError):
        task_id("deadline:2026 11 25", 1)


def test_every_key_fits_a_button():
    for key in KEYS.values():
        assert len(key.text) <= CARD_LIMITS["button"] and len(key.name.encode()) <= 1024 and 1 <= key.style <= 4
        assert key.tapped_words == f"[按钮] {key.words}"


def test_a_card_over_wecoms_limits_does_not_fit():
    ok = button_card("t1", "【截止提醒】还有3天", [Button("已完成", "done")], "…", sub_title="1. [P-1] 台账")
    assert card_fits(ok.card)
    long = button_card("t1", "【截止提醒】" + "长" * 40, [Button("已完成", "done")], "…")
    assert not card_fits(long.card)
