"""Development conversations (E6): that a talk took place and when — never what was said.

A manager (for the people of their teams) or an admin (for everyone) records it; the
person confirms it or says it did not take place. Services flush; routes commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, exists, func, or_, select, update
from sqlalchemy.orm import aliased

from ..accounts.models import User
from ..activity.models import ActivityEvent, ActivityKind
from ..activity.services import record_activity
from ..audit.services import record_audit
from ..db_utils import insert_or_ignore
from ..extensions import db
from ..notifications.services import notify
from ..orgs.models import Membership, Team
from .models import ConversationStatus, DevelopmentConversation

COVERAGE_DAYS = 365  # the coverage KPI looks back twelve months


def one_year_before(day: date) -> date:
    """The same date a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def coverage_since(today: date) -> date:
    """The first day that counts for "a conversation in the last 12 months"."""
    return today - timedelta(days=COVERAGE_DAYS)


# --- who a manager may record for -----------------------------------------------------------


def _in_scope(org_id: int, viewer_team_id: int | None, everyone: bool):
    """SQL condition on Membership: the viewer's people (admins: everyone)."""
    if everyone:
        return Membership.org_id == org_id
    if viewer_team_id is None:
        return Membership.id.is_(None)  # a manager without a team has no people here
    child_teams = select(Team.id).where(Team.org_id == org_id, Team.parent_id == viewer_team_id)
    return or_(Membership.team_id == viewer_team_id, Membership.team_id.in_(child_teams))


@dataclass(frozen=True)
class PersonRow:
    user_id: int
    name: str
    team: str | None
    last_held_on: date | None
    last_status: ConversationStatus | None


def team_people(
    org_id: int, viewer_id: int, viewer_team_id: int | None, everyone: bool
) -> list[PersonRow]:
    """Active people the viewer may record a conversation for, with their last one (date and
    status), those without one or with the oldest first. One query."""
    last = (
        select(
            DevelopmentConversation.user_id.label("user_id"),
            func.max(DevelopmentConversation.held_on).label("held_on"),
        )
        .where(DevelopmentConversation.org_id == org_id)
        .group_by(DevelopmentConversation.user_id)
        .subquery()
    )
    latest = aliased(DevelopmentConversation)
    rows = db.session.execute(
        select(User.id, User.name, Team.name, last.c.held_on, latest.status)
        .select_from(Membership)
        .join(User, User.id == Membership.user_id)
        .outerjoin(Team, Team.id == Membership.team_id)
        .outerjoin(last, last.c.user_id == Membership.user_id)
        .outerjoin(
            latest,
            and_(
                latest.org_id == org_id,
                latest.user_id == Membership.user_id,
                latest.held_on == last.c.held_on,
            ),
        )
        .where(
            Membership.org_id == org_id,
            Membership.active.is_(True),
            Membership.user_id != viewer_id,
            _in_scope(org_id, viewer_team_id, everyone),
        )
        .order_by(
            case((last.c.held_on.is_(None), 0), else_=1),
            last.c.held_on,
            func.lower(User.name),
            User.id,
        )
    ).all()
    return [
        PersonRow(user_id, name, team, held_on, ConversationStatus(status) if status else None)
        for user_id, name, team, held_on, status in rows
    ]


# --- recording and answering ----------------------------------------------------------------


def record_conversation(
    org_id: int,
    manager_id: int,
    manager_name: str,
    person_id: int,
    held_on: date,
    now: datetime,
) -> tuple[DevelopmentConversation, bool]:
    """Record that a development conversation with ``person_id`` took place on ``held_on``.

    The caller has checked that the person is one of the manager's people. One row per
    person and date: a double submit finds the first. The person is told in the app.
    """
    new_id = insert_or_ignore(
        DevelopmentConversation,
        {
            "org_id": org_id,
            "user_id": person_id,
            "manager_id": manager_id,
            "held_on": held_on,
            "status": ConversationStatus.recorded,
            "recorded_at": now,
        },
        ["org_id", "user_id", "held_on"],
    )
    conversation = db.session.scalars(
        select(DevelopmentConversation).where(
            DevelopmentConversation.org_id == org_id,
            DevelopmentConversation.user_id == person_id,
            DevelopmentConversation.held_on == held_on,
        )
    ).one()
    if new_id is None:
        return conversation, False
    record_audit(org_id, manager_id, "development_conversation.recorded", conversation, person_id)
    # The manager's action (for the manager prompt's effect, N6); the person's own
    # event comes when they confirm.
    record_activity(
        org_id, manager_id, ActivityKind.development_conversation_recorded, conversation, now
    )
    notify(
        org_id,
        person_id,
        "development_conversation_recorded",
        {"held_on": held_on.isoformat(), "manager_name": manager_name},
        now,
        dedupe_key=f"development_conversation:{conversation.id}",
    )
    return conversation, True


