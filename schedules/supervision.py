"""What secretaries are told about the units they answer for: the quarterly digest (季督) and the
escalation of non-reporters (未报督促), rolled up over the organisation tree.

三级书记: a secretary answers for their unit and every unit below (``models.organisation.Tree``);
a unit without a secretary is covered by the nearest secretary above; nobody is told about
themself — a secretary who did not report is named to the secretary responsible for them.
Members who left (``Member.active`` false) are never counted as reporters nor told anything.

The builders here return ``(recipient, text)`` pairs; ``schedules.digests`` turns them into pushes.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from bot.fitting import MAX_TEXT_BYTES, byte_size, fit_lines, fit_text
from bot.texts import UNIT_MORE, day, month_zh, progress_zh
from models.lookups import expected_reporters, item_sort_key, live, overdue_items, unreported
from models.organisation import Tree
from models.tables import Item, ItemKind, ItemStatus, Member, MonthlyReport
from schedules.ladder import notified_by_unit, notified_section

INDENT = "　"                       # a full-width space per level below the secretary's unit
UNITS_LEFT_OUT = "另有{n}个单位未列出（其中{clean}个月报全部报送、无逾期、无未销号整改）"
CLEAN_UNITS = "其余{n}个单位：月报全部报送，无逾期事项，无未销号整改"


# --- per-unit figures of a quarter ------------------------------------------------------------

def quarter_months(period: str) -> list[str]:
    """"2026-Q3" → ["2026-07", "2026-08", "2026-09"]."""
    year, q = int(period[:4]), int(period[-1])
    return [f"{year:04d}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)]


@dataclass
class UnitFigures:
    """One unit's quarter: report rate in person-months, overdue items, rectifications not closed off."""

    reported: int = 0
    expected: int = 0
    items: list[Item] = field(default_factory=list)
    overdue: list[Item] = field(default_factory=list)
    rectifications: list[Item] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Nothing to say: no items and nobody expected to report."""
        return not self.items and not self.expected

    @property
    def clean(self) -> bool:
        """Everybody reported, nothing overdue, no rectification open."""
        return self.reported >= self.expected and not self.overdue and not self.rectifications

    def add(self, other: UnitFigures) -> None:
        self.reported += other.reported
        self.expected += other.expected
        self.items += other.items
        self.overdue += other.overdue
        self.rectifications += other.rectifications

    def rate(self, short: bool = False) -> str:
        """"83%（已报10/应报12人次）" ("83%（10/12）" if ``short``), or "—" with nobody expected."""
        if not self.expected:
            return "—"
        counts = f"{self.reported}/{self.expected}" if short else f"已报{self.reported}/应报{self.expected}人次"
        return f"{round(100 * self.reported / self.expected)}%（{counts}）"

    def summary(self, short: bool = False) -> str:
        return f"报送率{self.rate(short)}｜逾期{len(self.overdue)}项｜未销号整改{len(self.rectifications)}项"


def unit_figures(session: Session, year: int, months: list[str], today: date) -> dict[int, UnitFigures]:
    """Every unit's figures for the months of a quarter of ``year``, in three queries.

    Expected in a month: the unit's expected reporters today (active people with an open item)
    plus whoever of the unit reported that month (the past cannot be rebuilt exactly); members
    who left count in neither. Items are the unit's live items of the year (``models.lookups.live``),
    whoever owns them: an item of someone who left is still the unit's until it is reassigned.
    """
    figures: dict[int, UnitFigures] = defaultdict(UnitFigures)
    expected_now: dict[int, set[int]] = defaultdict(set)
    for m in expected_reporters(session, None, year):
        expected_now[m.unit_id].add(m.id)
    reports: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    rows = session.exec(select(MonthlyReport.member_id, MonthlyReport.month, Member.unit_id)
                        .join(Member, Member.id == MonthlyReport.member_id)
                        .where(MonthlyReport.month.in_(months), Member.active)).all()
    for member_id, month, unit_id in rows:
        reports[unit_id][month].add(member_id)
    for unit_id in set(expected_now) | set(reports):
        f = figures[unit_id]
        f.reported = sum(len(reports[unit_id][m]) for m in months)
        f.expected = sum(len(expected_now[unit_id] | reports[unit_id][m]) for m in months)
    items = sorted(session.exec(select(Item).where(live(year))).all(), key=item_sort_key)
    for item in items:
        figures[item.unit_id].items.append(item)
    for f in figures.values():
        f.overdue = sorted(overdue_items(f.items, today), key=lambda i: i.deadline)
        f.rectifications = [i for i in f.items if i.kind == ItemKind.RECTIFICATION and i.status != ItemStatus.CLOSED]
    return dict(figures)


# --- the quarterly digest -------------------------------------------------------------------

def _owner(owners: dict[int, Member], item: Item) -> str:
    m = owners.get(item.owner_id)
    if m is None:
        return ""
    return m.name if m.active else f"{m.name}（已离开）"


def _unit_detail(unit_name: str, f: UnitFigures, head: str, owners: dict[int, Member],
                 today: date) -> str:
    """A secretary with no unit below: their unit's rate, then each overdue item and each open
    rectification."""
    head = f"{head}\n{unit_name}月报报送率{f.rate()}"
    lines = [f"逾期事项{len(f.overdue)}项" + ("：" if f.overdue else "。")]
    for i in f.overdue:
        lines.append(f"· [{i.code}] {i.title}｜{_owner(owners, i)}｜截止{day(i.deadline)}，"
                     f"已逾期{(today - i.deadline).days}天")
    lines.append(f"未销号整改{len(f.rectifications)}项" + ("：" if f.rectifications else "。"))
    overdue = {i.id for i in f.overdue}
    for i in f.rectifications:
        state = "已完成，待核实销号" if i.status == ItemStatus.DONE else progress_zh(i, today)
        late = "（已逾期）" if i.id in overdue else ""
        limit = f"｜时限{day(i.deadline)}{late}" if i.deadline else ""
        lines.append(f"· [{i.code}] {i.title}｜{_owner(owners, i)}｜{state}{limit}")
    return fit_lines(head, lines, UNIT_MORE)


def _attention(f: UnitFigures) -> tuple[int, int, int]:
    """How much a unit's line has to point out: overdue, open rectifications, missing reports."""
    return len(f.overdue), len(f.rectifications), f.expected - f.reported


