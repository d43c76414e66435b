"""The only place nudges read ambassador talks across people (PRODUCT §4.1).

Planning reads who talked and which follow-ups are due; the effect report reads when
people asked for a talk (the conversion of "meet your ambassador").

Talks and follow-ups are readable only by the two people in them. Planning runs without
a person, so on PostgreSQL these subqueries call SECURITY DEFINER functions (migration
0007) that return person ids (and a follow-up id), limited to the organisations of
``app.org_ids``; on SQLite the same rows come from a plain subquery (the ORM's person
filter does not apply inside the planner's INSERT … SELECT).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Integer, column, func, select

from ..ambassadors.models import AmbassadorConversation, ConversationStatus, FollowUp
from ..db_types import UTCDateTime
from ..extensions import db


def _postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def ambassador_talkers(org_id: int):
    """Subquery (user_id): employees of ``org_id`` with any talk that was not cancelled."""
    if _postgresql():
        return (
            func.nudge_ambassador_talkers(org_id)
            .table_valued(column("user_id", Integer))
            .alias("talkers")
        )
    c = AmbassadorConversation
    return (
        select(c.employee_id.label("user_id"))
        .where(c.org_id == org_id, c.status != ConversationStatus.cancelled)
        .distinct()
        .subquery("talkers")
    )


def due_follow_ups(org_id: int, since: date, today: date):
    """Subquery (follow_up_id, user_id): open follow-ups of ``org_id`` due between
    ``since`` and ``today`` (inclusive), with the employee to remind."""
    if _postgresql():
        return (
            func.nudge_due_follow_ups(org_id, since, today)
            .table_valued(column("follow_up_id", Integer), column("user_id", Integer))
            .alias("due_follow_ups")
        )
    f = FollowUp
    return (
        select(f.id.label("follow_up_id"), f.employee_id.label("user_id"))
        .where(f.org_id == org_id, f.done_at.is_(None), f.due_on >= since, f.due_on <= today)
        .subquery("due_follow_ups")
    )


def talk_requests(org_id: int):
    """Subquery (user_id, created_at): when each employee of ``org_id`` asked for a talk
    (the conversion of "meet your ambassador"); nothing about the talk itself."""
    if _postgresql():
        return (
            func.nudge_talk_requests(org_id)
            .table_valued(column("user_id", Integer), column("created_at", UTCDateTime))
            .alias("talk_requests")
        )
    c = AmbassadorConversation
    return (
        select(c.employee_id.label("user_id"), c.created_at.label("created_at"))
        .where(c.org_id == org_id)
        .subquery("talk_requests")
    )
