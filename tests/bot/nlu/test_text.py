"""bot.nlu.text: one canonical form for whatever people type."""
from __future__ import annotations

import pytest

from bot.nlu.text import CHECK, CROSS, normalize, to_simplified


@pytest.mark.parametrize("raw,clean", [
    ("第２项已完成", "第2项已完成"), ("80％", "80%"), ("ＸＭ－３", "XM-3"), ("①完成②进行中", "1.完成2.进行中"),
    ("學習計劃已完成", "学习计划已完成"), ("換屆選舉已全部完成", "换届选举已全部完成"), ("還沒開始", "还没开始"),
    ("黨員活動室建設完成百分之八十", "党员活动室建设完成百分之八十"), ("第二條已完成", "第二条已完成"),
    ("活动 室 建设", "活动室建设"), ("支部委员会会议开了", "支委会开了"), ("支部大会开过了", "支部党员大会开过了"),
    ("调研报告✔️", f"调研报告{CHECK}"), ("第2项✅", f"第2项{CHECK}"), ("3✘", f"3{CROSS}"), ("3❌", f"3{CROSS}"),
    ("党课×2", "党课×2"), ("×", CROSS), ("  好 ", "好"),
])
def test_normalize(raw, clean):
    assert normalize(raw) == clean


def test_simplified_text_is_left_alone_and_phrases_convert_as_phrases():
    text = "调研报告已完成，著手下一步"
    assert to_simplified(text) is text
    assert to_simplified("乾部後來") == "干部后来"
