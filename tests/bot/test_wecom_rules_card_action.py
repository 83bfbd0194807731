"""The stand-in checks a card's ``card_action`` as WeCom's schema has it (type 0, 1 with an http(s)
URL, or 2 with a mini program's appid), on any card type."""
from __future__ import annotations

import pytest

from bot.wecom_rules import Refusal, check_card
from bot.wecom_standin import StandInState


def _card(action) -> dict:
    return {"card_type": "button_interaction", "task_id": "t1", "main_title": {"title": "【整改待销号】"},
            "button_list": [{"text": "同意销号", "key": "k", "style": 1}], "card_action": action}


@pytest.mark.parametrize("action", [{"type": 1, "url": "https://x.example/console/rectifications"},
                                    {"type": 0}, {"type": 2, "appid": "wx1"}])
def test_a_well_formed_action_passes(action):
    check_card(StandInState("corp", "s"), _card(action))


@pytest.mark.parametrize("action", [{"type": 1}, {"type": 1, "url": "javascript:alert(1)"}, {"type": 3},
                                    {"type": 1, "url": "https://x/" + "a" * 2048}, {"type": 2}, "x"])
def test_a_malformed_action_is_refused(action):
    with pytest.raises(Refusal):
        check_card(StandInState("corp", "s"), _card(action))
