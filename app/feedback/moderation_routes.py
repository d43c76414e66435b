"""Anyone can report a post, comment or shared piece of feedback; admins handle reports."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.routes import safe_next
from ..db_types import utcnow
from ..extensions import db, htmx
from ..feed.models import Comment, SuccessPost
from ..feed.queries import Viewer
from ..htmx import render
from ..orgs.models import Role
from ..permissions import require_member, require_roles
from ..tenancy import scoped_get_or_404
from . import bp
from .forms import ModerationForm, ReportForm
from .models import ReportedKind
from .moderation import moderate, report_content, reportable_item
from .moderation_queries import moderation_queue


@bp.post("/report/posts/<int:post_id>")
@require_member
def report_post(post_id: int):
    return _report(ReportedKind.post, post_id)


@bp.post("/report/comments/<int:comment_id>")
@require_member
def report_comment(comment_id: int):
    return _report(ReportedKind.comment, comment_id)


@bp.post("/report/shared-feedback/<int:feedback_id>")
@require_member
def report_feedback(feedback_id: int):
    return _report(ReportedKind.feedback, feedback_id)


def _report(reported_kind: ReportedKind, object_id: int):
    reporter = Viewer(org_id=g.org.id, user_id=current_user.id, team_id=g.membership.team_id)
    item = reportable_item(g.org.id, reported_kind, object_id, reporter)
    if item is None:
        abort(404)
    form = ReportForm()
    if form.validate_on_submit():
        report_content(g.org.id, current_user.id, reported_kind, item, form.reason.data, utcnow())
        db.session.commit()
        flash(_("Thank you. You will not see this any more. An admin will look at it."), "success")
    elif form.reason.errors:
        flash(
            _("Your report was not sent. Please keep the reason to at most 300 characters."),
            "error",
        )
    else:
        flash(_("Your report was not sent. Please try again."), "error")
    return redirect(safe_next(request.form.get("next")) or url_for("main.org_home"))


@bp.get("/moderation")
@require_roles(Role.admin)
def moderation():
    """Reported posts, comments and shared feedback: how often, why, and whether hidden."""
    return render(
        "feedback/moderation.html",
        "feedback/_moderation_queue.html",
        items=moderation_queue(g.org.id),
        form=ModerationForm(),
    )


@bp.post("/moderation/posts/<int:post_id>")
@require_roles(Role.admin)
def moderate_post(post_id: int):
    return _moderate(ReportedKind.post, scoped_get_or_404(SuccessPost, post_id))


@bp.post("/moderation/comments/<int:comment_id>")
@require_roles(Role.admin)
def moderate_comment(comment_id: int):
    return _moderate(ReportedKind.comment, scoped_get_or_404(Comment, comment_id))


@bp.post("/moderation/shared-feedback/<int:feedback_id>")
@require_roles(Role.admin)
def moderate_feedback(feedback_id: int):
    # Only shared pieces are the admin's business; private feedback is as missing as a wrong id.
    item = reportable_item(g.org.id, ReportedKind.feedback, feedback_id)
    if item is None:
        abort(404)
    return _moderate(ReportedKind.feedback, item)


def _moderate(reported_kind: ReportedKind, item):
    form = ModerationForm()
    message = None
    if form.validate_on_submit():
        if item.removed_at is None:
            moderate(g.org.id, current_user.id, reported_kind, item, form.action.data, utcnow())
            db.session.commit()
        message = {
            "hide": _("Hidden. The author was told."),
            "restore": _("Done. Everyone can see it and the reports are closed."),
            "remove": _("Removed. The author was told."),
        }[form.action.data]
    if htmx:
        return render_template(
            "feedback/_moderation_queue.html",
            items=moderation_queue(g.org.id),
            form=ModerationForm(formdata=None),
            message=message,
        )
    if message:
        flash(message, "success")
    return redirect(url_for("feedback.moderation"))
