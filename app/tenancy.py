"""Tenant isolation: the current organisation, scoped lookups and two safety nets.

1. Every ORM select, bulk UPDATE and bulk DELETE gets ``org_id IN (allowed)`` for models
   with the ``OrgScoped`` mixin while an organisation context is set (``do_orm_execute`` +
   ``with_loader_criteria``); a flush refuses new or changed rows of other organisations.
   Models with ``SharedByTwo`` or ``AuthorOnly`` also get "this person's rows only".
2. On PostgreSQL, row-level security checks ``org_id`` against the transaction-local
   setting ``app.org_ids``, set with ``set_config(..., true)`` at the start of every
   transaction. Outside a context the setting is empty and the policies return no rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from flask import abort, g
from sqlalchemy import ForeignKey, event, or_, select, text
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    declared_attr,
    mapped_column,
    with_loader_criteria,
)

from .extensions import db

ORG_IDS_KEY = "org_ids"
USER_ID_KEY = "user_id"

T = TypeVar("T")


class OrgScoped:
    """Mixin for every table owned by one organisation."""

    @declared_attr
    def org_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(
            ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False, index=True
        )


class SharedByTwo:
    """Mixin for rows only two people may read: ``employee_id`` and ``ambassador_id``
    (ambassador conversations, their next steps and follow-ups, PRODUCT §4.1).

    While a person is set on the session, the ORM net adds "employee or ambassador is
    this person" to every select, bulk update and bulk delete; with an organisation
    context but no person, no rows. On PostgreSQL row-level security checks the same.
    ``ambassador_id`` becomes NULL when the ambassador's account is deleted: the record
    stays with the employee.
    """

    @declared_attr
    def employee_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)

    @declared_attr
    def ambassador_id(cls) -> Mapped[int | None]:  # noqa: N805
        return mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)


class AuthorOnly:
    """Mixin for rows only their author reads (``author_id``): private notes."""

    @declared_attr
    def author_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)


def current_org_ids(session: Session | None = None) -> tuple[int, ...] | None:
    session = session or db.session()
    return session.info.get(ORG_IDS_KEY)


def set_org_context(org_ids: Iterable[int] | None, user_id: int | None = None) -> None:
    """Set the organisations (and person) the current unit of work may touch.

    Applies at once to an open PostgreSQL transaction and to every later one.
    """
    session = db.session()
    ids = tuple(sorted(set(org_ids))) if org_ids is not None else None
    session.info[ORG_IDS_KEY] = ids
    session.info[USER_ID_KEY] = user_id
    if session.in_transaction():
        connection = session.connection()
        _apply_pg_settings(connection, ids, user_id)


@contextmanager
def org_context(org_ids: Iterable[int] | None, user_id: int | None = None) -> Iterator[None]:
    """Run a block (CLI, job, test) inside an organisation context, then restore."""
    session = db.session()
    previous = (session.info.get(ORG_IDS_KEY), session.info.get(USER_ID_KEY))
    set_org_context(org_ids, user_id)
    try:
        yield
    finally:
        set_org_context(previous[0], previous[1])


def _apply_pg_settings(connection, org_ids, user_id) -> None:
    if connection.dialect.name != "postgresql":
        return
    connection.execute(
        text(
            "SELECT set_config('app.org_ids', :org_ids, true),"
            " set_config('app.user_id', :user_id, true)"
        ),
        {
            "org_ids": ",".join(str(i) for i in org_ids or ()),
            "user_id": str(user_id) if user_id else "",
        },
    )


def scoped_get_or_404(model: type[T], object_id: int, *options, **filters) -> T:
    """Load one object of the current organisation; missing and not-yours give the same 404.

    ``options`` are loader options (e.g. ``selectinload(...)``); ``filters`` extra equalities.
    """
    ids = current_org_ids()
    if not ids or "org" not in g:
        abort(404)
    statement = select(model).where(model.id == object_id, model.org_id == g.org.id)
    for name, value in filters.items():
        statement = statement.where(getattr(model, name) == value)
    if options:
        statement = statement.options(*options)
    obj = db.session.scalars(statement).one_or_none()
    if obj is None:
        abort(404)
    return obj


def install_session_hooks() -> None:
    """Register the ORM safety net and the PostgreSQL setting on every session."""

    @event.listens_for(Session, "do_orm_execute")
    def _add_org_criteria(state: ORMExecuteState) -> None:
        # Bulk UPDATE and DELETE too: on SQLite this net is the only one.
        is_read_or_bulk_write = state.is_select or state.is_update or state.is_delete
        ids = state.session.info.get(ORG_IDS_KEY)
        if not is_read_or_bulk_write or ids is None:
            return
        options = []
        if not state.execution_options.get("skip_org_filter"):
            options.append(
                with_loader_criteria(
                    OrgScoped,
                    lambda cls: cls.org_id.in_(ids),
                    include_aliases=True,
                    track_closure_variables=True,
                )
            )
        # Only count queries skip this (ambassador reports, the nudges' effect report).
        if not state.execution_options.get("skip_person_filter"):
            # No person (a job, the CLI) reads no private rows: -1 matches nobody.
            person = state.session.info.get(USER_ID_KEY) or -1
            options += [
                with_loader_criteria(
                    SharedByTwo,
                    lambda cls: or_(cls.employee_id == person, cls.ambassador_id == person),
                    include_aliases=True,
                    track_closure_variables=True,
                ),
                with_loader_criteria(
                    AuthorOnly,
                    lambda cls: cls.author_id == person,
                    include_aliases=True,
                    track_closure_variables=True,
                ),
            ]
        if options:
            state.statement = state.statement.options(*options)

    @event.listens_for(Session, "after_begin")
    def _set_pg_org(session: Session, transaction, connection) -> None:
        _apply_pg_settings(connection, session.info.get(ORG_IDS_KEY), session.info.get(USER_ID_KEY))

    @event.listens_for(Session, "before_flush")
    def _check_new_rows(session: Session, flush_context, instances) -> None:
        ids = session.info.get(ORG_IDS_KEY)
        if ids is None:
            return
        for obj in list(session.new) + list(session.dirty):
            if isinstance(obj, OrgScoped) and obj.org_id is not None and obj.org_id not in ids:
                raise PermissionError(
                    f"{type(obj).__name__} of organisation {obj.org_id} written outside its context"
                )
