"""谁还没报: the unit's members who have not reported this month — for secretaries."""
from bot.router import Message, Router
from bot.texts import UNREPORTED_SECRETARIES_ONLY, month_zh
from bot.wecom import fit_text
from models.lookups import expected_reporters, month_key, unreported
from models.tables import Unit

router = Router("unreported")


@router.message(intent="unreported")
def show_unreported(msg: Message) -> str:
    """Names of this month's non-reporters in the secretary's own unit."""
    if not msg.member.is_secretary:
        return UNREPORTED_SECRETARIES_ONLY
    month = month_key(msg.at, msg.runtime.tz)
    unit = msg.session.get(Unit, msg.member.unit_id)
    missing = unreported(msg.session, unit.id, month)
    total = len(expected_reporters(msg.session, unit.id, msg.at.year))
    if not missing:
        return f"{unit.name}{month_zh(month)}应报{total}人，已全部报送。"
    names = "、".join(m.name for m in missing)
    return fit_text(f"{unit.name}{month_zh(month)}应报{total}人，未报{len(missing)}人：{names}")
