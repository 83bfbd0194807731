"""Text clean-up before understanding: one canonical form for whatever people type.

* Traditional characters become simplified with OpenCC's t2s conversion (phrase-aware: 乾部 →
  干部 but 乾坤 stays). Most replies are simplified already, so the converter only runs when the
  text holds a character of OpenCC's traditional→simplified character table.
* Full-width letters, digits and punctuation become half-width (NFKC); ①..⑳ become "1." ... "20."
  enumeration markers; emoji variation selectors go.
* Check marks (✅ ✔ ☑ √) become one mark ``CHECK`` and crosses (❌ ✘ ✗ ×, when not between a
  word and a number as in "党课×2") become ``CROSS``; the state reader reads them as done / not done.
* Spaces between two Chinese characters go, and a few longer names of the same meetings are
  unified (支部委员会会议 → 支委会), so that titles and replies agree.

Item titles go through the same function, so a reply and a title always meet in the same form.
Splitting a reply into clauses is ``bot.nlu.layout``'s business.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import opencc

CHECK = "✓"
CROSS = "✗"

_T2S = opencc.OpenCC("t2s")


def _traditional_chars() -> str:
    """The characters OpenCC's t2s table changes (read from its TSCharacters dictionary)."""
    table = Path(opencc.__file__).with_name("dictionary") / "TSCharacters.txt"
    chars = []
    try:
        for line in table.read_text(encoding="utf-8").splitlines():
            source, _, targets = line.partition("\t")
            if len(source) == 1 and targets and targets.split()[0] != source:
                chars.append(source)
    except OSError:     # another packaging of OpenCC: convert every text (slower, same result)
        return ""
    return "".join(chars)


_TRADITIONAL = _traditional_chars()
_TRADITIONAL_RE = re.compile(f"[{re.escape(_TRADITIONAL)}]") if _TRADITIONAL else re.compile(r"[^\x00-\x7f]")

# ①..⑳ are enumeration markers ("①完成②进行中"); NFKC would turn them into bare digits.
_CIRCLED = {chr(0x2460 + i): f"{i + 1}." for i in range(20)}
_MARKS = {**{c: CHECK for c in "✅✔☑√✓🆗"}, **{c: CROSS for c in "❌✘✗❎╳"},
          "\ufe0f": "", "\ufe0e": ""}
_TABLE = str.maketrans({**_CIRCLED, **_MARKS})
# "×" between a word and a number is a multiplication ("党课×2"); after a number ("3×") or
# before no number it is a cross.
_CROSS_RE = re.compile(r"(?<=\d)×|×(?!\s*\d)")

# Longer names of the same meetings, unified so that titles and replies agree.
_SYNONYMS = {
    "支部委员会会议": "支委会",
    "支部委员会": "支委会",
    "支委会议": "支委会",
    "支委员会": "支委会",
    "支部大会": "支部党员大会",
    "党员大会会议": "党员大会",
    "党小组会议": "党小组会",
    "党小组会会议": "党小组会",
}
_SYNONYM_RE = re.compile("|".join(map(re.escape, sorted(_SYNONYMS, key=len, reverse=True))))

_CONTROL_RE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")
CJK = "\u4e00-\u9fff"
_SPACE_BETWEEN_CJK_RE = re.compile(rf"(?<=[{CJK}])[ \t\u3000]+(?=[{CJK}])")


def to_simplified(text: str) -> str:
    """``text`` in simplified characters (OpenCC t2s), untouched when it has no traditional one."""
    if _TRADITIONAL_RE.search(text):
        return _T2S.convert(text)
    return text


@lru_cache(maxsize=1024)
def normalize(text: str) -> str:
    """The canonical form of a reply or a title (see the module docstring). The last 1,024 are
    kept: one reply is normalized by every grammar that reads it (five times a message or more)."""
    text = to_simplified(text).translate(_TABLE)
    text = _CROSS_RE.sub(CROSS, text)
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL_RE.sub("", text)
    text = _SPACE_BETWEEN_CJK_RE.sub("", text)
    text = _SYNONYM_RE.sub(lambda m: _SYNONYMS[m.group()], text)
    return text.strip()


_PUNCT_RE = re.compile(r"[\s,.;:!?。，、；：！？~…'\"“”‘’()（）\[\]【】]+")


def strip_punctuation(text: str) -> str:
    """``text`` without spaces and punctuation: the form whole-message grammars ("确认", "提醒没报的")
    are matched against."""
    return _PUNCT_RE.sub("", text)
