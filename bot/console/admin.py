"""The 管理 page's work, for administrators only — each the same code as its command or chat's:

* a workbook uploaded is imported by ``models.workbook.import_workbook``, as ``qingdan import``
  does (read → check → write: a book with any bad row writes nothing, and every problem is given
  by sheet, row and reason); the leavers it marks are told to their secretaries, as after the CLI;
* the export is ``models.workbook.export_workbook``, as ``qingdan export``;
* a notice is the words "通知 <audience>：<body>" previewed by chat's ``handlers.broadcast.broadcast``
  (a draft, the administrator waiting for 确认 as in chat) and sent by chat's ``send_notice`` —
  only the draft the preview made, only while chat still waits for its 确认, so a second submit,
  or a 确认 already typed in chat, sends nothing more (``models.notices.confirm`` moves a draft once);
* the receipts are ``models.notices.receipts`` of the administrator's recent notices (通知收到情况).

Every function runs on a database thread, in one transaction, as the administrator the session
names; anybody else gets ``Refused(403)``.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from bot.console.board import Refused
from bot.router import Message, Outgoing
from bot.runtime import Runtime
from models.conversation import Waiting, waiting_for
from models.db import analyze, read_only_session, session_scope, write_turn
from models.lookups import member_by_account
from models.notices import RECENT, Receipts, pending_draft, receipts, sent_notices
from models.organisation import Tree
from models.tables import Member
from models.workbook import RowProblem, WorkbookError, export_workbook, import_workbook

ADMINS_ONLY = "“管理”页面仅限管理员使用。您可以在“我的清单”查看本人的事项。"
NOTICE_GONE = "这条通知已发送、已取消或已作废，本次未发送。如需发送，请重新填写并预览。"
NOTICE_ELSEWHERE = "聊天中已有其他待确认的内容，这条通知未发送。请重新预览后再确认。"
EVERYONE, SECRETARIES = "全体党员", "全体书记"


def admin_of(session: Session, account: str) -> Member:
    """The administrator ``account`` names, on the rolls; else 403 in Chinese."""
    member = member_by_account(session, account)
    if member is None or not member.active or not member.is_admin:
        raise Refused(403, ADMINS_ONLY)
    return member


def audiences(session: Session) -> list[str]:
    """Whom the page offers to send to: everyone, the secretaries, each unit down the tree."""
    tree = Tree.load(session)
    return [EVERYONE, SECRETARIES] + [tree.name(u) for u in tree.in_order()]


@dataclass
class Imported:
    """An upload's outcome: the problems (nothing written), or the summary's lines."""

    problems: list[RowProblem] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)          # accounts the import marked 离开

    @property
    def rows_named(self) -> bool:
        return any(p.row for p in self.problems)


def import_upload(runtime: Runtime, account: str, path: Path, now: datetime) -> Imported:
    """The book at ``path`` imported as ``qingdan import`` does, by ``account`` (an administrator)."""
    engine = runtime.engine
    try:
        with write_turn(engine), session_scope(engine) as session:
            admin_of(session, account)
            summary = import_workbook(session, path, actor=f"console:{account}", now=now,
                                      star_maxima=runtime.config.stars.maxima())
    except WorkbookError as exc:
        return Imported(problems=exc.problems)
    analyze(engine)
    return Imported(lines=summary.lines(), left=summary.left)


def export_bytes(runtime: Runtime, account: str, now: datetime, year: int | None) -> bytes:
    """The workbook ``qingdan export`` writes, as bytes."""
    out = io.BytesIO()
    with read_only_session(runtime.engine) as session:
        admin_of(session, account)
        export_workbook(session, out, year=year, now=now, tz=runtime.tz)
    return out.getvalue()


def _as_chat(session: Session, runtime: Runtime, admin: Member, text: str, at: datetime) -> Message:
    """The administrator's words as chat's handlers take them."""
    return Message(member=admin, text=text, parsed=None, items=[], at=at, session=session, runtime=runtime)


def preview_notice(runtime: Runtime, account: str, audience: str, body: str, at: datetime) -> tuple[str, int | None]:
    """Chat's preview of "通知 <audience>：<body>"; the draft's id (None: nothing to confirm)."""
    from handlers.broadcast import broadcast

    with write_turn(runtime.engine), session_scope(runtime.engine) as session:
        admin = admin_of(session, account)
        if audience not in audiences(session):
            raise Refused(400, "请从页面上的选项中选择通知对象。")
        reply = broadcast(_as_chat(session, runtime, admin, f"通知 {audience}：{body}", at))
        notice = pending_draft(session, admin.id)
        return reply, (notice.id if notice is not None and notice.created_at == at else None)


def send_notice(runtime: Runtime, account: str, notice_id: int, at: datetime) -> tuple[str, list[Outgoing]]:
    """Chat's 确认 of the draft ``notice_id``: the reply, and the messages to send after the commit."""
    from handlers.broadcast import send_notice as confirm_in_chat

    with write_turn(runtime.engine), session_scope(runtime.engine) as session:
        admin = admin_of(session, account)
        notice = pending_draft(session, admin.id)
        if notice is None or notice.id != notice_id:
            return NOTICE_GONE, []
        state = waiting_for(admin, notice.created_at)
        if state is None or state.kind != Waiting.NOTICE_CONFIRMATION or state.notice_id != notice_id:
            return NOTICE_ELSEWHERE, []
        msg = _as_chat(session, runtime, admin, "确认", at)
        return confirm_in_chat(msg), msg.outbox


def recent_receipts(session: Session, admin: Member) -> list[Receipts]:
    """通知收到情况 of the administrator's recent notices, latest first, unit by unit."""
    tree = Tree.load(session)
    return [receipts(session, tree, n) for n in sent_notices(session, admin.id, RECENT)]
