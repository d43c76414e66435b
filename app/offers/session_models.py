"""Learn it from a colleague (F6): a colleague's proposal for a session, and its dates.

When the admin approves, every date becomes an ``Offer`` with format "colleague" (in work
time, no exam, free, at our own workplace), linked from ``ColleagueSessionDate.offer_id``.
Sign-ups then work as for any other offer.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..tenancy import OrgScoped
from .models import _enum


class SessionStatus(enum.StrEnum):
    proposed = "proposed"
    approved = "approved"
    rejected = "rejected"
    withdrawn = "withdrawn"  # the teacher took it back


class ColleagueSession(OrgScoped, db.Model):
    """A colleague offers to teach what they know; the admin approves or rejects it."""

    __tablename__ = "colleague_sessions"
    __table_args__ = (
        UniqueConstraint("org_id", "teacher_id", "client_token"),
        Index("ix_colleague_sessions_org_id_status", "org_id", "status"),
        Index("ix_colleague_sessions_org_id_skill_id", "org_id", "skill_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(160))
    what_you_learn: Mapped[str] = mapped_column(Text, default="")
    duration_minutes: Mapped[int] = mapped_column(Integer)
    place: Mapped[str] = mapped_column(String(160), default="")  # "at machine 4, hall B"
    capacity: Mapped[int] = mapped_column(Integer)
    # What the teacher knows: one of their confirmed skills, or an offer they finished.
    skill_id: Mapped[int | None] = mapped_column(ForeignKey("skills.id", ondelete="SET NULL"))
    source_offer_id: Mapped[int | None] = mapped_column(
        ForeignKey("offers.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[SessionStatus] = mapped_column(
        _enum(SessionStatus, "session_status"), default=SessionStatus.proposed
    )
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(String(300), default="")
    # A random token from the form: a double submit finds the same proposal.
    client_token: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ColleagueSessionDate(OrgScoped, db.Model):
    """One date of a session; ``offer_id`` is set when the admin approves."""

    __tablename__ = "colleague_session_dates"
    __table_args__ = (
        UniqueConstraint("session_id", "starts_at"),
        Index("ix_colleague_session_dates_org_id_session_id", "org_id", "session_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("colleague_sessions.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    offer_id: Mapped[int | None] = mapped_column(
        ForeignKey("offers.id", ondelete="SET NULL"), unique=True
    )
    # When the teacher and participants were asked to log it (after the session).
    followed_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
