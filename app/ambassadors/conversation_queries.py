"""Read models of the conversation pages (B3, B4): a caseload, my talks, one talk, due
follow-ups on the home page.

Every query names the person (employee or ambassador) as well as the organisations: the
ORM net and PostgreSQL row-level security check the person again underneath, so these
never return anyone else's talks. List queries run a fixed number of statements,
however many talks or organisations there are.

``caseload_rows`` is shared with the union rep's caseload across companies (U2): the
caller sets the organisation context to the companies from ``app/unions/scope.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Date, and_, case, func, literal, or_, select
from sqlalchemy.orm import aliased

from ..accounts.models import User
from ..development.models import Goal, GoalStatus
from ..extensions import db
from ..offers.models import Offer
from ..offers.queries import visible_to_org
from ..orgs.models import Organisation, OrgKind
from .models import (
    AmbassadorConversation,
    Channel,
    ConversationNote,
    ConversationStatus,
    FollowUp,
    FollowUpKind,
    NextStep,
    Outcome,
    Topic,
)

# Groups of a list, in the order they are shown.
FOLLOW_UP_DUE, REQUESTED, PLANNED, OPEN_AFTER_TALK, CLOSED = range(5)
FAR_AWAY = date(9999, 12, 31)
# How far ahead the home page shows a coming check-in.
HOME_DAYS_AHEAD = 7
# Offers are visible to the organisation; shared offers belong to another one.
SHARED = {"skip_org_filter": True}

Talk = AmbassadorConversation


@dataclass(frozen=True)
class TalkRow:
    conversation_id: int
    org_id: int
    org_slug: str
    org_name: str
    employee_id: int
    employee_name: str
    ambassador_id: int | None
    ambassador_name: str | None
    channel: Channel
    topic: Topic | None
    topic_text: str
    status: ConversationStatus
    booked_on: date
    planned_for: datetime | None
    place: str
    held_on: date | None
    outcome: Outcome | None
    open_steps: int
    next_follow_up_on: date | None
    group: int

    @property
    def follow_up_due(self) -> bool:
        return self.group == FOLLOW_UP_DUE


def _talk_rows(org_ids: Iterable[int], person_condition, today: date):
    """The statement behind the caseload and my talks: one row per talk with the open
    next steps and the first open follow-up (two grouped subqueries, one statement)."""
    org_ids = list(org_ids)
    steps = (
        select(NextStep.conversation_id.label("cid"), func.count(NextStep.id).label("n"))
        .where(NextStep.org_id.in_(org_ids), NextStep.done_at.is_(None))
        .group_by(NextStep.conversation_id)
        .subquery()
    )
    due = (
        select(FollowUp.conversation_id.label("cid"), func.min(FollowUp.due_on).label("due_on"))
        .where(FollowUp.org_id.in_(org_ids), FollowUp.done_at.is_(None))
        .group_by(FollowUp.conversation_id)
        .subquery()
    )
    group = case(
        (
            and_(Talk.status != ConversationStatus.cancelled, due.c.due_on <= today),
            FOLLOW_UP_DUE,
        ),
        (Talk.status == ConversationStatus.requested, REQUESTED),
        (Talk.status == ConversationStatus.planned, PLANNED),
        (
            and_(
                Talk.status == ConversationStatus.held,
                or_(steps.c.n > 0, due.c.due_on.is_not(None)),
            ),
            OPEN_AFTER_TALK,
        ),
        else_=CLOSED,
    )
    employee = aliased(User)
    ambassador = aliased(User)
    return (
        select(
            Talk.id,
            Talk.org_id,
            Organisation.slug,
            Organisation.name,
            Talk.employee_id,
            employee.name,
            Talk.ambassador_id,
            ambassador.name,
            Talk.channel,
            Talk.topic,
            Talk.topic_text,
            Talk.status,
            Talk.booked_on,
            Talk.planned_for,
            Talk.place,
            Talk.held_on,
            Talk.outcome,
            func.coalesce(steps.c.n, 0),
            due.c.due_on,
            group,
        )
        .select_from(Talk)
        .join(Organisation, Organisation.id == Talk.org_id)
        .join(employee, employee.id == Talk.employee_id)
        .outerjoin(ambassador, ambassador.id == Talk.ambassador_id)
        .outerjoin(steps, steps.c.cid == Talk.id)
        .outerjoin(due, due.c.cid == Talk.id)
        .where(Talk.org_id.in_(org_ids), person_condition)
        .order_by(
            group,
            # Follow-ups: the earliest first; new requests: the oldest first; planned: the
            # soonest first; the rest: the latest talk first.
            case(
                (group == FOLLOW_UP_DUE, due.c.due_on),
                (group == OPEN_AFTER_TALK, func.coalesce(due.c.due_on, literal(FAR_AWAY, Date))),
            ),
            case((group == REQUESTED, Talk.booked_on)),
            case((group == PLANNED, Talk.planned_for)),
            func.coalesce(Talk.held_on, Talk.booked_on).desc(),
            Talk.id.desc(),
        )
    )


def caseload_rows(
    user_id: int,
    org_ids: Iterable[int],
    today: date,
    *,
    limit: int | None = None,
    offset: int = 0,
) -> list[TalkRow]:
    """The talks ``user_id`` holds as ambassador in ``org_ids``: due follow-ups first, then
    new requests, planned talks, talks with open next steps or check-ins, and the closed
    ones. One statement, whatever the number of talks or organisations."""
    statement = _talk_rows(org_ids, Talk.ambassador_id == user_id, today)
    if limit is not None:
        statement = statement.limit(limit).offset(offset)
    return [TalkRow(*row) for row in db.session.execute(statement).all()]


def my_talk_rows(org_id: int, user_id: int, today: date) -> list[TalkRow]:
    """The talks ``user_id`` booked as employee in the organisation (one statement)."""
    statement = _talk_rows((org_id,), Talk.employee_id == user_id, today)
    return [TalkRow(*row) for row in db.session.execute(statement).all()]


@dataclass(frozen=True)
class FollowUpRow:
    follow_up_id: int
    conversation_id: int
    kind: FollowUpKind
    due_on: date
    ambassador_name: str | None
    is_due: bool


def _employee_follow_ups(org_id: int, user_id: int, today: date, until: date | None):
    statement = (
        select(
            FollowUp.id,
            FollowUp.conversation_id,
            FollowUp.kind,
            FollowUp.due_on,
            User.name,
        )
        .select_from(FollowUp)
        .outerjoin(User, User.id == FollowUp.ambassador_id)
        .where(
            FollowUp.org_id == org_id,
            FollowUp.employee_id == user_id,
            FollowUp.done_at.is_(None),
        )
        .order_by(FollowUp.due_on, FollowUp.id)
    )
    if until is not None:
        statement = statement.where(FollowUp.due_on <= until)
    return [
        FollowUpRow(fid, cid, FollowUpKind(kind), due_on, name, due_on <= today)
        for fid, cid, kind, due_on, name in db.session.execute(statement).all()
    ]


def due_follow_ups_for_employee(org_id: int, user_id: int, today: date) -> list[FollowUpRow]:
    """Check-ins of the employee's ambassador that are due, or due within a week (one
    statement): "your ambassador will check in with you"."""
    return _employee_follow_ups(org_id, user_id, today, today + timedelta(days=HOME_DAYS_AHEAD))


def open_follow_ups_for_employee(org_id: int, user_id: int, today: date) -> list[FollowUpRow]:
    """Every open check-in of the employee, the earliest first (one statement)."""
    return _employee_follow_ups(org_id, user_id, today, None)


@dataclass(frozen=True)
class OpenStepRow:
    next_step_id: int
    conversation_id: int
    text: str
    due_on: date | None


def open_next_steps_for_employee(org_id: int, user_id: int, limit: int = 5) -> list[OpenStepRow]:
    """The employee's next steps not yet done, of talks not cancelled (one statement)."""
    rows = db.session.execute(
        select(NextStep.id, NextStep.conversation_id, NextStep.text, NextStep.due_on)
        .select_from(NextStep)
        .join(Talk, and_(Talk.id == NextStep.conversation_id, Talk.org_id == org_id))
        .where(
            NextStep.org_id == org_id,
            NextStep.employee_id == user_id,
            NextStep.done_at.is_(None),
            Talk.status != ConversationStatus.cancelled,
        )
        .order_by(
            func.coalesce(NextStep.due_on, literal(FAR_AWAY, Date)),
            NextStep.created_at,
            NextStep.id,
        )
        .limit(limit)
    ).all()
    return [OpenStepRow(*row) for row in rows]


