"""The API's endpoints (v1). Thin: check the input, call a query or service, answer JSON.
Every answer of another organisation's object is the same 404 as for a missing one."""

from __future__ import annotations

import re

from flask import g, jsonify, request
from sqlalchemy import func, select

from ..db_types import utcnow
from ..extensions import db
from ..manager_kpis.models import PeriodKind, ProductionMetric
from ..orgs.models import Team
from ..timeutil import org_today
from . import bp
from .auth import requires_write
from .kpi_series import team_series
from .offers import DEFAULT_LIMIT, MAX_LIMIT, decode_cursor, offer_page
from .problems import problem
from .values import post_values

LIMIT = re.compile(r"[0-9]{1,3}")


@bp.get("/v1/teams")
def teams():
    """The organisation's teams: id, name and the team it is part of."""
    rows = db.session.execute(
        select(Team.id, Team.name, Team.parent_id)
        .where(Team.org_id == g.org.id)
        .order_by(func.lower(Team.name), Team.id)
    )
    return jsonify({"teams": [{"id": r.id, "name": r.name, "parent": r.parent_id} for r in rows]})


@bp.get("/v1/metrics")
def metrics():
    """The organisation's production metrics (K2)."""
    rows = db.session.scalars(
        select(ProductionMetric)
        .where(ProductionMetric.org_id == g.org.id)
        .order_by(func.lower(ProductionMetric.name), ProductionMetric.id)
    )
    return jsonify(
        {
            "metrics": [
                {
                    "id": m.id,
                    "name": m.name,
                    "unit": m.unit,
                    "higher_is_better": m.higher_is_better,
                    "aggregation": str(m.aggregation),
                    "description": m.description,
                    "active": m.active,
                }
                for m in rows
            ]
        }
    )


@bp.post("/v1/production-values")
@requires_write
def production_values():
    """Production values per metric, team and month; all or nothing (422 lists every
    problem)."""
    try:
        body = request.get_json()
    except RecursionError:  # nested too deep to read: as any JSON that cannot be read
        return problem(400)
    return post_values(body)


@bp.get("/v1/teams/<int:team_id>/kpis")
def team_kpis(team_id: int):
    """The last 12 months (or quarters) of a team's development and production KPIs."""
    kind = request.args.get("period", PeriodKind.month.value)
    if kind not in {k.value for k in PeriodKind}:
        return problem(400, "period must be month or quarter.")
    series = team_series(g.org, team_id, PeriodKind(kind), org_today(g.org, utcnow()))
    if series is None:
        return problem(404)
    db.session.commit()  # figures of closed periods computed now, into the cache
    return jsonify(series)


@bp.get("/v1/offers")
def offers():
    """The organisation's active offers, as the catalogue shows them, a page at a time."""
    raw_limit = request.args.get("limit", str(DEFAULT_LIMIT))
    if not LIMIT.fullmatch(raw_limit) or not 1 <= int(raw_limit) <= MAX_LIMIT:
        return problem(400, f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    after_id = None
    if (cursor := request.args.get("cursor")) is not None:
        after_id = decode_cursor(cursor)
        if after_id is None:
            return problem(400, "cursor is not valid: use next_cursor of the previous page.")
    items, next_cursor = offer_page(g.org.id, utcnow(), int(raw_limit), after_id)
    return jsonify({"offers": items, "next_cursor": next_cursor})
