"""Anyone can report a post, comment or shared piece of feedback."""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.routes import safe_next
from ..db_types import utcnow
from ..extensions import db
from ..permissions import require_member
from . import bp
from .forms import ReportForm
from .models import ReportedKind
from .moderation import report_content, reportable_item


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
    item = reportable_item(g.org.id, reported_kind, object_id)
    if item is None:
        abort(404)
    form = ReportForm()
    if form.validate_on_submit():
        report_content(g.org.id, current_user.id, reported_kind, item, form.reason.data, utcnow())
        db.session.commit()
        flash(_("Thank you. You will not see this any more. An admin will look at it."), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("main.org_home"))
