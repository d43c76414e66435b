"""Manager KPIs (K1-K5, P3): production metrics and their values, targets, the cache of
closed periods, and API tokens.

Development KPIs (K1) are not stored: they are computed in SQL from the rows the other
features record (``dev_kpis.py``); only results are kept in ``kpi_cache``: a closed
period's until its inputs change, the running period's for a few minutes (``cache.py``).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..tenancy import OrgScoped


def _str_enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(
        cls, name=name, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]
    )


class PeriodKind(enum.StrEnum):
    month = "month"
    quarter = "quarter"


class ValueSource(enum.StrEnum):
    page = "page"
    csv = "csv"
    api = "api"


class Aggregation(enum.StrEnum):
    """How a metric's values add up over teams (a unit) and months (a quarter)."""

    sum = "sum"  # e.g. orders picked
    average = "average"  # e.g. error rate, customer score


class TargetStatus(enum.StrEnum):
    proposed = "proposed"  # by a manager; counts only once an admin approves it
    approved = "approved"
    rejected = "rejected"


# --- K2 production metrics -----------------------------------------------------------


class ProductionMetric(OrgScoped, db.Model):
    """A production figure the company tracks per team (e.g. "orders picked")."""

    __tablename__ = "production_metrics"
    __table_args__ = (UniqueConstraint("org_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    unit: Mapped[str] = mapped_column(String(30), default="")
    higher_is_better: Mapped[bool] = mapped_column(default=True)
    aggregation: Mapped[Aggregation] = mapped_column(
        _str_enum(Aggregation, "metric_aggregation"), default=Aggregation.sum
    )
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProductionValue(OrgScoped, db.Model):
    """A metric's value for one team and one month (``month`` is the first day)."""

    __tablename__ = "production_values"
    __table_args__ = (
        UniqueConstraint("org_id", "metric_id", "team_id", "month"),
        Index("ix_production_values_org_id_team_id_month", "org_id", "team_id", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    metric_id: Mapped[int] = mapped_column(
        ForeignKey("production_metrics.id", ondelete="CASCADE"), index=True
    )
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    month: Mapped[date] = mapped_column(Date)
    value: Mapped[Decimal] = mapped_column(Numeric(16, 4))
    source: Mapped[ValueSource] = mapped_column(
        _str_enum(ValueSource, "value_source"), default=ValueSource.page
    )
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    metric: Mapped[ProductionMetric] = relationship(lazy="raise")


# --- K3 targets ----------------------------------------------------------------------


class KpiTarget(OrgScoped, db.Model):
    """A target for one KPI, from a month on, for one team (``team_id``) or for every team
    without a target of its own (``team_id`` None, ``team_key`` 0).

    ``kpi_key`` is a development KPI's key (``catalogue.py``) or ``metric:<id>``. The
    target that applies to a period is the approved one with the latest ``valid_from`` on
    or before the period's first day.
    """

    __tablename__ = "kpi_targets"
    __table_args__ = (
        UniqueConstraint("org_id", "kpi_key", "team_key", "valid_from", "status"),
        Index("ix_kpi_targets_org_id_kpi_key", "org_id", "kpi_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_key: Mapped[str] = mapped_column(String(40))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    team_key: Mapped[int] = mapped_column(Integer, default=0)  # team_id or 0 (for the key)
    valid_from: Mapped[date] = mapped_column(Date)  # the first day of a month
    value: Mapped[Decimal] = mapped_column(Numeric(16, 4))
    status: Mapped[TargetStatus] = mapped_column(
        _str_enum(TargetStatus, "target_status"), default=TargetStatus.approved
    )
    note: Mapped[str] = mapped_column(String(300), default="")
    proposed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# --- cache of closed periods (dashboard speed) ----------------------------------------


class KpiCacheEntry(OrgScoped, db.Model):
    """The development KPIs of one group (team, unit or the whole organisation: ``group_key``
    "team:<id>" or "org") for one period, as computed; ``figures`` maps each KPI key to its
    numbers (value, people, numerator, denominator). A closed period's row is deleted when
    an input of the period changes and computed again on the next read. A ``running`` row
    was computed while its period was open: it counts up to ``period_end`` (the day it was
    computed) and is used only while it is fresh (``KPI_OPEN_PERIOD_MAX_AGE``)."""

    __tablename__ = "kpi_cache"
    __table_args__ = (
        UniqueConstraint("org_id", "group_key", "period_kind", "period_start", "min_group_size"),
        Index("ix_kpi_cache_org_id_period_start", "org_id", "period_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_key: Mapped[str] = mapped_column(String(30))
    period_kind: Mapped[PeriodKind] = mapped_column(_str_enum(PeriodKind, "period_kind"))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    min_group_size: Mapped[int] = mapped_column(Integer)
    figures: Mapped[dict] = mapped_column(JSON, default=dict)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    running: Mapped[bool] = mapped_column(default=False)


# --- P3 API tokens ---------------------------------------------------------------------


class TokenScope(enum.StrEnum):
    read = "read"
    write = "write"  # read and write


class ApiToken(OrgScoped, db.Model):
    """A per-organisation API token. Only the SHA-256 hash of the secret is stored; the
    secret is shown once, when the admin creates the token. ``prefix`` (the first
    characters) lets the admin tell tokens apart."""

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint("length(token_hash) = 64", name="token_hash_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[TokenScope] = mapped_column(
        _str_enum(TokenScope, "token_scope"), default=TokenScope.read
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
