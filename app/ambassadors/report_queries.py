"""Counts of ambassador conversations for anonymous reports (B6) and the union (U3).

The only place that counts conversations across people. Conversations are readable by
the employee and the ambassador alone, so on PostgreSQL the counting runs in the
SECURITY DEFINER function ``ambassador_conversation_counts`` (migration 0005), which
returns numbers per organisation, quarter and topic or outcome, never rows. On SQLite
(no row-level security) the same query runs here, past the ORM's person filter. Both
count only the organisations of the current context. Callers suppress small cells with
``app.aggregates.suppress_counts``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Integer, cast, column, func, literal, or_, select, text, union_all

from ..accounts.models import User
from ..extensions import db
from ..tenancy import current_org_ids
from .models import AmbassadorConversation, AmbassadorProfile, Channel, ConversationStatus
from .services import active_ambassadors


@dataclass(frozen=True)
class ConversationCount:
    org_id: int
    year: int
    quarter: int
    dimension: str  # "topic", "outcome" or "total"
    value: str | None  # the topic or outcome; None: none chosen / not yet recorded
    conversations: int
    people: int  # distinct employees


def conversation_counts(since: date) -> list[ConversationCount]:
    """Counts per organisation (of the current context), quarter of booking, and topic,
    outcome and total, of conversations booked on or after ``since`` (cancelled ones
    left out). One query, whatever the number of conversations or organisations."""
    if not current_org_ids():
        return []
    if db.session.get_bind().dialect.name == "postgresql":
        rows = db.session.execute(
            text(
                "SELECT org_id, year, quarter, dimension, value, conversations, people "
                "FROM ambassador_conversation_counts(:since)"
            ),
            {"since": since},
        ).all()
    else:
        rows = db.session.execute(
            _counts_select(since), execution_options={"skip_person_filter": True}
        ).all()
    return [ConversationCount(*row) for row in rows]


def _counts_select(since: date):
    c = AmbassadorConversation
    year = cast(func.strftime("%Y", c.booked_on), Integer)
    quarter = (cast(func.strftime("%m", c.booked_on), Integer) + 2) // 3
    base = (
        select(
            c.org_id.label("org_id"),
            year.label("year"),
            quarter.label("quarter"),
            c.topic.label("topic"),
            c.outcome.label("outcome"),
            c.employee_id.label("employee_id"),
        ).where(c.status != ConversationStatus.cancelled, c.booked_on >= since)
    ).subquery()
    people = func.count(func.distinct(base.c.employee_id))
    keys = (base.c.org_id, base.c.year, base.c.quarter)
    by_topic = select(
        *keys, literal("topic"), cast(base.c.topic, db.String), func.count(), people
    ).group_by(*keys, base.c.topic)
    by_outcome = select(
        *keys, literal("outcome"), cast(base.c.outcome, db.String), func.count(), people
    ).group_by(*keys, base.c.outcome)
    total = select(
        *keys, literal("total"), literal(None, db.String), func.count(), people
    ).group_by(*keys)
    return union_all(by_topic, by_outcome, total)


# Open conversations: the ambassador still has to plan or hold them.
OPEN_STATUSES = (ConversationStatus.requested, ConversationStatus.planned)
# What an ambassador offers before anyone filled in a profile (the model's defaults).
DEFAULT_CHANNELS = frozenset({Channel.in_person, Channel.phone})


def _open_load(org_id: int):
    """(ambassador_id, open_count) per ambassador of ``org_id`` with open conversations.

    On PostgreSQL the SECURITY DEFINER function ``ambassador_open_load`` (migration 0006)
    counts; on SQLite a grouped count, run past the person filter by the caller."""
    if db.session.get_bind().dialect.name == "postgresql":
        return (
            func.ambassador_open_load(org_id)
            .table_valued(column("ambassador_id", Integer), column("open_count", Integer))
            .alias("open_load")
        )
    c = AmbassadorConversation
    return (
        select(c.ambassador_id.label("ambassador_id"), func.count().label("open_count"))
        .where(c.org_id == org_id, c.ambassador_id.is_not(None), c.status.in_(OPEN_STATUSES))
        .group_by(c.ambassador_id)
        .subquery("open_load")
    )


def least_busy_ambassador(org_id: int, channel: Channel, exclude_user_id: int) -> int | None:
    """ "Whoever is free first" (B2): the user id of the active ambassador of ``org_id``
    (not ``exclude_user_id``, the person booking) who offers ``channel`` and has the
    fewest open conversations; ties go to the lowest user id. None when nobody fits.

    One query: the open counts come grouped (never row by row), joined to the ambassadors.
    """
    load = _open_load(org_id)
    offers_channel = getattr(AmbassadorProfile, channel.value).is_(True)
    if channel in DEFAULT_CHANNELS:  # someone given the role without a profile offers these
        offers_channel = or_(offers_channel, AmbassadorProfile.id.is_(None))
    statement = (
        active_ambassadors(org_id)
        .with_only_columns(User.id)
        .outerjoin(load, load.c.ambassador_id == User.id)
        .where(User.id != exclude_user_id, offers_channel)
        .order_by(None)
        .order_by(func.coalesce(load.c.open_count, 0), User.id)
        .limit(1)
    )
    return db.session.scalar(statement, execution_options={"skip_person_filter": True})
