"""Writing one row of a loaded object with one statement, outside the ORM's unit of work.

A callback's writes are few and known: an item's new state, its ``ProgressUpdate``, the
member's conversation memory. Through the session's flush they cost about five times what the
statements themselves cost (0.56 against 0.11 ms for those three, timed over 1,000 updates on
the benchmark's 2-core machine), most of a progress reply's database time. So the rules that
write them (``models.progress``, ``models.corrections``, ``models.conversation``) use these two,
and the objects stay what the session believes them to be:

* ``set_columns`` — one ``UPDATE … WHERE id = …`` of a persistent object's row, the values then
  set on the object as loaded (no pending change is left for a flush to write again);
* ``insert_row`` — one ``INSERT … RETURNING id`` of a new object's row, the object then made
  persistent in the session with that id (a later query returns this very object).

Writes the session still holds are flushed first, so rows are written in the order the code
made them (a correction's undo before its new update: ids keep the history's order). An object
the session has not written yet (no id) goes through the session as usual.
"""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, SQLModel


@lru_cache(maxsize=64)
def _update_statement(table, columns: tuple[str, ...]):
    return update(table).where(table.c.id == bindparam("row_id")).values({c: bindparam(f"new_{c}") for c in columns})


@lru_cache(maxsize=16)
def _insert_statement(table, columns: tuple[str, ...]):
    return insert(table).values({c: bindparam(c) for c in columns}).returning(table.c.id)


def _flush_pending(session: Session) -> None:
    """Write what the session holds first, so rows keep the order they were made in."""
    if session.new or session.deleted or session.dirty:
        session.flush()


def set_columns(session: Session, obj: SQLModel, **values) -> None:
    """Write ``values`` to ``obj``'s row now, and onto ``obj`` as its loaded state.

    Args:
        session: the session of the transaction (``obj`` may belong to it or be detached).
        obj: a table object with an ``id``; without one it is changed and added to the session.
        **values: column name → new value.

    Raises:
        StaleDataError: the row is no longer there (as the session's flush would).
    """
    if obj.id is None:
        for name, value in values.items():
            setattr(obj, name, value)
        session.add(obj)
        return
    _flush_pending(session)
    table = type(obj).__table__
    columns = tuple(values)
    res = session.connection().execute(_update_statement(table, columns),
                                       {"row_id": obj.id, **{f"new_{c}": v for c, v in values.items()}})
    if res.rowcount != 1:       # as the ORM's flush would: the row is gone, nothing may be assumed
        raise StaleDataError(f"{table.name} {obj.id}: expected to update 1 row, updated {res.rowcount}")
    for name, value in values.items():
        set_committed_value(obj, name, value)


def insert_row(session: Session, obj: SQLModel) -> SQLModel:
    """Insert ``obj``'s row now and make ``obj`` the session's persistent object for it.

    Args:
        session: the session of the transaction.
        obj: a new table object (no ``id``); every column the table has is written, as set on
            ``obj`` (its field defaults included).

    Returns:
        ``obj``, with its ``id``.
    """
    _flush_pending(session)
    table = type(obj).__table__
    columns = tuple(c.name for c in table.columns if c.name != "id")
    obj.id = session.connection().execute(_insert_statement(table, columns),
                                          {c: getattr(obj, c) for c in columns}).scalar_one()
    make_transient_to_detached(obj)
    session.add(obj)
    return obj
