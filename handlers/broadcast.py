"""通知 with care: a preview first, "确认" sends it, anything else cancels it.

An administrator sends to the whole organisation, a secretary to their unit and the units below
(``models.notices``). The command, audience and body are read by the one notice grammar,
``bot.nlu.notices``. Two routers:

* ``router`` — the notice command: the sender gets a preview (audience count and units, the
  body's beginning, how many parts) and the notice waits as a draft;
* ``confirmation`` — first of all routers, while the bot waits for the sender's 确认
  (``Waiting.NOTICE_CONFIRMATION``, set by the preview): "确认" within ten minutes sends the draft
  (one receipt per recipient, sent after the transaction commits through ``msg.outbox``: as a card
  with 收到 (``bot.cards.notice``) when it fits one, else as text in numbered parts when longer than
  one message, never cut); "取消" cancels it. Any other message is
  answered as usual and leaves the draft waiting; a new notice replaces it.
"""
from __future__ import annotations

from bot.cards.answers import card_or_text
from bot.cards.notice import OCCASION_KIND as NOTICE_KIND
from bot.cards.notice import notice_card
from bot.fitting import MAX_TEXT_BYTES, byte_size, chunks, fit_text
from bot.nlu.notices import is_cancellation, is_confirmation, is_loose_yes, names_a_notice_cancellation, read_notice
from bot.router import Message, Outgoing, Router
from bot.texts import (
    BROADCAST_NEEDS_BODY,
    NOTICE_ASK_ACK,
    NOTICE_ASK_AGAIN,
    NOTICE_CANCELLED,
    NOTICE_EXPIRED,
    NOTICE_INVALID,
    NOTICE_NARROWED,
    NOTICE_NO_DRAFT,
    NOTICE_NO_RECIPIENTS,
    NOTICE_PARTS,
    NOTICE_PREVIEW,
    NOTICE_SEND_FAILED,
    NOTICE_SENDERS_ONLY,
    NOTICE_SENT,
    opening,
)
from bot.wecom import SendResult
from models.conversation import State, Waiting, stop_waiting, wait_for
from models.notices import (
    DRAFT_TTL,
    Audience,
    audience_of,
    cancel_drafts,
    confirm,
    draft,
    expired,
    may_send,
    pending_draft,
    plan,
)
from models.organisation import Tree
from models.tables import AuditEvent

router = Router("broadcast")
confirmation = Router("notice_confirmation")

