"""Read models for goals (E1): my goals, one goal of mine, and goals shared with me.

Privacy: a goal is read by its owner only (``user_id == current person`` in every query
here); the manager and the ambassadors see a goal only when the person shared it with
them, and only through ``goals_shared_with_*`` (read-only lists). Everyone else gets the
same 404 as for a missing goal.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import abort
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..extensions import db
from ..offers.models import LearningWish, Offer
from ..offers.queries import SHARED, visible_to_org
from ..offers.services import POST_WISH_TEXT
from ..orgs.models import Membership, Team
from .models import Goal, GoalStatus, GoalStep

STATUS_ORDER = case(
    (Goal.status == GoalStatus.open, 0), (Goal.status == GoalStatus.done, 1), else_=2
)


@dataclass
class GoalRow:
    id: int
    title: str
    status: GoalStatus
    target_date: date | None
    steps_total: int
    steps_done: int
    shared_with_manager: bool
    shared_with_ambassadors: bool


def my_goals(org_id: int, user_id: int) -> list[GoalRow]:
    """My goals: open first, then reached, then stopped; with step counts (one query)."""
    steps = (
        select(
            GoalStep.goal_id.label("goal_id"),
            func.count(GoalStep.id).label("total"),
            func.count(GoalStep.done_at).label("done"),
        )
        .where(GoalStep.org_id == org_id, GoalStep.user_id == user_id)
        .group_by(GoalStep.goal_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            Goal.id,
            Goal.title,
            Goal.status,
            Goal.target_date,
            func.coalesce(steps.c.total, 0),
            func.coalesce(steps.c.done, 0),
            Goal.shared_with_manager,
            Goal.shared_with_ambassadors,
        )
        .outerjoin(steps, steps.c.goal_id == Goal.id)
        .where(Goal.org_id == org_id, Goal.user_id == user_id)
        .order_by(STATUS_ORDER, Goal.created_at.desc(), Goal.id.desc())
    ).all()
    return [GoalRow(*row) for row in rows]


def my_goal_or_404(org_id: int, goal_id: int, user_id: int, with_steps: bool = False) -> Goal:
    """One of my goals; anyone else's (the manager's and admin's view too) is a 404."""
    statement = select(Goal).where(
        Goal.id == goal_id, Goal.org_id == org_id, Goal.user_id == user_id
    )
    if with_steps:
        statement = statement.options(selectinload(Goal.steps))
    goal = db.session.scalars(statement).one_or_none()
    if goal is None:
        abort(404)
    return goal


def my_step_or_404(org_id: int, step_id: int, user_id: int) -> GoalStep:
    """One step of one of my goals, with its goal; anyone else's is a 404."""
    step = db.session.scalars(
        select(GoalStep)
        .where(GoalStep.id == step_id, GoalStep.org_id == org_id, GoalStep.user_id == user_id)
        .options(selectinload(GoalStep.goal))
    ).one_or_none()
    if step is None:
        abort(404)
    return step


def my_step(org_id: int, step_id: int | None, user_id: int) -> GoalStep | None:
    """My step with this id, or None (also for someone else's: never an error)."""
    if step_id is None:
        return None
    return db.session.scalars(
        select(GoalStep).where(
            GoalStep.id == step_id, GoalStep.org_id == org_id, GoalStep.user_id == user_id
        )
    ).one_or_none()


def visible_offer_title(org_id: int, offer_id: int | None) -> str | None:
    """The title of an active offer the organisation may see, else None."""
    if offer_id is None:
        return None
    return db.session.scalar(
        select(Offer.title)
        .where(Offer.id == offer_id, visible_to_org(org_id), Offer.active.is_(True))
        .execution_options(**SHARED)
    )


@dataclass
class WishForGoal:
    wish: LearningWish
    offer_title: str | None  # the wish's offer, while the organisation may see it
    from_post: bool  # the stored neutral text: the page shows a translated label


def my_wish(org_id: int, wish_id: int | None, user_id: int) -> WishForGoal | None:
    """My wish with this id and its offer's title, or None (also for someone else's)."""
    if wish_id is None:
        return None
    row = db.session.execute(
        select(LearningWish, Offer.title)
        .outerjoin(
            Offer,
            and_(
                Offer.id == LearningWish.offer_id,
                visible_to_org(org_id),
                Offer.active.is_(True),
            ),
        )
        .where(
            LearningWish.id == wish_id,
            LearningWish.org_id == org_id,
            LearningWish.user_id == user_id,
        )
        .execution_options(**SHARED)
    ).one_or_none()
    if row is None:
        return None
    wish, title = row
    return WishForGoal(
        wish=wish,
        offer_title=title,
        from_post=wish.offer_id is None and wish.text == POST_WISH_TEXT,
    )


# --- goals shared with the manager or the ambassadors --------------------------------


@dataclass
class SharedGoal:
    id: int
    title: str
    why: str
    status: GoalStatus
    target_date: date | None
    updated_at: datetime
    person_name: str
    team_name: str | None
    steps: list[GoalStep] = field(default_factory=list)


def _shared_goals(org_id: int, viewer_id: int, *conditions) -> list[SharedGoal]:
    """Goals of active members matching ``conditions`` with their steps (two queries)."""
    rows = db.session.execute(
        select(
            Goal.id,
            Goal.title,
            Goal.why,
            Goal.status,
            Goal.target_date,
            Goal.updated_at,
            User.name,
            Team.name,
        )
        .join(Membership, and_(Membership.user_id == Goal.user_id, Membership.org_id == org_id))
        .join(User, User.id == Goal.user_id)
        .outerjoin(Team, Team.id == Membership.team_id)
        .where(
            Goal.org_id == org_id,
            Goal.user_id != viewer_id,
            Goal.status != GoalStatus.dropped,
            Membership.active.is_(True),
            *conditions,
        )
        .order_by(func.lower(User.name), STATUS_ORDER, Goal.created_at.desc(), Goal.id.desc())
    ).all()
    goals = [SharedGoal(*row) for row in rows]
    if goals:
        by_goal: dict[int, list[GoalStep]] = defaultdict(list)
        for step in db.session.scalars(
            select(GoalStep)
            .where(GoalStep.org_id == org_id, GoalStep.goal_id.in_([g.id for g in goals]))
            .order_by(GoalStep.goal_id, GoalStep.position, GoalStep.id)
        ):
            by_goal[step.goal_id].append(step)
        for goal in goals:
            goal.steps = by_goal[goal.id]
    return goals


def goals_shared_with_manager(
    org_id: int, manager_id: int, team_id: int | None
) -> list[SharedGoal]:
    """Goals that people of the manager's team (or of a team under it) shared with the
    manager. A manager without a team sees none."""
    if team_id is None:
        return []
    child_teams = select(Team.id).where(Team.org_id == org_id, Team.parent_id == team_id)
    return _shared_goals(
        org_id,
        manager_id,
        Goal.shared_with_manager.is_(True),
        or_(Membership.team_id == team_id, Membership.team_id.in_(child_teams)),
    )


def goals_shared_with_ambassadors(org_id: int, ambassador_id: int) -> list[SharedGoal]:
    """Goals that people of the organisation shared with the learning ambassadors."""
    return _shared_goals(org_id, ambassador_id, Goal.shared_with_ambassadors.is_(True))
