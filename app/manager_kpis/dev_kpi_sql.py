"""The SQL behind the development KPIs (``dev_kpis.py``): a fixed number of statements
whatever the number of people, teams and periods.

* ``team_rows``: per team (None: no team) and period, the two head counts and the sums
  every KPI needs (people with a conversation, with a learning activity, minutes of
  learning, ...). Each person is in one team, so a unit's or the organisation's sums are
  the sums of its teams' rows; ``dev_kpis`` adds them up along the team tree.
* ``dev_kpi_talks.ambassador_totals``: ambassador conversations of the whole
  organisation per period, never per team or person.

Two populations per group and period (``catalogue.py`` says it in plain words):

* "the people" (snapshot KPIs: conversations, participation, goals, measured on the last
  day): members on the period's last day;
* "the members" (flow KPIs: hours, successes, feedback, confirmed skills, counted over the
  period): everyone who was a member at some time in the period. A fact counts when the
  person was a member at some time in the calendar month of the fact (within the period),
  so a quarter's flows are exactly the sum of its months' flows: nothing about one
  person falls out of "quarter minus its months" (a leaver, or a new colleague who logs
  a course dated before they joined). The people on the last day are members too.

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
    months: tuple[Month, ...] = ()  # the calendar months of the period up to ``last``


@dataclass(frozen=True)
class Month:
    """One calendar month of a period (its last one ends on the period's ``last``)."""

    first: date
    last: date
    from_ts: datetime
    cutoff: datetime


def _midnight(day: date, zone) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _months(period: Period, last: date, zone) -> tuple[Month, ...]:
    months, first = [], period.start
    while first <= last:
        nxt = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
        end = min(nxt - timedelta(days=1), last)
        months.append(
            Month(first, end, _midnight(first, zone), _midnight(end + timedelta(days=1), zone))
        )
        first = nxt
    return tuple(months)


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
                months=_months(period, last, zone),
            )
        )
    return bounds


def _union(rows, name: str):
    return (rows[0] if len(rows) == 1 else union_all(*rows)).cte(name)


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
            literal(max(len(b.months) - 1, 0), Integer).label("last_mi"),
        )
        for b in bounds
    ]
    return _union(rows, "kpi_periods")


def months_cte(bounds: Sequence[Bounds]):
    """One row per calendar month of each period (``mi`` from 0); ``is_last``: the month
    that ends on the period's last day. None when no period has begun yet."""
    ts = UTCDateTime()
    rows = [
        select(
            literal(b.idx, Integer).label("pidx"),
            literal(mi, Integer).label("mi"),
            literal(m.first, Date).label("m_first"),
            literal(m.last, Date).label("m_last"),
            literal(m.from_ts, ts).label("m_from_ts"),
            literal(m.cutoff, ts).label("m_cutoff"),
            literal(1 if mi == len(b.months) - 1 else 0, Integer).label("is_last"),
        )
        for b in bounds
        for mi, m in enumerate(b.months)
    ]
    return _union(rows, "kpi_months") if rows else None


def _member_between(m, from_ts, cutoff):
    """A member at some time between ``from_ts`` and ``cutoff``: joined before the end,
    and active or switched off on or after the start."""
    return and_(m.created_at < cutoff, or_(m.active.is_(True), m.disabled_at >= from_ts))


def _present_at(m, cutoff):
    """A member on the day before ``cutoff`` (still active, or switched off after it)."""
    return or_(m.active.is_(True), m.disabled_at >= cutoff)


def _in_dates(column, first, last):
    return and_(column >= first, column <= last)


# One row per fact, all with the same columns: (pidx, mi, user_id, member, present,
# team_id, fte, then one column per KPI). Adding them up per person and month, then per
# person and period, and then per team, needs no join between people and facts: only
# sorting or hashing, whatever the planner's estimates (a join of thousands of people with
# thousands of facts became a nested loop of seconds on fresh PostgreSQL statistics).
SNAPSHOT = ("conversations", "active", "goals")  # people on the last day; a person once
FLOWS = ("minutes_work", "minutes_own", "successes", "feedback", "confirmed")  # members
FACTS = SNAPSHOT + FLOWS


def _fact(pidx, mi, user_id, member=None, present=None, team_id=None, fte=None, **values):
    zero = literal_column("0")
    columns = [
        pidx.label("pidx"),
        mi.label("mi"),
        user_id.label("user_id"),
        (member if member is not None else zero).label("member"),
        (present if present is not None else zero).label("present"),
        (team_id if team_id is not None else cast(null(), Integer)).label("team_id"),
        (fte if fte is not None else cast(zero, Numeric(4, 2))).label("fte"),
    ]
    columns += [values.get(name, zero).label(name) for name in FACTS]
    return select(*columns)


