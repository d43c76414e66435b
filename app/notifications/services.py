"""notify(): the one way any feature tells a person something in the app."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update

from ..db_utils import insert_or_ignore
from ..extensions import db
from .models import Notification


def notify(
    org_id: int,
    user_id: int,
    kind: str,
    payload: dict[str, Any],
    now: datetime,
    dedupe_key: str | None = None,
) -> bool:
    """Add a notification for ``user_id``; with a ``dedupe_key`` a repeat is a no-op.

    ``payload`` holds ids and short plain texts for the kind's template
    (``templates/notifications/kinds/<kind>.html``). Returns True when one was added.
    """
    values = {
        "org_id": org_id,
        "user_id": user_id,
        "kind": kind,
        "payload": payload,
        "dedupe_key": dedupe_key,
        "created_at": now,
    }
    if dedupe_key is None:
        db.session.add(Notification(**values))
        return True
    return insert_or_ignore(Notification, values, ["org_id", "user_id", "dedupe_key"]) is not None


def mark_read(org_id: int, user_id: int, now: datetime, notification_id: int | None = None) -> int:
    """Mark one (or all) of the person's unread notifications read; returns how many."""
    statement = update(Notification).where(
        Notification.org_id == org_id,
        Notification.user_id == user_id,
        Notification.read_at.is_(None),
    )
    if notification_id is not None:
        statement = statement.where(Notification.id == notification_id)
    result = db.session.execute(
        statement.values(read_at=now).execution_options(synchronize_session=False)
    )
    return result.rowcount


def mark_read_by_key(org_id: int, user_id: int, key_prefix: str, now: datetime) -> int:
    """Mark the person's unread notifications whose dedupe key starts with ``key_prefix``
    read: what they were about is done (e.g. a request answered on another page)."""
    result = db.session.execute(
        update(Notification)
        .where(
            Notification.org_id == org_id,
            Notification.user_id == user_id,
            Notification.read_at.is_(None),
            Notification.dedupe_key.startswith(key_prefix, autoescape=True),
        )
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