def _rollup(tree: Tree, own: int, units: list[int], figures: dict[int, UnitFigures], head: str) -> str:
    """A secretary with units below: the total, then one line per unit (own unit first, the
    tree's order, indented by level), and how to ask for details. When that is more than one
    message holds, the lines kept are the own unit's and those with most to point out (still in
    the tree's order), and one line says how many units are left out and how many of them are clean."""
    total = UnitFigures()
    for uid in units:
        total.add(figures[uid])
    head = f"{head}\n合计：{total.summary()}"
    depth = {uid: len(tree.ancestors(uid)) for uid in units}

    def line(uid: int) -> str:
        name = tree.name(uid) + ("（本单位）" if uid == own else "" if uid in tree.secretaries else "（无书记）")
        return f"{INDENT * (depth[uid] - depth[own])}{name}：{figures[uid].summary(short=True)}"

    below = sorted((uid for uid in units if uid != own),
                   key=lambda uid: tuple(-n for n in _attention(figures[uid])))     # stable: tree order
    example = tree.name(below[0])
    footer = f"回复“{example}逾期事项”“{example}整改清单”查看明细"

    def text(kept: set[int]) -> str:
        lines = [line(uid) for uid in units if uid in kept]
        left_out = [uid for uid in units if uid not in kept]
        clean = sum(1 for uid in left_out if figures[uid].clean)
        if left_out and clean == len(left_out):
            lines.append(CLEAN_UNITS.format(n=clean))
        elif left_out:
            lines.append(UNITS_LEFT_OUT.format(n=len(left_out), clean=clean))
        return "\n".join([head, *lines, footer])

    kept = set(units)
    if byte_size(text(kept)) > MAX_TEXT_BYTES:
        kept = {own}
        for uid in below:
            if figures[uid].clean or byte_size(text(kept | {uid})) > MAX_TEXT_BYTES:
                break
            kept.add(uid)
    return fit_text(text(kept))


