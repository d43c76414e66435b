"""Skills passport (E3): one skills vocabulary per organisation, the skills a person has,
and confirmations by a colleague, an ambassador or a named expert.

The vocabulary (``Skill``) is shared with role profiles (R1, careers issue).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..tenancy import OrgScoped
from .models import str_enum


class Skill(OrgScoped, db.Model):
    """A skill in the organisation's vocabulary ("Reach truck driving")."""

    __tablename__ = "skills"
    __table_args__ = (UniqueConstraint("org_id", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # Lower case, single spaces: "Reach truck" and "reach  truck" are one skill.
    name_key: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PersonSkill(OrgScoped, db.Model):
    """A skill in a person's passport: claimed by them, confirmed by others.

    ``badge_uid`` is the public, unguessable id of its Open Badges assertion; it is set
    when the skill is first confirmed and cleared when the skill leaves the passport.
    """

    __tablename__ = "person_skills"
    __table_args__ = (
        UniqueConstraint("org_id", "user_id", "skill_id"),
        Index("ix_person_skills_org_id_skill_id", "org_id", "skill_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(String(300), default="")
    badge_uid: Mapped[str | None] = mapped_column(String(36), unique=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # first confirmation
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    skill: Mapped[Skill] = relationship(lazy="raise")


class ConfirmerRole(enum.StrEnum):
    colleague = "colleague"
    ambassador = "ambassador"
    expert = "expert"  # a named expert: a member, or someone outside reached by e-mail


class ConfirmationStatus(enum.StrEnum):
    pending = "pending"
    confirmed = "confirmed"
    declined = "declined"
    withdrawn = "withdrawn"  # the person took the request back or removed the skill
    expired = "expired"


class SkillConfirmation(OrgScoped, db.Model):
    """A request to confirm a skill, and its answer (one tap: confirm or decline).

    The confirmer is a member of the organisation (``confirmer_id``) or a named expert
    outside it (``expert_name``, ``expert_email``), who answers through a single-use
    link; only the link's SHA-256 hash is stored.
    """

    __tablename__ = "skill_confirmations"
    __table_args__ = (
        UniqueConstraint("person_skill_id", "confirmer_id"),
        UniqueConstraint("person_skill_id", "expert_email"),
        Index(
            "ix_skill_confirmations_org_id_confirmer_id_status", "org_id", "confirmer_id", "status"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_skill_id: Mapped[int] = mapped_column(
        ForeignKey("person_skills.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    confirmer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    confirmer_role: Mapped[ConfirmerRole] = mapped_column(str_enum(ConfirmerRole, "confirmer_role"))
    expert_name: Mapped[str | None] = mapped_column(String(120))
    expert_email: Mapped[str | None] = mapped_column(String(254))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    status: Mapped[ConfirmationStatus] = mapped_column(
        str_enum(ConfirmationStatus, "confirmation_status"), default=ConfirmationStatus.pending
    )
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person_skill: Mapped[PersonSkill] = relationship(lazy="raise")
