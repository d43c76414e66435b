"""Read models for the feedback pages: each list is a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, literal, select, union_all

from ..accounts.models import User
from ..extensions import db
from ..orgs.models import Membership, Organisation, Team
from .models import Feedback, FeedbackRequest, FeedbackRequestRecipient

PAGE_SIZE = 20


def colleague_choices(org_id: int, me: int) -> list[tuple[int, str]]:
    """Active members of the organisation except ``me``, sorted by name."""
    rows = db.session.execute(
        select(User.id, User.name)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.org_id == org_id, Membership.active.is_(True), User.id != me)
        .order_by(func.lower(User.name), User.id)
    )
    return [(row.id, row.name) for row in rows]


@dataclass
class FeedbackRow:
    feedback: Feedback
    other_name: str  # the giver for received feedback, the recipient for given feedback


@dataclass
class FeedbackPage:
    rows: list[FeedbackRow]
    total: int
    page: int
    pages: int


def feedback_page(org_id: int, user_id: int, direction: str, page: int = 1) -> FeedbackPage:
    """One page of the feedback this person received (or gave), newest first (two queries)."""
    mine, other = (
        (Feedback.recipient_id, Feedback.giver_id)
        if direction == "received"
        else (Feedback.giver_id, Feedback.recipient_id)
    )
    filters = [Feedback.org_id == org_id, mine == user_id]
    total = db.session.scalar(select(func.count(Feedback.id)).where(*filters))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        select(Feedback, User.name)
        .join(User, User.id == other)
        .where(*filters)
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return FeedbackPage([FeedbackRow(f, name) for f, name in rows], total, page, pages)


@dataclass
class FeedbackView:
    feedback: Feedback
    giver_name: str
    recipient_name: str


def feedback_for_person(org_id: int, feedback_id: int, user_id: int) -> FeedbackView | None:
    """The feedback when ``user_id`` gave or received it; None for anyone else (one query)."""
    giver = db.aliased(User)
    recipient = db.aliased(User)
    row = db.session.execute(
        select(Feedback, giver.name, recipient.name)
        .join(giver, giver.id == Feedback.giver_id)
        .join(recipient, recipient.id == Feedback.recipient_id)
        .where(
            Feedback.org_id == org_id,
            Feedback.id == feedback_id,
            (Feedback.giver_id == user_id) | (Feedback.recipient_id == user_id),
        )
    ).first()
    return FeedbackView(*row) if row is not None else None


def _open_for(org_id: int, user_id: int, now: datetime):
    return (
        FeedbackRequestRecipient.org_id == org_id,
        FeedbackRequestRecipient.recipient_id == user_id,
        FeedbackRequestRecipient.feedback_id.is_(None),
        FeedbackRequestRecipient.declined_at.is_(None),
        FeedbackRequest.expires_at > now,
    )


def open_request_count(org_id: int, user_id: int, now: datetime) -> int:
    """How many requests for feedback this person can still answer."""
    return db.session.scalar(
        select(func.count(FeedbackRequestRecipient.id))
        .join(FeedbackRequest, FeedbackRequest.id == FeedbackRequestRecipient.request_id)
        .where(*_open_for(org_id, user_id, now))
    )


@dataclass
class AskedRow:
    request_id: int
    requester_id: int
    requester_name: str
    message: str | None
    created_at: datetime
    expires_at: datetime


def requests_to_answer(org_id: int, user_id: int, now: datetime) -> list[AskedRow]:
    """Open, unexpired requests colleagues sent this person, newest first (one query)."""
    rows = db.session.execute(
        select(
            FeedbackRequest.id,
            FeedbackRequest.requester_id,
            User.name,
            FeedbackRequest.message,
            FeedbackRequest.created_at,
            FeedbackRequest.expires_at,
        )
        .join(FeedbackRequestRecipient, FeedbackRequestRecipient.request_id == FeedbackRequest.id)
        .join(User, User.id == FeedbackRequest.requester_id)
        .where(*_open_for(org_id, user_id, now))
        .order_by(FeedbackRequest.created_at.desc(), FeedbackRequest.id.desc())
        .limit(100)
    )
    return [AskedRow(*row) for row in rows]


@dataclass
class MyRequestRow:
    request_id: int
    message: str | None
    created_at: datetime
    expires_at: datetime
    asked: int
    answered: int
    answered_names: str | None


def my_requests(org_id: int, user_id: int, now: datetime) -> list[MyRequestRow]:
    """The person's own requests that have not expired: who answered, how many are open."""
    answerer = db.aliased(User)
    answered = FeedbackRequestRecipient.feedback_id.is_not(None)
    rows = db.session.execute(
        select(
            FeedbackRequest.id,
            FeedbackRequest.message,
            FeedbackRequest.created_at,
            FeedbackRequest.expires_at,
            func.count(FeedbackRequestRecipient.id),
            func.count(case((answered, 1))),
            func.aggregate_strings(case((answered, answerer.name)), ", "),
        )
        .join(FeedbackRequestRecipient, FeedbackRequestRecipient.request_id == FeedbackRequest.id)
        .join(answerer, answerer.id == FeedbackRequestRecipient.recipient_id)
        .where(
            FeedbackRequest.org_id == org_id,
            FeedbackRequest.requester_id == user_id,
            FeedbackRequest.expires_at > now,
        )
        .group_by(
            FeedbackRequest.id,
            FeedbackRequest.message,
            FeedbackRequest.created_at,
            FeedbackRequest.expires_at,
        )
        .order_by(FeedbackRequest.created_at.desc(), FeedbackRequest.id.desc())
        .limit(100)
    )
    return [MyRequestRow(*row) for row in rows]


