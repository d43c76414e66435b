"""Social norm (D-NORM): "This month 9 of the 14 people in your team learned something".

The group is the person's team; people without a team get the whole organisation as
their group. A group counts as *learning* this month when a member has one of
``LEARNING_KINDS`` since the first day of the calendar month (organisation's time zone).
Sent only when it is favourable and safe to show: the group has at least
``org.min_group_size`` active members, at least that many of them learned something
(the number shown is never about fewer than k people, as with every count, PRODUCT
§4.5), and they are at least half of the group.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import aliased

from ...activity.models import ActivityEvent, ActivityKind
from ...evidence import Factor
from ...extensions import db
from ...orgs.models import Membership, Team
from ...timeutil import org_zone
from ...urls import absolute_url
from ..models import Category
from ..registry import NudgeType, PlanContext, RenderContext, register

# "Learned something": the person did or finished something that is learning. Not
# counted: interest in an offer, a wish, applause, comments, feedback, an ambassador talk
# (a first step, not learning yet) and skill_added (a claim, not yet confirmed).
LEARNING_KINDS = (
    ActivityKind.learning_logged.value,
    ActivityKind.success_posted.value,
    ActivityKind.offer_signed_up.value,
    ActivityKind.offer_completed.value,
    ActivityKind.goal_step_done.value,
    ActivityKind.goal_done.value,
    ActivityKind.skill_confirmed.value,
)


def month_bounds(org, moment: datetime) -> tuple[datetime, datetime]:
    """The calendar month around ``moment`` in the organisation's time zone, as UTC."""
    zone = org_zone(org)
    local = moment.astimezone(zone)
    start = datetime(local.year, local.month, 1, tzinfo=zone)
    if local.month == 12:
        end = datetime(local.year + 1, 1, 1, tzinfo=zone)
    else:
        end = datetime(local.year, local.month + 1, 1, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def _learners(org_id: int, start: datetime, until: datetime):
    """Subquery (user_id): people with a learning event in [start, until) in this org."""
    e = ActivityEvent
    return (
        select(e.user_id.label("user_id"))
        .where(
            e.org_id == org_id,
            e.kind.in_(LEARNING_KINDS),
            e.created_at >= start,
            e.created_at < until,
            e.user_id.is_not(None),
        )
        .distinct()
        .subquery("learners")
    )


@dataclass(frozen=True)
class Figures:
    statement: Select  # (team_id,) people, learned
    people: Any  # SQL: count of active members
    learned: Any  # SQL: count of those who learned something
    learners: Any  # the learners subquery (outer-joined on user_id)


def _figures(org_id: int, start: datetime, until: datetime, by_team: bool) -> Figures:
    """(people, learned[, team_id]) over active members: one row per team (members with a
    team only) or, without ``by_team``, one row for the whole organisation."""
    m = Membership
    learners = _learners(org_id, start, until)
    people = func.count(m.user_id)
    learned = func.count(learners.c.user_id)
    columns = [people.label("people"), learned.label("learned")]
    if by_team:
        columns.insert(0, m.team_id.label("team_id"))
    statement = (
        select(*columns)
        .select_from(m)
        .outerjoin(learners, learners.c.user_id == m.user_id)
        .where(m.org_id == org_id, m.active.is_(True))
    )
    if by_team:
        statement = statement.where(m.team_id.is_not(None)).group_by(m.team_id)
    return Figures(statement, people, learned, learners)


def favourable(people, learned, min_group_size: int):
    """SQL (or Python) test: big enough, enough learners to show, at least half."""
    return and_(people >= min_group_size, learned >= min_group_size, learned * 2 >= people)


def is_favourable(people: int, learned: int, min_group_size: int) -> bool:
    return people >= min_group_size and learned >= min_group_size and learned * 2 >= people


def recipients(plan: PlanContext):
    org = plan.org
    start, end = month_bounds(org, plan.period)
    until = min(end, plan.now)
    k = org.min_group_size
    teams = _figures(org.id, start, until, by_team=True)
    good_teams = teams.statement.having(favourable(teams.people, teams.learned, k))
    whole = _figures(org.id, start, until, by_team=False)
    org_is_good = exists(
        whole.statement.having(favourable(whole.people, whole.learned, k)).correlate(None)
    )
    mine = aliased(Membership, name="my_membership")
    audience = plan.audience
    return (
        select(audience.c.user_id.label("user_id"), literal(None).label("ref_id"))
        .select_from(audience)
        .join(mine, and_(mine.user_id == audience.c.user_id, mine.org_id == org.id))
        .where(
            or_(
                mine.team_id.in_(select(good_teams.subquery("good_teams").c.team_id)),
                and_(mine.team_id.is_(None), org_is_good),
            )
        )
    )


def context(render: RenderContext):
    org, user = render.org, render.user
    start, end = month_bounds(org, render.row.planned_at or render.now)
    until = min(end, render.now)
    membership = db.session.execute(
        select(Membership.team_id, Team.name)
        .outerjoin(Team, and_(Team.id == Membership.team_id, Team.org_id == org.id))
        .where(
            Membership.org_id == org.id,
            Membership.user_id == user.id,
            Membership.active.is_(True),
        )
    ).one_or_none()
    if membership is None:
        return None  # left the organisation
    team_id, team_name = membership
    figures = _figures(org.id, start, until, by_team=team_id is not None)
    # Whether I am one of them: my own row of the same count.
    me = func.max(case((Membership.user_id == user.id, figures.learners.c.user_id), else_=None))
    statement = figures.statement.add_columns(me.label("me"))
    if team_id is not None:
        statement = statement.where(Membership.team_id == team_id)
    row = db.session.execute(statement).one_or_none()
    if row is None or not is_favourable(row.people, row.learned, org.min_group_size):
        return None  # no longer favourable, or the group got too small: skip
    return {
        "learned": int(row.learned),
        "people": int(row.people),
        "team_name": team_name if team_id is not None else None,
        "you_learned": row.me is not None,
        "url": absolute_url("development.log", org_slug=org.slug),
    }


def example(render: RenderContext):
    return {
        "learned": 9,
        "people": 14,
        "team_name": _l("Warehouse"),
        "you_learned": False,
        "url": absolute_url("development.log", org_slug=render.org.slug),
    }


register(
    NudgeType(
        key="social_norm",
        label=_l("Colleagues are learning too"),
        description=_l(
            "Once a month: how many people in your team learned something this month. "
            "Only sent when it is at least half of the team."
        ),
        factors=(Factor.social_norm,),
        category=Category.encouragement,
        audience_rule=_l(
            "People in a team where at least half learned something this month. The team "
            "must be big enough to keep everyone anonymous. People without a team are "
            "compared with the whole organisation."
        ),
        recipients=recipients,
        context=context,
        conversions=(ActivityKind.learning_logged.value, ActivityKind.success_posted.value),
        default_schedule=("cron", "0 9 15 * *"),
        example=example,
    )
)