def due_follow_up_count_for_ambassador(org_id: int, user_id: int, today: date) -> int:
    """How many check-ins the ambassador has due today or earlier (one statement)."""
    return db.session.scalar(
        select(func.count(FollowUp.id)).where(
            FollowUp.org_id == org_id,
            FollowUp.ambassador_id == user_id,
            FollowUp.done_at.is_(None),
            FollowUp.due_on <= today,
        )
    )


# --- one talk -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepView:
    step: NextStep
    offer_title: str | None
    # The goal's title only for the employee (their own goal) or, when the employee shared
    # the goal with the ambassadors, for the ambassador; otherwise None.
    goal_title: str | None
    goal_is_mine: bool
    goal_hidden: bool


@dataclass
class TalkView:
    conversation: AmbassadorConversation
    employee_name: str
    ambassador_name: str | None
    as_ambassador: bool
    steps: list[StepView]
    follow_ups: list[FollowUp]
    notes: list[ConversationNote]

    @property
    def open_follow_ups(self) -> list[FollowUp]:
        return [f for f in self.follow_ups if f.done_at is None]

    @property
    def other_name(self) -> str | None:
        return self.employee_name if self.as_ambassador else self.ambassador_name


def talk_view(conversation: AmbassadorConversation, viewer_id: int, as_ambassador: bool):
    """Everything the page of one talk shows the viewer (four statements at most). Notes
    only for the ambassador, and only their own."""
    org_id = conversation.org_id
    names = dict(
        db.session.execute(
            select(User.id, User.name).where(
                User.id.in_(
                    [i for i in (conversation.employee_id, conversation.ambassador_id) if i]
                )
            )
        ).all()
    )
    step_rows = db.session.execute(
        select(NextStep, Offer.title, Goal.title, Goal.user_id, Goal.shared_with_ambassadors)
        .select_from(NextStep)
        .outerjoin(Offer, and_(Offer.id == NextStep.offer_id, visible_to_org(org_id)))
        .outerjoin(Goal, and_(Goal.id == NextStep.goal_id, Goal.org_id == org_id))
        .where(NextStep.org_id == org_id, NextStep.conversation_id == conversation.id)
        .order_by(NextStep.done_at.is_not(None), NextStep.created_at, NextStep.id)
        .execution_options(**SHARED)
    ).all()
    steps = []
    for step, offer_title, goal_title, goal_owner, goal_shared in step_rows:
        mine = goal_owner is not None and goal_owner == viewer_id
        readable = mine or (
            as_ambassador and goal_owner == conversation.employee_id and bool(goal_shared)
        )
        steps.append(
            StepView(
                step,
                offer_title,
                goal_title if readable else None,
                mine,
                goal_owner is not None and not readable,
            )
        )
    follow_ups = list(
        db.session.scalars(
            select(FollowUp)
            .where(FollowUp.org_id == org_id, FollowUp.conversation_id == conversation.id)
            .order_by(FollowUp.due_on, FollowUp.id)
        )
    )
    notes = []
    if as_ambassador:
        notes = list(
            db.session.scalars(
                select(ConversationNote)
                .where(
                    ConversationNote.org_id == org_id,
                    ConversationNote.conversation_id == conversation.id,
                    ConversationNote.author_id == viewer_id,
                )
                .order_by(ConversationNote.created_at.desc(), ConversationNote.id.desc())
            )
        )
    return TalkView(
        conversation,
        names.get(conversation.employee_id, ""),
        names.get(conversation.ambassador_id) if conversation.ambassador_id else None,
        as_ambassador,
        steps,
        follow_ups,
        notes,
    )


