"""Learning goals (E1): verbs on a person's goals and steps. Services flush; routes commit.

Every function here receives objects already loaded for their owner (see
``goal_queries.my_goal_or_404``): nothing here decides who may see a goal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from ..activity.models import ActivityKind
from ..activity.services import record_activity
from ..db_utils import insert_or_get
from ..extensions import db
from ..offers.models import LearningWish
from .goal_forms import STEP_MAX, TITLE_MAX
from .models import Goal, GoalStatus, GoalStep


@dataclass(frozen=True)
class GoalValues:
    title: str
    why: str = ""
    target_date: date | None = None
    offer_id: int | None = None
    wish_id: int | None = None


def _one_line(text: str, length: int) -> str:
    return " ".join((text or "").split())[:length]


def create_goal(
    org_id: int,
    user_id: int,
    values: GoalValues,
    steps: list[tuple[str, date | None]],
    client_token: str,
    now: datetime,
) -> tuple[Goal, bool]:
    """A new open goal with its first steps; the same form token again returns that goal."""
    goal_id, created = insert_or_get(
        Goal,
        {
            "org_id": org_id,
            "user_id": user_id,
            "title": _one_line(values.title, TITLE_MAX),
            "why": (values.why or "").strip(),
            "target_date": values.target_date,
            "offer_id": values.offer_id,
            "wish_id": values.wish_id,
            "status": GoalStatus.open,
            "client_token": client_token,
            "created_at": now,
            "updated_at": now,
        },
        ["org_id", "user_id", "client_token"],
    )
    goal = db.session.scalars(
        select(Goal).where(Goal.id == goal_id, Goal.org_id == org_id, Goal.user_id == user_id)
    ).one()
    if created:
        for position, (text, due_date) in enumerate(steps):
            db.session.add(_step(goal, text, due_date, position, now))
        record_activity(org_id, user_id, ActivityKind.goal_created, goal, now)
        db.session.flush()
    return goal, created


def goal_from_wish(
    org_id: int, user_id: int, wish: LearningWish, title: str, offer_id: int | None, now: datetime
) -> tuple[Goal, bool]:
    """One tap: the person's wish becomes an open goal (once; a second tap finds it)."""
    # Form tokens are [A-Za-z0-9_-] only, so this key cannot meet a token from a form.
    return create_goal(
        org_id,
        user_id,
        GoalValues(title=title, offer_id=offer_id, wish_id=wish.id),
        [],
        f"wish:{wish.id}",
        now,
    )


def update_goal(goal: Goal, values: GoalValues, now: datetime) -> None:
    """Change the words, the reason or the date of a goal (its links stay)."""
    goal.title = _one_line(values.title, TITLE_MAX)
    goal.why = (values.why or "").strip()
    goal.target_date = values.target_date
    goal.updated_at = now
    db.session.flush()


def _step(goal: Goal, text: str, due_date: date | None, position: int, now: datetime) -> GoalStep:
    return GoalStep(
        org_id=goal.org_id,
        goal_id=goal.id,
        user_id=goal.user_id,
        text=_one_line(text, STEP_MAX),
        due_date=due_date,
        position=position,
        created_at=now,
    )


def add_step(goal: Goal, text: str, due_date: date | None, now: datetime) -> GoalStep:
    """A small step at the end of the goal's list.

    The same text as an open step of this goal gives that step back: a double submit (or
    typing it twice) adds it once.
    """
    text = _one_line(text, STEP_MAX)
    same = db.session.scalars(
        select(GoalStep).where(
            GoalStep.org_id == goal.org_id,
            GoalStep.goal_id == goal.id,
            GoalStep.done_at.is_(None),
            func.lower(GoalStep.text) == text.lower(),
        )
    ).first()
    if same is not None:
        return same
    last = db.session.scalar(
        select(func.max(GoalStep.position)).where(
            GoalStep.org_id == goal.org_id, GoalStep.goal_id == goal.id
        )
    )
    step = _step(goal, text, due_date, (last + 1) if last is not None else 0, now)
    db.session.add(step)
    goal.updated_at = now
    db.session.flush()
    return step


def set_step_done(step: GoalStep, done: bool, now: datetime) -> bool:
    """Mark a step done or not done; returns whether it changed (a repeat changes nothing)."""
    if done == (step.done_at is not None):
        return False
    step.done_at = now if done else None
    if done:
        record_activity(step.org_id, step.user_id, ActivityKind.goal_step_done, step, now)
    db.session.flush()
    return True


def delete_step(step: GoalStep) -> None:
    db.session.delete(step)
    db.session.flush()


def set_goal_status(goal: Goal, status: GoalStatus, now: datetime) -> bool:
    """Reached (done), stopped (dropped) or open again; returns whether it changed."""
    if goal.status == status:
        return False
    goal.status = status
    goal.done_at = now if status == GoalStatus.done else None
    goal.updated_at = now
    if status == GoalStatus.done:
        record_activity(goal.org_id, goal.user_id, ActivityKind.goal_done, goal, now)
    db.session.flush()
    return True


def set_goal_sharing(goal: Goal, with_manager: bool, with_ambassadors: bool, now: datetime) -> None:
    """Who may read this goal besides the person: the manager, the ambassadors, or nobody."""
    goal.shared_with_manager = bool(with_manager)
    goal.shared_with_ambassadors = bool(with_ambassadors)
    goal.updated_at = now
    db.session.flush()
