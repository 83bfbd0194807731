"""Which items a clause is about: by position, by 编号, or by words of the title.

Positions are read by ``positions`` (in the whole list or within a kind: "第3项", "整改第二条",
"最后一项", an enumeration "1.…" when nothing else names the item). 编号 are read by ``codes``
("Z-2", "z2", "Z-02" share one key).

Titles are matched by their words, partial and colloquial ones included: every substring of a
title is weighed by the dictionary words it contains (``titles``), so "活动室" scores 3 for
"建设党员活动室" while "员活" scores nothing and generic words ("工作", "建设", "党员", "召开"...)
count for little. A clause is scanned for the longest
title substrings it contains; an item is named when its words reach ``MIN_SCORE``. Two items
that reach the same best score over the same words are reported together as candidates, never
guessed between. A title word that only modifies the next word ("会议" in "会议记录") or is only a
modal verb ("计划" in "计划完成活动室") names nothing.

The index of a list also carries the sounds of its title words, for ``homophones``. Indexes are
kept for the last 512 lists (``index_for``), the weights per title by ``titles``; a list's index
computes what is per title only when a reply needs it (see ``ItemIndex``), so a list seen for
the first time costs little more than its 编号 for a reply such as "第1项完成80%".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import NamedTuple

from . import homophones, segmenter, titles
from .codes import code_key, find_codes
from .numbers import to_int
from .positions import ENUMERATION_RE, LEADING_POSITION_RE, find_positions, resolve
from .prefilter import needing
from .states import MODAL_WORDS
from .titles import GENERIC_WORDS, MAX_MATCH, MIN_SCORE, title_bigrams, title_weights

_EPS = 1e-6


# "所有事项", "全部任务" name every item; "各项工作" is a stock phrase (``layout`` drops it).
_ALL_RE = re.compile(r"(?:全部|所有|每一?项)(?:的)?(?:事项|任务|项目|工作|清单事项|清单)")
# "其余进行中", "其他都完成了": the items not named elsewhere; not "剩下2个支部".
_REST_RE = re.compile(r"(?:其余|其他|其它|剩下|剩余|另外)(?:的)?(?:几?项|事项|任务|工作)?"
                      r"(?=\s*(?:都|均|也|全|已|在|正|还|尚|未|没|进|完|暂|待|基本|$))")

_MAY_ALL = needing("items._ALL_RE", _ALL_RE, "全所每")
_MAY_REST = needing("items._REST_RE", _REST_RE, "其剩另")
_MAY_MODAL = needing("states.MODAL_WORDS", MODAL_WORDS, "计打准争希预确保力")

_RECTIFICATION_HINT_RE = re.compile(r"整改|销号|问题")
_QUANTIFIED_HINT_RE = re.compile(r"次|回|场|召开|开过|开了|讲了|听取")
_PROJECT_HINT_RE = re.compile(r"项目")

_NEGATOR_CHARS = set("没沒未不无無非")

MASK = "\x00"   # stands in for characters already claimed by a position or 编号


class Mention(NamedTuple):
    """A reference to items in a clause."""
    start: int
    end: int
    items: tuple[int, ...]               # indexes into the list; empty: names no item of the list
    spans: tuple[tuple[int, int], ...]   # the characters that make the reference
    ambiguous: bool = False              # items are equally good candidates for one reference
    rest: bool = False                   # "其余": the items the reply names nowhere else
    how: str = "title"                   # position | code | all | rest | enumeration | title
    score: float = 0.0                   # the weight of the title words matched (titles only)
    words: str = ""                      # the reference as typed (positions and 编号)
    weak: bool = False                   # weak evidence: the update it makes is asked about, not written
    rivals: tuple[tuple[int, float], ...] = ()  # other items the same words name less well, with their weights


@dataclass(frozen=True)
class ItemIndex:
    """What parsing needs to know about one item list, computed once per list.

    What is per title is computed once per title (``titles``) and only when a reply needs it:
    which two characters each title holds (``title_bigrams``, cheap) is known for the list, the weights
    of a title's substrings (``weights``) only once a reply shares two characters with it, the
    title words by sound (``sounds``) per pair of sounds a reply holds."""
    ids: tuple[str, ...]
    titles: tuple[str, ...]                    # as given (the title caches are keyed by them)
    kinds: tuple[str, ...]
    quantified: tuple[bool, ...]
    targets: tuple[int | None, ...]
    id_keys: dict[str, int]                    # "Z2" -> index
    id_prefixes: frozenset[str]                # "Z", "XM", ...
    literal_ids: tuple[tuple[str, int], ...]   # 编号 of unusual shape, searched as they are (``literal_id_spans``)

    def __len__(self) -> int:
        return len(self.ids)

    def weights(self, k: int) -> dict[str, float]:
        """Item ``k``'s title substrings with their weights (``titles.title_weights``)."""
        return title_weights(self.titles[k])

    @cached_property
    def title_bigrams(self) -> tuple[frozenset[str], ...]:
        """Per item, the two characters its title holds (the two-character keys of ``weights``)."""
        return tuple(map(title_bigrams, self.titles))

    @cached_property
    def items_by_bigram(self) -> dict[str, tuple[int, ...]]:
        """Per two characters, the items whose title holds them."""
        found: dict[str, list[int]] = {}
        for k, held in enumerate(self.title_bigrams):
            for pair in held:
                found.setdefault(pair, []).append(k)
        return {pair: tuple(items) for pair, items in found.items()}

    def sharing_bigrams(self, text: str) -> dict[int, list[int]]:
        """The items whose title shares two neighbouring characters with ``text`` (the only ones
        whose words ``text`` can hold: a title word has two characters or more), each with where
        in ``text`` such pairs start, in order: where its title's words can start."""
        by_bigram = self.items_by_bigram
        found: dict[int, list[int]] = {}
        for i in range(len(text) - 1):
            items = by_bigram.get(text[i:i + 2])
            if items:
                for k in items:
                    starts = found.get(k)
                    if starts is None:
                        found[k] = [i]
                    else:
                        starts.append(i)
        return found

    @cached_property
    def sounds(self) -> homophones.ListVocabulary:
        """Title words and state words, by sound (``homophones``)."""
        return homophones.ListVocabulary(self.titles)


