"""Manager prompt (N7; D-MGR, D-HRM): how many people in your teams had no development
conversation in the last twelve months, and who.

A manager's people are decided as on the development conversations page
(``app.development.conversations.team_people``): active members of the manager's own
team and of the teams directly under it, not the manager. That page already lists them
by name with their last conversation, so the names in this message show nothing the
manager does not see there.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, literal, or_, select
from sqlalchemy.orm import aliased

from ...accounts.models import User
from ...activity.models import ActivityKind
from ...development.conversations import coverage_since
from ...development.models import ConversationStatus, DevelopmentConversation
from ...evidence import Factor
from ...extensions import db
from ...orgs.models import Membership, Team
from ...timeutil import org_today
from ...urls import absolute_url
from ..models import Category
from ..registry import NudgeType, PlanContext, RenderContext, register
from .feedback_loop import team_of

NAMES_SHOWN = 10


def managed_by(org_id: int, person_team, manager_team):
    """SQL condition: a person in team ``person_team`` is one of the people of a manager of
    team ``manager_team`` (values or columns): the same team or a team directly under it
    (as ``app.development.conversations._in_scope``)."""
    # correlate_except: the manager's team may come from two queries up (auto-correlation
    # only looks one level up and would join every manager instead).
    child_teams = (
        select(Team.id)
        .where(Team.org_id == org_id, Team.parent_id == manager_team)
        .correlate_except(Team)
    )
    return or_(person_team == manager_team, person_team.in_(child_teams))


def without_conversation(org_id: int, user_id, since):
    """SQL condition: no development conversation on or after ``since`` that the person did
    not dispute (recorded or confirmed count, as in the coverage KPI)."""
    return ~(
        exists()
        .where(
            DevelopmentConversation.org_id == org_id,
            DevelopmentConversation.user_id == user_id,
            DevelopmentConversation.held_on >= since,
            DevelopmentConversation.status != ConversationStatus.disputed,
        )
        .correlate_except(DevelopmentConversation)
    )


def recipients(plan: PlanContext):
    """Managers (the planner keeps the audience to managers) with a team and at least one
    person in their teams without a development conversation in the last 12 months."""
    org_id = plan.org.id
    since = coverage_since(org_today(plan.org, plan.period))
    manager = aliased(Membership, name="manager")
    person = aliased(Membership, name="person")
    someone = exists().where(
        person.org_id == org_id,
        person.active.is_(True),
        person.user_id != manager.user_id,
        managed_by(org_id, person.team_id, manager.team_id),
        without_conversation(org_id, person.user_id, since),
    )
    return (
        select(manager.user_id.label("user_id"), literal(None).label("ref_id"))
        .select_from(plan.audience)
        .join(
            manager,
            and_(
                manager.org_id == org_id,
                manager.user_id == plan.audience.c.user_id,
                manager.team_id.is_not(None),
            ),
        )
        .where(someone)
    )


def context(render: RenderContext):
    """The count and the first names (one query), or None when everyone had a talk."""
    org, user = render.org, render.user
    team_id = team_of(org.id, user.id)
    if team_id is None:
        return None
    since = coverage_since(org_today(org, render.now))
    rows = db.session.execute(
        select(User.name, func.count().over().label("total"))
        .select_from(Membership)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.org_id == org.id,
            Membership.active.is_(True),
            Membership.user_id != user.id,
            managed_by(org.id, Membership.team_id, team_id),
            without_conversation(org.id, Membership.user_id, since),
        )
        .order_by(func.lower(User.name), User.id)
        .limit(NAMES_SHOWN)
    ).all()
    if not rows:
        return None
    names = [row.name for row in rows]
    return {
        "count": rows[0].total,
        "names": names,
        "more": rows[0].total - len(names),
        "url": absolute_url("development.conversations", org_slug=org.slug),
    }


def example(render: RenderContext):
    return {
        "count": 3,
        "names": ["Anna", "Mehmet", "Sanne"],
        "more": 0,
        "url": absolute_url("development.conversations", org_slug=render.org.slug),
    }


register(
    NudgeType(
        # The message names people or shows posts the admin may not see.
        private_message=True,
        key="manager_conversations",
        label=_l("Development conversations for your team"),
        description=_l(
            "Once a month, managers hear how many people in their teams had no development "
            "conversation in the last 12 months, and who they are."
        ),
        factors=(Factor.manager_support, Factor.hrm_instruments),
        category=Category.manager,
        audience_rule=_l(
            "Managers with at least one person in their teams who had no development "
            "conversation in the last 12 months."
        ),
        recipients=recipients,
        context=context,
        conversions=(ActivityKind.development_conversation_recorded.value,),
        conversion_window=timedelta(days=30),  # a monthly message
        default_schedule=("cron", "0 9 1 * *"),
        for_role="managers",
        example=example,
    )
)
