"""A person's own choice of nudges (N5): one box per category, on or off.

Switching a category off here or with the link in an e-mail is the same thing: a row in
``nudge_opt_outs``, which the planner reads (no e-mail and no in-app message of that
category is planned any more).
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..db_types import utcnow
from ..extensions import db
from ..orgs.models import Role
from ..permissions import has_role, require_member
from . import bp
from .models import Category
from .preferences_forms import CATEGORY_TEXT, PreferencesForm
from .unsubscribe import opt_in, opt_out, opted_out


def shown_categories(off: set[Category]) -> list[Category]:
    """Every category, but tips for managers only to managers (and to whoever switched
    them off, so they can switch them on again)."""
    return [c for c in Category if c != Category.manager or has_role(Role.manager) or c in off]


@bp.route("/preferences", methods=["GET", "POST"])
@require_member
def preferences():
    off = opted_out(g.org.id, current_user.id)
    shown = shown_categories(off)
    form = PreferencesForm(data={c.value: c not in off for c in shown})
    if form.validate_on_submit():
        now = utcnow()
        for category in shown:
            if form[category.value].data:
                opt_in(g.org.id, current_user.id, category)
            else:
                opt_out(g.org.id, current_user.id, category, "preferences", now)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("nudges.preferences"))
    return render_template(
        "nudges/preferences.html", form=form, shown=shown, texts=CATEGORY_TEXT
    ), (400 if form.errors else 200)
