"""Recording audit events."""

from __future__ import annotations

from ..extensions import db
from .models import AuditEvent


def record_audit(
    org_id: int,
    actor_id: int | None,
    action: str,
    obj: object | None = None,
    subject_user_id: int | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
) -> AuditEvent:
    """Add an audit event for an admin action or a sensitive read; never stores content."""
    event = AuditEvent(
        org_id=org_id,
        actor_id=actor_id,
        action=action,
        object_type=type(obj).__name__ if obj is not None else object_type,
        object_id=getattr(obj, "id", None) if obj is not None else object_id,
        subject_user_id=subject_user_id,
    )
    db.session.add(event)
    return event