def answer_conversation(
    conversation: DevelopmentConversation, took_place: bool, person_name: str, now: datetime
) -> bool:
    """The person says "yes, we talked" or "this did not take place"; True when it changed.

    A first confirmation counts as development activity; a "did not take place" tells the
    one who recorded it (once).
    """
    status = ConversationStatus.confirmed if took_place else ConversationStatus.disputed
    result = db.session.execute(
        update(DevelopmentConversation)
        .where(
            DevelopmentConversation.org_id == conversation.org_id,
            DevelopmentConversation.id == conversation.id,
            DevelopmentConversation.status != status,
        )
        .values(status=status, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    db.session.refresh(conversation)
    if took_place:
        counted = db.session.scalar(
            select(
                exists().where(
                    ActivityEvent.org_id == conversation.org_id,
                    ActivityEvent.kind == str(ActivityKind.development_conversation),
                    ActivityEvent.object_type == "DevelopmentConversation",
                    ActivityEvent.object_id == conversation.id,
                )
            )
        )
        if not counted:
            record_activity(
                conversation.org_id,
                conversation.user_id,
                ActivityKind.development_conversation,
                conversation,
                now,
            )
    elif conversation.manager_id is not None:
        notify(
            conversation.org_id,
            conversation.manager_id,
            "development_conversation_disputed",
            {"held_on": conversation.held_on.isoformat(), "person_name": person_name},
            now,
            dedupe_key=f"development_conversation_disputed:{conversation.id}",
        )
    return True


@dataclass(frozen=True)
class MyConversationRow:
    id: int
    held_on: date
    status: ConversationStatus
    manager_name: str | None


def my_conversations(
    org_id: int, user_id: int, conversation_id: int | None = None
) -> list[MyConversationRow]:
    """The person's own conversations (or one of them), newest first, with who recorded
    them (one query)."""
    statement = (
        select(
            DevelopmentConversation.id,
            DevelopmentConversation.held_on,
            DevelopmentConversation.status,
            User.name,
        )
        .outerjoin(User, User.id == DevelopmentConversation.manager_id)
        .where(
            DevelopmentConversation.org_id == org_id,
            DevelopmentConversation.user_id == user_id,
        )
        .order_by(DevelopmentConversation.held_on.desc(), DevelopmentConversation.id.desc())
    )
    if conversation_id is not None:
        statement = statement.where(DevelopmentConversation.id == conversation_id)
    return [MyConversationRow(*row) for row in db.session.execute(statement).all()]


# --- the coverage KPI -----------------------------------------------------------------------


def conversation_coverage(org_id: int, team_ids: list[int] | None, since: date) -> tuple[int, int]:
    """(people with a development conversation on or after ``since``, people): active members
    of the teams (``None``: the whole organisation), counting recorded and confirmed
    conversations, not those the person said did not take place. One query."""
    had_one = exists().where(
        DevelopmentConversation.org_id == org_id,
        DevelopmentConversation.user_id == Membership.user_id,
        DevelopmentConversation.held_on >= since,
        DevelopmentConversation.status != ConversationStatus.disputed,
    )
    statement = select(
        func.count(func.distinct(case((had_one, Membership.user_id)))),
        func.count(func.distinct(Membership.user_id)),
    ).where(Membership.org_id == org_id, Membership.active.is_(True))
    if team_ids is not None:
        statement = statement.where(Membership.team_id.in_(team_ids))
    with_conversation, people = db.session.execute(statement).one()
    return int(with_conversation), int(people)
