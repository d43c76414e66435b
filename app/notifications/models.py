"""A notification for one person in one organisation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..tenancy import OrgScoped


class Notification(OrgScoped, db.Model):
    """``kind`` picks the template; ``payload`` holds ids and short texts, never private content."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("org_id", "user_id", "dedupe_key"),
        Index("ix_notifications_org_id_user_id_read_at", "org_id", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Same key for the same person: the second notify() is a no-op (double clicks, retries).
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
