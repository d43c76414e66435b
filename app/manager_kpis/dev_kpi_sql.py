"""The SQL behind the development KPIs (``dev_kpis.py``): a fixed number of statements
whatever the number of people, teams and periods.

* ``team_rows``: per team (None: no team) and period, the people and the sums every KPI
  needs (people with a conversation, with a learning activity, minutes of learning, ...).
  Each person is in one team, so a unit's or the organisation's sums are the sums of its
  teams' rows; ``dev_kpis`` adds them up along the team tree.
* ``dev_kpi_talks.ambassador_totals``: ambassador conversations per group and period,
  never per person.

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
    Numeric,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    union_all,
)

from ..db_types import UTCDateTime
from ..development.models import (
    ConversationStatus,
    DevelopmentConversation,
    Goal,
    GoalStatus,
    LearningLogEntry,
)
from ..development.skills_models import ConfirmationStatus, SkillConfirmation
from ..feed.models import PostKind, SuccessPost
from ..feedback.models import Feedback
from ..orgs.models import Membership
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


def periods_cte(bounds: Sequence[Bounds]):
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


# One row per fact, all with the same columns: (pidx, user_id, member, team_id, fte, then
# one column per KPI). Adding them up per person and period, and then per team, needs no
# join between people and facts: only sorting or hashing, whatever the planner's estimates
# (a join of thousands of people with thousands of facts became a nested loop of seconds
# on fresh PostgreSQL statistics).
FACTS = ("conversations", "active", "minutes_work", "minutes_own", "goals", "successes",
         "feedback", "confirmed")  # fmt: skip
_ONCE = {"conversations", "active", "goals"}  # a person counts once: max, not sum


def _fact(pidx, user_id, member=False, team_id=None, fte=None, **values):
    zero = literal_column("0")
    columns = [
        pidx.label("pidx"),
        user_id.label("user_id"),
        literal_column("1" if member else "0").label("member"),
        (team_id if team_id is not None else cast(null(), Integer)).label("team_id"),
        (fte if fte is not None else cast(zero, Numeric(4, 2))).label("fte"),
    ]
    columns += [values.get(name, zero).label(name) for name in FACTS]
    return select(*columns)


def team_rows(org_id: int, bounds: Sequence[Bounds]):
    """One row per (team_id, pidx) with people: people, fte, then the FACTS columns
    (people with a conversation, ..., skill confirmations)."""
    p = periods_cte(bounds)
    one = literal_column("1")
    m = Membership
    dc = DevelopmentConversation
    log = LearningLogEntry
    post = SuccessPost
    fb = Feedback
    sc = SkillConfirmation
    shown_success = and_(
        post.org_id == org_id,
        post.kind == PostKind.success,
        post.removed_at.is_(None),
        post.hidden_at.is_(None),
    )

    def in_period(column):
        return and_(column >= p.c.from_ts, column < p.c.cutoff)

    facts = union_all(
        # The people: there on the period's last day (joined before it, and active or
        # switched off after it).
        _fact(p.c.pidx, m.user_id, member=True, team_id=m.team_id, fte=m.fte)
        .select_from(m)
        .join(
            p,
            and_(
                m.created_at < p.c.cutoff,
                or_(m.active.is_(True), m.disabled_at >= p.c.cutoff),
            ),
        )
        .where(m.org_id == org_id),
        _fact(p.c.pidx, dc.user_id, conversations=one)
        .select_from(dc)
        .join(p, _in_dates(dc.held_on, p.c.conv_from, p.c.p_last))
        .where(dc.org_id == org_id, dc.status != ConversationStatus.disputed),
        _fact(p.c.pidx, log.user_id, active=one)
        .select_from(log)
        .join(p, _in_dates(log.learned_on, p.c.d90, p.c.p_last))
        .where(log.org_id == org_id),
        _fact(p.c.pidx, post.author_id, active=one)
        .select_from(post)
        .join(p, and_(post.created_at >= p.c.d90_ts, post.created_at < p.c.cutoff))
        .where(shown_success),
        _fact(
            p.c.pidx,
            log.user_id,
            minutes_work=case((log.in_work_time.is_(True), log.minutes), else_=0),
            minutes_own=case((log.in_work_time.is_(True), 0), else_=log.minutes),
        )
        .select_from(log)
        .join(p, _in_dates(log.learned_on, p.c.p_first, p.c.p_last))
        .where(log.org_id == org_id),
        # Open on the last day (made before it, not done or dropped by then), or reached
        # in the period. A dropped goal's updated_at is when it was dropped.
        _fact(p.c.pidx, Goal.user_id, goals=one)
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
        .where(Goal.org_id == org_id),
        _fact(p.c.pidx, post.author_id, successes=one)
        .select_from(post)
        .join(p, in_period(post.created_at))
        .where(shown_success),
        # Feedback: given and received each count (within a team: twice).
        _fact(p.c.pidx, fb.giver_id, feedback=one)
        .select_from(fb)
        .join(p, in_period(fb.created_at))
        .where(fb.org_id == org_id, fb.removed_at.is_(None)),
        _fact(p.c.pidx, fb.recipient_id, feedback=one)
        .select_from(fb)
        .join(p, in_period(fb.created_at))
        .where(fb.org_id == org_id, fb.removed_at.is_(None)),
        _fact(p.c.pidx, sc.user_id, confirmed=one)
        .select_from(sc)
        .join(p, in_period(sc.answered_at))
        .where(sc.org_id == org_id, sc.status == ConfirmationStatus.confirmed),
    ).subquery("kpi_facts")
    f = facts.c
    person = (
        select(
            f.pidx,
            func.max(f.member).label("member"),
            func.max(f.team_id).label("team_id"),
            func.max(f.fte).label("fte"),
            *((func.max if name in _ONCE else func.sum)(f[name]).label(name) for name in FACTS),
        )
        .group_by(f.pidx, f.user_id)
        .subquery("kpi_person")
    )
    q = person.c
    return (
        select(
            q.team_id,
            q.pidx,
            func.count().label("people"),
            func.sum(q.fte).label("fte"),
            *(func.sum(q[name]).label(name) for name in FACTS),
        )
        .where(q.member == 1)
        .group_by(q.team_id, q.pidx)
    )


def population_rows(org_id: int, bounds: Sequence[Bounds]):
    """(team_id, pidx, people): only the head count, for production KPIs."""
    p = periods_cte(bounds)
    people = _people(org_id, p)
    return select(people.c.team_id, people.c.pidx, func.count().label("people")).group_by(
        people.c.team_id, people.c.pidx
    )