ItemKey = tuple[tuple[str, str, str, "int | None"], ...]


@lru_cache(maxsize=512)
def index_for(key: ItemKey) -> ItemIndex:
    """The index of a list given as a tuple of (id, title, kind, target)."""
    ids = tuple(k[0] for k in key)
    id_keys, prefixes, literal = {}, set(), []
    for i, item_id in enumerate(ids):
        code = code_key(item_id)
        if code:
            id_keys.setdefault(code, i)
            prefixes.add(code.rstrip("0123456789"))
        elif item_id.strip():
            literal.append((item_id.strip(), i))
    return ItemIndex(
        ids=ids,
        titles=tuple(k[1] for k in key),
        kinds=tuple(k[2] for k in key),
        quantified=tuple(bool(k[3]) for k in key),
        targets=tuple(k[3] for k in key),
        id_keys=id_keys,
        id_prefixes=frozenset(prefixes),
        literal_ids=tuple(literal),
    )


@lru_cache(maxsize=16384)
def _literal_id_pattern(item_id: str) -> re.Pattern:
    return re.compile(re.escape(item_id), re.IGNORECASE)


@lru_cache(maxsize=16384)
def _caseless_chars(item_id: str) -> frozenset[str]:
    """The characters of ``item_id`` that have no case ("-", "0", "1" in "R-00001-1"): a pattern
    matching in any case matches those only as themselves."""
    return frozenset(ch for ch in item_id if ch.lower() == ch == ch.upper())


def literal_id_spans(item_id: str, clause: str) -> list[tuple[int, int]]:
    """Where ``clause`` has the 编号 ``item_id`` as typed (any case). Compiling a pattern costs
    more than reading a reply, so a pattern is compiled (once per 编号) only for a clause that
    holds the 编号's caseless characters: a clause lacking one of them cannot contain it."""
    if not _caseless_chars(item_id) <= set(clause):
        return []
    pattern = _literal_id_pattern(item_id)
    return [m.span() for m in pattern.finditer(clause)]


def clear_cache() -> None:
    """Forget the indexes, title weights and title words (after the dictionary changed)."""
    index_for.cache_clear()
    titles.clear_cache()
    homophones.clear_cache()


# ---- finding mentions ------------------------------------------------------------------------