def team_rows(org_id: int, bounds: Sequence[Bounds]):
    """One row per (team_id, pidx) with members: people (on the last day), members (at
    some time in the period), fte (of the members), then the FACTS columns (people with a
    conversation, ..., skill confirmations). None when no period has begun."""
    mo = months_cte(bounds)
    if mo is None:
        return None
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

    def in_month(column):
        return and_(column >= mo.c.m_from_ts, column < mo.c.m_cutoff)

    facts = union_all(
        # Members in each month of the period; "present" in the last month when still
        # there on the period's last day.
        _fact(
            mo.c.pidx,
            mo.c.mi,
            m.user_id,
            member=one,
            present=case((and_(mo.c.is_last == 1, _present_at(m, mo.c.m_cutoff)), 1), else_=0),
            team_id=m.team_id,
            fte=m.fte,
        )
        .select_from(m)
        .join(mo, _member_between(m, mo.c.m_from_ts, mo.c.m_cutoff))
        .where(m.org_id == org_id),
        # Snapshot facts, in the period's last month (they count for the people there).
        _fact(p.c.pidx, p.c.last_mi, dc.user_id, conversations=one)
        .select_from(dc)
        .join(p, _in_dates(dc.held_on, p.c.conv_from, p.c.p_last))
        .where(dc.org_id == org_id, dc.status != ConversationStatus.disputed),
        _fact(p.c.pidx, p.c.last_mi, log.user_id, active=one)
        .select_from(log)
        .join(p, _in_dates(log.learned_on, p.c.d90, p.c.p_last))
        .where(log.org_id == org_id),
        _fact(p.c.pidx, p.c.last_mi, post.author_id, active=one)
        .select_from(post)
        .join(p, and_(post.created_at >= p.c.d90_ts, post.created_at < p.c.cutoff))
        .where(shown_success),
        # Open on the last day (made before it, not done or dropped by then), or reached
        # in the period. A dropped goal's updated_at is when it was dropped.
        _fact(p.c.pidx, p.c.last_mi, Goal.user_id, goals=one)
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
        # Flow facts, in the month they fall in.
        _fact(
            mo.c.pidx,
            mo.c.mi,
            log.user_id,
            minutes_work=case((log.in_work_time.is_(True), log.minutes), else_=0),
            minutes_own=case((log.in_work_time.is_(True), 0), else_=log.minutes),
        )
        .select_from(log)
        .join(mo, _in_dates(log.learned_on, mo.c.m_first, mo.c.m_last))
        .where(log.org_id == org_id),
        _fact(mo.c.pidx, mo.c.mi, post.author_id, successes=one)
        .select_from(post)
        .join(mo, in_month(post.created_at))
        .where(shown_success),
        # Feedback: given and received each count (within a team: twice).
        _fact(mo.c.pidx, mo.c.mi, fb.giver_id, feedback=one)
        .select_from(fb)
        .join(mo, in_month(fb.created_at))
        .where(fb.org_id == org_id, fb.removed_at.is_(None)),
        _fact(mo.c.pidx, mo.c.mi, fb.recipient_id, feedback=one)
        .select_from(fb)
        .join(mo, in_month(fb.created_at))
        .where(fb.org_id == org_id, fb.removed_at.is_(None)),
        _fact(mo.c.pidx, mo.c.mi, sc.user_id, confirmed=one)
        .select_from(sc)
        .join(mo, in_month(sc.answered_at))
        .where(sc.org_id == org_id, sc.status == ConfirmationStatus.confirmed),
    ).subquery("kpi_facts")
    f = facts.c
    # Per person and month: a month's flows count only if the person was a member in it.
    member_m = func.max(f.member)
    monthly = (
        select(
            f.pidx,
            f.user_id,
            member_m.label("member"),
            func.max(f.present).label("present"),
            func.max(f.team_id).label("team_id"),
            func.max(f.fte).label("fte"),
            *(func.max(f[name]).label(name) for name in SNAPSHOT),
            *(case((member_m == 1, func.sum(f[name])), else_=0).label(name) for name in FLOWS),
        )
        .group_by(f.pidx, f.mi, f.user_id)
        .subquery("kpi_person_month")
    )
    q = monthly.c
    # Per person and period: snapshot facts count only for the people on the last day.
    present = func.max(q.present)
    person = (
        select(
            q.pidx,
            func.max(q.member).label("member"),
            present.label("present"),
            func.max(q.team_id).label("team_id"),
            func.max(q.fte).label("fte"),
            *((func.max(q[name]) * present).label(name) for name in SNAPSHOT),
            *(func.sum(q[name]).label(name) for name in FLOWS),
        )
        .group_by(q.pidx, q.user_id)
        .subquery("kpi_person")
    )
    r = person.c
    return (
        select(
            r.team_id,
            r.pidx,
            func.sum(r.present).label("people"),
            func.count().label("members"),
            func.sum(r.fte).label("fte"),
            *(func.sum(r[name]).label(name) for name in FACTS),
        )
        .where(r.member == 1)
        .group_by(r.team_id, r.pidx)
    )


def population_rows(org_id: int, bounds: Sequence[Bounds]):
    """(team_id, pidx, people, members): only the two head counts (people on the last
    day, members at some time in the period), for production KPIs and the skeleton. The
    members are those of ``team_rows``: a member at some time in the period is one in
    some month of it."""
    p = periods_cte(bounds)
    m = Membership
    return (
        select(
            m.team_id,
            p.c.pidx,
            func.sum(case((_present_at(m, p.c.cutoff), 1), else_=0)).label("people"),
            func.count().label("members"),
        )
        .select_from(m)
        .join(p, and_(_member_between(m, p.c.from_ts, p.c.cutoff), p.c.p_first <= p.c.p_last))
        .where(m.org_id == org_id)
        .group_by(m.team_id, p.c.pidx)
    )
