"""The admin's ambassador pages (B1): who is an ambassador now and who was, appoint
someone from the organisation's people, change a profile and the hours granted, retire.

Only in a company. The admin sees profiles and hours granted, never conversations.
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import User
from ..db_types import utcnow
from ..extensions import db
from ..forms import options, query_int
from ..orgs.forms import ConfirmForm
from ..orgs.models import Role
from ..permissions import only_in, require_roles
from ..tenancy import scoped_get_or_404
from . import bp
from .booking import directory_cards
from .directory_forms import AdminProfileForm, AppointForm, channel_label
from .models import AmbassadorProfile
from .profiles import (
    appoint_candidates,
    membership_with_roles,
    retired_ambassadors,
    update_profile,
)
from .services import appoint_ambassador, retire_ambassador


def _appoint_form(candidates, formdata=True) -> AppointForm:
    form = AppointForm() if formdata else AppointForm(formdata=None)
    form.person_id.choices = options(
        [
            ("", _("Choose a person")),
            *(
                (
                    c.user_id,
                    _("%(name)s (profile still empty)", name=c.name) if c.has_role else c.name,
                )
                for c in candidates
            ),
        ]
    )
    return form


def _manage_page(form: AppointForm, candidates, status: int = 200):
    current = directory_cards(g.org.id)
    retired = retired_ambassadors(g.org.id, {c.user_id for c in current})
    return render_template(
        "ambassadors/manage/index.html",
        current=current,
        retired=retired,
        form=form,
        candidates=candidates,
        confirm=ConfirmForm(formdata=None),
        channel_label=channel_label,
    ), status


@bp.get("/manage")
@only_in("company")
@require_roles(Role.admin)
def manage():
    """Current and retired ambassadors with the hours granted, and a form to appoint."""
    candidates = appoint_candidates(g.org.id)
    form = _appoint_form(candidates, formdata=False)
    form.fill_from(None)
    wanted = query_int("person")
    if wanted in {c.user_id for c in candidates}:
        form.person_id.data = wanted
    return _manage_page(form, candidates)


@bp.post("/manage/appoint")
@only_in("company")
@require_roles(Role.admin)
def appoint():
    candidates = appoint_candidates(g.org.id)
    form = _appoint_form(candidates)
    if form.validate_on_submit():
        chosen = next((c for c in candidates if c.user_id == form.person_id.data), None)
        if chosen is None:
            # Already an ambassador, switched off, or not one of our people.
            form.person_id.errors = [_("Choose a person from the list.")]
        else:
            membership = membership_with_roles(g.org.id, chosen.user_id)
            appoint_ambassador(membership, current_user.id, utcnow(), **form.profile_values())
            db.session.commit()
            flash(_("%(name)s is now a learning ambassador.", name=chosen.name), "success")
            return redirect(url_for("ambassadors.manage"))
    return _manage_page(form, candidates, 400)


def _profile_name(profile: AmbassadorProfile) -> str:
    return db.session.get(User, profile.user_id).name


@bp.route("/manage/<int:ambassador_profile_id>", methods=["GET", "POST"])
@only_in("company")
@require_roles(Role.admin)
def edit_profile(ambassador_profile_id: int):
    """Change what colleagues see and the hours granted per month."""
    profile = scoped_get_or_404(AmbassadorProfile, ambassador_profile_id)
    name = _profile_name(profile)
    if profile.retired_at is not None:
        flash(_("%(name)s is no longer a learning ambassador.", name=name), "info")
        return redirect(url_for("ambassadors.manage"))
    form = AdminProfileForm()
    if request.method == "GET":
        form.fill_from(profile)
    elif form.validate_on_submit():
        update_profile(profile, form.profile_values(), current_user.id)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("ambassadors.manage"))
    return render_template("ambassadors/manage/edit.html", form=form, profile=profile, name=name), (
        400 if form.errors else 200
    )


@bp.post("/manage/<int:ambassador_profile_id>/retire")
@only_in("company")
@require_roles(Role.admin)
def retire(ambassador_profile_id: int):
    """Retire an ambassador: they can no longer be booked; their talks stay with the
    colleagues who had them."""
    profile = scoped_get_or_404(AmbassadorProfile, ambassador_profile_id)
    name = _profile_name(profile)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("ambassadors.manage"))
    membership = membership_with_roles(g.org.id, profile.user_id)
    if profile.retired_at is not None and (
        membership is None or Role.ambassador not in membership.roles
    ):
        flash(_("%(name)s is no longer a learning ambassador.", name=name), "info")
        return redirect(url_for("ambassadors.manage"))
    if membership is None:
        profile.retired_at = utcnow()
    else:
        retire_ambassador(membership, current_user.id, utcnow())
    db.session.commit()
    flash(_("%(name)s is no longer a learning ambassador.", name=name), "success")
    return redirect(url_for("ambassadors.manage"))
