"""Counting the SQL statements a piece of code runs: a question over many units must not run one
query per unit."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy import event

from models.tables import ItemKind, UnitKind


@contextmanager
def statements(engine) -> Iterator[list[str]]:
    """The statements run on ``engine`` inside the block, in order."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def more_branches(org, n: int, under: str = "root") -> None:
    """``n`` more branches under ``under``, each with a member owning an overdue rectification."""
    for k in range(n):
        org.unit(f"x{k}", f"第{k + 3}党支部", UnitKind.BRANCH, parent=under)
        org.person(f"x{k}", f"成员{k}", f"x{k}")
        org.item(f"x{k}", f"Z-{k + 10}", f"整改事项{k}", kind=ItemKind.RECTIFICATION, deadline=date(2026, 10, 1))


async def asked_before_and_after_more_units(chat, engine, org, handler, account: str, text: str,
                                            intent: str) -> tuple[str, str]:
    """The replies to the same question before and after ``more_branches(org, 12)``; asserts both
    ran the same number of queries (none per unit). The longer answer may be cut into pages, and
    then remembers so in one UPDATE of the asker's conversation state (``bot.paging``)."""
    with statements(engine) as before:
        reply = await chat.ask(handler, account, text, intent)
    more_branches(org, 12)
    with statements(engine) as after:
        more = await chat.ask(handler, account, text, intent)
    def queries(seen: list[str]) -> list[str]:
        return [x for x in seen if not x.startswith("UPDATE member SET waiting")]

    assert len(queries(after)) == len(queries(before)), after
    return reply, more
