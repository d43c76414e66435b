"""Feedback between colleagues, requests for feedback, and reports of abusive content."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..tenancy import OrgScoped


class Feedback(OrgScoped, db.Model):
    """Private to giver and recipient; the recipient may share it (it then shows in the feed)."""

    __tablename__ = "feedback"
    __table_args__ = (
        UniqueConstraint("giver_id", "client_token"),
        Index("ix_feedback_org_id_recipient_id_created_at", "org_id", "recipient_id", "created_at"),
        Index("ix_feedback_org_id_giver_id_created_at", "org_id", "giver_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    giver_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    went_well: Mapped[str] = mapped_column(Text)
    tip: Mapped[str | None] = mapped_column(Text)
    skill: Mapped[str | None] = mapped_column(String(120))
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("feedback_requests.id", ondelete="SET NULL")
    )
    client_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # moderation of shared pieces
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FeedbackRequest(OrgScoped, db.Model):
    """A person asks one or more colleagues for feedback; it expires after 90 days."""

    __tablename__ = "feedback_requests"
    __table_args__ = (
        UniqueConstraint("requester_id", "client_token"),
        Index("ix_feedback_requests_org_id_requester_id", "org_id", "requester_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    message: Mapped[str | None] = mapped_column(Text)
    client_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FeedbackRequestRecipient(OrgScoped, db.Model):
    __tablename__ = "feedback_request_recipients"
    __table_args__ = (
        UniqueConstraint("request_id", "recipient_id"),
        Index("ix_feedback_request_recipients_org_id_recipient_id", "org_id", "recipient_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_requests.id", ondelete="CASCADE"), index=True
    )
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    feedback_id: Mapped[int | None] = mapped_column(ForeignKey("feedback.id", ondelete="SET NULL"))
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReportedKind(enum.StrEnum):
    post = "post"
    comment = "comment"
    feedback = "feedback"  # a shared piece of feedback


class ContentReport(OrgScoped, db.Model):
    """Someone reports a post, comment or shared feedback (C4); two reports hide it."""

    __tablename__ = "content_reports"
    __table_args__ = (
        UniqueConstraint("reporter_id", "object_kind", "object_id"),
        Index("ix_content_reports_org_id_object", "org_id", "object_kind", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    object_kind: Mapped[ReportedKind] = mapped_column(
        Enum(
            ReportedKind,
            name="reported_kind",
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    object_id: Mapped[int]
    reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when an admin handles the report (restored or removed the item).
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
