"""bot.fitting: every message within WeCom's 2048 bytes, cut on a character boundary, saying what was left out."""
from __future__ import annotations

from bot.fitting import MAX_TEXT_BYTES, byte_size, chunks, fit_lines, fit_page, fit_text


def test_byte_size_counts_utf8_bytes():
    assert byte_size("党建") == 6 and byte_size("a1") == 2 and byte_size("") == 0
    assert MAX_TEXT_BYTES == 2048


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


def test_chunks_are_lossless_within_the_budget_and_cut_after_lines_and_sentences():
    text = "第一句。第二句很长" + "长" * 30 + "。\n第三行"
    pieces = chunks(text, 60)
    assert "".join(pieces) == text and all(byte_size(p) <= 60 for p in pieces)
    assert pieces[0] == "第一句。"                  # cut after the sentence, not inside the next
    assert pieces[1] == "第二句很长" + "长" * 15     # a sentence longer than the budget: cut within
    one_line = "党" * 50
    pieces = chunks(one_line, 31)                  # no sentence end: cut on a character boundary
    assert "".join(pieces) == one_line and all(byte_size(p) <= 31 for p in pieces)
    assert [len(p) for p in pieces] == [10, 10, 10, 10, 10]


def test_fit_page_goes_on_where_the_page_before_stopped_and_loses_no_line():
    lines = [f"第{i}行：" + "党建" * 40 for i in range(1, 61)]
    shown, start, pages = [], 0, 0
    while start < len(lines):
        text, end = fit_page("标题", lines, "…还有{n}项", start=start)
        assert byte_size(text) <= 2048 and end > start
        assert text.endswith(f"…还有{len(lines) - end}项") if end < len(lines) else "还有" not in text
        shown += [line for line in text.split("\n") if line.startswith("第")]
        start, pages = end, pages + 1
    assert shown == lines and pages > 2


def test_fit_page_counts_what_lines_stand_for_with_a_weight():
    lines = []
    for unit in range(30):
        lines.append(f"第{unit}支部（3项）")
        lines += [f"· [Z-{unit}-{k}] " + "整改" * 30 for k in range(3)]
    text, end = fit_page("逾期事项共90项：", lines, "…还有{n}项", count=90,
                         weight=lambda line: 1 if line.startswith("· ") else 0)
    items_shown = sum(1 for line in text.split("\n") if line.startswith("· "))
    assert end < len(lines) and text.endswith(f"…还有{90 - items_shown}项")