PREVIEW_CHARS = 40          # of the body, in the preview
PREVIEW_UNITS = 8           # units named in the preview; the rest are counted
MINUTES = int(DRAFT_TTL.total_seconds() // 60)


def notice_parts(body: str, sender: str, limit: int = MAX_TEXT_BYTES) -> list[str]:
    """The messages a notice goes out as: one, or numbered parts "【通知（1/3）】…" each within
    ``limit`` bytes; the signature and how to acknowledge close the last."""
    tail = f"\n——{sender}\n{NOTICE_ASK_ACK}"
    whole = f"【通知】{body}{tail}"
    if byte_size(whole) <= limit:
        return [whole]
    n = 2
    while True:
        pieces = chunks(body, limit - byte_size(f"【通知（{n}/{n}）】") - byte_size(tail))
        if len(str(len(pieces))) <= len(str(n)):
            break
        n = len(pieces)
    k = len(pieces)
    return [f"【通知（{i}/{k}）】{c.strip(chr(10))}" + (tail if i == k else "") for i, c in enumerate(pieces, 1)]


def _units(audience: Audience) -> str:
    if len(audience.units) <= 1 and audience.unit_id is not None and not audience.include_below:
        return ""
    shown = "、".join(f"{name}{n}人" for name, n in audience.units[:PREVIEW_UNITS])
    more = f"等{len(audience.units)}个单位" if len(audience.units) > PREVIEW_UNITS else ""
    return f"（{shown}{more}）"


@router.message(intent="broadcast")
def broadcast(msg: Message) -> str:
    """The preview of a notice; the notice waits as a draft for the sender's 确认."""
    session, member = msg.session, msg.member
    if not may_send(member):
        session.add(AuditEvent(at=msg.at, actor=member.account, action="broadcast_refused", words=msg.text))
        return NOTICE_SENDERS_ONLY
    words = read_notice(msg.text)
    if words is None or not words.body:
        return BROADCAST_NEEDS_BODY
    audience = plan(session, Tree.load(session), member, words)
    if isinstance(audience, str):
        return audience
    if not audience.members:
        return NOTICE_NO_RECIPIENTS.format(label=audience.label)
    cancel_drafts(session, member.id)               # a new notice replaces the one waiting
    notice = draft(session, member, audience, words.body, msg.text, msg.at)
    wait_for(session, member, State(Waiting.NOTICE_CONFIRMATION, msg.at, notice_id=notice.id))
    parts = len(notice_parts(words.body, member.name))
    narrowed = NOTICE_NARROWED.format(asked=audience.narrowed, label=audience.label) if audience.narrowed else ""
    return fit_text(narrowed + NOTICE_PREVIEW.format(
        label=audience.label, count=len(audience.members), units=_units(audience),
        head=opening(words.body, PREVIEW_CHARS), parts=NOTICE_PARTS.format(n=parts) if parts > 1 else "", minutes=MINUTES))


# --- 确认, or anything else ----------------------------------------------------------------------------

def _confirms(msg: Message) -> bool:
    return is_confirmation(msg.text)


def _cancels(msg: Message) -> bool:
    return is_cancellation(msg.text)


class _Report:
    """The sender's reply as the parts of a notice went out (called once per part)."""

    def __init__(self, label: str, count: int, parts: int):
        self.label, self.count, self.parts = label, count, parts
        self.failed: list[int] = []
        self.error = ""
        self.invalid: list[str] = []
        self.seen = 0

    def __call__(self, result: SendResult) -> str:
        self.seen += 1
        if not result.ok:
            self.failed.append(self.seen)
            self.error = self.error or result.error
        self.invalid += [a for a in result.invalid if a not in self.invalid]
        if self.failed:
            text = NOTICE_SEND_FAILED.format(error=self.error)
            if self.parts > 1:
                text += f"（共{self.parts}条，第{'、'.join(map(str, self.failed))}条未发出）"
            return text
        text = NOTICE_SENT.format(label=self.label, count=self.count - len(self.invalid))
        if self.invalid:
            text += "\n" + NOTICE_INVALID.format(accounts="、".join(self.invalid[:20]))
        return text


@confirmation.message(when=_confirms, waiting=Waiting.NOTICE_CONFIRMATION)
def send_notice(msg: Message) -> str:
    """确认: the draft goes out (or is found expired); receipts are written now, the parts sent
    after the commit."""
    session, member = msg.session, msg.member
    stop_waiting(session, member)
    notice = pending_draft(session, member.id)
    if notice is None:
        return NOTICE_NO_DRAFT
    if expired(notice, msg.at):
        cancel_drafts(session, member.id)
        return NOTICE_EXPIRED.format(head=opening(notice.text, 20), minutes=MINUTES)
    tree = Tree.load(session)
    audience = audience_of(session, tree, notice)
    if not audience.members:
        cancel_drafts(session, member.id)
        return NOTICE_NO_RECIPIENTS.format(label=audience.label)
    if confirm(session, notice, audience, msg.at) is None:
        return NOTICE_NO_DRAFT
    session.add(AuditEvent(at=msg.at, actor=member.account, action="broadcast", words=notice.words,
                           detail=f"{notice.scope}:{audience.label}:{len(audience.members)}"))
    accounts = [m.account for m in audience.members]
    parts = notice_parts(notice.text, member.name)
    report = _Report(audience.label, len(accounts), len(parts))
    if len(parts) == 1:                 # one message: a card with 收到 when it fits one
        parts = [card_or_text(msg, lambda tid: notice_card(tid, notice.id, notice.text, member.name, parts[0]),
                              NOTICE_KIND, None, parts[0], ref=str(notice.id))]
    msg.outbox.extend(Outgoing(accounts, part, report) for part in parts)
    return NOTICE_SENT.format(label=audience.label, count=len(accounts))


@confirmation.message(when=_cancels, waiting=Waiting.NOTICE_CONFIRMATION)
def cancel_notice(msg: Message) -> str:
    """取消: the draft waiting for 确认 is not sent."""
    stop_waiting(msg.session, msg.member)
    cancelled = cancel_drafts(msg.session, msg.member.id)
    return NOTICE_CANCELLED.format(head=opening(cancelled[0].text, 20)) if cancelled else NOTICE_NO_DRAFT


@confirmation.message(when=lambda msg: is_loose_yes(msg.text), waiting=Waiting.NOTICE_CONFIRMATION)
def ask_once_more(msg: Message) -> str:
    """"好的", "可以": agreement that does not say "send" — asked once more, the draft still waiting."""
    notice = pending_draft(msg.session, msg.member.id)
    if notice is None or expired(notice, msg.at):
        return send_notice(msg)         # gone or too late: said so as a 确认 would be
    return NOTICE_ASK_AGAIN.format(head=opening(notice.text, 20), count=notice.recipients)


@confirmation.message(when=lambda msg: names_a_notice_cancellation(msg.text) and may_send(msg.member))
def nothing_to_cancel(msg: Message) -> str:
    """"取消" from one who sends notices, with none waiting: said so (no other reading of it)."""
    return NOTICE_NO_DRAFT
