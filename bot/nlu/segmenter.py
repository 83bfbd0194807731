"""The jieba segmenter with the party-building dictionary: loaded once, extended with titles.

Understanding a reply does not segment it (regular expressions and substring tests are faster
and read status words better); jieba's dictionary is used to tell which parts of an item title
are real words, so that "活动室" counts as a word of "建设党员活动室" and "员活" does not.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import jieba

DOMAIN_DICT = Path(__file__).with_name("domain_dict.txt")

_lock = threading.Lock()
_loaded = False


def load(extra_words: Iterable[str] = ()) -> float:
    """Initialize jieba and load the domain dictionary (once), then add ``extra_words``.

    Returns the seconds taken. jieba keeps its prefix dictionary in a cache file in the
    system temp directory, so every start after the first is fast.
    """
    global _loaded
    started = time.perf_counter()
    with _lock:
        if not _loaded:
            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            jieba.load_userdict(str(DOMAIN_DICT))
            _loaded = True
    add_words(extra_words)
    return time.perf_counter() - started


def is_loaded() -> bool:
    return _loaded


# The frequency an added word gets. Parsing asks only whether a word is in the dictionary
# (``is_word``); left to itself, jieba.add_word would work out a frequency by segmenting each
# word (``suggest_freq``), which took two of a start-up's seconds for 10,000 titles. For words of
# three characters or more what it works out is a handful at most; this is in that range.
ADDED_WORD_FREQ = 10


def add_words(words: Iterable[str]) -> None:
    """Add words (two characters or more) to the segmenter's dictionary."""
    if not _loaded:
        load()
    for word in words:
        word = (word or "").strip()
        if len(word) >= 2 and jieba.dt.FREQ.get(word, 0) <= 0:
            jieba.add_word(word, freq=ADDED_WORD_FREQ)


def is_word(word: str) -> bool:
    """Whether ``word`` is in the dictionary (jieba's, the domain one, or added)."""
    return jieba.dt.FREQ.get(word, 0) > 0


def cut(text: str) -> list[str]:
    """The words of ``text`` (for inspection and tests; parsing does not need it)."""
    if not _loaded:
        load()
    return jieba.lcut(text)
