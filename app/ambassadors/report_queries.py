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

from sqlalchemy import Integer, cast, func, literal, select, text, union_all

from ..extensions import db
from ..tenancy import current_org_ids
from .models import AmbassadorConversation, ConversationStatus


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