def offer_choices(org_id: int) -> list[tuple[int, str]]:
    """Active offers the employee's organisation sees (its own and shared ones)."""
    return list(
        db.session.execute(
            select(Offer.id, Offer.title)
            .where(visible_to_org(org_id), Offer.active.is_(True))
            .order_by(func.lower(Offer.title), Offer.id)
            .execution_options(**SHARED)
        ).all()
    )


def goal_choices(conversation: AmbassadorConversation, viewer_id: int) -> list[tuple[int, str]]:
    """Goals a next step may link to: the employee picks any open goal of their own; the
    ambassador only the employee's open goals shared with the ambassadors (a goal is
    private otherwise)."""
    condition = [Goal.user_id == conversation.employee_id, Goal.status == GoalStatus.open]
    if viewer_id != conversation.employee_id:
        condition.append(Goal.shared_with_ambassadors.is_(True))
    return list(
        db.session.execute(
            select(Goal.id, Goal.title)
            .where(Goal.org_id == conversation.org_id, *condition)
            .order_by(Goal.created_at.desc(), Goal.id.desc())
        ).all()
    )


# --- the organisation's home page -----------------------------------------------------------


@dataclass(frozen=True)
class HomeTalks:
    follow_ups: list[FollowUpRow]
    steps: list[OpenStepRow]
    ambassador_due: int


def home_talks(org, user_id: int, today: date, as_ambassador: bool) -> HomeTalks | None:
    """What the home page shows of talks with an ambassador: the employee's check-ins of
    the coming week and open next steps; for an ambassador, how many check-ins are due.
    Two or three statements; none in a union."""
    if org.kind != OrgKind.company:
        return None
    return HomeTalks(
        due_follow_ups_for_employee(org.id, user_id, today),
        open_next_steps_for_employee(org.id, user_id),
        due_follow_up_count_for_ambassador(org.id, user_id, today) if as_ambassador else 0,
    )
