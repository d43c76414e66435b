"""The cache of development KPIs for closed periods (``kpi_cache``, dashboard speed).

A closed period's figures change only when a row they count changes, so they are stored
once computed: one row per organisation, group, period and ``min_group_size``, with
every KPI's figure as JSON. Reading is one SELECT for all the cells a page needs; writing
one INSERT for all new cells (ON CONFLICT DO NOTHING: two requests may compute the same
cells at once).

Rows are dropped when an input changes (``cache_hooks.py``): the organisation's cached
periods that end on or after the earliest date the change touches.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from ..db_types import utcnow
from ..extensions import db
from .catalogue import KPI_KEYS
from .figures import Figure
from .models import KpiCacheEntry
from .periods import Period

Cell = tuple[str, str]  # (group key, period token)


def read(
    org_id: int, group_keys: Sequence[str], periods: Sequence[Period], k: int
) -> dict[Cell, dict[str, Figure]]:
    """The cached cells of ``group_keys`` x ``periods`` (closed ones) for this k. One query."""
    if not group_keys or not periods:
        return {}
    wanted = {(p.kind.value, p.start): p for p in periods}
    t = KpiCacheEntry.__table__
    rows = db.session.execute(
        select(t.c.group_key, t.c.period_kind, t.c.period_start, t.c.period_end, t.c.figures).where(
            t.c.org_id == org_id,
            t.c.min_group_size == k,
            t.c.group_key.in_(list(group_keys)),
            t.c.period_start.in_(sorted({p.start for p in periods})),
        )
    ).all()
    cells: dict[Cell, dict[str, Figure]] = {}
    for group_key, kind, start, end, figures in rows:
        period = wanted.get((str(kind), start))
        if period is None or period.end != end or not isinstance(figures, dict):
            continue
        if any(not isinstance(figures.get(kpi), dict) for kpi in KPI_KEYS):
            continue  # stored before a KPI was added: compute again
        cells[(group_key, period.token)] = {kpi: Figure.from_json(figures[kpi]) for kpi in KPI_KEYS}
    return cells


def write(
    org_id: int,
    cells: Mapping[Cell, Mapping[str, Figure]],
    periods: Mapping[str, Period],
    k: int,
) -> bool:
    """Store ``cells`` (closed periods only); a cell another request stored meanwhile is
    left as it is. One statement. Returns whether anything was sent."""
    now = utcnow()
    rows = [
        {
            "org_id": org_id,
            "group_key": group_key,
            "period_kind": periods[token].kind.value,
            "period_start": periods[token].start,
            "period_end": periods[token].end,
            "min_group_size": k,
            "figures": {kpi: figure.to_json() for kpi, figure in figures.items()},
            "computed_at": now,
        }
        for (group_key, token), figures in cells.items()
    ]
    if not rows:
        return False
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    statement = dialect_insert(KpiCacheEntry.__table__).on_conflict_do_nothing(
        index_elements=["org_id", "group_key", "period_kind", "period_start", "min_group_size"]
    )
    # One executemany (a multi-row VALUES took longer to compile than to run).
    db.session.execute(statement, rows)
    return True


def invalidate(session: Session, since_by_org: Mapping[int, date]) -> None:
    """Delete the cached periods ending on or after the date given per organisation."""
    if not since_by_org:
        return
    t = KpiCacheEntry.__table__
    session.connection().execute(
        delete(t).where(
            or_(
                *(
                    (t.c.org_id == org_id) & (t.c.period_end >= since)
                    for org_id, since in sorted(since_by_org.items())
                )
            )
        )
    )
