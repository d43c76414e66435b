"""Role profiles (R1): what a job needs now and later, and what the company gives for it.

Skills come from the organisation's one vocabulary (``app.development.skills_models.Skill``),
the same one the skills passport uses. A person's role is ``Membership.job_role_id``.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..development.models import str_enum
from ..development.skills_models import Skill
from ..extensions import db
from ..tenancy import OrgScoped


class Horizon(enum.StrEnum):
    """When the role needs the skill."""

    now = "now"
    within_year = "within_year"
    two_three_years = "two_three_years"


class RewardKind(enum.StrEnum):
    """What the company gives when the skill is reached (D-OUT)."""

    none = "none"
    pay_step = "pay_step"
    new_role = "new_role"
    certificate = "certificate"
    other = "other"


class JobRole(OrgScoped, db.Model):
    """A job or job family ("Order picker"), with the skills it needs."""

    __tablename__ = "job_roles"
    __table_args__ = (UniqueConstraint("org_id", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # Lower case, single spaces: "Order picker" and "order  picker" are one role.
    name_key: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RoleSkill(OrgScoped, db.Model):
    """A skill a role needs: when (horizon), why (in plain words) and what it gives."""

    __tablename__ = "role_skills"
    __table_args__ = (
        UniqueConstraint("role_id", "skill_id"),
        Index("ix_role_skills_org_id_role_id", "org_id", "role_id"),
        Index("ix_role_skills_org_id_skill_id", "org_id", "skill_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("job_roles.id", ondelete="CASCADE"))
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"))
    horizon: Mapped[Horizon] = mapped_column(str_enum(Horizon, "skill_horizon"))
    reason: Mapped[str] = mapped_column(String(300), default="")
    reward_kind: Mapped[RewardKind] = mapped_column(
        str_enum(RewardKind, "reward_kind"), default=RewardKind.none
    )
    reward_text: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    skill: Mapped[Skill] = relationship(lazy="raise")


class RoleSkillOffer(OrgScoped, db.Model):
    """An offer that teaches a role's skill (the offer may be shared by a union)."""

    __tablename__ = "role_skill_offers"
    __table_args__ = (
        UniqueConstraint("role_skill_id", "offer_id"),
        Index("ix_role_skill_offers_org_id_role_skill_id", "org_id", "role_skill_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role_skill_id: Mapped[int] = mapped_column(ForeignKey("role_skills.id", ondelete="CASCADE"))
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
