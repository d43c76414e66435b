"""Seeding for the development-KPI tests: people in bulk (Core inserts), rows with known
dates, and running ``compute`` the way a request does (organisation context)."""

from __future__ import annotations

import itertools
import secrets
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from app.accounts.models import User
from app.extensions import db
from app.manager_kpis import dev_kpis
from app.manager_kpis.groups import org_groups
from app.manager_kpis.models import PeriodKind
from app.manager_kpis.periods import period_of
from app.orgs.models import Membership
from app.tenancy import org_context

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TODAY = date(2026, 5, 15)
APRIL = period_of(PeriodKind.month, date(2026, 4, 1))  # closed on TODAY
MAY = period_of(PeriodKind.month, TODAY)  # open: counts up to TODAY
LONG_AGO = datetime(2025, 1, 1, tzinfo=UTC)
_batch = itertools.count()


def local(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """A moment on ``day`` in Amsterdam, as the aware UTC time the app stores."""
    return datetime.combine(day, time(hour, minute), tzinfo=AMSTERDAM).astimezone(UTC)


def add_people(
    dbs,
    org,
    count: int,
    team=None,
    *,
    fte=None,
    created_at: datetime = LONG_AGO,
    active: bool = True,
    disabled_at: datetime | None = None,
) -> list[int]:
    """``count`` members of ``org`` (in ``team``) in two INSERTs; their user ids in order.
    ``fte``: one value for all, or a list (one per person)."""
    tag = f"k{org.id}x{next(_batch)}"
    dbs.execute(
        insert(User),
        [
            {"name": f"Person {i}", "email": f"p{i}.{tag}@kpi.example", "locale": "nl"}
            for i in range(count)
        ],
    )
    ids = list(
        dbs.scalars(
            select(User.id).where(User.email.like(f"%.{tag}@kpi.example")).order_by(User.id)
        )
    )
    ftes = fte if isinstance(fte, list) else [fte or Decimal("1.00")] * count
    dbs.execute(
        insert(Membership),
        [
            {
                "org_id": org.id,
                "user_id": user_id,
                "team_id": team.id if team is not None else None,
                "fte": Decimal(str(f)),
                "created_at": created_at,
                "active": active,
                "disabled_at": disabled_at,
            }
            for user_id, f in zip(ids, ftes, strict=True)
        ],
    )
    dbs.commit()
    return ids


def token() -> str:
    return secrets.token_hex(8)


def compute(app, org, periods=(APRIL,), today: date = TODAY, groups=None, now=None):
    """``dev_kpis.compute`` inside the organisation's context, as a request runs it (a
    request passes ``now``: the open period may then come from the cache)."""
    with app.app_context(), org_context((org.id,)):
        try:
            tree = groups if groups is not None else org_groups(org.id, org.name)
            return dev_kpis.compute(org, tree, list(periods), today, now=now)
        finally:
            db.session.remove()


def groups_of(app, org):
    with app.app_context(), org_context((org.id,)):
        try:
            return org_groups(org.id, org.name)
        finally:
            db.session.remove()


def value(figures, group_key: str, kpi: str, period=APRIL):
    return figures[(group_key, kpi, period.token)].value
