"""Recording activity events."""

from __future__ import annotations

from datetime import datetime

from ..extensions import db
from .models import ActivityEvent, ActivityKind


def record_activity(
    org_id: int, user_id: int | None, kind: ActivityKind, obj: object | None, now: datetime
) -> ActivityEvent:
    """Add a typed event (who, kind, which object, when) for later counting in SQL."""
    event = ActivityEvent(
        org_id=org_id,
        user_id=user_id,
        kind=str(kind),
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=getattr(obj, "id", None),
        created_at=now,
    )
    db.session.add(event)
    return event
