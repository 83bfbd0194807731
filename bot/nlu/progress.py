"""From the clauses of a progress reply to updates: who gets which state, percent, count and total.

Within a clause, item references and signals (see ``states``) are taken in order:

* a signal goes to the references just before it that have none yet ("1、2项已完成",
  "学习计划和调研报告都完成了");
* with none waiting, a signal right before a reference goes to it and to the references that
  directly follow ("召开了2次支委会", "完成了学习计划和调研报告");
* otherwise it adds to the last group ("第2项已完成80%").

"分别" hands out as many percents (or counts) as there are references, in order ("换届选举和调研
报告分别完成60%和80%"). A count after "X、Y各…" is multiplied by the number of things listed when
they are not items themselves ("二支部、五支部各指导了一次" is 2; "支部党员大会和支委会各开了一次"
is once each).

A clause with signals but no reference continues the previous clause when it is the same sentence
(after a comma or colon: "活动室建设遇到困难，需要协调场地", "第2项：完成80%"), or when the previous
clause already said something or named nothing but items ("调研报告已完成。正在征求意见"); signals
before any reference go to the first reference only when its clause is nothing but that reference
("已完成，第3项"); otherwise they make an update with item None. A reference that no signal reaches is a **mention**, not an update
("研究发展党员和换届工作" under another item) — unless the whole reply is nothing but references,
which answers the bot's "哪一项？". With no reference anywhere, the reply is one update with item
None, made only by a real state (a promise or a thumbs-up alone says nothing).

A title word that lies inside a longer state phrase is that phrase ("没有遇到困难" does not name
走访慰问困难老党员), and a state phrase inside the title words of a reference is the title.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import confidence
from .items import MASK, ItemIndex, Mention, find_mentions
from .layout import Clause
from .model import Update
from .numbers import to_int
from .prefilter import needing
from .resolve import resolve_update
from .states import Signal, find_signals

_ADJACENT = 1   # at most this many characters between a signal and the reference it leads into
_RESPECTIVELY_RE = re.compile(r"分别|依次")
_EACH_RE = re.compile(r"([^\s,;:、和与及]{1,10}(?:(?:、|和|与|及|以及)[^\s,;:、和与及]{1,10})+)各[^各]{0,6}$")
_EACH_OF_N_RE = re.compile(r"(\d{1,2}|[两二三四五六七八九十]{1,2})个[^各\d]{0,4}各[^各]{0,6}$")
_FILLER_RE = re.compile(r"[\s\x00的了呢吧啊哦嗯,.;:!?、~…]+")
# Politeness and closings, which say nothing about an item ("第2项，谢谢", "以上，请审阅").
_POLITE_RE = re.compile(r"谢谢|感谢|多谢|辛苦了?|收到|好的|以上|请?(?:书记|领导)?(?:审阅|指示|指正|批示)|特此报告|报告完毕|"
                        r"如有不妥|书记|领导|您好|你好|是本月情况|本月情况|这个月|本月|👌|👍|🙏")


# A number of people right after the verb ("谈了5人"): what was counted is unclear.
_PEOPLE_RE = re.compile(r"[了过]\s*(?:\d{1,4}|[一二两三四五六七八九十百]{1,4})\s*(?:个)?(?:人|名|户|位)(?!次)")
_MAY_POLITE = needing("progress._POLITE_RE", _POLITE_RE, "谢感辛收好以审指批特告如书领您你是本这👌👍🙏")
_MAY_PEOPLE = needing("progress._PEOPLE_RE", _PEOPLE_RE, "了过")
# State words of a rectification ("整改到位", "销号"): said of another kind of item, they are weak evidence.
_RECTIFICATION_WORDS_RE = re.compile(r"整改|销号")


@dataclass
class _Group:
    mentions: list[Mention]
    signals: list[Signal] = field(default_factory=list)
    respectively: bool = False
    people: bool = False        # the clause counts people after its verb


def read_updates(clauses: list[Clause], index: ItemIndex, trace: list | None = None,
                 links: list | None = None) -> list[Update]:
    """The updates a reply's clauses make; empty when they state nothing about any item.

    ``trace``, when given, receives one dict per clause: its text, references and signals;
    ``links`` the evidence of each link from a reference to an item (``confidence.judge``).
    """
    groups: list[_Group] = []
    unattached: list[Signal] = []       # signals before any reference
    bare = True                         # nothing but references so far
    first_is_bare = False               # the first clause with references has nothing else
    last_bare = False                   # the clause before named items and nothing else
    heading: list[Signal] = []          # "已完成：" - a state heading the references after the colon
    previous: list[_Group] = []         # the groups of the clause before
    for clause in clauses:
        label = previous[-1] if clause.after_colon and previous and not previous[-1].signals else None  # "提升班：50%"
        clause_groups, loose, leftover = _clause_groups(clause, index, trace, label)
        previous = clause_groups
        if label is not None and label.signals:
            bare = False
        if heading and clause.after_colon and clause_groups:
            for group in clause_groups:
                group.signals[:0] = heading
            heading = []
            last_bare = False
            groups.extend(clause_groups)
            continue
        heading = []
        if loose and not clause_groups and _heads_a_list(clause, clauses):
            heading, loose = loose, []
        bare = bare and not leftover and not loose and all(not g.signals for g in clause_groups)
        if clause_groups and not groups:
            first_is_bare = not leftover and all(not g.signals for g in clause_groups)
        if loose:               # only when the clause names no item
            if groups and (clause.joined or groups[-1].signals or last_bare):
                groups[-1].signals.extend(loose)
            else:
                unattached.extend(loose)
        last_bare = bool(clause_groups) and not leftover and all(not g.signals for g in clause_groups)
        groups.extend(clause_groups)
    if unattached and groups and first_is_bare and not groups[0].signals:
        groups[0].signals.extend(unattached)        # "已完成，第3项"
        unattached = []
    lead = resolve_update(None, unattached, None) if unattached else None
    return ([lead] if lead else []) + (_updates_for(groups, index, bare, len(clauses), links) if groups else [])


def _heads_a_list(clause: Clause, clauses: list[Clause]) -> bool:
    """Whether the clause after ``clause`` follows it after a colon ("已完成：手册、公开栏")."""
    at = clauses.index(clause)
    return at + 1 < len(clauses) and clauses[at + 1].after_colon


def _clause_groups(clause: Clause, index: ItemIndex, trace: list | None,
                   label: _Group | None = None) -> tuple[list[_Group], list[Signal], str]:
    """The groups of one clause; its signals when it names no item; what is left of its words.

    ``label``: the references before a colon the clause follows ("提升班：50%"), which the signals
    before the clause's first reference describe."""
    mentions, masked, mask = find_mentions(clause.text, index, clause.section)
    signals = find_signals(masked, mask)
    if mentions and signals:
        signals = [s for s in signals if not _inside(s, mentions)]
        mentions = [m for m in mentions if not _within_signal(m, signals)]
    signals = _each([s for s in signals if s.kind != "void"], masked, mentions)
    mentions = [m._replace(weak=True) if m.how == "enumeration" and _names_something_else(clause.text, m, signals)
                else m for m in mentions]
    if trace is not None:
        trace.append({"clause": clause.text, "section": clause.section, "mentions": mentions,
                      "signals": signals, "masked": masked})
    leftover = _leftover(clause.text, mentions)
    tokens: list[Mention | Signal] = sorted([*mentions, *signals], key=lambda t: (t.start, isinstance(t, Signal))) \
        if mentions and signals else mentions or signals       # each sorted by where it starts already
    respectively = bool(_RESPECTIVELY_RE.search(clause.text))
    groups: list[_Group] = []
    pending: list[Mention] = []        # references waiting for a signal
    forward: list[Signal] = []         # signals waiting for a reference
    last: _Group | None = label        # the group later signals add to
    joining: _Group | None = None      # a group that directly following references join
    bound_end = -9                     # where the last signal given to ``last`` ends
    for pos, token in enumerate(tokens):
        if isinstance(token, Mention):
            label = None
            if forward:
                last = joining = _Group([token], forward, respectively)
                groups.append(last)
                forward = []
            elif joining is not None and _LIST_GAP_RE.fullmatch(clause.text[joining.mentions[-1].end:token.start]):
                joining.mentions.append(token)      # "完成了学习计划和调研报告"
            else:
                joining = None
                pending.append(token)
                last = None
            continue
        joining = None
        if pending:
            last = _Group(pending, [token], respectively)
            groups.append(last)
            pending = []
            bound_end = token.end
        elif last is not None and (label is not None or token.start - bound_end <= _ADJACENT
                                   or not _leads_into(token, tokens[pos + 1] if pos + 1 < len(tokens) else None)):
            last.signals.append(token)      # "开了|一次|党员大会": the count belongs to the verb before it
            bound_end = token.end
        else:
            forward.append(token)
    if pending:
        groups.append(_Group(pending, [], respectively))
    if _MAY_PEOPLE.search(masked) and _PEOPLE_RE.search(masked):
        for group in groups:
            group.people = True
    if forward and groups:
        groups[-1].signals.extend(forward)
        forward = []
    return groups, forward, leftover


