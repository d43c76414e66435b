"""Ambassador conversations for the development KPIs: for the whole organisation per month
or quarter, never per team, day or person.

Conversations are readable only by the two people in them (PRODUCT §4.1), so on
PostgreSQL the number comes from the SECURITY DEFINER function
``kpi_ambassador_contacts(org_id, kind, starts)`` (migration 0009). It trusts none of
its arguments beyond the organisation (checked against ``app.org_ids``): it takes only
the first days of months or quarters that have begun, works out each period's last day
(the period's end, or today in the organisation's time zone) and the times itself, and
counts every conversation booked in the period that is not cancelled. Months add up
exactly to their quarter, so nothing falls out by subtraction; the number is left out
(NULL) unless at least the organisation's ``min_group_size`` people were members at some
time in the period. On SQLite the same query runs here, past the ORM's person filter.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Integer, and_, case, func, literal, or_, select, text

from ..ambassadors.models import AmbassadorConversation
from ..ambassadors.models import ConversationStatus as TalkStatus
from ..extensions import db
from ..orgs.models import Membership, Organisation
from .dev_kpi_sql import Bounds, periods_cte
from .models import PeriodKind

# Both kinds in one statement (a compute may ask for months and quarters at once).
FUNCTION_CALL = text(
    "SELECT 'month' AS kind, period_idx, contacts "
    "FROM kpi_ambassador_contacts(:org_id, 'month', CAST(:months AS date[])) "
    "UNION ALL SELECT 'quarter', period_idx, contacts "
    "FROM kpi_ambassador_contacts(:org_id, 'quarter', CAST(:quarters AS date[]))"
)


def ambassador_totals(org, bounds: Sequence[Bounds]) -> dict[int, int | None]:
    """Period index -> the organisation's ambassador conversations booked in the period,
    not cancelled; None when fewer than ``min_group_size`` people were members in it. A
    period the function does not count (not begun yet) is missing. One statement."""
    if not bounds:
        return {}
    if db.session.get_bind().dialect.name == "postgresql":
        by_kind = {
            kind: [b for b in bounds if b.period.kind == kind]
            for kind in (PeriodKind.month, PeriodKind.quarter)
        }
        rows = db.session.execute(
            FUNCTION_CALL,
            {
                "org_id": org.id,
                "months": [b.first for b in by_kind[PeriodKind.month]],
                "quarters": [b.first for b in by_kind[PeriodKind.quarter]],
            },
        ).all()
        # The function numbers the starts it was given from 1 (WITH ORDINALITY).
        return {
            by_kind[PeriodKind(kind)][i - 1].idx: None if c is None else int(c)
            for kind, i, c in rows
        }
    begun = [b for b in bounds if b.first <= b.last]
    if not begun:
        return {}
    rows = db.session.execute(
        _ambassador_select(org.id, begun),
        execution_options={"skip_person_filter": True},
    ).all()
    return {pidx: None if c is None else int(c) for pidx, c in rows}


def _ambassador_select(org_id: int, bounds: Sequence[Bounds]):
    """The query of ``kpi_ambassador_contacts``, for SQLite (no row-level security): the
    periods are ``bounds`` (begun ones, cut off at today as the function does)."""
    p = periods_cte(bounds)
    m = Membership
    a = AmbassadorConversation
    members = (
        select(p.c.pidx, func.count(m.user_id.distinct()).label("n"))
        .select_from(m)
        .join(
            p,
            and_(
                m.created_at < p.c.cutoff,
                or_(m.active.is_(True), m.disabled_at >= p.c.from_ts),
            ),
        )
        .where(m.org_id == org_id)
        .group_by(p.c.pidx)
        .subquery("kpi_talk_members")
    )
    talks = (
        select(p.c.pidx, func.count().label("n"))
        .select_from(a)
        .join(p, and_(a.booked_on >= p.c.p_first, a.booked_on <= p.c.p_last))
        .where(a.org_id == org_id, a.status != TalkStatus.cancelled)
        .group_by(p.c.pidx)
        .subquery("kpi_talk_counts")
    )
    k = select(Organisation.min_group_size).where(Organisation.id == org_id).scalar_subquery()
    return (
        select(
            p.c.pidx,
            case(
                (func.coalesce(members.c.n, 0) >= k, func.coalesce(talks.c.n, literal(0))),
                else_=None,
            ).cast(Integer),
        )
        .select_from(p)
        .outerjoin(members, members.c.pidx == p.c.pidx)
        .outerjoin(talks, talks.c.pidx == p.c.pidx)
    )
