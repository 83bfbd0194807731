"""通知: administrators broadcast a notice to everyone, one unit, or all secretaries."""
from __future__ import annotations

import re

from sqlmodel import select

from bot.router import Message, Router
from models.lookups import secretaries, unit_by_name, unit_members
from models.tables import AuditEvent, Member, Notice, Unit

router = Router("broadcast")

COMMAND = re.compile(r"^\s*(?:发布|发送|发)?通知\s*[:：]?\s*(?P<rest>.*)$", re.S)
TARGET = re.compile(r"^(?P<target>[^:：\s]{1,30})\s*[:：]\s*(?P<body>.+)$", re.S)
EVERYONE = {"全体", "全体党员", "所有人", "全员", "大家", "全部", "所有党员", "全体人员"}
SECRETARIES = {"书记", "全体书记", "所有书记", "各级书记", "各支部书记", "支部书记", "各书记"}


def split_notice(text: str) -> tuple[str, str]:
    """("target", "body") from "通知 全体党员：明天开会"; target "" when none is named."""
    m = COMMAND.match(text)
    rest = (m["rest"] if m else text).strip()
    t = TARGET.match(rest)
    if t:
        return t["target"].strip(), t["body"].strip()
    first, _, after = rest.partition(" ")
    if after.strip() and (first in EVERYONE or first in SECRETARIES):
        return first, after.strip()
    return "", rest


def _find_unit(msg: Message, target: str) -> Unit | None:
    unit = unit_by_name(msg.session, target)
    if unit:
        return unit
    found = [u for u in msg.session.exec(select(Unit)) if target in u.name]
    return found[0] if len(found) == 1 else None


@router.message(intent="broadcast")
async def broadcast(msg: Message) -> str:
    """Administrators only; the notice is recorded, sent, and the count confirmed."""
    session, member = msg.session, msg.member
    if not member.is_admin:
        session.add(AuditEvent(at=msg.at, actor=member.account, action="broadcast_refused", words=msg.text))
        return "发布通知仅限管理员使用，本条未发送。如需发通知，请联系机关党委管理员。"
    target, body = split_notice(msg.text)
    if not body:
        return "请写明通知内容，例如：通知 全体党员：明天下午3点在三楼会议室开会"
    unit = None
    if not target or target in EVERYONE:
        scope, label = "all", "全体党员"
        recipients = list(session.exec(select(Member).order_by(Member.id)))
    elif target in SECRETARIES:
        scope, label = "secretaries", "全体书记"
        recipients = secretaries(session)
    else:
        unit = _find_unit(msg, target)
        if unit is None:
            return f"没有找到组织“{target}”，本条未发送。可写“全体党员”“全体书记”或组织全称。"
        scope, label = "unit", unit.name
        recipients = unit_members(session, unit.id)
    accounts = [m.account for m in recipients if m.id != member.id]
    if not accounts:
        return f"{label}暂无其他成员，本条未发送。"
    result = await msg.runtime.sender.send_text(accounts, f"【通知】{body}\n——{member.name}")
    sent = len(accounts) - len(result.invalid) if result.ok else 0
    session.add(Notice(sender_id=member.id, scope=scope, unit_id=unit.id if unit else None, text=body,
                       words=msg.text, created_at=msg.at, recipients=sent))
    session.add(AuditEvent(at=msg.at, actor=member.account, action="broadcast", words=msg.text,
                           detail=f"{scope}:{label}:{sent}/{len(accounts)}"))
    if not result.ok:
        return f"通知发送失败（{result.error}），请稍后重试。"
    text = f"通知已发送给{label}，共{sent}人。"
    if result.invalid:
        text += f"\n以下账号不在应用可见范围内，未收到：{'、'.join(result.invalid[:20])}"
    return text
