"""bot.nlu.layout: a reply cut into clauses, sections and what is dropped."""
from __future__ import annotations

import pytest

from bot.nlu import layout
from bot.nlu.text import CHECK, CROSS, normalize


def texts(raw: str) -> list[str]:
    return [c.text for c in layout.clauses(normalize(raw))]


@pytest.mark.parametrize("raw,clauses", [
    ("1、2项已完成，第3项进行中", ["1、2项已完成", "第3项进行中"]),
    ("1.学习计划已完成 2.调研报告写了一半", ["1.学习计划已完成", "2.调研报告写了一半"]),
    ("第2项：完成80%", ["第2项", "完成80%"]),
    ("下午3:30开会", ["下午3:30开会"]),
    ("1✔ 2✔ 3✘ 4 50%", [f"1{CHECK}", f"2{CHECK}", f"3{CROSS}", "4 50%"]),
    ("11月工作汇报：1.召开机关党委会议1次；2.讲党课1次", ["1.召开机关党委会议1次", "2.讲党课1次"]),
    ("书记，我这月的情况：先锋岗已挂牌", ["先锋岗已挂牌"]),
    ("报告书记：机关党委会议本月开了", ["机关党委会议本月开了"]),
    ("书记你好我这个月调研报告已经写完了", ["我这个月调研报告已经写完了"]),
    ("支部书记讲党课完成了", ["支部书记讲党课完成了"]),               # a title, not a salutation
    ("召开机关党委会议2次（含1次专题研究换届工作）", ["召开机关党委会议2次"]),
    ("调研报告不是没完成，是已经完成了", ["调研报告已经完成了"]),
    ("学习计划并不是还没开始，而是已经在做了", ["学习计划已经在做了"]),
    ("回复如：第2项完成80%", []),
    ("可回复：XM-01已完成", []),
    ("回复格式：项目名称+进度，例如 活动室建设完成50%", []),
    ("第1项已完成\n回复如：第2项完成80%", ["第1项已完成"]),
    ("各项工作正在有序推进中", []),
    ("本月扎实推进各项工作，第2项已完成", ["第2项已完成"]),
])
def test_clauses(raw, clauses):
    assert texts(raw) == clauses


def test_a_question_mark_stays_with_its_clause():
    got = layout.clauses(normalize("调研报告写了一半，什么时候交？"))
    assert [(c.text, c.question) for c in got] == [("调研报告写了一半", False), ("什么时候交", True)]


def test_sections_set_the_kind_of_the_clauses_under_them():
    got = layout.clauses(normalize("一、责任清单\n1.支委会开了1次\n二、整改清单：第二条已整改"))
    assert [(c.text, c.section) for c in got] == [("1.支委会开了1次", "responsibility"),
                                                  ("第二条已整改", "rectification")]
    assert layout.section_kind("项目方面") == "project"
    assert layout.section_kind("项目清单第一项完成70%") is None


def test_what_is_dropped_can_be_listed():
    dropped: list = []
    layout.clauses(normalize("书记，本月情况：各项工作有序推进。回复如：第2项完成80%"), dropped)
    assert {why for _, why in dropped} == {"salutation", "header", "stock", "example"}


def test_the_guarded_split_splits_as_the_plain_pattern():
    import json
    import re
    from pathlib import Path

    from bot.nlu.text import normalize

    plain = re.compile(f"({'|'.join(layout._SPLIT_AT)})")
    shared = Path(__file__).resolve().parents[3].parent / "shared" / "nlu"
    texts = ["第1、2项分别完成80%、50%", "1✓ 2✓ 3✗ 4 50%", "时间 15:30：开会", "完成了吗?好的", "一、责任清单 二、整改事项",
             "活动室(2)已完成 (3)进行中", "调研报告写完了 2.学习计划", "第三项完成\n 第四项 进行中", "支委会 1✓ 2 ✗"]
    for name in ("dev.jsonl", "dev2.jsonl", "dev3.jsonl"):
        if (shared / name).exists():
            texts += [json.loads(line)["text"] for line in (shared / name).read_text(encoding="utf-8").splitlines()
                      if line.strip()]
    for text in map(normalize, texts):
        for start in range(len(text)):
            assert layout._CAPTURING_SPLIT_RE.split(text[start:]) == plain.split(text[start:]), text[start:]
