"""Words typed by voice: homophones of state words and title words are read as those words.

Voice input writes what it hears: "已完城" (已完成), "进读60%" (进度), "已消号" (已销号), "标准话建设"
(标准化建设), "第三相" (第三项). The pinyin of every character comes from pypinyin's character
table (tones dropped, first reading); a run of two to four characters that sounds like a word of the
vocabulary — the state words below and the content words of the sender's item titles — and is not
that word is replaced by it, when:

* it shares at least one character with the word (so only a slip of one sound is repaired, never a
  whole different phrase), and
* the run is not a dictionary word itself and lies in none ("成功" stays, and so does "会一" in
  "三会一课").

A unit after "第" + number that sounds like 项 or 条 ("第三相", "第2象") becomes that unit.

Repairs are looked up by the pinyin of their first two characters, so a reply costs one dictionary
look-up per character. The words of a list's titles are gathered per pair of sounds, when a reply
first holds that pair (``ListVocabulary``): weighing a title for its words costs more than reading
a reply, and most replies ("第1项完成80%") sound like no title word at all.
"""
from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from . import segmenter
from .numbers import NUMBER
from .titles import normalized_title, title_words

# pypinyin's phrase table is not needed for single characters and takes most of its start-up.
os.environ.setdefault("PYPINYIN_NO_PHRASES", "true")
os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "true")
from pypinyin.pinyin_dict import pinyin_dict  # noqa: E402

STATE_WORDS = ("完成", "进度", "销号", "整改", "进行", "推进", "开始", "启动", "进展", "完毕", "到位", "落实",
               "搞定", "建成", "完工", "办结", "验收")

Vocabulary = dict[tuple[str, str], tuple[tuple[str, tuple[str, ...]], ...]]


class _Sounds(dict):
    """Each character's sound, worked out when first asked for; a dictionary look-up after that
    (cheaper than ``lru_cache``: a reply asks for every character's). Emptied when it holds
    65,536 characters."""

    def __missing__(self, ch: str) -> str:
        if len(self) >= 65536:
            self.clear()
        self[ch] = found = _reading(ch)
        return found


def _reading(ch: str) -> str:
    readings = pinyin_dict.get(ord(ch))
    if not readings:
        return ch
    first = readings.split(",", 1)[0]
    return "".join(c for c in unicodedata.normalize("NFD", first) if not unicodedata.combining(c))


# The toneless first reading of a character ("项" → "xiang"), or the character itself.
sound = _Sounds().__getitem__


def sounds(word: str) -> tuple[str, ...]:
    return tuple(sound(ch) for ch in word)


@lru_cache(maxsize=65536)
def _entry(word: str) -> tuple[str, ...] | None:
    """The sounds of ``word`` when it can be a vocabulary word (two to four Chinese characters),
    else None. Cached: title words recur in list after list."""
    if 2 <= len(word) <= 4 and all("\u4e00" <= ch <= "\u9fff" for ch in word):
        return sounds(word)
    return None


def vocabulary(words: Iterable[str]) -> Vocabulary:
    """The words (state words added), indexed by the sound of their first two characters."""
    table: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {}
    for word in (*STATE_WORDS, *words):
        key = _entry(word)
        if key is not None:
            table.setdefault(key[:2], {})[word] = key
    return {k: tuple(sorted(v.items(), key=lambda w: -len(w[0]))) for k, v in table.items()}


_STATE_VOCABULARY = vocabulary(())


@lru_cache(maxsize=8192)
def _sound_pairs(title: str) -> frozenset[tuple[str, str]]:
    """The sounds of every two neighbouring Chinese characters of a (raw) title, as it is matched
    (normalized): the first two sounds of each of its words (all Chinese) are among them. Kept for
    8,192 titles, as ``titles.title_bigrams``."""
    spoken = [sound(ch) if "\u4e00" <= ch <= "\u9fff" else None for ch in normalized_title(title)]
    return frozenset(pair for pair in zip(spoken, spoken[1:], strict=False) if None not in pair)


