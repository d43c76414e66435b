"""The outbox table (N4): one row per message, under a unique key."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime, utcnow
from ..extensions import db


class OutboxStatus(enum.StrEnum):
    pending = "pending"
    sending = "sending"
    sent = "sent"
    failed = "failed"  # will be retried at next_attempt_at
    dead = "dead"  # permanent failure, kept for the record
    # Nudge rows only (N6):
    held_out = "held_out"  # the person is in the campaign's holdout group: never sent
    skipped = "skipped"  # no longer relevant when it was time to send (reason in last_error)


class OutboxMessage(db.Model):
    """A message waiting to be sent. System table: sign-in mail belongs to no organisation.

    Nudge rows (``nudge_type`` set) are planned in bulk by ``app.nudges.planner`` with
    empty subject and body; the drainer renders them for the person just before sending
    (e-mail) or turns them into a notification (``channel == "in_app"``).
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),
        # The weekly cap (N5) counts a person's nudge e-mails since a moment.
        Index("ix_outbox_messages_org_id_user_id_planned_at", "org_id", "user_id", "planned_at"),
        # The effect report (N6) reads one campaign's rows.
        Index("ix_outbox_messages_campaign_id_user_id", "campaign_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(60))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    status: Mapped[OutboxStatus] = mapped_column(
        Enum(OutboxStatus, name="outbox_status", native_enum=False, length=10),
        default=OutboxStatus.pending,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # --- Nudges (N4-N6); NULL for other mail -----------------------------------------
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("nudge_campaigns.id", ondelete="CASCADE")
    )
    nudge_type: Mapped[str | None] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(10), default="email", server_default="email")
    ref_id: Mapped[int | None]  # the object a nudge is about (a follow-up, a post), if any
    holdout: Mapped[bool] = mapped_column(default=False, server_default=false())
    planned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the period's moment
    convert_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # conversion window
    payload: Mapped[dict | None] = mapped_column(JSON)  # ids only, for rendering
