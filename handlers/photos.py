"""Evidence photos (佐证材料): a photo a member sends goes to one of their items, never a guess.

* A photo (fetched and prepared before the callback's transaction: ``bot.evidence``) goes to the
  item the bot last spoke about with the sender — the item of their last update, a reminder about
  one item — within ``[evidence] attach_minutes``; the photos that follow go to the same item.
* Otherwise the bot asks which item and the photo waits (``Waiting.PHOTO_ITEM``, kept with no item
  by ``models.photos``); more photos meanwhile wait with it; "第2项" puts them all on item 2 ("第2项
  完成了" records that too), "取消" deletes them. Unanswered, they are deleted after the wait's time
  limit: a photo with no item to go to is kept nowhere.
* While the bot waits for an answer to another question (an update kept for "哪一项？", a report
  read back for 确认 …) a photo with no item in mind is not kept, and the sender is told why: that
  question is never dropped for a photo.
* A photo too large, not a picture, or no longer at WeCom is refused with why; nothing is kept.
* "撤回" right after a photo (no update of the sender's since) deletes it.

A photo changes no item's state and does not count as the month's report (``models.progress`` is
not called).
"""
from __future__ import annotations

from datetime import timedelta

from bot.fitting import fit_lines
from bot.nlu.corrections import read_correction
from bot.nlu.notices import is_cancellation
from bot.router import Message, Router
from bot.texts import MORE_ITEMS, numbered
from handlers import progress
from models.conversation import State, Waiting, item_in_mind, remember_item, stop_waiting, wait_for
from models.photos import (
    attach_pending,
    back_update,
    counts,
    drop_pending,
    keep,
    last_undoable,
    meeting_counts,
    meeting_in_mind,
    pending_count,
    take_back,
)
from models.tables import Item, Meeting

router = Router("photos")

PHOTO_WORD = {"image": "图片", "file": "文件"}
# What the bot may stop waiting for to ask which item a photo is for: "更多" only. Anything else
# (a report read back, an update kept whole, a notice's 确认 …) is never dropped for a photo.
REPLACEABLE = (Waiting.MORE_PAGES, Waiting.PHOTO_ITEM)
ANSWER_WITH_ITEM = "请回复这些照片是哪一项的佐证材料，如“第2项”；回复“取消”则不保存。"


def _window(msg: Message) -> timedelta:
    return timedelta(minutes=msg.runtime.config.evidence.attach_minutes)


def _head(msg: Message, item: Item) -> str:
    n = next(n for n, i in enumerate(msg.items, 1) if i.id == item.id)
    return f"第{n}项 [{item.code}] {item.title}"


def _ask(msg: Message, n: int) -> str:
    open_items = [i for i in msg.items if i.is_open] or msg.items
    head = f"已收到{n}张照片，暂未保存到任何事项。{ANSWER_WITH_ITEM}您的未完成事项："
    return fit_lines(head, numbered(msg.items, only=open_items, today=msg.at.date()), MORE_ITEMS,
                     footer="（2小时内未回复的照片不予保存。）")


def _on_item(msg: Message, item: Item, added: int) -> str:
    total = counts(msg.session, [item.id]).get(item.id, 0)
    return (f"已将{added}张照片作为佐证材料附到{_head(msg, item)}（该项共{total}张）。"
            "照片不改变事项的进度；回复“撤回”可删除刚发的照片。")


def _in_mind(msg: Message) -> tuple[Item | None, Meeting | None]:
    """What the photo is for: the item or the 三会一课 record the bot last spoke about within the
    attach limit — the one recorded last; (None, None) when it is unclear (both at one moment)."""
    item = item_in_mind(msg.member, msg.items, msg.at, _window(msg))
    found = meeting_in_mind(msg.session, msg.member, msg.at, _window(msg))
    if found is None:
        return item, None
    meeting, spoken = found
    if item is None or spoken > msg.member.context_at:
        return None, meeting
    return (item, None) if msg.member.context_at > spoken else (None, None)


def _what(received) -> str:
    """"照片", or a file kept as it came by its name."""
    return f"文件“{received.filename or '未命名'}”" if not received.thumbnail else "照片"


def _on_meeting(msg: Message, meeting: Meeting, kept: int | None, received) -> str:
    head = f"本单位{meeting.held_on.month}月{meeting.held_on.day}日{meeting.kind}的会议记录"
    if kept is None:
        return f"这份{_what(received)}已在{head}的佐证材料中，未重复保存。"
    total = meeting_counts(msg.session, [meeting.id]).get(meeting.id, 0)
    return f"已将{_what(received)}作为佐证材料附到{head}（共{total}份）。回复“撤回”可删除刚发的{_what(received)}。"


def _received(msg: Message):
    return msg.inbound.received if msg.inbound is not None else None


