"""Ambassador conversations per group and period for the development KPIs, never per person.

Conversations are readable only by the two people in them (PRODUCT §4.1), so on
PostgreSQL this is the SECURITY DEFINER function ``kpi_ambassador_contacts`` (migration
0009), which returns sums per group and period and leaves the number out for a group of
fewer than the organisation's ``min_group_size`` people. On SQLite the same query runs
here, past the ORM's person filter.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import (
    Integer,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    text,
    union_all,
)

from ..ambassadors.models import AmbassadorConversation
from ..ambassadors.models import ConversationStatus as TalkStatus
from ..extensions import db
from ..orgs.models import Membership, Organisation, Team
from .dev_kpi_sql import Bounds, periods_cte


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
    p = periods_cte(bounds)
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
    m = Membership
    a = AmbassadorConversation
    zero = literal_column("0")
    # As ``team_rows``: people and talks as rows of one union, added up per person.
    facts = union_all(
        select(
            p.c.pidx,
            m.user_id.label("user_id"),
            literal_column("1").label("member"),
            m.team_id.label("team_id"),
            zero.label("talks"),
        )
        .select_from(m)
        .join(
            p,
            and_(
                m.created_at < p.c.cutoff,
                or_(m.active.is_(True), m.disabled_at >= p.c.cutoff),
            ),
        )
        .where(m.org_id == org_id),
        select(p.c.pidx, a.employee_id, zero, cast(null(), Integer), literal_column("1"))
        .select_from(a)
        .join(p, and_(a.booked_on >= p.c.p_first, a.booked_on <= p.c.p_last))
        .where(a.org_id == org_id, a.status != TalkStatus.cancelled),
    ).subquery("kpi_talk_facts")
    person = (
        select(
            facts.c.pidx,
            func.max(facts.c.member).label("member"),
            func.max(facts.c.team_id).label("team_id"),
            func.sum(facts.c.talks).label("talks"),
        )
        .group_by(facts.c.pidx, facts.c.user_id)
        .subquery("kpi_talk_person")
    )
    per_team = (
        select(
            person.c.pidx,
            person.c.team_id,
            func.count().label("people"),
            func.sum(person.c.talks).label("contacts"),
        )
        .where(person.c.member == 1)
        .group_by(person.c.pidx, person.c.team_id)
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
