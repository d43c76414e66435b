"""The admin's moderation queue: reported items with their report count and reasons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select, true

from ..accounts.models import User
from ..extensions import db
from ..feed.models import Comment, SuccessPost
from .models import ContentReport, Feedback, ReportedKind

QUEUE_LIMIT = 100

# Per kind: the model, its author column, the text colleagues saw and when it is public.
# Only what went well of a shared piece (the tip may never have been shared); a piece the
# recipient took back is private again and leaves the queue.
_QUEUE_SOURCES = (
    (ReportedKind.post, SuccessPost, SuccessPost.author_id, SuccessPost.body, true()),
    (ReportedKind.comment, Comment, Comment.author_id, Comment.body, true()),
    (
        ReportedKind.feedback,
        Feedback,
        Feedback.recipient_id,
        Feedback.went_well,
        Feedback.shared_at.is_not(None),
    ),
)


@dataclass
class QueueItem:
    kind: ReportedKind
    object_id: int
    text: str
    author_name: str
    hidden_at: datetime | None
    reports: int
    reasons: str | None
    last_reported_at: datetime


def moderation_queue(org_id: int) -> list[QueueItem]:
    """Items with open reports that are not removed, newest report first (one query per kind)."""
    items: list[QueueItem] = []
    for kind, model, author_column, text_column, public in _QUEUE_SOURCES:
        report = and_(
            ContentReport.org_id == org_id,
            ContentReport.object_kind == kind,
            ContentReport.object_id == model.id,
            ContentReport.resolved_at.is_(None),
        )
        rows = db.session.execute(
            select(
                model.id,
                text_column,
                User.name,
                model.hidden_at,
                func.count(func.distinct(ContentReport.reporter_id)),
                func.aggregate_strings(ContentReport.reason, " · "),
                func.max(ContentReport.created_at),
            )
            .join(ContentReport, report)
            .join(User, User.id == author_column)
            .where(model.org_id == org_id, model.removed_at.is_(None), public)
            .group_by(model.id, text_column, User.name, model.hidden_at)
            .order_by(func.max(ContentReport.created_at).desc())
            .limit(QUEUE_LIMIT)
        )
        items.extend(QueueItem(kind, *row) for row in rows)
    return sorted(items, key=lambda item: item.last_reported_at, reverse=True)
