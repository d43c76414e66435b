"""Notification centre: a bell with the unread count (polled by htmx) and a list."""

from __future__ import annotations

from flask import g, redirect, render_template, url_for
from flask_login import current_user

from ..db_types import utcnow
from ..extensions import db
from ..orgs.forms import ConfirmForm
from ..permissions import require_member
from ..tenancy import scoped_get_or_404
from . import bp
from .models import Notification
from .queries import latest, unread_count
from .services import mark_read


@bp.app_context_processor
def bell_context() -> dict:
    """The bell in the header shows the unread count of the current organisation."""

    def unread_notifications() -> int:
        if "unread_notifications" not in g:
            g.unread_notifications = (
                unread_count(g.org.id, current_user.id)
                if g.get("org") is not None and current_user.is_authenticated
                else 0
            )
        return g.unread_notifications

    return {"unread_notifications": unread_notifications}


@bp.get("/")
@require_member
def index():
    items = latest(g.org.id, current_user.id)
    return render_template(
        "notifications/index.html",
        items=items,
        unread=sum(1 for n in items if n.read_at is None),
        confirm=ConfirmForm(),
    )


@bp.get("/bell")
@require_member
def bell():
    return render_template(
        "notifications/_bell.html", unread=unread_count(g.org.id, current_user.id)
    )


@bp.post("/read")
@require_member
def read_all():
    if ConfirmForm().validate_on_submit():
        mark_read(g.org.id, current_user.id, utcnow())
        db.session.commit()
    return redirect(url_for("notifications.index"))


@bp.post("/<int:notification_id>/read")
@require_member
def read_one(notification_id: int):
    # Scoped to the person: someone else's notification is as missing as a wrong id.
    note = scoped_get_or_404(Notification, notification_id, user_id=current_user.id)
    if ConfirmForm().validate_on_submit():
        mark_read(g.org.id, current_user.id, utcnow(), note.id)
        db.session.commit()
    return redirect(url_for("notifications.index"))
