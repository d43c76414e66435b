"""The scheduler's refresh of the running month and quarter (dashboard speed).

Requests read the open period's development figures from ``kpi_cache`` while they are at
most ``KPI_OPEN_PERIOD_MAX_AGE`` old (``cache.py``). Every 10 minutes the scheduler
(``flask scheduler run``, job ``kpi-refresh``; or ``flask scheduler kpis`` from cron)
computes the running month and quarter again for every group of every company, ahead of
the requests, so a manager rarely waits for them and the ten tiles of a dashboard never
all compute at once. In the same statements it computes the closed periods of the
dashboard's trends (12 months, 12 quarters) that are missing from the cache: a change
to a past month dropped them, or the company is new.

One organisation per transaction, in its own organisation context. On PostgreSQL each
takes ``pg_try_advisory_xact_lock`` for the organisation (``dev_kpis.COMPUTE_LOCK``):
when another scheduler is refreshing it, or a request is computing its figures, it is
skipped. An error in one organisation is logged; the next one goes on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text

from ..extensions import db
from ..orgs.models import Organisation, OrgKind
from ..tenancy import org_context
from ..timeutil import org_today
from . import dev_kpis
from .dashboard import TREND_LENGTH
from .models import PeriodKind
from .periods import last_periods

log = logging.getLogger(__name__)


@dataclass
class Refreshed:
    org_id: int
    cells: int = 0  # (group, period) cells stored
    skipped: bool = False  # another scheduler holds the organisation's lock
    error: str = ""


def refresh_all(now: datetime) -> list[Refreshed]:
    """Refresh the open month and quarter of every company (in an app context)."""
    org_ids = list(
        db.session.scalars(
            select(Organisation.id)
            .where(Organisation.kind == OrgKind.company)
            .order_by(Organisation.id)
        )
    )
    db.session.rollback()  # each organisation in a transaction of its own
    results = []
    for org_id in org_ids:
        try:
            results.append(refresh_org(org_id, now))
        except Exception as error:  # noqa: BLE001 - one organisation must not stop the others
            db.session.rollback()
            log.exception("KPI refresh of organisation %s failed", org_id)
            results.append(Refreshed(org_id, error=repr(error)))
    return results


def refresh_org(org_id: int, now: datetime) -> Refreshed:
    """Compute and store the open month and quarter of one organisation's groups (and
    the trends' missing closed periods), as computed at ``now``; commits (or rolls back
    when another process holds the lock)."""
    with org_context((org_id,), None):
        if not _try_lock(org_id):
            db.session.rollback()
            return Refreshed(org_id, skipped=True)
        org = db.session.get(Organisation, org_id)
        if org is None:  # removed meanwhile
            db.session.rollback()
            return Refreshed(org_id)
        today = org_today(org, now)
        periods = [
            *last_periods(PeriodKind.month, today, TREND_LENGTH),
            *last_periods(PeriodKind.quarter, today, TREND_LENGTH),
        ]
        cells = dev_kpis.refresh(org, periods, today, now)
        db.session.commit()
    return Refreshed(org_id, cells)


def _try_lock(org_id: int) -> bool:
    if db.session.get_bind().dialect.name != "postgresql":
        return True  # SQLite: one writer at a time; a second refresh only repeats the work
    return bool(
        db.session.execute(
            text("SELECT pg_try_advisory_xact_lock(:ns, :id)"),
            {"ns": dev_kpis.COMPUTE_LOCK, "id": org_id},
        ).scalar_one()
    )
