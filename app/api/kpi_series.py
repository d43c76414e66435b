"""GET /api/v1/teams/{team_id}/kpis: a team's KPIs over the last 12 months or quarters,
the same figures, targets and statuses the dashboard shows (``dashboard.build_tiles``).

A group with too few people (PRODUCT §4.5) has ``value`` null and ``suppressed`` true in
every cell, and no number of people either: nothing drills down to individuals. A KPI
counted only for the whole organisation (``org_only``: talks with an ambassador) has for
a team ``value`` and ``people`` null and the organisation's own figure in
``company_average``.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from typing import Any

from ..manager_kpis.dashboard import (
    active_metrics,
    build_tiles,
    development_kpis,
    group_of,
    groups_for,
    parent_of,
    production_kpi,
)
from ..manager_kpis.models import PeriodKind
from ..manager_kpis.periods import last_periods

SERIES_LENGTH = 12


def _number(value: float | Decimal | None) -> float | None:
    """A finite number for JSON; None for nothing (JSON has no NaN)."""
    if value is None or not math.isfinite(float(value)):
        return None
    return float(value)


def team_series(org, team_id: int, kind: PeriodKind, today: date) -> dict[str, Any] | None:
    """The series of every KPI of the organisation's team ``team_id``; None when the
    organisation has no such team (another organisation's team included). Figures of
    closed periods computed now join the cache: the caller commits."""
    groups = groups_for(org)
    group = group_of(groups, team_id)
    if group is None:
        return None
    periods = last_periods(kind, today, SERIES_LENGTH)
    metrics = active_metrics(org.id)
    kpis = development_kpis() + [production_kpi(m) for m in metrics]
    tiles = build_tiles(org, groups, group, kpis, metrics, periods, today)
    parent = parent_of(groups, group)
    return {
        "team": {
            "id": group.team_id,
            "name": group.name,
            "parent": parent.team_id if parent is not None else None,
        },
        "period": kind.value,
        "min_group_size": org.min_group_size,
        "periods": [
            {
                "period": p.token,
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
                "closed": p.is_closed(today),
            }
            for p in periods
        ],
        "kpis": [
            {
                "key": tile.kpi.key,
                "section": tile.kpi.section,
                "label": tile.kpi.label,
                "unit": tile.kpi.unit,
                "metric_unit": tile.kpi.metric_unit or None,
                "higher_is_better": tile.kpi.higher_is_better,
                "org_only": tile.kpi.org_only,
                "series": [
                    {
                        "period": point.period.token,
                        "value": None if point.suppressed else _number(point.value),
                        "suppressed": point.suppressed,
                        "people": None
                        if point.suppressed or tile.kpi.org_only
                        else point.figure.people,
                        "target": _number(point.target),
                        "status": None if point.suppressed else point.status,
                        "company_average": _number(point.average),
                        "company_average_suppressed": point.average_hidden,
                    }
                    for point in tile.points
                ],
            }
            for tile in tiles
        ],
    }
