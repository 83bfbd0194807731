"""Writing one row of a loaded object with one statement, outside the ORM's unit of work.

A callback's writes are few and known: an item's new state, its ``ProgressUpdate``, the
member's conversation memory. Through the session's flush they cost about five times what the
statements themselves cost (0.56 against 0.11 ms for those three, timed over 1,000 updates on
the benchmark's 2-core machine), most of a progress reply's database time. So the rules that
write them (``models.progress``, ``models.corrections``, ``models.conversation``) use these two,
and the objects stay what the session believes them to be:

* ``set_columns`` — one ``UPDATE … WHERE id = …`` of a persistent object's row, the values then
  set on the object as loaded (no pending change is left for a flush to write again);
* ``insert_values`` — one ``INSERT … RETURNING id`` of a new row, from its values (the model's
  field defaults for the others), with no object made: building a table object cost more than
  writing its row (45 µs against about 30 for a ``ProgressUpdate``), and a later query loads the
  row as any other.

Writes the session still holds are flushed first, so rows are written in the order the code
made them (a correction's undo before its new update: ids keep the history's order). An object
the session has not written yet (no id) goes through the session as usual.
"""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import bindparam, insert, update
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


@lru_cache(maxsize=16)
def _columns(model: type[SQLModel]) -> tuple[str, ...]:
    return tuple(c.name for c in model.__table__.columns if c.name != "id")


def insert_values(session: Session, model: type[SQLModel], **values) -> int:
    """Insert one row of ``model``'s table now, by one statement; its id.

    Args:
        session: the session of the transaction.
        model: the table class (``ProgressUpdate``).
        **values: column name → value; a column not given takes the model's field default, or
            NULL when it has none (as a table object leaves it).

    Returns:
        The new row's id.
    """
    columns = _columns(model)
    unknown = set(values) - set(columns)
    if unknown:
        raise TypeError(f"{model.__name__} has no column {', '.join(sorted(unknown))}")
    _flush_pending(session)
    fields = model.model_fields
    row = {c: values[c] if c in values else None if fields[c].is_required()
           else fields[c].get_default(call_default_factory=True) for c in columns}
    return session.connection().execute(_insert_statement(model.__table__, columns), row).scalar_one()
