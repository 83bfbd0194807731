"""How much each part of an item title says about the item: the weights title matching uses.

Every substring (up to ``MAX_MATCH`` characters) of a title is weighed by the dictionary words it
contains (jieba's dictionary, the domain one and the titles, ``segmenter.is_word``): a character
covered by a content word counts 1, one covered only by a generic word ("工作", "建设", "党员",
"召开"…) ``GENERIC_CHAR_WEIGHT``, one covered by no word ``UNCOVERED_CHAR_WEIGHT`` inside a
substring of three characters or more (names and rare words the dictionary lacks). So "活动室"
weighs 3 in "建设党员活动室" while "员活" weighs nothing; ``items`` names an item when the words a
clause shares with its title reach ``MIN_SCORE``.

The weights are computed once per distinct title and kept for the last 2,048 titles (about
11 KB each); in an organ the same duties recur in list after list. Adding words to the dictionary
changes them, so ``clear_cache`` forgets them (``items.clear_cache`` calls it).
"""
from __future__ import annotations

from functools import lru_cache

from . import segmenter
from .text import normalize

MIN_SCORE = 2.0            # the weight of one two-character content word
GENERIC_CHAR_WEIGHT = 0.25  # a character of a generic word
UNCOVERED_CHAR_WEIGHT = 0.5  # a character of no dictionary word, inside a match of 3+ characters
MAX_MATCH = 16             # longest title substring looked up

# Words shared by too many titles to tell items apart (and status verbs that are also title words).
GENERIC_WORDS = frozenset((
    "工作", "党建", "开展", "建设", "召开", "完成", "推进", "落实", "加强", "深化", "提升", "情况", "问题", "整改", "每月", "每季", "季度",
    "每年", "年度", "全年", "本月", "月度", "党员", "支部", "党支部", "机关", "活动", "专项", "相关", "有关", "进行", "组织", "做好", "任务",
    "事项", "项目", "清单", "全面", "持续", "进一步", "强化", "推动", "健全", "完善", "规范", "实施", "开展好", "落实好", "抓好", "党委", "单位",
    "部门", "各项", "一次", "每次", "至少", "不少", "少于", "按时", "及时", "定期", "认真", "扎实", "切实", "有效", "制定", "撰写", "编制",
    "起草", "修订", "举办", "举行",
    # a rectification's words of fault, which replies use of anything ("服务次数还不够")
    "不够", "到位", "不到位", "不规范", "不足", "不全", "不力", "不严", "不实", "不高", "不强", "未按", "单一",
))

PUNCT = set(" ,;:!?。、.()[]{}<>\"'“”‘’《》【】-—~·/|+*&#@%")


@lru_cache(maxsize=2048)
def title_weights(title: str) -> dict[str, float]:
    """The substring weights of one (raw) title; shared by every list holding it, never modified.
    A title's weights take about 11 KB (a 22-character title has some 300 substrings), so the
    titles kept are bounded (2,048: about 22 MB) like the lists kept by ``index_for``."""
    return _substring_weights(normalized_title(title))


@lru_cache(maxsize=2048)
def title_words(title: str) -> tuple[str, ...]:
    """The words of a title that voice-input repairs look for: its substrings of two to four
    characters that weigh as much as a content word."""
    return tuple(w for w, weight in title_weights(title).items() if weight >= MIN_SCORE and len(w) <= 4)


@lru_cache(maxsize=8192)
def normalized_title(title: str) -> str:
    """A (raw) title as it is matched (``normalize``); kept for 8,192 titles (about 1 MB), since
    every list a reply is read against needs its titles' characters."""
    return normalize(title)


@lru_cache(maxsize=8192)
def title_bigrams(title: str) -> frozenset[str]:
    """The two-character substrings of a (raw) title that ``title_weights`` weighs — exactly its
    two-character keys — without weighing anything: which titles a reply may name is known before
    any title is weighed. Kept for 8,192 titles (about 2 KB each), as ``normalized_title``: the
    lists kept are fewer than the people, and every list made again needs them."""
    t = normalized_title(title)
    return frozenset(t[i:i + 2] for i in range(len(t) - 1) if t[i] not in PUNCT and t[i + 1] not in PUNCT)


def clear_cache() -> None:
    """Forget the title weights and title words (after the dictionary changed)."""
    title_weights.cache_clear()
    title_words.cache_clear()
    normalized_title.cache_clear()
    title_bigrams.cache_clear()


@lru_cache(maxsize=65536)
def _is_generic(word: str) -> bool:
    """A generic word, or one made only of generic words ("党建工作" = 党建 + 工作)."""
    if word in GENERIC_WORDS:
        return True
    return any(word[:k] in GENERIC_WORDS and _is_generic(word[k:]) for k in range(2, len(word) - 1))


def _substring_weights(title: str) -> dict[str, float]:
    """Every substring (2..MAX_MATCH characters) of ``title`` with the weight of its words.

    A character counts 1 when a content word inside the substring covers it (a dictionary word
    that is not generic and not part of a generic one), GENERIC_CHAR_WEIGHT when only a generic
    word does, and UNCOVERED_CHAR_WEIGHT when no word does and the substring
    is three characters or longer (names and rare words the dictionary lacks).
    """
    n = len(title)
    generic, content = [], []
    for i in range(n):
        if title[i] in PUNCT:
            continue
        for j in range(i + 2, min(n, i + 4) + 1):
            if title[j - 1] in PUNCT:       # the words from i end before it
                break
            word = title[i:j]
            if _is_generic(word):
                generic.append((i, j))
            elif segmenter.is_word(word):
                content.append((i, j))
    words_ending_at: list[list[tuple[int, float]]] = [[] for _ in range(n + 1)]
    for i, j in generic:
        words_ending_at[j].append((i, GENERIC_CHAR_WEIGHT))
    for i, j in content:
        # a dictionary word inside a generic one ("建工" in "党建工作") is not a content word
        if not any(gi <= i and j <= gj for gi, gj in generic):
            words_ending_at[j].append((i, 1.0))
    weights: dict[str, float] = {}
    for i in range(n):
        # Growing the substring title[i:j] one character at a time, keep the coverage of its
        # characters and, as they change, its sum and its count of uncovered characters (the
        # weights are quarters and halves, so the running sums are exact).
        covered = [0.0] * n
        total, uncovered = 0.0, 0
        for j in range(i + 1, min(n, i + MAX_MATCH) + 1):
            if title[j - 1] in PUNCT:
                break
            uncovered += 1                  # character j-1 enters, covered by no word yet
            for start, weight in words_ending_at[j]:
                if start >= i:
                    for k in range(start, j):
                        if weight > covered[k]:
                            uncovered -= covered[k] == 0.0
                            total += weight - covered[k]
                            covered[k] = weight
            if j - i < 2:
                continue
            weight = total + (UNCOVERED_CHAR_WEIGHT * uncovered if j - i >= 3 else 0.0)
            sub = title[i:j]
            weights[sub] = max(weights.get(sub, 0.0), weight)
    return weights
