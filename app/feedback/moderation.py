"""Reporting abusive content (C4): posts, comments and shared feedback.

An item reported by two different people is hidden at once; an admin then restores or
removes it. The author always still sees their own item. A reporter no longer sees what
they reported. The author is told in plain words whenever their item is hidden, removed
or shown again. A shared piece of feedback is both a Feedback row and a post in the feed:
what happens to one happens to the other.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, exists, func, not_, or_, select, update

from ..audit.services import record_audit
from ..db_utils import insert_or_ignore
from ..extensions import db
from ..feed.models import Comment, SuccessPost
from ..notifications.services import notify
from .models import ContentReport, Feedback, ReportedKind

HIDE_AFTER_REPORTS = 2

REPORTABLE = {
    ReportedKind.post: (SuccessPost, "author_id"),
    ReportedKind.comment: (Comment, "author_id"),
    ReportedKind.feedback: (Feedback, "recipient_id"),
}


def reportable_item(org_id: int, kind: ReportedKind, object_id: int, reporter=None):
    """The item, if it exists in this organisation, is public to colleagues and not removed.

    With ``reporter`` (a ``feed.queries.Viewer``) the item must also be one that person can
    see in the feed: a post itself, a comment through its post, shared feedback through its
    post. A person who already reported it (and so no longer sees it) may send again. For
    anyone else the item is as missing as a wrong id.
    """
    model, _author = REPORTABLE[kind]
    statement = select(model).where(
        model.id == object_id, model.org_id == org_id, model.removed_at.is_(None)
    )
    if model is Feedback:
        statement = statement.where(Feedback.shared_at.is_not(None))
    item = db.session.scalars(statement).first()
    if item is None or reporter is None or _reported_by(org_id, kind, object_id, reporter.user_id):
        return item
    return item if _reporter_can_see(org_id, kind, item, reporter) else None


def _reported_by(org_id: int, kind: ReportedKind, object_id: int, reporter_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    ContentReport.org_id == org_id,
                    ContentReport.object_kind == kind,
                    ContentReport.object_id == object_id,
                    ContentReport.reporter_id == reporter_id,
                    ContentReport.resolved_at.is_(None),
                )
            )
        )
    )


def _reporter_can_see(org_id: int, kind: ReportedKind, item, reporter) -> bool:
    # The feed decides who sees a post (imported here: the feed's queries import this module).
    from ..feed.queries import can_see_post

    if kind == ReportedKind.post:
        post_id = item.id
    elif kind == ReportedKind.comment:
        post_id = item.post_id
    else:
        post_id = db.session.scalar(
            select(SuccessPost.id).where(
                SuccessPost.org_id == org_id, SuccessPost.feedback_id == item.id
            )
        )
        if post_id is None:
            return False
    return can_see_post(reporter, post_id)


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
        _mirror(kind, item)
        # Once per item: a later report or a retry does not tell the author again.
        _tell_author(org_id, kind, item, "content_hidden", now, f"hidden:{kind}:{item.id}")
    return item.hidden_at is not None


class ModerationAction:
    hide = "hide"
    restore = "restore"
    remove = "remove"


NOTIFICATION_KINDS = {
    ModerationAction.hide: "content_hidden",
    ModerationAction.restore: "content_restored",
    ModerationAction.remove: "content_removed",
}


def moderate(
    org_id: int, admin_id: int, kind: ReportedKind, item, action: str, now: datetime
) -> None:
    """An admin hides an item at once, shows it again, or removes it for good.

    Restoring or removing closes the open reports. Audit-logged without content; the author
    is told in plain words (of a restore only when the item had been hidden).
    """
    was_hidden = item.hidden_at is not None
    if action == ModerationAction.hide:
        item.hidden_at = item.hidden_at or now
    elif action == ModerationAction.restore:
        item.hidden_at = None
    elif action == ModerationAction.remove:
        item.removed_at = item.removed_at or now
    else:
        raise ValueError(action)
    if action != ModerationAction.hide:
        db.session.execute(
            update(ContentReport)
            .where(
                ContentReport.org_id == org_id,
                ContentReport.object_kind == kind,
                ContentReport.object_id == item.id,
                ContentReport.resolved_at.is_(None),
            )
            .values(resolved_at=now)
            .execution_options(synchronize_session=False)
        )
    _mirror(kind, item)
    author_id = _author_id(kind, item)
    record_audit(org_id, admin_id, f"content.{action}", item, subject_user_id=author_id)
    if action != ModerationAction.restore or was_hidden:
        _tell_author(org_id, kind, item, NOTIFICATION_KINDS[action], now)
    db.session.flush()


def _author_id(kind: ReportedKind, item) -> int:
    return getattr(item, REPORTABLE[kind][1])


def _tell_author(org_id, kind, item, notification_kind, now, dedupe_key=None) -> None:
    payload = {"what": str(kind), "object_id": item.id}
    if kind == ReportedKind.comment:
        payload["post_id"] = item.post_id
    if kind == ReportedKind.post and item.feedback_id is not None:
        payload["feedback_id"] = item.feedback_id
    notify(org_id, _author_id(kind, item), notification_kind, payload, now, dedupe_key)


def _mirror(kind: ReportedKind, item) -> None:
    """Keep a shared piece of feedback and its post in the feed in the same state.

    Removal is for good and goes both ways; taking a piece back (un-sharing) is not
    moderation and only touches the post's own ``removed_at``.
    """
    if kind == ReportedKind.feedback:
        other = db.session.scalars(
            select(SuccessPost).where(
                SuccessPost.org_id == item.org_id, SuccessPost.feedback_id == item.id
            )
        ).first()
    elif kind == ReportedKind.post and item.feedback_id is not None:
        other = db.session.scalars(
            select(Feedback).where(Feedback.org_id == item.org_id, Feedback.id == item.feedback_id)
        ).first()
    else:
        return
    if other is None:
        return
    other.hidden_at = item.hidden_at
    if item.removed_at is not None and other.removed_at is None:
        other.removed_at = item.removed_at


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