def find_mentions(clause: str, index: ItemIndex, section: str | None = None) -> tuple[list[Mention], str, list[bool]]:
    """The item references in ``clause`` (standing in a section about items of kind ``section``).

    Returns the mentions in order, the clause with positions and 编号 masked (so their digits are
    not read as percents or counts), and a per-character flag of what belongs to a mention.
    """
    mentions: list[Mention] = []
    claimed = [False] * len(clause)

    def claim(start: int, end: int, items: tuple[int, ...], how: str, *, rest: bool = False) -> None:
        mentions.append(Mention(start, end, items, ((start, end),), rest=rest, how=how, words=clause[start:end]))
        for k in range(start, end):
            claimed[k] = True

    def free(start: int, end: int) -> bool:
        return not any(claimed[start:end])

    for position in find_positions(clause, index.kinds, section):
        if free(position.start, position.end):
            claim(position.start, position.end, position.items, "position")
    m = LEADING_POSITION_RE.match(clause)
    if m and free(*m.span()):
        claim(m.start(), m.end(), resolve(None, [to_int(m["n"])], index.kinds, section), "position")
    for start, end, key, prefix in find_codes(clause):
        if not free(start, end):
            continue
        item = index.id_keys.get(key)
        if item is not None:
            claim(start, end, (item,), "code")
        elif prefix in index.id_prefixes:
            claim(start, end, (), "code")       # a 编号 of the right shape that is not in the list
    for item_id, item in index.literal_ids:
        for start, end in literal_id_spans(item_id, clause):
            if free(start, end):
                claim(start, end, (item,), "code")
    for m in _ALL_RE.finditer(clause) if _MAY_ALL.search(clause) else ():
        if free(*m.span()):
            claim(m.start(), m.end(), tuple(range(len(index))), "all")
    for m in _REST_RE.finditer(clause) if _MAY_REST.search(clause) else ():
        if free(*m.span()):
            claim(m.start(), m.end(), (), "rest", rest=True)

    enumeration = ENUMERATION_RE.match(clause)
    if enumeration and not free(*enumeration.span()):
        enumeration = None
    if enumeration:
        for k in range(*enumeration.span()):
            claimed[k] = True

    masked = "".join(MASK if c else ch for ch, c in zip(clause, claimed, strict=True)) if any(claimed) else clause
    titles = _title_mentions(masked, index)
    if titles and (mentions or len(titles) > 1):
        titles = _without_asides(titles, mentions, clause)
    modal = titles and _MAY_MODAL.search(clause) is not None
    first = min([m.start for m in mentions + titles], default=len(clause)) if modal else 0
    for m in titles:
        spans = tuple(sp for sp in m.spans if not _modal(sp, clause, first)) if modal else m.spans
        if spans and (spans[0][0], spans[-1][1], spans) != (m.start, m.end, m.spans):
            m = m._replace(start=spans[0][0], end=spans[-1][1], spans=spans)
        if spans:
            mentions.append(m)

    if enumeration and not mentions:
        number = to_int(enumeration["n"] or enumeration["cn"] or enumeration["check"])
        mentions.append(Mention(enumeration.start(), enumeration.end(),
                                resolve(None, [number], index.kinds, section), (enumeration.span(),),
                                how="enumeration"))

    mask = claimed[:]
    for mention in mentions:
        for start, end in mention.spans:
            mask[start:end] = [True] * (end - start)
    mentions.sort()
    return _modifiers_weak(mentions), masked, mask


def _modifiers_weak(mentions: list[Mention]) -> list[Mention]:
    """A title reference directly followed by a stronger one, with nothing between, may only
    qualify it ("各支部|三会一课开展情况督查了一次"): weak evidence, asked about; when the one after
    it weighs twice as much or more, it only qualifies it and names nothing."""
    if len(mentions) < 2:
        return mentions
    out = list(mentions)
    for k in range(len(out) - 1):
        a, b = out[k], out[k + 1]
        if a.how == b.how == "title" and b.start == a.end and a.score < b.score and not a.ambiguous:
            out[k] = a._replace(weak=True, items=() if 2 * a.score <= b.score else a.items)
    return [m for m in out if m.items or m.how != "title"]


# A bracketed remark or a reason ("谈心谈话2次（与支部书记各谈1次）", "第8项因社区换届暂停")
# describes the item named before it; title words in it name no other item.
_ASIDE_RE = re.compile(r"\([^()]*\)?|(?:因为|由于|因)[^,;:。]*")


def _without_asides(titles: list[Mention], others: list[Mention], clause: str) -> list[Mention]:
    """The title references that are not inside a remark or reason about an earlier reference."""
    asides = [m.span() for m in _ASIDE_RE.finditer(clause)]
    if not asides:
        return titles
    kept = []
    for m in titles:
        inside = any(a <= m.start and m.end <= b for a, b in asides)
        earlier = any(o.end <= m.start and not any(a <= o.start < b for a, b in asides) for o in [*others, *titles])
        if not (inside and earlier):
            kept.append(m)
    return kept


_STATE_MARK_RE = re.compile(r"\s*(?:已|还|没|未|尚|正|在|都|也|均|暂)")


def _modal(span: tuple[int, int], clause: str, first: int) -> bool:
    """Whether title words are only a modal verb ("计划完成活动室", "活动室计划下月弄好").

    A word like 计划 names the item only as the subject of a state ("计划已完成", "计划还没写") or
    alone ("计划"); anywhere else it is the verb "to plan".
    """
    a, b = span
    if MODAL_WORDS.fullmatch(clause[a:b]) is None:
        return False
    subject = a == first and (b == len(clause.rstrip()) or _STATE_MARK_RE.match(clause, b) is not None)
    return not subject


class _TitleMatch(NamedTuple):
    score: float
    item: int
    spans: tuple[tuple[int, int], ...]


