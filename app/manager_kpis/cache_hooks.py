"""Drop cached KPI periods (``kpi_cache``) when a row they count changes.

* ``before_flush``: new, changed and deleted objects of the models the KPIs count. The
  organisation's cached closed periods that end on or after the earliest date the change
  touches are deleted (old and new values both count: an entry moved from March to May
  changes both months). The running period's row stays: it only lives a few minutes
  (``cache.py``), and in a large company a change comes every minute. Membership, team
  and time zone changes touch every period: all the organisation's rows go, running ones
  too.
* ``do_orm_execute``: bulk UPDATE and DELETE statements on those models (they skip the
  unit of work). One SELECT reads, per organisation, the earliest date of the rows the
  statement will touch; new values set by an UPDATE count too.

One DELETE per flush or statement, and only when an input changed. Core statements on the
tables themselves (``connection.execute``) are not seen: write inputs through the session,
or call ``cache.invalidate`` yourself.

Registered once for every session, on import (``app/models.py`` imports this module).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql.elements import BindParameter

from ..ambassadors.models import AmbassadorConversation
from ..development.models import DevelopmentConversation, Goal, LearningLogEntry
from ..development.skills_models import PersonSkill, SkillConfirmation
from ..feed.models import SuccessPost
from ..feedback.models import Feedback
from ..orgs.models import Membership, Organisation, Team
from .cache import EVERYTHING, invalidate


@dataclass(frozen=True)
class _Input:
    dates: tuple[str, ...]  # date or time attributes that place the row in periods
    others: tuple[str, ...]  # attributes that change what the row counts for
    anchor: tuple[str, ...]  # when only ``others`` change: the dates then affected


INPUTS: dict[type, _Input] = {
    LearningLogEntry: _Input(
        ("learned_on",), ("minutes", "in_work_time", "user_id"), ("learned_on",)
    ),
    # A goal's status change sets updated_at (and done_at); a dropped goal counts as open
    # until its updated_at.
    Goal: _Input(("created_at", "done_at", "updated_at"), ("status", "user_id"), ("created_at",)),
    SuccessPost: _Input(
        ("created_at",), ("kind", "author_id", "hidden_at", "removed_at"), ("created_at",)
    ),
    Feedback: _Input(("created_at",), ("giver_id", "recipient_id", "removed_at"), ("created_at",)),
    SkillConfirmation: _Input(("answered_at",), ("status", "user_id"), ("answered_at",)),
    # Removing a skill from the passport removes its confirmations with it.
    PersonSkill: _Input(("confirmed_at",), ("user_id",), ("confirmed_at",)),
    DevelopmentConversation: _Input(("held_on",), ("status", "user_id"), ("held_on",)),
    AmbassadorConversation: _Input(("booked_on",), ("status", "employee_id"), ("booked_on",)),
}
# Who is in which group: a change may move the figures of every period.
STRUCTURE: dict[type, tuple[str, ...]] = {
    Membership: ("team_id", "fte", "active", "disabled_at", "created_at", "user_id"),
    Team: ("parent_id",),
}
_BY_TABLE = {model.__table__: model for model in (*INPUTS, *STRUCTURE)}
# The organisation's time zone decides where its days (and so its periods) begin.
ORGANISATION = ("timezone",)


def _as_date(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date() - timedelta(days=1)  # UTC: the organisation's date may be earlier
    if isinstance(value, date):
        return value
    return EVERYTHING  # not a date we can read (e.g. a string from SQLite): be safe


def _changed(state, *attrs: str) -> bool:
    return any(state.attrs[attr].history.has_changes() for attr in attrs)


def _old_and_new(state, attr: str) -> list:
    history = state.attrs[attr].history
    return [*history.added, *history.deleted]


def _affected(obj, change: str) -> date | None:
    """The earliest date whose periods ``obj``'s change may alter (None: none)."""
    state = inspect(obj)
    cls = type(obj)
    if cls in STRUCTURE:
        if change == "dirty" and not any(_changed(state, a) for a in STRUCTURE[cls]):
            return None
        return EVERYTHING
    spec = INPUTS[cls]
    if change != "dirty":
        values = [getattr(obj, a) for a in spec.dates]  # loads expired attributes
    else:
        changed = [a for a in (*spec.dates, *spec.others) if _changed(state, a)]
        if not changed:
            return None
        values = [v for a in changed if a in spec.dates for v in _old_and_new(state, a)]
        if any(a in spec.others for a in changed):
            values += [getattr(obj, a) for a in spec.anchor]
            values += [v for a in spec.anchor for v in _old_and_new(state, a)]
    dates = [d for d in map(_as_date, values) if d is not None]
    return min(dates) if dates else None


def _before_flush(session: Session, flush_context, instances) -> None:
    since: dict[int, date] = {}
    for change, objects in (
        ("new", session.new),
        ("dirty", session.dirty),
        ("deleted", session.deleted),
    ):
        for obj in objects:
            if isinstance(obj, Organisation):
                if change == "dirty" and _changed(inspect(obj), *ORGANISATION):
                    since[obj.id] = EVERYTHING
                continue
            if type(obj) not in INPUTS and type(obj) not in STRUCTURE:
                continue
            affected = _affected(obj, change)
            if affected is None:
                continue
            org_ids = {obj.org_id, *_old_and_new(inspect(obj), "org_id")}
            for org_id in org_ids - {None}:
                since[org_id] = min(since.get(org_id, affected), affected)
    invalidate(session, since)


def _set_values(statement, model) -> list | None:
    """Literal date values an UPDATE sets on the model's date attributes; None when one is
    an expression we cannot read."""
    spec = INPUTS.get(model)
    names = set(spec.dates) if spec else set()
    values = []
    for key, value in (getattr(statement, "_values", None) or {}).items():
        name = getattr(key, "key", key)
        if name not in names:
            continue
        if not isinstance(value, BindParameter) or value.value is None:
            return None  # an expression, or a value given with the parameters
        values.append(value.value)
    return values


def _bulk_write(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    table = mapper.local_table if mapper is not None else getattr(state.statement, "table", None)
    model = _BY_TABLE.get(table)
    if model is None:
        return
    where = state.statement.whereclause
    spec = INPUTS.get(model)
    # Run with a list of parameter sets (executemany, as the demo's UPDATE ... WHERE id =
    # :mid), the statement's filters have no single value: every period of every
    # organisation in the context is dropped.
    many = isinstance(state.parameters, list | tuple)
    if spec is None or many:  # membership or team: every period of the organisations touched
        columns = [model.org_id]
        query = select(*columns).distinct()
    else:
        names = dict.fromkeys((*spec.dates, *spec.anchor))
        columns = [model.org_id, *(func.min(getattr(model, n)) for n in names)]
        query = select(*columns).group_by(model.org_id)
    if where is not None and not many:
        query = query.where(where)
    if many:
        new = None
    else:
        new = _set_values(state.statement, model) if state.is_update else []
    # The statement's own filters (organisation, person) apply to this read as well, with
    # the parameters it was given.
    rows = state.session.execute(query, None if many else state.parameters).all()
    since: dict[int, date] = {}
    for org_id, *mins in rows:
        dates = [d for d in map(_as_date, [*mins, *(new or [])]) if d is not None]
        if spec is None or new is None:
            dates.append(EVERYTHING)
        if dates:
            since[org_id] = min(dates)
    invalidate(state.session, since)


def install() -> None:
    """Register the hooks once, for every session."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
    if not event.contains(Session, "do_orm_execute", _bulk_write):
        event.listen(Session, "do_orm_execute", _bulk_write)


install()
