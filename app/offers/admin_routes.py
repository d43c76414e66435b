"""Admin pages of the offers feature: add and change offers, sign-ups, completion (F1, F3)."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..db_types import utcnow
from ..extensions import db
from ..money import amount_for_input
from ..orgs.forms import ConfirmForm
from ..orgs.models import Role
from ..permissions import only_in, require_roles
from ..tenancy import scoped_get_or_404
from ..timeutil import org_zone
from . import bp
from .catalogue import create_offer, record_completion, update_offer
from .forms import OfferForm, offer_values
from .models import Offer, OfferSignup
from .queries import offer_signups, visible_offer_or_404


def _values(form: OfferForm) -> dict:
    return offer_values(form, org_zone(g.org))


@bp.route("/new", methods=["GET", "POST"])
@only_in("company")
@require_roles(Role.admin)
def new_offer():
    form = OfferForm()
    if form.validate_on_submit():
        item, _created = create_offer(
            g.org.id, current_user.id, _values(form), form.client_token.data, utcnow()
        )
        db.session.commit()
        flash(_("The offer is saved."), "success")
        return redirect(url_for("offers.offer", offer_id=item.id))
    return render_template("offers/form.html", form=form, offer=None), (400 if form.errors else 200)


@bp.route("/<int:offer_id>/edit", methods=["GET", "POST"])
@only_in("company")
@require_roles(Role.admin)
def edit_offer(offer_id: int):
    # Only the organisation's own offers: shared ones are changed by their owner.
    item = scoped_get_or_404(Offer, offer_id)
    form = OfferForm(obj=item)
    del form.client_token
    if not form.is_submitted():
        form.cost.data = amount_for_input(item.cost_cents, decimal_comma=str(get_locale()) == "nl")
        form.show_start(item.starts_at, org_zone(g.org))
    if form.validate_on_submit():
        update_offer(item, current_user.id, _values(form), utcnow())
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("offers.offer", offer_id=item.id))
    return render_template("offers/form.html", form=form, offer=item), (400 if form.errors else 200)


@bp.get("/<int:offer_id>/signups")
@only_in("company")
@require_roles(Role.admin)
def signups(offer_id: int):
    """Who of this organisation is interested, signed up or done."""
    item = visible_offer_or_404(g.org.id, offer_id, include_inactive=True)
    return render_template(
        "offers/signups.html",
        offer=item,
        rows=offer_signups(g.org.id, item.id),
        confirm=ConfirmForm(),
    )


@bp.post("/<int:offer_id>/signups/<int:signup_id>/complete")
@only_in("company")
@require_roles(Role.admin)
def complete_signup(offer_id: int, signup_id: int):
    """Record that the person finished the offer; they get a "well done" message."""
    item = visible_offer_or_404(g.org.id, offer_id, include_inactive=True)
    signup = scoped_get_or_404(OfferSignup, signup_id, offer_id=item.id)
    if ConfirmForm().validate_on_submit():
        if record_completion(signup, item, current_user.id, utcnow()):
            db.session.commit()
            flash(_("Completion is recorded."), "success")
    return redirect(url_for("offers.signups", offer_id=item.id))
