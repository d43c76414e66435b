"""The notification centre's read models."""

from __future__ import annotations

from sqlalchemy import func, select

from ..extensions import db
from .models import Notification

PAGE_SIZE = 30


def unread_count(org_id: int, user_id: int) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.org_id == org_id,
            Notification.user_id == user_id,
            Notification.read_at.is_(None),
        )
    )


def latest(org_id: int, user_id: int, limit: int = PAGE_SIZE) -> list[Notification]:
    """The person's newest notifications, unread first."""
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.org_id == org_id, Notification.user_id == user_id)
            .order_by(Notification.read_at.is_not(None), Notification.created_at.desc())
            .limit(limit)
        )
    )
