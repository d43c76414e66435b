"""Reporting abusive content (C4): posts, comments and shared feedback.

An item reported by two different people is hidden at once; an admin then restores or
removes it. The author always still sees their own item. A reporter no longer sees what
they reported.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, exists, func, not_, or_, select

from ..db_utils import insert_or_ignore
from ..extensions import db
from ..feed.models import Comment, SuccessPost
from .models import ContentReport, Feedback, ReportedKind

HIDE_AFTER_REPORTS = 2

REPORTABLE = {
    ReportedKind.post: (SuccessPost, "author_id"),
    ReportedKind.comment: (Comment, "author_id"),
    ReportedKind.feedback: (Feedback, "recipient_id"),
}


def reportable_item(org_id: int, kind: ReportedKind, object_id: int):
    """The item, if it exists in this organisation, is public to colleagues and not removed."""
    model, _author = REPORTABLE[kind]
    statement = select(model).where(
        model.id == object_id, model.org_id == org_id, model.removed_at.is_(None)
    )
    if model is Feedback:
        statement = statement.where(Feedback.shared_at.is_not(None))
    return db.session.scalars(statement).first()


def report_content(
    org_id: int, reporter_id: int, kind: ReportedKind, item, reason: str | None, now: datetime
) -> bool:
    """Record a report (once per person); returns True when the item is now hidden."""
    insert_or_ignore(
        ContentReport,
        {
            "org_id": org_id,
            "reporter_id": reporter_id,
            "object_kind": kind,
            "object_id": item.id,
            "reason": (reason or "").strip()[:300] or None,
            "created_at": now,
        },
        ["reporter_id", "object_kind", "object_id"],
    )
    reporters = db.session.scalar(
        select(func.count(func.distinct(ContentReport.reporter_id))).where(
            ContentReport.org_id == org_id,
            ContentReport.object_kind == kind,
            ContentReport.object_id == item.id,
            ContentReport.resolved_at.is_(None),
        )
    )
    if reporters >= HIDE_AFTER_REPORTS and item.hidden_at is None:
        item.hidden_at = now
    return item.hidden_at is not None


def visible_to(model, kind: ReportedKind, viewer_id: int):
    """SQL condition: the item is not removed, not hidden (unless the viewer wrote it) and
    not reported by the viewer. Use it in every query that lists posts, comments or shared
    feedback for colleagues."""
    _model, author_column = REPORTABLE[kind]
    author = getattr(model, author_column)
    reported_by_viewer = exists().where(
        ContentReport.object_kind == kind,
        ContentReport.object_id == model.id,
        ContentReport.reporter_id == viewer_id,
        ContentReport.resolved_at.is_(None),
    )
    return and_(
        model.removed_at.is_(None),
        or_(author == viewer_id, and_(model.hidden_at.is_(None), not_(reported_by_viewer))),
    )
