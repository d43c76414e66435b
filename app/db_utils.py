"""Small database helpers shared by features."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from .extensions import db


def insert_or_ignore(model: type, values: dict, conflict_columns: list[str]) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING; the new row's id, or None when it existed already.

    The unique key makes a double submit, a retry or a second worker harmless.
    """
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=conflict_columns)
        .returning(model.id)
    )
    return db.session.execute(statement).scalar_one_or_none()


def insert_or_get(model: type, values: dict, key_columns: list[str]) -> tuple[int, bool]:
    """Insert once per unique key: the row's id and whether this call created it.

    A double submit (same form token) finds the row the first submit made.
    """
    new_id = insert_or_ignore(model, values, key_columns)
    if new_id is not None:
        return new_id, True
    existing = db.session.scalar(
        select(model.id).where(*(getattr(model, c) == values[c] for c in key_columns))
    )
    return existing, False
