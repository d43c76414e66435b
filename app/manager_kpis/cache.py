"""The cache of development KPIs (``kpi_cache``, dashboard speed).

One row per organisation, group, period and ``min_group_size``, with every KPI's figure
as JSON. Reading is one SELECT for all the cells a page needs; writing one INSERT for all
new cells.

* A closed period's figures change only when a row they count changes: its row is kept
  until then. Rows are dropped when an input changes (``cache_hooks.py``): the
  organisation's closed periods that end on or after the earliest date the change
  touches. Two requests may compute the same cells at once: the first row stays.
* The running (open) period changes all the time (in a large company someone logs
  learning every minute), so its row is not dropped on every change: it is ``running``,
  counts up to the day it was computed (``period_end``), and is read only while it is at
  most ``max_age`` old (``KPI_OPEN_PERIOD_MAX_AGE``); a newer computation replaces it,
  and so does the final one once the period has closed. The scheduler refreshes it ahead
  of time (``refresh.py``). A change of who is in which group (membership, team, time
  zone) still drops every row, running ones too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import and_, delete, not_, or_, select
from sqlalchemy.orm import Session

from ..db_types import utcnow
from ..extensions import db
from .catalogue import KPI_KEYS
from .figures import Figure
from .models import KpiCacheEntry
from .periods import Period

Cell = tuple[str, str]  # (group key, period token)
# ``invalidate``: a change to who is in which group; every row goes, running ones too.
EVERYTHING = date.min


class Cached(NamedTuple):
    figures: dict[str, Figure]
    computed_at: datetime


def read(
    org_id: int,
    group_keys: Sequence[str],
    periods: Sequence[Period],
    k: int,
    *,
    today: date | None = None,
    now: datetime | None = None,
    max_age: timedelta | None = None,
) -> dict[Cell, Cached]:
    """The cached cells of ``group_keys`` x ``periods`` for this k. One query.

    A closed period's row is returned as stored (never a running one: those counted only
    part of it). An open period (not closed on ``today``) is returned only from a running
    row computed on ``today`` at most ``max_age`` before ``now``; without ``today``
    every period counts as closed, without ``now`` and ``max_age`` no open one is read."""
    fresh_since = now - max_age if now is not None and max_age is not None else None
    wanted = {
        (p.kind.value, p.start): p
        for p in periods
        if today is None or p.is_closed(today) or fresh_since is not None
    }
    if not group_keys or not wanted:
        return {}
    t = KpiCacheEntry.__table__
    rows = db.session.execute(
        select(
            t.c.group_key,
            t.c.period_kind,
            t.c.period_start,
            t.c.period_end,
            t.c.figures,
            t.c.computed_at,
            t.c.running,
        ).where(
            t.c.org_id == org_id,
            t.c.min_group_size == k,
            t.c.group_key.in_(list(group_keys)),
            t.c.period_start.in_(sorted({p.start for p in wanted.values()})),
        )
    ).all()
    cells: dict[Cell, Cached] = {}
    for group_key, kind, start, end, figures, computed_at, running in rows:
        period = wanted.get((str(kind), start))
        if period is None or not isinstance(figures, dict):
            continue
        if today is None or period.is_closed(today):
            if running or end != period.end:
                continue  # computed while the period ran: counts only part of it
        elif not running or end != today or fresh_since is None or computed_at < fresh_since:
            continue  # the running period: only today's figures, and only while fresh
        if any(not isinstance(figures.get(kpi), dict) for kpi in KPI_KEYS):
            continue  # stored before a KPI was added: compute again
        cells[(group_key, period.token)] = Cached(
            {kpi: Figure.from_json(figures[kpi]) for kpi in KPI_KEYS}, computed_at
        )
    return cells


def write(
    org_id: int,
    cells: Mapping[Cell, Mapping[str, Figure]],
    periods: Mapping[str, Period],
    k: int,
    *,
    today: date | None = None,
    now: datetime | None = None,
) -> bool:
    """Store ``cells`` computed at ``now`` (default: the clock). One statement. Returns
    whether anything was sent.

    A period not closed on ``today`` is stored as a running row that counts up to
    ``today`` (without ``today`` every period counts as closed). On a row already there:
    a closed period's row is left as it is (another request stored it meanwhile); a
    running row is replaced by a newer one, or by the final one once the period has
    closed, never by an older one."""
    now = now or utcnow()
    rows = []
    for (group_key, token), figures in cells.items():
        period = periods[token]
        running = today is not None and not period.is_closed(today)
        rows.append(
            {
                "org_id": org_id,
                "group_key": group_key,
                "period_kind": period.kind.value,
                "period_start": period.start,
                "period_end": today if running else period.end,
                "min_group_size": k,
                "figures": {kpi: figure.to_json() for kpi, figure in figures.items()},
                "computed_at": now,
                "running": running,
            }
        )
    if not rows:
        return False
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    t = KpiCacheEntry.__table__
    insert = dialect_insert(t)
    new = insert.excluded
    statement = insert.on_conflict_do_update(
        index_elements=["org_id", "group_key", "period_kind", "period_start", "min_group_size"],
        set_={
            "period_end": new.period_end,
            "figures": new.figures,
            "computed_at": new.computed_at,
            "running": new.running,
        },
        where=and_(t.c.running, or_(not_(new.running), t.c.computed_at < new.computed_at)),
    )
    # One executemany (a multi-row VALUES took longer to compile than to run).
    db.session.execute(statement, rows)
    return True


def invalidate(session: Session, since_by_org: Mapping[int, date]) -> None:
    """Delete the cached closed periods ending on or after the date given per
    organisation; ``EVERYTHING`` deletes all the organisation's rows, running ones too."""
    if not since_by_org:
        return
    t = KpiCacheEntry.__table__
    session.connection().execute(
        delete(t).where(
            or_(
                *(
                    (t.c.org_id == org_id)
                    if since == EVERYTHING
                    else (t.c.org_id == org_id) & (t.c.period_end >= since) & not_(t.c.running)
                    for org_id, since in sorted(since_by_org.items())
                )
            )
        )
    )
