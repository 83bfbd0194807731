"""我这个月报了吗: the sender's monthly report status; a secretary also sees the unit's rate."""
from bot.router import Message, Router
from bot.texts import moment, month_zh
from models.lookups import expected_reporters, month_key, report_for, unreported

router = Router("report_status")


@router.message(intent="report_status")
def show_report_status(msg: Message) -> str:
    """Reported or not this month, and how to report."""
    tz = msg.runtime.tz
    month = month_key(msg.at, tz)
    report = report_for(msg.session, msg.member.id, month)
    if report:
        text = f"您{month_zh(month)}的月报已于{moment(report.reported_at, tz)}报送（“{report.words}”）。"
    else:
        text = f"您{month_zh(month)}尚未报送月报。直接回复进展即可报送，如“第2项完成80%”。"
    if msg.member.is_secretary:
        expected = expected_reporters(msg.session, msg.member.unit_id, msg.at.year)
        missing = unreported(msg.session, msg.member.unit_id, month)
        text += f"\n本单位应报{len(expected)}人，已报{len(expected) - len(missing)}人，未报{len(missing)}人。"
    return text
