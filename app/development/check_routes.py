"""The learning check (E4): questions, my result with next steps, delete, admin counts.

The answers are the person's only: every page here reads the current person's own check,
whatever their role; the admin's overview shows counts of at least the minimum group size.
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..db_types import utcnow
from ..extensions import db
from ..htmx import redirect_to, render
from ..offers.display import duration_words, format_label
from ..orgs.forms import ConfirmForm
from ..orgs.models import Role
from ..permissions import require_member, require_roles
from . import bp
from .check_forms import check_form
from .check_queries import (
    AMBASSADOR_FACTORS,
    ambassador_names,
    check_overview,
    my_check,
    my_factor_weights,
    suggested_offers,
)
from .check_services import delete_check, save_check
from .checks import ABOUT_YOU, FACTOR_NAMES, QUESTIONS, first_step_title

PAGE = "development/check/check.html"
FORM = "development/check/_form.html"


@bp.route("/check", methods=["GET", "POST"])
@require_member
def check():
    """The intro and the questions; sending them stores my answers and shows my result."""
    existing = my_check(g.org.id, current_user.id)
    if request.method == "GET":
        form = check_form(dict(existing.answers or {}) if existing else None)
    else:
        form = check_form()
        if form.validate_on_submit():
            save_check(g.org.id, current_user.id, form.answers(), utcnow())
            db.session.commit()
            return redirect_to(url_for("development.check_result"))
    status = 400 if request.method == "POST" else 200
    return render(PAGE, FORM, form=form, existing=existing, question_count=len(QUESTIONS)), status


@bp.get("/check/result")
@require_member
def check_result():
    """My result: what helps, what can get in the way, and two or three next steps."""
    existing = my_check(g.org.id, current_user.id)
    if existing is None:
        # Never taken (or deleted): the intro, with a way to start.
        return render_template("development/check/intro_page.html", question_count=len(QUESTIONS))
    weights = my_factor_weights(g.org.id, current_user.id)
    profile = frozenset(factor for factor, _weight in weights)
    about = [(factor, ABOUT_YOU[factor]) for factor, _weight in weights if factor in ABOUT_YOU]
    wants_talk = bool(profile & AMBASSADOR_FACTORS)
    return render_template(
        "development/check/result.html",
        existing=existing,
        answered=len(existing.answers or {}),
        question_count=len(QUESTIONS),
        helps=[(factor, text) for factor, text in about if not factor.is_barrier],
        hurdles=[(factor, text) for factor, text in about if factor.is_barrier],
        offers=suggested_offers(g.org.id, current_user.id, profile),
        wants_talk=wants_talk,
        ambassadors=ambassador_names(g.org.id, current_user.id) if wants_talk else [],
        first_step=first_step_title(profile),
        confirm=ConfirmForm(formdata=None),
        format_label=format_label,
        duration_words=duration_words,
    )


@bp.post("/check/delete")
@require_member
def check_delete():
    """Delete my answers and the profile made from them."""
    if ConfirmForm().validate_on_submit():
        deleted = delete_check(g.org.id, current_user.id)
        db.session.commit()
        if deleted:
            flash(_("Your answers are deleted."), "success")
    return redirect(url_for("development.check"))


@bp.get("/check/overview", endpoint="check_overview")
@require_roles(Role.admin)
def check_overview_page():
    """For the admin: how many people took the check and have each factor; never who."""
    return render_template(
        "development/check/overview.html",
        overview=check_overview(g.org.id, g.org.min_group_size),
        factor_names=FACTOR_NAMES,
        min_group_size=g.org.min_group_size,
    )
