"""Learning offers, who signed up, and wishes ("I would like to learn ...")."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..tenancy import OrgScoped


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(
        cls, name=name, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]
    )


class OfferFormat(enum.StrEnum):
    on_the_job = "on_the_job"
    micro = "micro"  # micro-learning: minutes, on a phone
    classroom = "classroom"
    online = "online"
    coaching = "coaching"
    colleague = "colleague"  # taught by a colleague (F6)


class Offer(OrgScoped, db.Model):
    """An offer owned by ``org_id``; other organisations see it through OfferVisibility."""

    __tablename__ = "offers"
    __table_args__ = (
        Index("ix_offers_org_id_active", "org_id", "active"),
        UniqueConstraint("created_by_id", "client_token"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    format: Mapped[OfferFormat] = mapped_column(_enum(OfferFormat, "offer_format"))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    in_work_time: Mapped[bool] = mapped_column(default=True)
    cost_covered: Mapped[bool] = mapped_column(default=True)
    cost_cents: Mapped[int | None] = mapped_column(Integer)  # what it costs, if anything
    has_exam: Mapped[bool] = mapped_column(default=False)
    level: Mapped[str | None] = mapped_column(String(60))
    language: Mapped[str] = mapped_column(String(5), default="nl")
    on_site: Mapped[bool] = mapped_column(default=False)  # at our own workplace ("near me")
    place: Mapped[str | None] = mapped_column(String(160))
    provider: Mapped[str | None] = mapped_column(String(160))
    url: Mapped[str | None] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(default=True)
    # An event or session on a set day (a union learning day, U4; a colleague session, F6)
    # has a start and at most ``capacity`` places across every organisation that sees it.
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    capacity: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # A random token from the "new offer" form: a double submit finds the same row.
    client_token: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class OfferVisibility(OrgScoped, db.Model):
    """``org_id`` may see the offer (shared by a union or sector fund; used by later issues)."""

    __tablename__ = "offer_visibility"
    __table_args__ = (UniqueConstraint("org_id", "offer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SignupStatus(enum.StrEnum):
    interested = "interested"
    signed_up = "signed_up"
    completed = "completed"
    cancelled = "cancelled"


class OfferSignup(OrgScoped, db.Model):
    """A person's interest in or sign-up for an offer; ``org_id`` is the person's organisation."""

    __tablename__ = "offer_signups"
    __table_args__ = (
        # org_id too: a person in two organisations signs up for a shared offer in each.
        UniqueConstraint("org_id", "offer_id", "user_id"),
        Index("ix_offer_signups_org_id_offer_id_status", "org_id", "offer_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[SignupStatus] = mapped_column(_enum(SignupStatus, "signup_status"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LearningWish(OrgScoped, db.Model):
    """ "I would like to learn ..." (F5), or "I want to learn this too" from a post (D3).

    Admins and ambassadors see only counts per topic or offer, at or above the
    organisation's minimum group size, never who.
    """

    __tablename__ = "learning_wishes"
    __table_args__ = (
        UniqueConstraint("org_id", "user_id", "source_post_id"),
        UniqueConstraint("org_id", "user_id", "offer_id"),
        Index("ix_learning_wishes_org_id_topic_key", "org_id", "topic_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(200))
    # Lower-case, trimmed text: wishes with the same key are counted together.
    topic_key: Mapped[str] = mapped_column(String(200))
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id", ondelete="SET NULL"))
    source_post_id: Mapped[int | None] = mapped_column(
        ForeignKey("success_posts.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
