"""谁还没报: who has not reported for the month — over the secretary's units (grouped by unit,
counts first), a unit or person named, or a month named ("11月谁还没报").

In a month's first days, until the day the escalation for last month goes out
(``schedules.timetable.month_still_asked_about``), a question naming no month is about last
month: its non-reporters are listed, and this month's count so far follows."""
from bot.paging import paged
from bot.router import Message, Router
from bot.scope import Asked, asked
from bot.texts import UNREPORTED_SECRETARIES_ONLY, month_zh
from models.lookups import report_for, reporting_by_unit
from schedules.timetable import month_still_asked_about

router = Router("unreported")


def _people(msg: Message, a) -> str:
    lines = [f"· {p.name}：{'已报' if report_for(msg.session, p.id, a.month) else '未报'}" for p in a.people]
    return "\n".join([f"{month_zh(a.month)}月报情况："] + lines)


def _tally(msg: Message, a: Asked, month: str) -> tuple[int, int, list[str]]:
    """(expected, missing, one line per unit: "第一党支部 3/12 未报：…")."""
    reporting = reporting_by_unit(msg.session, a.units, month)
    lines, expected_total, missing_total = [], 0, 0
    for uid in a.units:
        if uid not in reporting:
            continue
        expected, missing = reporting[uid]
        expected_total += len(expected)
        missing_total += len(missing)
        names = "：" + "、".join(m.name for m in missing) if missing else "，已全部报送"
        lines.append(f"{a.tree.name(uid)} {len(missing)}/{len(expected)} 未报{names}")
    return expected_total, missing_total, lines


@router.message(intent="unreported")
def show_unreported(msg: Message) -> str:
    """One line per unit: "第一党支部 3/12 未报：…"; the totals first."""
    a = asked(msg)
    if isinstance(a, str):
        return a
    if a.people and not a.own:
        return _people(msg, a)
    if not a.units:
        return UNREPORTED_SECRETARIES_ONLY
    last = None if a.month_named else month_still_asked_about(msg.at, msg.runtime.config.schedule)
    month = last or a.month
    expected, missing, lines = _tally(msg, a, month)
    if not expected:
        return f"{a.label}{month_zh(month)}没有需要报送月报的人员。"
    head = f"{a.label}{month_zh(month)}月报：应报{expected}人，未报{missing}人"
    footer = ""
    if last:
        now_expected, now_missing, _ = _tally(msg, a, a.month)
        footer = (f"（本月初，以上为上月{month_zh(month)}的情况。{month_zh(a.month)}至今：应报{now_expected}人，"
                  f"已报{now_expected - now_missing}人；问“本月谁还没报”可看本月名单。）")
    return paged(msg, head, lines, noun="个单位", footer=footer)
