"""Posting and reacting in the feed. Services flush; routes commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..activity.models import ActivityKind
from ..activity.services import record_activity
from ..extensions import db
from .models import Audience, PostKind, SuccessPost


def publish_shared_feedback(
    org_id: int,
    recipient_id: int,
    team_id: int | None,
    feedback_id: int,
    body: str,
    now: datetime,
) -> SuccessPost:
    """Show a piece of feedback the recipient chose to share in their team's feed.

    ``body`` is what the recipient chose to share (their words or the feedback's).
    Sharing twice returns the same post.
    """
    existing = db.session.scalars(
        select(SuccessPost).where(
            SuccessPost.org_id == org_id, SuccessPost.feedback_id == feedback_id
        )
    ).first()
    if existing is not None:
        return existing
    post = SuccessPost(
        org_id=org_id,
        kind=PostKind.shared_feedback,
        author_id=recipient_id,
        team_id=team_id,
        audience=Audience.team,
        body=body,
        feedback_id=feedback_id,
        client_token=f"feedback-{feedback_id}",
        created_at=now,
    )
    db.session.add(post)
    db.session.flush()
    record_activity(org_id, recipient_id, ActivityKind.feedback_shared, post, now)
    return post