@lru_cache(maxsize=2048)
def _title_table(title: str) -> dict[tuple[str, str], tuple[tuple[str, tuple[str, ...]], ...]]:
    """A title's words (``titles.title_words``) with their sounds, by the sound of their first two
    characters, in the title's order."""
    table: dict[tuple[str, str], list[tuple[str, tuple[str, ...]]]] = {}
    for word in title_words(title):
        key = _entry(word)
        if key is not None:
            table.setdefault(key[:2], []).append((word, key))
    return {k: tuple(v) for k, v in table.items()}


class ListVocabulary:
    """``vocabulary(state words + the content words of ``titles``)``, as ``repair`` reads it, built
    one key at a time: ``key in vocab`` asks only which sounds stand next to each other in the
    titles (cheap); the words under a key are gathered, from the state words and
    the titles holding that pair of sounds, the first time a reply holds it. The same words in the
    same order as ``vocabulary`` gives (longest first, then state words, then titles in list order)."""

    def __init__(self, titles: Sequence[str]) -> None:
        self._titles = tuple(titles)
        self._pairs = tuple(map(_sound_pairs, self._titles))
        self._keys = self.sound_keys = frozenset(_STATE_VOCABULARY).union(*self._pairs)
        self._found: dict[tuple[str, str], tuple[tuple[str, tuple[str, ...]], ...]] = {}

    def __contains__(self, key: tuple[str, str]) -> bool:
        """Whether some word may start with these two sounds (its words may still be none)."""
        return key in self._keys

    def __getitem__(self, key: tuple[str, str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
        found = self._found.get(key)
        if found is None:
            words = dict(_STATE_VOCABULARY.get(key, ()))
            for title, pairs in zip(self._titles, self._pairs, strict=True):
                if key in pairs:
                    for word, spoken in _title_table(title).get(key, ()):
                        words.setdefault(word, spoken)
            found = self._found[key] = tuple(sorted(words.items(), key=lambda w: -len(w[0])))
        return found


def clear_cache() -> None:
    """Forget the title words by sound (after the dictionary changed)."""
    _title_table.cache_clear()
    _sound_pairs.cache_clear()


_UNIT_SOUNDS = {"xiang": "项", "tiao": "条"}
_POSITION_UNIT_RE = re.compile(rf"(第\s*{NUMBER})([\u4e00-\u9fff])")


def repair(text: str, vocab: Vocabulary | ListVocabulary | None = None) -> str:
    """``text`` with voice-input homophones of vocabulary words replaced (see the module docstring)."""
    vocab = vocab if vocab is not None else _STATE_VOCABULARY
    if "第" in text:
        text = _POSITION_UNIT_RE.sub(_unit, text)
    spoken = list(map(sound, text))
    pairs = list(zip(spoken, spoken[1:], strict=False))
    keys = vocab.sound_keys if isinstance(vocab, ListVocabulary) else vocab.keys()
    if keys.isdisjoint(pairs):
        return text         # no two sounds side by side start a word of the list
    hits = [i for i, key in enumerate(pairs) if key in keys]
    out, done = [], 0
    for i in hits:
        if i < done:
            continue
        for word, key in vocab[pairs[i]]:
            run = text[i:i + len(word)]
            if (len(run) == len(word) and run != word and tuple(spoken[i:i + len(word)]) == key
                    and any(a == b for a, b in zip(run, word, strict=True)) and not _in_a_word(text, i, i + len(word))):
                out.append(text[done:i])
                out.append(word)
                done = i + len(word)
                break
    out.append(text[done:])
    return "".join(out)


def _in_a_word(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a dictionary word or lies in one ("会一" in "三会一课")."""
    for a in range(max(0, start - 2), start + 1):
        for b in range(end, min(len(text), end + 2) + 1):
            if b - a >= 2 and segmenter.is_word(text[a:b]):
                return True
    return False


def _unit(m: re.Match) -> str:
    unit = m.group(2)
    if unit in "项条":
        return m.group()
    return m.group(1) + _UNIT_SOUNDS.get(sound(unit), unit)
