"""Organisations, teams and memberships (A1, A2)."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..tenancy import OrgScoped


class OrgKind(enum.StrEnum):
    company = "company"
    union = "union"


class Role(enum.StrEnum):
    employee = "employee"
    ambassador = "ambassador"
    manager = "manager"
    admin = "admin"
    rep = "rep"
    coordinator = "coordinator"


COMPANY_ROLES = (Role.employee, Role.ambassador, Role.manager, Role.admin)
UNION_ROLES = (Role.rep, Role.coordinator, Role.admin)


class Organisation(db.Model):
    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint("min_group_size BETWEEN 3 AND 10", name="min_group_size_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[OrgKind] = mapped_column(
        Enum(OrgKind, name="org_kind", native_enum=False, length=20), default=OrgKind.company
    )
    colour: Mapped[str] = mapped_column(String(7), default="#1d5c8c")
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    logo_mimetype: Mapped[str | None] = mapped_column(String(40))
    locale: Mapped[str] = mapped_column(String(5), default="nl")
    timezone: Mapped[str] = mapped_column(String(60), default="Europe/Amsterdam")
    min_group_size: Mapped[int] = mapped_column(Integer, default=5)
    # Retention (P2): learning-check answers and notifications older than this many days
    # are removed by ``flask data purge``; None keeps them until the person deletes them.
    check_retention_days: Mapped[int | None] = mapped_column(Integer, default=730)
    notification_retention_days: Mapped[int | None] = mapped_column(Integer, default=365)
    # Nudges (N5): at most this many nudge e-mails per person in 7 days, across campaigns;
    # no nudge e-mail between quiet_from and quiet_until (hours, the organisation's time
    # zone) nor on quiet_days (ISO weekdays, "6,7" = Saturday and Sunday).
    nudge_email_cap: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    quiet_from: Mapped[int] = mapped_column(Integer, default=20, server_default="20")
    quiet_until: Mapped[int] = mapped_column(Integer, default=8, server_default="8")
    quiet_days: Mapped[str] = mapped_column(String(13), default="6,7", server_default="6,7")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class Team(OrgScoped, db.Model):
    """A team; ``parent`` is the unit it belongs to (for aggregates of small teams)."""

    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("org_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Team | None] = relationship(remote_side=[id], lazy="raise")


class Membership(OrgScoped, db.Model):
    """A person's place in one organisation: roles, team and whether it is active."""

    __tablename__ = "memberships"
    __table_args__ = (
        CheckConstraint("fte > 0 AND fte <= 1.5", name="fte_range"),
        UniqueConstraint("org_id", "user_id"),
        Index("ix_memberships_org_id_team_id", "org_id", "team_id"),
        Index("ix_memberships_org_id_job_role_id", "org_id", "job_role_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    job_title: Mapped[str | None] = mapped_column(String(120))
    # The role profile the admin assigned (R1, app/careers); None: no role yet.
    job_role_id: Mapped[int | None] = mapped_column(ForeignKey("job_roles.id", ondelete="SET NULL"))
    # Part-time factor for "learning hours per FTE" (K1): 1.00 is full time.
    fte: Mapped[Decimal] = mapped_column(
        Numeric(4, 2), default=Decimal("1.00"), server_default="1.00"
    )
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="raise")  # noqa: F821
    team: Mapped[Team | None] = relationship(lazy="raise")
    organisation: Mapped[Organisation] = relationship(lazy="raise")
    role_rows: Mapped[list[MembershipRole]] = relationship(
        lazy="raise", cascade="all, delete-orphan", back_populates="membership"
    )

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(r.role) for r in self.role_rows)

    def has_role(self, *roles: Role | str) -> bool:
        mine = self.roles
        return any(Role(r) in mine for r in roles)


class MembershipRole(OrgScoped, db.Model):
    __tablename__ = "membership_roles"
    __table_args__ = (
        UniqueConstraint("membership_id", "role"),
        Index("ix_membership_roles_org_id_role", "org_id", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))

    membership: Mapped[Membership] = relationship(lazy="raise", back_populates="role_rows")


class ImportStatus(enum.StrEnum):
    pending = "pending"
    committed = "committed"
    discarded = "discarded"


class ImportBatch(OrgScoped, db.Model):
    """An uploaded CSV of people, kept between its preview and the admin's confirmation.

    The content is cleared once the batch is imported or replaced: the people it names are
    then in the organisation itself, and the file is not needed any more.
    """

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    filename: Mapped[str] = mapped_column(String(255), default="")
    content: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ImportStatus] = mapped_column(
        Enum(ImportStatus, name="import_status", native_enum=False, length=20),
        default=ImportStatus.pending,
    )
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
