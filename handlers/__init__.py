"""Every handler router, in priority order: the first whose filter matches a message answers.

The runtime includes ``ROUTERS`` as it is; this list is the one place the order is decided.
"""
from handlers import (
    ack,
    broadcast,
    card_taps,
    close_off,
    close_off_card,
    deadline_card,
    events,
    help,
    ladder,
    media,
    meetings,
    menu,
    more,
    my_list,
    notice_card,
    notice_receipts,
    nudge,
    overdue,
    photos,
    progress,
    read_back,
    read_back_card,
    rectifications,
    report_status,
    star_level,
    undo,
    unknown,
    unreported,
    written_report,
)

ROUTERS = (
    # A report read back and left unconfirmed past its time: the sender is told it lapsed, then the
    # message is answered as usual (handlers.read_back).
    read_back.lapses,
    # A 三会一课 report read back (handlers.meetings): "确认" stores it, "取消" drops it — before a
    # secretary's "取消" is read as of a notice.
    meetings.confirmation,
    # A notice waiting for its sender's "确认": 确认 / 发送 send it (never read as progress), 取消
    # drops it, 好的 asks once more; any other message is answered as usual and leaves it waiting.
    broadcast.confirmation,
    # A report read back to its sender (handlers.summary): "确认" stores it, "取消" drops it,
    # "第3条是60%" changes one line — before any query, ack or progress reads those words.
    read_back.confirmation,
    # "更多" / "下一页" after an answer cut at a page's end: the same question, the next page.
    more.router,
    # A notice's body may contain anything ("通知 全体党员：第2项完成了吗？"): a notice command
    # at the start of the message decides before any query or progress reading.
    broadcast.router,
    # "通知收到情况" reads as ack and "谁没收到通知" as the unreported query; "催报" and
    # "提醒第二支部没报的" name non-reporters: whole-message grammars, before the queries and ack.
    notice_receipts.router,
    nudge.router,
    # 问责: "红叉", "约谈 孙一 已完成：…", "撤销 孙一 11月红叉：…", and a "撤回" right after one of
    # them (before undo, which takes back progress) — whole-message grammars (bot.nlu.ladder).
    ladder.router,
    # Help and the queries are whole-message intents from reply understanding; they never write.
    help.router,
    my_list.router,
    star_level.router,
    overdue.router,
    unreported.router,
    rectifications.router,
    report_status.router,
    # "收到", "好的": acknowledges the latest notice (else nothing to record).
    ack.router,
    # Photos (佐证材料): "第2项" / "取消" while photos wait for their item, and "撤回" right after a
    # photo (it deletes the photo) — before undo and progress read those words; images and files.
    photos.router,
    # "撤回" of a meeting record newer than the sender's last progress reply (handlers.meetings).
    meetings.withdrawal,
    # "撤回" / "不对，是第3项" read as a correction before anything reads "第3项" as progress.
    undo.router,
    # After a card's 遇到困难, the next message (not naming an item) is what is in the way: kept
    # with that update (handlers.deadline_card).
    deadline_card.reasons,
    # After a close-off card's 退回, the next message (not a question or command) is the reason:
    # the rectification goes back with it (handlers.close_off_card).
    close_off_card.reasons,
    # A secretary's "Z-1已销号" about another member's rectification reads as progress; it must be
    # taken before progress, which only ever touches the sender's own items.
    close_off.router,
    # "月报：…" naming no item counts as the month's report; one naming items falls to progress.
    written_report.router,
    # A secretary's (or the member named's) "今天召开支委会，…": a meeting record, and the one time
    # of their duty of that kind in the same statement; anyone else's words fall to progress.
    meetings.router,
    # More progress while a report waits for 确认 joins that report's summary.
    read_back.amendments,
    progress.router,
    # The catch-all of text, last among text handlers.
    unknown.router,
    # Other kinds: each router registers on its own observer (bot.router), so their place here
    # orders them only among handlers of the same kind.
    menu.router,            # a menu click asks the question its key names
    deadline_card.router,   # a tap on a deadline reminder's card: recorded as its words typed
    read_back_card.router,  # a tap on a read-back's card: 确认保存 as typed 确认; 有误 says how to fix
    close_off_card.router,  # a tap on a close-off request's card: 同意销号 as typed; 退回 asks the reason
    notice_card.router,     # a tap on a notice's card: 收到, the receipt of that notice
    card_taps.router,       # a card tap no card module took: told so, nothing changes
    media.router,           # voice, video, location, link (images and files: photos.router): a clear answer
    events.router,          # entering the app, following it: welcome; other events: no answer
)