_LIST_GAP_RE = re.compile(r"[\s、,/&和与及跟以及还有\x00]*")
_CONTENT_RE = re.compile(r"[\u4e00-\u9fff]{2,}")


def _names_something_else(text: str, mention: Mention, signals: list[Signal]) -> bool:
    """Whether a numbered line ("1.召开支委会1次") has words besides its number and its states: then
    the number may be the line's, not the item's ("1.召开支委会1次；2.讲党课1次" on a list without
    them), and the update is asked about."""
    chars = list(text)
    for a, b in [*mention.spans, *((s.start, s.end) for s in signals)]:
        for k in range(a, min(b, len(chars))):
            chars[k] = " "
    rest = "".join(chars)
    rest = _FILLER_RE.sub(" ", _POLITE_RE.sub(" ", rest) if _MAY_POLITE.search(rest) else rest)
    return _CONTENT_RE.search(rest) is not None


def _inside(signal: Signal, mentions: list[Mention]) -> bool:
    """Whether a signal lies wholly within the title words of a reference (a title read as a state)."""
    return any(s <= signal.start and signal.end <= e for m in mentions for s, e in m.spans)


def _within_signal(mention: Mention, signals: list[Signal]) -> bool:
    """Whether all words of a title reference lie inside one longer state phrase ("遇到困难")."""
    if mention.items and len(mention.spans) and not mention.rest:
        for s in signals:
            if s.kind in ("status", "weak", "held", "void") and all(s.start <= a and b <= s.end for a, b in mention.spans):
                return (s.end - s.start) > sum(b - a for a, b in mention.spans)
    return False


