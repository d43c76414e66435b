"""Goal reminder with an implementation intention (D-SELF, D-URG): "When and where will
you work on it?".

For people with an open goal that is quiet (older than ``QUIET_DAYS``, no step of it done
and nothing learned logged in that time) or whose target date is within ``QUIET_DAYS``
days. One goal per person per period: the one with the nearest target date, else the
oldest. The link opens the goal at its "add a step" form, where the person writes down
when and where.

The message names no content of the goal: not its title, not its date (PRODUCT §4.1; a
company mailbox is often readable by IT or others). It says only that the chosen date is
coming soon when it is; the goal itself opens after signing in.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, or_, select

from ...activity.models import ActivityKind
from ...development.models import Goal, GoalStatus, GoalStep, LearningLogEntry
from ...evidence import Factor
from ...extensions import db
from ...timeutil import org_today
from ...urls import absolute_url
from ..models import Category
from ..registry import NudgeType, PlanContext, RenderContext, register

QUIET_DAYS = 14


def recipients(plan: PlanContext):
    org_id = plan.org.id
    since = plan.period - timedelta(days=QUIET_DAYS)
    today = org_today(plan.org, plan.period)
    g = Goal
    step_done = exists().where(
        GoalStep.org_id == org_id, GoalStep.goal_id == g.id, GoalStep.done_at >= since
    )
    logged = exists().where(
        LearningLogEntry.org_id == org_id,
        LearningLogEntry.user_id == g.user_id,
        LearningLogEntry.created_at >= since,
    )
    quiet = and_(g.created_at < since, ~step_done, ~logged)
    due_soon = and_(g.target_date >= today, g.target_date <= today + timedelta(days=QUIET_DAYS))
    # Due soon first, then the nearest target date, then the oldest goal.
    rank = func.row_number().over(
        partition_by=g.user_id,
        order_by=(
            case((due_soon, 0), else_=1),
            case((g.target_date.is_(None), 1), else_=0),
            g.target_date,
            g.created_at,
            g.id,
        ),
    )
    ranked = (
        select(g.user_id.label("user_id"), g.id.label("goal_id"), rank.label("rank"))
        .where(
            g.org_id == org_id,
            g.status == GoalStatus.open,
            g.user_id.in_(select(plan.audience.c.user_id)),
            or_(quiet, due_soon),
        )
        .subquery("goals_to_remind")
    )
    return select(ranked.c.user_id.label("user_id"), ranked.c.goal_id.label("ref_id")).where(
        ranked.c.rank == 1
    )


def context(render: RenderContext):
    org, user = render.org, render.user
    goal = db.session.scalars(
        select(Goal).where(
            Goal.id == render.row.ref_id, Goal.org_id == org.id, Goal.user_id == user.id
        )
    ).one_or_none()
    if goal is None or goal.status != GoalStatus.open:
        return None  # reached, stopped or gone: nothing to remind of
    today = org_today(org, render.now)
    due_soon = goal.target_date is not None and (
        today <= goal.target_date <= today + timedelta(days=QUIET_DAYS)
    )
    # No title and no date: those stay behind sign-in.
    return {
        "due_soon": due_soon,
        "url": absolute_url(
            "development.goal", org_slug=org.slug, goal_id=goal.id, _anchor="add-step"
        ),
    }


def example(render: RenderContext):
    return {
        "due_soon": True,
        "url": absolute_url("development.goals", org_slug=render.org.slug),
    }


register(
    NudgeType(
        key="goal_reminder",
        label=_l("When and where will you work on your goal?"),
        description=_l(
            "A reminder of an open goal that asks when and where the person will work on "
            "it. Planning that makes it more likely to happen."
        ),
        factors=(Factor.self_efficacy, Factor.necessity),
        category=Category.reminders,
        audience_rule=_l(
            "People with an open goal that had no step done and no learning written down "
            "in the last 14 days, or with a target date in the next 14 days. One goal per "
            "person."
        ),
        recipients=recipients,
        context=context,
        conversions=(
            ActivityKind.goal_step_done.value,
            ActivityKind.learning_logged.value,
            ActivityKind.goal_done.value,
        ),
        default_schedule=("cron", "0 9 8,22 * *"),
        private_rule=True,
        example=example,
    )
)
