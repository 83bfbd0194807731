"""编号 (codes.py): one key for every way a code is typed, and close-off commands."""
from __future__ import annotations

import pytest

from bot.nlu.codes import close_off_codes, code_key, find_codes, key_of


@pytest.mark.parametrize("typed", ["Z-2", "Z-02", "z2", "z 2", "Z－2", "Ｚ－２", "Z_2", "Z.2", " z-002 ", "Z—2"])
def test_every_way_of_typing_a_code_has_one_key(typed):
    assert code_key(typed) == "Z2"


@pytest.mark.parametrize("typed,key", [("XM-03", "XM3"), ("xm 3", "XM3"), ("R-12", "R12"), ("ZG-1", "ZG1")])
def test_prefixes_and_numbers(typed, key):
    assert code_key(typed) == key


@pytest.mark.parametrize("text", ["", "党课", "2", "Z-", "-2", "Z-2a", "Z 2 3"])
def test_what_is_not_a_code(text):
    assert code_key(text) is None


def test_key_of_keeps_codes_of_another_shape():
    assert key_of("Z-02") == "Z2"
    assert key_of(" 党建-甲 ") == "党建-甲"


def test_find_codes_in_free_text():
    text = "Z-2已整改，xm3完成80%，A4纸不算，完成50%"
    found = [(text[s:e], key, prefix) for s, e, key, prefix in find_codes(text)]
    assert found == [("Z-2", "Z2", "Z"), ("xm3", "XM3", "XM"), ("A4", "A4", "A")]


@pytest.mark.parametrize("text,codes", [
    ("销号 Z-02", ["Z-02"]), ("Z-2已销号", ["Z-2"]), ("Z-2、Z-3予以销号", ["Z-2", "Z-3"]),
    ("同意销号 z2", ["z2"]), ("销号：Z－2", ["Z-2"]), ("确认销号 Z-1和Z-4。", ["Z-1", "Z-4"]),
])
def test_close_off_commands_in_either_order(text, codes):
    assert close_off_codes(text) == codes


@pytest.mark.parametrize("text", ["Z-2整改完成，申请销号", "销号了吗", "党费问题已销号", "销号"])
def test_what_is_not_a_close_off_command(text):
    assert close_off_codes(text) is None