def quarterly_digests(session: Session, period: str, today: date) -> list[tuple[Member, str]]:
    """季督: every active secretary whose unit or units below have anything to show gets one
    message — their own unit and, one line per unit below (units without a secretary included),
    report rate, overdue and open rectifications; a branch secretary with no unit below gets their
    unit's overdue items and open rectifications item by item."""
    year, q = int(period[:4]), int(period[-1])
    tree = Tree.load(session)
    figures = defaultdict(UnitFigures, unit_figures(session, year, quarter_months(period), today))
    owner_ids = {i.owner_id for f in figures.values() for i in f.overdue + f.rectifications}
    owners = {m.id: m for m in session.exec(select(Member).where(Member.id.in_(owner_ids)))} if owner_ids else {}
    order = {uid: n for n, uid in enumerate(tree.in_order())}
    notified = notified_by_unit(session, tree, year, [int(m[5:]) for m in quarter_months(period)], today)
    out = []
    for unit_id, boss in sorted(tree.secretaries.items(), key=lambda pair: order[pair[0]]):
        units = [uid for uid in tree.subtree(unit_id) if uid == unit_id or not figures[uid].empty]
        ladder = notified_section(notified, tree.subtree(unit_id))
        if all(figures[uid].empty for uid in units) and not ladder:
            continue
        head = f"【季度督查】{boss.name}，{tree.name(unit_id)}{year}年第{q}季度清单情况："
        if len(units) == 1:
            text = _unit_detail(tree.name(unit_id), figures[unit_id], head, owners, today)
        else:
            below = len(units) - 1
            head = f"【季度督查】{boss.name}，{tree.name(unit_id)}及下属{below}个单位{year}年第{q}季度清单情况："
            text = _rollup(tree, unit_id, units, figures, head)
        out.append((boss, fit_text(f"{text}\n{ladder}") if ladder else text))
    return out


# --- escalation of non-reporters ----------------------------------------------------------------

def escalation_lists(session: Session, month: str) -> list[tuple[Member, str]]:
    """未报督促: each active non-reporter of ``month`` is named to the secretary responsible for them
    (``Tree.responsible_for``): their unit's secretary, or the nearest above for a unit without one;
    a secretary who did not report to the one above them, never to themself. Secretaries with
    nobody to name get nothing."""
    tree = Tree.load(session)
    order = {uid: n for n, uid in enumerate(tree.in_order())}
    names: dict[int, list[tuple[tuple, str]]] = defaultdict(list)
    bosses: dict[int, Member] = {}
    for m in unreported(session, None, month):
        boss = tree.responsible_for(m)
        if boss is None:
            continue
        own_secretary = tree.secretaries.get(m.unit_id)
        if own_secretary is not None and own_secretary.id == m.id:
            line = f"· {m.name}（{tree.name(m.unit_id)}{m.title}）"
        elif boss.unit_id == m.unit_id:
            line = f"· {m.name}"
        else:
            line = f"· {m.name}（{tree.name(m.unit_id)}）"
        names[boss.id].append(((order.get(m.unit_id, len(order)), m.id), line))
        bosses[boss.id] = boss
    more = f"…及其余{{n}}人，回复“{int(month[5:])}月谁还没报”查看"
    out = []
    for boss_id, entries in names.items():
        lines = [line for _, line in sorted(entries)]
        boss = bosses[boss_id]
        head = f"【月报督促】{boss.name}，{month_zh(month)}以下{len(lines)}人未报送月报："
        out.append((boss, fit_lines(head, lines, more, footer="请督促其按月报送清单进展。")))
    return out
