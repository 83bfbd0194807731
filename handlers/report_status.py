"""我这个月报了吗 / 李娜报了吗: a monthly report status — the asker's own (a secretary also sees the
rate of their units), or a named person's within the asker's units, for this month or one named."""
from bot.router import Message, Router
from bot.scope import asked
from bot.texts import moment, month_zh
from models.lookups import report_for, reporting_by_unit

router = Router("report_status")


@router.message(intent="report_status")
def show_report_status(msg: Message) -> str:
    """Reported or not, and how to report."""
    a = asked(msg)
    if isinstance(a, str):
        return a
    tz = msg.runtime.tz
    if a.people and not a.own:
        lines = []
        for p in a.people:
            r = report_for(msg.session, p.id, a.month)
            lines.append(f"· {p.name}：" + (f"已于{moment(r.reported_at, tz)}报送" if r else "尚未报送"))
        return "\n".join([f"{month_zh(a.month)}月报："] + lines)
    report = report_for(msg.session, msg.member.id, a.month)
    if report:
        text = f"您{month_zh(a.month)}的月报已于{moment(report.reported_at, tz)}报送（“{report.words}”）。"
    else:
        text = f"您{month_zh(a.month)}尚未报送月报。直接回复进展即可报送，如“第2项完成80%”。"
    if a.units:
        reporting = reporting_by_unit(msg.session, a.units, a.month)
        expected = sum(len(owed) for owed, _ in reporting.values())
        missing = sum(len(owing) for _, owing in reporting.values())
        text += f"\n{a.label}应报{expected}人，已报{expected - missing}人，未报{missing}人。"
    return text
