"""The admin's respect settings for nudges (N5): at most N nudge e-mails per person a
week, and quiet hours and days when no nudge e-mail goes out (the organisation's time
zone). Only in a company, only for its admins; every change is in the audit log."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..orgs.models import Role
from ..permissions import only_in, require_roles
from . import bp
from .campaigns import (
    save_respect_settings,
)
from .forms import RespectSettingsForm
from .schedule import quiet_day_numbers
from .words import (
    quiet_in_words,
    zone_in_words,
)


@bp.route("/settings", methods=["GET", "POST"])
@only_in("company")
@require_roles(Role.admin)
def settings():
    """The weekly e-mail cap and quiet hours and days."""
    if request.method == "GET":
        form = RespectSettingsForm(formdata=None)
        form.nudge_email_cap.data = g.org.nudge_email_cap
        form.quiet_from.data = g.org.quiet_from
        form.quiet_until.data = g.org.quiet_until
        form.quiet_days.data = sorted(quiet_day_numbers(g.org))
    else:
        form = RespectSettingsForm()
        if form.validate_on_submit():
            changed = save_respect_settings(
                g.org,
                current_user.id,
                email_cap=form.nudge_email_cap.data,
                quiet_from=form.quiet_from.data,
                quiet_until=form.quiet_until.data,
                quiet_days=list(form.quiet_days.data or []),
            )
            db.session.commit()
            flash(_("Saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("nudges.settings"))
    return render_template(
        "nudges/settings.html",
        form=form,
        quiet_words=quiet_in_words(g.org),
        zone=zone_in_words(g.org),
    ), (400 if form.errors else 200)
