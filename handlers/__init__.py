"""Every handler router, in priority order: the first whose filter matches a message answers.

The runtime includes ``ROUTERS`` as it is; this list is the one place the order is decided.
"""
from handlers import (
    ack,
    broadcast,
    close_off,
    help,
    my_list,
    overdue,
    progress,
    rectifications,
    report_status,
    star_level,
    undo,
    unknown,
    unreported,
    written_report,
)

ROUTERS = (
    # A notice's body may contain anything ("通知 全体党员：第2项完成了吗？"): a notice command
    # at the start of the message decides before any query or progress reading.
    broadcast.router,
    # Help and the queries are whole-message intents from reply understanding; they never write.
    help.router,
    my_list.router,
    star_level.router,
    overdue.router,
    unreported.router,
    rectifications.router,
    report_status.router,
    # "收到", "好的": nothing to record.
    ack.router,
    # "撤回" / "不对，是第3项" read as a correction before anything reads "第3项" as progress.
    undo.router,
    # A secretary's "Z-1已销号" about another member's rectification reads as progress; it must be
    # taken before progress, which only ever touches the sender's own items.
    close_off.router,
    # "月报：…" naming no item counts as the month's report; one naming items falls to progress.
    written_report.router,
    progress.router,
    # The catch-all, last.
    unknown.router,
)
