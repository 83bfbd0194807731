"""催报 (nudges.py): a nudge, and whom it names."""
from __future__ import annotations

import pytest

from bot.nlu.nudges import Nudge, read_nudge


@pytest.mark.parametrize("text,target", [
    ("提醒没报的", ""), ("催一下没报的", ""), ("提醒未报人员", ""), ("催报", ""), ("催交月报", ""),
    ("提醒还没报的人尽快报送", ""), ("请提醒没有报送月报的同志", ""), ("提醒大家报送", ""),
    ("提醒全机关没报的", ""),
    ("提醒第二支部没报的", "第二支部"), ("催报第二支部", "第二支部"), ("第二支部没报的催一下", "第二支部"),
    ("提醒第二党支部未报送的", "第二党支部"),
    ("提醒吴敏报送", "吴敏"), ("催吴敏报一下月报", "吴敏"), ("提醒吴敏尽快报送本月清单进展", "吴敏"),
])
def test_read_nudge(text, target):
    assert read_nudge(text) == Nudge(target)


@pytest.mark.parametrize("text", ["提醒一下", "催报了吗", "提醒吴敏报送？", "提醒我报送", "谁还没报", "没报的",
                                  "吴敏报了吗", "第2项完成80%", "我已经报送", "通知 全体党员：提醒没报的"])
def test_what_is_not_a_nudge(text):
    assert read_nudge(text) is None