@dataclass(frozen=True)
class TeamFeedbackCounts:
    """Counts only, never content: feedback given, received and exchanged by a team."""

    given: int
    received: int
    exchanged: int
    people: int


def teams_feedback_counts(
    org_id: int, team_ids: list[int], since: datetime
) -> dict[int, TeamFeedbackCounts | None]:
    """Per team: feedback its active members gave, received and exchanged since ``since``.

    None for a team where fewer than the organisation's ``min_group_size`` distinct members
    were involved (too few to show). One query for any number of teams.
    """
    if not team_ids:
        return {}
    period = [Feedback.org_id == org_id, Feedback.created_at >= since]
    involvement = union_all(
        select(
            Feedback.id.label("feedback_id"),
            Feedback.giver_id.label("user_id"),
            literal("given").label("role"),
        ).where(*period),
        select(Feedback.id, Feedback.recipient_id, literal("received")).where(*period),
    ).subquery()
    given = case((involvement.c.role == "given", involvement.c.feedback_id))
    received = case((involvement.c.role == "received", involvement.c.feedback_id))
    rows = db.session.execute(
        select(
            Membership.team_id,
            func.count(func.distinct(given)),
            func.count(func.distinct(received)),
            func.count(func.distinct(involvement.c.feedback_id)),
            func.count(func.distinct(involvement.c.user_id)),
        )
        .join(
            Membership,
            and_(
                Membership.user_id == involvement.c.user_id,
                Membership.org_id == org_id,
                Membership.active.is_(True),
            ),
        )
        .where(Membership.team_id.in_(team_ids))
        .group_by(Membership.team_id)
    ).all()
    k = db.session.scalar(select(Organisation.min_group_size).where(Organisation.id == org_id))
    counts: dict[int, TeamFeedbackCounts | None] = dict.fromkeys(team_ids)
    for team_id, n_given, n_received, n_exchanged, people in rows:
        if people >= k:
            counts[team_id] = TeamFeedbackCounts(n_given, n_received, n_exchanged, people)
    return counts


def team_feedback_counts(org_id: int, team_id: int, since: datetime) -> TeamFeedbackCounts | None:
    """Feedback given and received by members of one team since ``since``; None when fewer
    than the organisation's ``min_group_size`` distinct people were involved."""
    return teams_feedback_counts(org_id, [team_id], since)[team_id]


def teams_for_counts(org_id: int, team_ids: list[int] | None) -> list[tuple[int, str]]:
    """Teams to show counts for: the given ones, or all teams of the organisation (by name)."""
    statement = select(Team.id, Team.name).where(Team.org_id == org_id)
    if team_ids is not None:
        statement = statement.where(Team.id.in_(team_ids))
    return [
        (row.id, row.name) for row in db.session.execute(statement.order_by(func.lower(Team.name)))
    ]
