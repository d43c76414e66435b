"""The SQL behind the development KPIs (``dev_kpis.py``): a fixed number of statements
whatever the number of people, teams and periods.

* ``team_rows``: per team (None: no team) and period, the people and the sums every KPI
  needs (people with a conversation, with a learning activity, minutes of learning, ...).
  Each person is in one team, so a unit's or the organisation's sums are the sums of its
  teams' rows; ``dev_kpis`` adds them up along the team tree.
* ``ambassador_totals``: ambassador conversations per group and period. Conversations are
  readable only by the two people in them (PRODUCT §4.1), so on PostgreSQL this is the
  SECURITY DEFINER function ``kpi_ambassador_contacts`` (migration 0009), which returns
  sums per group and period and leaves the number out for a group of fewer than the
  organisation's ``min_group_size`` people. On SQLite the same query runs here, past the
  ORM's person filter.

Periods are a derived table of literals (``Bounds``): the time-zone arithmetic (the
organisation's midnight in UTC, 90 days and 12 months back) is done in Python, so the
SQL only compares dates and times and runs the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import (
    Date,
    Integer,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    text,
    union,
    union_all,
)

from ..ambassadors.models import AmbassadorConversation
from ..ambassadors.models import ConversationStatus as TalkStatus
from ..db_types import UTCDateTime
from ..development.models import (
    ConversationStatus,
    DevelopmentConversation,
    Goal,
    GoalStatus,
    LearningLogEntry,
)
from ..development.skills_models import ConfirmationStatus, SkillConfirmation
from ..extensions import db
from ..feed.models import PostKind, SuccessPost
from ..feedback.models import Feedback
from ..orgs.models import Membership, Organisation, Team
from ..timeutil import org_zone
from .periods import Period

PARTICIPATION_DAYS = 90  # the period's last day is day 1


@dataclass(frozen=True)
class Bounds:
    """One period as the SQL sees it (dates in the organisation's calendar, times UTC)."""

    idx: int
    period: Period
    first: date
    last: date  # the period's last day, or today while it is open
    from_ts: datetime  # the organisation's midnight at the start of ``first``
    cutoff: datetime  # the organisation's midnight after ``last``
    d90: date  # the first day of the 90 days up to ``last``
    d90_ts: datetime
    conv_from: date  # the first day of the 12 months up to ``last``


def _midnight(day: date, zone) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def make_bounds(org, periods: Sequence[Period], today: date) -> list[Bounds]:
    zone = org_zone(org)
    bounds = []
    for idx, period in enumerate(periods):
        last = period.last_day(today)
        d90 = last - timedelta(days=PARTICIPATION_DAYS - 1)
        bounds.append(
            Bounds(
                idx=idx,
                period=period,
                first=period.start,
                last=last,
                from_ts=_midnight(period.start, zone),
                cutoff=_midnight(last + timedelta(days=1), zone),
                d90=d90,
                d90_ts=_midnight(d90, zone),
                conv_from=_year_before(last) + timedelta(days=1),
            )
        )
    return bounds


def _periods_cte(bounds: Sequence[Bounds]):
    ts = UTCDateTime()
    rows = [
        select(
            literal(b.idx, Integer).label("pidx"),
            literal(b.first, Date).label("p_first"),
            literal(b.last, Date).label("p_last"),
            literal(b.from_ts, ts).label("from_ts"),
            literal(b.cutoff, ts).label("cutoff"),
            literal(b.d90, Date).label("d90"),
            literal(b.d90_ts, ts).label("d90_ts"),
            literal(b.conv_from, Date).label("conv_from"),
        )
        for b in bounds
    ]
    return (rows[0] if len(rows) == 1 else union_all(*rows)).cte("kpi_periods")


def _people(org_id: int, p):
    """(pidx, user_id, team_id, fte): the people of the organisation in each period —
    active, or switched off after the period's last day, and there on that day."""
    m = Membership
    return (
        select(p.c.pidx, m.user_id, m.team_id, m.fte)
        .select_from(m)
        .join(
            p,
            and_(
                m.created_at < p.c.cutoff,
                or_(m.active.is_(True), m.disabled_at >= p.c.cutoff),
            ),
        )
        .where(m.org_id == org_id)
        .subquery("kpi_people")
    )


def _in_dates(column, first, last):
    return and_(column >= first, column <= last)


def team_rows(org_id: int, bounds: Sequence[Bounds]):
    """One row per (team_id, pidx) with people: people, fte, conversations, active,
    minutes_work, minutes_own, goals, successes, feedback, confirmed."""
    p = _periods_cte(bounds)
    people = _people(org_id, p)

    dc = DevelopmentConversation
    conversations = (
        select(p.c.pidx, dc.user_id)
        .select_from(dc)
        .join(p, _in_dates(dc.held_on, p.c.conv_from, p.c.p_last))
        .where(dc.org_id == org_id, dc.status != ConversationStatus.disputed)
        .distinct()
        .subquery("kpi_conv")
    )

    log = LearningLogEntry
    post = SuccessPost
    shown_success = and_(
        post.org_id == org_id,
        post.kind == PostKind.success,
        post.removed_at.is_(None),
        post.hidden_at.is_(None),
    )
    active = union(
        select(p.c.pidx, log.user_id.label("user_id"))
        .select_from(log)
        .join(p, _in_dates(log.learned_on, p.c.d90, p.c.p_last))
        .where(log.org_id == org_id),
        select(p.c.pidx, post.author_id.label("user_id"))
        .select_from(post)
        .join(p, and_(post.created_at >= p.c.d90_ts, post.created_at < p.c.cutoff))
        .where(shown_success),
    ).subquery("kpi_active")

    minutes = (
        select(
            p.c.pidx,
            log.user_id,
            func.sum(case((log.in_work_time.is_(True), log.minutes), else_=0)).label("work"),
            func.sum(case((log.in_work_time.is_(True), 0), else_=log.minutes)).label("own"),
        )
        .select_from(log)
        .join(p, _in_dates(log.learned_on, p.c.p_first, p.c.p_last))
        .where(log.org_id == org_id)
        .group_by(p.c.pidx, log.user_id)
        .subquery("kpi_minutes")
    )

    # Open on the last day (made before it, and not done or dropped by then), or done in
    # the period. A dropped goal's updated_at is when it was dropped.
    goals = (
        select(p.c.pidx, Goal.user_id)
        .select_from(Goal)
        .join(
            p,
            and_(
                Goal.created_at < p.c.cutoff,
                or_(
                    Goal.status == GoalStatus.open,
                    and_(Goal.status == GoalStatus.done, Goal.done_at >= p.c.from_ts),
                    and_(Goal.status == GoalStatus.dropped, Goal.updated_at >= p.c.cutoff),
                ),
            ),
        )
        .where(Goal.org_id == org_id)
        .distinct()
        .subquery("kpi_goals")
    )

    def in_period(column):
        return and_(column >= p.c.from_ts, column < p.c.cutoff)

    successes = (
        select(p.c.pidx, post.author_id.label("user_id"), func.count().label("n"))
        .select_from(post)
        .join(p, in_period(post.created_at))
        .where(shown_success)
        .group_by(p.c.pidx, post.author_id)
        .subquery("kpi_successes")
    )

    fb = Feedback
    exchanges = union_all(
        select(p.c.pidx, fb.giver_id.label("user_id"))
        .select_from(fb)
        .join(p, in_period(fb.created_at))
        .where(fb.org_id == org_id, fb.removed_at.is_(None)),
        select(p.c.pidx, fb.recipient_id.label("user_id"))
        .select_from(fb)
        .join(p, in_period(fb.created_at))
        .where(fb.org_id == org_id, fb.removed_at.is_(None)),
    ).subquery("kpi_exchanges")
    feedback = (
        select(exchanges.c.pidx, exchanges.c.user_id, func.count().label("n"))
        .group_by(exchanges.c.pidx, exchanges.c.user_id)
        .subquery("kpi_feedback")
    )

    sc = SkillConfirmation
    confirmed = (
        select(p.c.pidx, sc.user_id, func.count().label("n"))
        .select_from(sc)
        .join(p, in_period(sc.answered_at))
        .where(sc.org_id == org_id, sc.status == ConfirmationStatus.confirmed)
        .group_by(p.c.pidx, sc.user_id)
        .subquery("kpi_confirmed")
    )

    def on(sub):
        return and_(sub.c.pidx == people.c.pidx, sub.c.user_id == people.c.user_id)

    return (
        select(
            people.c.team_id,
            people.c.pidx,
            func.count().label("people"),
            func.sum(people.c.fte).label("fte"),
            func.count(conversations.c.user_id).label("conversations"),
            func.count(active.c.user_id).label("active"),
            func.coalesce(func.sum(minutes.c.work), 0).label("minutes_work"),
            func.coalesce(func.sum(minutes.c.own), 0).label("minutes_own"),
            func.count(goals.c.user_id).label("goals"),
            func.coalesce(func.sum(successes.c.n), 0).label("successes"),
            func.coalesce(func.sum(feedback.c.n), 0).label("feedback"),
            func.coalesce(func.sum(confirmed.c.n), 0).label("confirmed"),
        )
        .select_from(people)
        .outerjoin(conversations, on(conversations))
        .outerjoin(active, on(active))
        .outerjoin(minutes, on(minutes))
        .outerjoin(goals, on(goals))
        .outerjoin(successes, on(successes))
        .outerjoin(feedback, on(feedback))
        .outerjoin(confirmed, on(confirmed))
        .group_by(people.c.team_id, people.c.pidx)
    )


def population_rows(org_id: int, bounds: Sequence[Bounds]):
    """(team_id, pidx, people): only the head count, for production KPIs."""
    p = _periods_cte(bounds)
    people = _people(org_id, p)
    return select(people.c.team_id, people.c.pidx, func.count().label("people")).group_by(
        people.c.team_id, people.c.pidx
    )


# --- ambassador conversations: sums per group, never per person --------------------------


def ambassador_totals(
    org_id: int, roots: Sequence[int], bounds: Sequence[Bounds]
) -> dict[tuple[int, int], tuple[int, int | None]]:
    """(group index, period index) -> (people, conversations booked by them in the
    period, not cancelled; None when the group has fewer than the organisation's
    ``min_group_size`` people). ``roots``: each group's team id, 0 for the organisation
    (a group is that team and every team below it). One statement."""
    if not roots or not bounds:
        return {}
    if db.session.get_bind().dialect.name == "postgresql":
        rows = db.session.execute(
            text(
                "SELECT group_idx, period_idx, people, contacts FROM kpi_ambassador_contacts("
                ":org_id, CAST(:roots AS int[]), CAST(:firsts AS date[]), "
                "CAST(:lasts AS date[]), CAST(:cutoffs AS timestamptz[]))"
            ),
            {
                "org_id": org_id,
                "roots": list(roots),
                "firsts": [b.first for b in bounds],
                "lasts": [b.last for b in bounds],
                "cutoffs": [b.cutoff for b in bounds],
            },
        ).all()
    else:
        rows = db.session.execute(
            _ambassador_select(org_id, roots, bounds),
            execution_options={"skip_person_filter": True},
        ).all()
    # The function numbers groups and periods from 1 (WITH ORDINALITY); so does the query.
    return {(g - 1, pi - 1): (int(n), None if c is None else int(c)) for g, pi, n, c in rows}


def _ambassador_select(org_id: int, roots: Sequence[int], bounds: Sequence[Bounds]):
    """The query of ``kpi_ambassador_contacts``, for SQLite (no row-level security)."""
    p = _periods_cte(bounds)
    root_rows = [
        select(literal(i + 1, Integer).label("gidx"), literal(root, Integer).label("root"))
        for i, root in enumerate(roots)
    ]
    g = (root_rows[0] if len(root_rows) == 1 else union_all(*root_rows)).cte("kpi_roots")
    closure = (
        select(g.c.gidx, g.c.root.label("team_id"))
        .where(g.c.root != 0)
        .cte("kpi_closure", recursive=True)
    )
    closure = closure.union(
        select(closure.c.gidx, Team.id)
        .select_from(closure)
        .join(Team, Team.parent_id == closure.c.team_id)
        .where(Team.org_id == org_id)
    )
    people = _people(org_id, p)
    a = AmbassadorConversation
    talks = (
        select(p.c.pidx, a.employee_id.label("user_id"), func.count().label("n"))
        .select_from(a)
        .join(p, and_(a.booked_on >= p.c.p_first, a.booked_on <= p.c.p_last))
        .where(a.org_id == org_id, a.status != TalkStatus.cancelled)
        .group_by(p.c.pidx, a.employee_id)
        .subquery("kpi_talks")
    )
    per_team = (
        select(
            people.c.pidx,
            people.c.team_id,
            func.count().label("people"),
            func.coalesce(func.sum(talks.c.n), 0).label("contacts"),
        )
        .select_from(people)
        .outerjoin(talks, and_(talks.c.pidx == people.c.pidx, talks.c.user_id == people.c.user_id))
        .group_by(people.c.pidx, people.c.team_id)
        .cte("kpi_talk_teams")
    )
    totals = union_all(
        select(
            closure.c.gidx,
            per_team.c.pidx,
            func.sum(per_team.c.people).label("people"),
            func.sum(per_team.c.contacts).label("contacts"),
        )
        .select_from(per_team)
        .join(closure, closure.c.team_id == per_team.c.team_id)
        .group_by(closure.c.gidx, per_team.c.pidx),
        select(
            g.c.gidx,
            per_team.c.pidx,
            func.sum(per_team.c.people),
            func.sum(per_team.c.contacts),
        )
        .select_from(per_team)
        .join(g, g.c.root == 0)
        .group_by(g.c.gidx, per_team.c.pidx),
    ).subquery("kpi_talk_totals")
    k = select(Organisation.min_group_size).where(Organisation.id == org_id).scalar_subquery()
    return select(
        totals.c.gidx,
        totals.c.pidx + 1,
        totals.c.people,
        case((totals.c.people >= k, totals.c.contacts), else_=None),
    )
