"""通知: administrators send a notice to everyone, one unit, or all secretaries.

The command, audience and body are read by the one notice grammar, ``bot.nlu.notices``; the
notice is recorded in the handler's transaction and sent after it commits (``msg.outbox``).
"""
from __future__ import annotations

from bot.nlu.notices import AudienceKind, read_notice
from bot.router import Message, Outgoing, Router
from bot.texts import BROADCAST_ADMINS_ONLY, BROADCAST_NEEDS_BODY
from bot.wecom import SendResult
from models.lookups import all_members, secretaries, unit_by_name, unit_members
from models.tables import AuditEvent, Member, Notice, NoticeScope, Unit

router = Router("broadcast")


def _audience(msg: Message, audience: AudienceKind, target: str) -> tuple[str, list[Member], Unit | None] | str:
    """(label, recipients, unit), or the reply saying why nobody can be named."""
    if audience is AudienceKind.EVERYONE:
        return "全体党员", all_members(msg.session), None
    if audience is AudienceKind.SECRETARIES:
        return "全体书记", secretaries(msg.session), None
    unit = unit_by_name(msg.session, target)
    if unit is None:
        return f"没有找到组织“{target}”，本条未发送。可写“全体党员”“全体书记”或组织全称。"
    return unit.name, unit_members(msg.session, unit.id), unit


@router.message(intent="broadcast")
def broadcast(msg: Message) -> str:
    """Administrators only; the notice is recorded now and sent once the transaction commits."""
    session, member = msg.session, msg.member
    if not member.is_admin:
        session.add(AuditEvent(at=msg.at, actor=member.account, action="broadcast_refused", words=msg.text))
        return BROADCAST_ADMINS_ONLY
    notice = read_notice(msg.text)
    if notice is None or not notice.body:
        return BROADCAST_NEEDS_BODY
    found = _audience(msg, notice.audience, notice.target)
    if isinstance(found, str):
        return found
    label, recipients, unit = found
    accounts = [m.account for m in recipients if m.id != member.id]
    if not accounts:
        return f"{label}暂无其他成员，本条未发送。"
    scope = NoticeScope(notice.audience.value)
    session.add(Notice(sender_id=member.id, scope=scope, unit_id=unit.id if unit else None, text=notice.body,
                       words=msg.text, created_at=msg.at, recipients=len(accounts)))
    session.add(AuditEvent(at=msg.at, actor=member.account, action="broadcast", words=msg.text,
                           detail=f"{scope}:{label}:{len(accounts)}"))

    def report(result: SendResult) -> str:
        if not result.ok:
            return f"通知发送失败（{result.error}），请稍后重试。"
        text = f"通知已发送给{label}，共{len(accounts) - len(result.invalid)}人。"
        if result.invalid:
            text += f"\n以下账号不在应用可见范围内，未收到：{'、'.join(result.invalid[:20])}"
        return text

    msg.outbox.append(Outgoing(accounts, f"【通知】{notice.body}\n——{member.name}", report))
    return f"通知已发送给{label}，共{len(accounts)}人。"