def _title_mentions(text: str, index: ItemIndex) -> list[Mention]:
    """Items named by words of their titles in ``text`` (positions and 编号 already masked)."""
    shared = index.sharing_bigrams(text)
    scored = [m for m in (_match_title(text, index.weights(k), k, shared[k]) for k in sorted(shared)) if m.score > 0]
    matches = [m for m in scored if m.score >= MIN_SCORE]
    if not matches:
        return []
    if len(matches) == 1:       # most often: one title named, by non-overlapping increasing spans
        m = matches[0]
        rivals = () if len(scored) == 1 else tuple((o.item, o.score) for o in scored if o is not m and _overlap(o, m))
        return [Mention(m.spans[0][0], m.spans[-1][1], (m.item,), m.spans, score=m.score, rivals=rivals)]
    matches.sort(key=lambda m: (-m.score, m.item))
    mentions = []
    while matches:
        top = _rectification_first(matches, text, index)
        tied = [m for m in matches if abs(m.score - top.score) < _EPS and _overlap(m, top)]
        if len(tied) > 1:
            tied = _break_tie(tied, text, index)
        spans = tuple(sorted({s for m in tied for s in m.spans}))
        rivals = () if len(scored) == len(tied) else tuple(
            (m.item, m.score) for m in scored if all(m is not t for t in tied) and any(_overlap(m, t) for t in tied))
        mentions.append(Mention(spans[0][0], max(e for _, e in spans), tuple(sorted(m.item for m in tied)),
                                spans, ambiguous=len(tied) > 1, score=top.score, rivals=rivals))
        matches = [m for m in matches if not any(_overlap(m, t) for t in tied)]
    return mentions


def _rectification_first(matches: list[_TitleMatch], text: str, index: ItemIndex) -> _TitleMatch:
    """The best match, or, where the clause speaks of 整改/销号/问题 and the best is no rectification,
    the best rectification its words also name: "党费收缴问题已整改到位" is about 党费未按标准收缴
    (a rectification), not 督查党费收缴 (a duty) that shares more words."""
    top = matches[0]
    if index.kinds[top.item] == "rectification" or not _RECTIFICATION_HINT_RE.search(text):
        return top
    fitting = [m for m in matches if index.kinds[m.item] == "rectification" and _overlap(m, top)]
    return fitting[0] if fitting else top


def _match_title(text: str, substrings: dict[str, float], item: int, starts: list[int]) -> _TitleMatch:
    """Scan ``text`` left to right for the longest substrings of one title; sum their weights.
    ``starts``: where in ``text`` two characters of the title stand (``ItemIndex.sharing_bigrams``),
    the only places a substring of it can start."""
    n = len(text)
    i, score, spans, seen = 0, 0.0, [], set()
    for i0 in starts:
        if i0 < i:
            continue
        i, j = i0, i0 + 2
        while j < n and j - i < MAX_MATCH and text[i:j + 1] in substrings:
            j += 1
        while j - i > 2 and text[j - 1] in _NEGATOR_CHARS:
            j -= 1      # "活动室未完成" vs 党员活动室未按标准建设: the 未 negates 完成, it is not the title's
        part = text[i:j]
        weight = substrings[part]
        if weight <= 0 or _modifier(text, i, j):
            i += 1
            continue
        if part not in seen:
            seen.add(part)
            score += weight
        spans.append((i, j))
        i = j
    return _TitleMatch(score, item, tuple(spans))


def _modifier(text: str, i: int, j: int) -> bool:
    """Whether text[i:j] only modifies the word after it ("会议" in "会议记录": a record, not a meeting).

    Chinese compounds put the head last, so a title word followed by another word with which it
    makes one dictionary word is not what the reply is about; "专题党课" still is a 党课. A generic
    head ("阵地建设", "宣传工作") says nothing, so then the word before it is what the reply is about.
    """
    nxt = text[j:j + 2]
    if len(nxt) < 2 or nxt in GENERIC_WORDS or not segmenter.is_word(text[i:j + 2]):
        return False
    # a two-character title word whose reply word runs on past it ("主题|党日" is not 主题教育)
    return j - i == 2 or segmenter.is_word(nxt)


def _overlap(a: _TitleMatch, b: _TitleMatch) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a.spans for s2, e2 in b.spans)


def _break_tie(tied: list[_TitleMatch], text: str, index: ItemIndex) -> list[_TitleMatch]:
    """Narrow equally good matches by what the clause says about the kind of item, if anything."""
    hints = [
        (_RECTIFICATION_HINT_RE, lambda k: index.kinds[k] == "rectification"),
        (_QUANTIFIED_HINT_RE, lambda k: index.quantified[k]),
        (_PROJECT_HINT_RE, lambda k: index.kinds[k] == "project"),
    ]
    for pattern, fits in hints:
        if pattern.search(text):
            narrowed = [m for m in tied if fits(m.item)]
            if 0 < len(narrowed) < len(tied):
                tied = narrowed
    return tied