def _each(signals: list[Signal], text: str, mentions: list[Mention]) -> list[Signal]:
    """Counts after "X、Y各…" multiplied by the things listed, when those are not items."""
    if "各" not in text:
        return signals      # both patterns need it; searching for them costs more than a parse's share
    out = []
    for s in signals:
        if s.kind == "count":
            n = _EACH_OF_N_RE.search(text[:s.start])
            if n and to_int(n.group(1)):
                out.append(s._replace(value=s.value * to_int(n.group(1))))     # "三个小组各开了一次"
                continue
            m = _EACH_RE.search(text[:s.start])
            if m:
                parts = len(re.split(r"、|和|与|以及|及", m.group(1)))
                named = {m2.items for m2 in mentions if m2.start < m.end(1) and m2.end > m.start(1)}
                if len(named) < parts:
                    s = s._replace(value=s.value * parts)
        out.append(s)
    return out


def _leftover(text: str, mentions: list[Mention]) -> str:
    """The words of a clause outside its references, fillers dropped."""
    chars = list(text)
    for m in mentions:
        for a, b in m.spans:
            chars[a:b] = MASK * (min(b, len(chars)) - a)
    rest = "".join(chars)
    return _FILLER_RE.sub("", _POLITE_RE.sub("", rest) if _MAY_POLITE.search(rest) else rest)


def _leads_into(signal: Signal, following: Mention | Signal | None) -> bool:
    """Whether the token after ``signal`` is a reference starting right after it ("召开了|支委会")."""
    return isinstance(following, Mention) and following.start - signal.end <= _ADJACENT


