"""谁还没报: who has not reported for the month — over the secretary's units (grouped by unit,
counts first), a unit or person named, or a month named ("11月谁还没报")."""
from bot.paging import paged
from bot.router import Message, Router
from bot.scope import asked
from bot.texts import UNREPORTED_SECRETARIES_ONLY, month_zh
from models.lookups import report_for, reporting_by_unit

router = Router("unreported")


def _people(msg: Message, a) -> str:
    lines = [f"· {p.name}：{'已报' if report_for(msg.session, p.id, a.month) else '未报'}" for p in a.people]
    return "\n".join([f"{month_zh(a.month)}月报情况："] + lines)


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
    reporting = reporting_by_unit(msg.session, a.units, a.month)
    lines, expected_total, missing_total = [], 0, 0
    for uid in a.units:
        if uid not in reporting:
            continue
        expected, missing = reporting[uid]
        expected_total += len(expected)
        missing_total += len(missing)
        names = "：" + "、".join(m.name for m in missing) if missing else "，已全部报送"
        lines.append(f"{a.tree.name(uid)} {len(missing)}/{len(expected)} 未报{names}")
    if not expected_total:
        return f"{a.label}{month_zh(a.month)}没有需要报送月报的人员。"
    head = f"{a.label}{month_zh(a.month)}月报：应报{expected_total}人，未报{missing_total}人"
    return paged(msg, head, lines, noun="个单位")