@router.image()
@router.on("file")
def keep_photo(msg: Message) -> str:
    """A photo (or a picture sent as a file): on the item in mind, else waiting for "第N项"."""
    received, word = _received(msg), PHOTO_WORD.get(msg.kind, "图片")
    if received is None or received.refused:
        why = received.refused if received is not None else "没有取到内容，未保存"
        return f"收到{word}，{why}。本条未做任何记录。"
    media_id, kind = msg.inbound.media_id or "", msg.kind
    if msg.waiting is not None and msg.waiting.kind == Waiting.MEETING:     # a meeting read back: not yet a record
        return f"收到{word}。您报送的会议还未确认，{word}未保存；请先回复“确认”或“取消”，再重新发送。"
    item, meeting = _in_mind(msg)
    if meeting is not None and (msg.waiting is None or msg.waiting.kind != Waiting.PHOTO_ITEM):
        kept = keep(msg.session, msg.member, None, msg.at, received, media_id, kind, meeting=meeting)
        return _on_meeting(msg, meeting, kept, received)
    if not msg.items:
        return f"收到{word}。您{msg.at.year}年度没有清单事项，照片无处可附，未保存。"
    drop_pending(msg.session, None, msg.at)      # anybody's photos whose item was never said in time
    if msg.waiting is not None and msg.waiting.kind == Waiting.PHOTO_ITEM:
        keep(msg.session, msg.member, None, msg.at, received, media_id, kind)
        return _ask(msg, pending_count(msg.session, msg.member))
    if item is None and msg.waiting is not None and msg.waiting.kind not in REPLACEABLE:
        return f"收到{word}。您还有上一个问题未回复，照片未保存；请先回复上一个问题，再说明事项（如“第2项”）后重新发送照片。"
    if item is None:
        drop_pending(msg.session, msg.member, msg.at)        # left from a question no longer waited on
        keep(msg.session, msg.member, None, msg.at, received, media_id, kind)
        wait_for(msg.session, msg.member, State(Waiting.PHOTO_ITEM, msg.at))
        return _ask(msg, 1)
    kept = keep(msg.session, msg.member, item, msg.at, received, media_id, kind, since=msg.at - _window(msg))
    remember_item(msg.session, msg.member, item, msg.at)       # the next photo goes to the same item
    if kept is None:
        return f"这张照片已在{_head(msg, item)}的佐证材料中，未重复保存。"
    if not received.thumbnail:
        total = counts(msg.session, [item.id]).get(item.id, 0)
        return (f"已将{_what(received)}作为佐证材料附到{_head(msg, item)}（该项共{total}份）。"
                "文件不改变事项的进度；回复“撤回”可删除刚发的文件。")
    return _on_item(msg, item, 1)


def _names_one_item(msg: Message) -> bool:
    """The reply names exactly one of the sender's items ("第2项", "第2项完成了")."""
    if msg.parsed is None or msg.parsed.intent != "progress" or progress.unresolved(msg) is not None:
        return False
    return len({u.item for u in msg.parsed.updates if u.item}) == 1


@router.message(waiting=Waiting.PHOTO_ITEM, when=_names_one_item)
def attach_waiting_photos(msg: Message) -> str:
    """"第2项" after the bot asked: the waiting photos go to item 2; with a state ("第2项完成了") the
    update is recorded as any reply, and the photos then back it."""
    code = next(u.item for u in msg.parsed.updates if u.item)
    item = next(i for i in msg.items if i.code == code)
    stop_waiting(msg.session, msg.member)
    added = attach_pending(msg.session, msg.member, item)       # first: a close-off request counts them
    recorded = progress.record_updates(msg) if any(progress.has_state(u) for u in msg.parsed.updates) else ""
    back_update(msg.session, msg.member, item, added, since=msg.at)
    remember_item(msg.session, msg.member, item, msg.at)
    return "\n".join(line for line in (recorded, _on_item(msg, item, len(added))) if line)


@router.message(waiting=Waiting.PHOTO_ITEM, when=lambda msg: is_cancellation(msg.text))
def drop_waiting_photos(msg: Message) -> str:
    stop_waiting(msg.session, msg.member)
    n = drop_pending(msg.session, msg.member, msg.at)
    return f"已取消，{n}张照片未保存。"


def _takes_back_a_photo(msg: Message) -> bool:
    correction = read_correction(msg.text)
    return (correction is not None and correction.target is None
            and last_undoable(msg.session, msg.member, msg.at) is not None)


@router.message(when=_takes_back_a_photo)
def take_back_photo(msg: Message) -> str:
    """"撤回" right after a photo: it is deleted (its sender's; no update of theirs since)."""
    photo = last_undoable(msg.session, msg.member, msg.at)
    take_back(msg.session, photo)
    if photo.meeting_id is not None:
        return "已撤回刚发的照片：已从会议记录的佐证材料中删除。"
    if photo.item_id is None:
        left = pending_count(msg.session, msg.member)
        if not left and msg.waiting is not None and msg.waiting.kind == Waiting.PHOTO_ITEM:
            stop_waiting(msg.session, msg.member)
        return "已撤回刚发的照片（未保存）。" + (f"还有{left}张照片等待您说明是哪一项。" if left else "")
    item = next((i for i in msg.items if i.id == photo.item_id), None)
    where = _head(msg, item) if item is not None else "该事项"
    left = counts(msg.session, [photo.item_id]).get(photo.item_id, 0)
    return f"已撤回刚发的照片：已从{where}的佐证材料中删除（该项还有{left}张）。"