def _updates_for(groups: list[_Group], index: ItemIndex, bare: bool, clauses: int = 1,
                 links: list | None = None) -> list[Update]:
    """One update per item named (signals of repeated mentions merged), plus the unresolved ones."""
    per_item: dict[int, list[Signal]] = {}
    named_by: dict[int, tuple[Mention, int]] = {}     # the reference an item is linked by, and its group's size
    strong: set[int] = set()        # items named at least once on strong evidence
    people: set[int] = set()
    others: list[tuple[Mention, list[Signal]]] = []
    for group in groups:
        if group.respectively:
            group.mentions = _one_per_item(group.mentions)
        shares = _shares(group)
        for mention, signals in zip(group.mentions, shares, strict=True):
            if len(mention.items) and not mention.ambiguous:
                for item in mention.items:
                    _add_once(per_item.setdefault(item, []), signals)
                    if not mention.weak and (signals or bare):
                        strong.add(item)
                    if item not in named_by or _stronger(mention, named_by[item][0]):
                        named_by[item] = (mention, len(group.mentions))
                    if group.people:
                        people.add(item)
            else:
                others.append((mention, signals))
    updates = []
    for item, signals in per_item.items():
        update = resolve_update(index.ids[item], signals, index.targets[item], bare)
        if update is not None:
            mention, listed = named_by[item]
            doubt = _weak_evidence(item, mention, signals, index, strong, people)
            if doubt:
                update.sure, update.doubt = False, doubt
            confidence.judge(update, mention, index.kinds[item], signals, clauses, listed, index, links)
        updates.append(update)
    for mention, signals in others:
        if mention.rest and per_item:     # "其余": the items not named elsewhere
            for item in range(len(index)):
                if item not in per_item:
                    updates.append(resolve_update(index.ids[item], signals, index.targets[item], bare))
        elif mention.ambiguous:
            targets = [index.targets[k] for k in mention.items]
            update = resolve_update(None, signals, min(targets) if all(targets) else None, bare, known=True)
            if update:
                update.candidates = [index.ids[k] for k in mention.items]
            updates.append(update)
        else:       # a position or 编号 not in the list, or "其余" with nothing else named
            update = resolve_update(None, signals, None, bare)
            if mention.how in ("position", "code") and mention.words:
                update = update or Update(None, None)
                update.unresolved = mention.words     # "第9项" of 8: the handler writes nothing
            updates.append(update)
    return [u for u in updates if u is not None]


_HOW_RANK = {"code": 4, "position": 3, "all": 3, "rest": 3, "title": 2, "enumeration": 1}


def _add_once(kept: list[Signal], signals: list[Signal]) -> None:
    """Add ``signals`` to an item's, each words of the reply once: an item named twice around one
    phrase ("第1项召开了1次支委会": by position and by title) is told it once, not twice."""
    seen = {(s.start, s.end, s.kind) for s in kept}
    kept.extend(s for s in signals if (s.start, s.end, s.kind) not in seen)


def _stronger(a: Mention, b: Mention) -> bool:
    """Whether reference ``a`` is stronger evidence for its item than ``b``."""
    return (not a.weak, _HOW_RANK.get(a.how, 0), a.score) > (not b.weak, _HOW_RANK.get(b.how, 0), b.score)


def _weak_evidence(item: int, mention: Mention, signals: list[Signal], index: ItemIndex, strong: set[int],
                   people: set[int]) -> str | None:
    """Whether an update about ``item`` rests on weak evidence (then it is asked about, not written):
    named only as a qualifier of another reference; a rectification's state words ("整改到位",
    "销号") said of another kind of item; a duty's time inferred from a verb followed by a number
    of people ("谈了5人": five talks, or one talk with five?). Returns why (``model.DOUBTS``), or None."""
    if item not in strong:
        return "line_words" if mention.how == "enumeration" else "qualifier"
    if index.kinds[item] != "rectification" and any(
            s.kind == "status" and _RECTIFICATION_WORDS_RE.search(s.words) for s in signals):
        return "rectification_words"
    if item in people and index.targets[item] is not None and not any(s.kind == "count" for s in signals):
        return "people"
    return None


def _one_per_item(mentions: list[Mention]) -> list[Mention]:
    """"第1、2项分别…": a reference naming several items stands for each of them in turn."""
    out = []
    for m in mentions:
        if len(m.items) > 1 and not m.ambiguous and m.how in ("position", "code"):
            out.extend(m._replace(items=(k,)) for k in m.items)
        else:
            out.append(m)
    return out


def _shares(group: _Group) -> list[list[Signal]]:
    """The signals each reference of a group gets: all of them, or one figure each with 分别."""
    n = len(group.mentions)
    if group.respectively and n > 1:
        for kind in ("percent", "count"):
            figures = [s for s in group.signals if s.kind == kind]
            if len(figures) == n:
                rest = [s for s in group.signals if s.kind != kind]
                return [rest + [f] for f in figures]
    return [group.signals] * n
