"""bot.nlu.corrections: 撤回 and 更正 read from the whole message only."""
from __future__ import annotations

import pytest

from bot.nlu.corrections import Correction, read_correction


@pytest.mark.parametrize("text", ["撤回", "撤销", "撤回上一条", "刚才那条撤回", "撤销刚才的记录", "请帮我撤回一下",
                                  "撤回！", " 撤回上条进展。"])
def test_undo(text):
    assert read_correction(text) == Correction()


@pytest.mark.parametrize("text,target", [
    ("不对，是第3项", "第3项"), ("错了，应该是第3项", "第3项"), ("搞错了 是Z-2", "Z-2"), ("更正：第3项", "第3项"),
    ("说错了，改为活动室建设", "活动室建设"),
])
def test_move_names_its_target_as_typed(text, target):
    assert read_correction(text) == Correction(target)


@pytest.mark.parametrize("text", ["撤回了整改方案", "整改方案已撤回", "第3项完成了", "不对", "", None])
def test_anything_else_is_no_correction(text):
    """A message that merely contains the word, or names nothing to move to, is read as usual."""
    assert read_correction(text) is None
