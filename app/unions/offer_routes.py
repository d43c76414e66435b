"""A union's offers and learning days (U4): publish, change, switch off, see sign-ups.

Union coordinators and admins only. An offer belongs to the union (``Offer.org_id``);
publishing shares it with every company that has an active learning agreement. People
in those companies sign up in their own catalogue (app/offers); the union sees how many
per company, hidden below each company's minimum group size, never who.
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from ..db_types import utcnow
from ..extensions import db
from ..money import amount_for_input
from ..offers.catalogue import create_offer, update_offer
from ..offers.display import TEMPLATE_HELPERS
from ..offers.forms import OfferForm, offer_values
from ..offers.models import Offer
from ..orgs.forms import ConfirmForm
from ..orgs.models import Role
from ..permissions import only_in, require_roles
from ..tenancy import scoped_get_or_404
from ..timeutil import org_zone
from . import bp
from .offer_queries import ELSEWHERE, union_offers_view
from .union_offers import share_offer_with_agreeing_companies, switch_off_offer

PUBLISHERS = (Role.coordinator, Role.admin)


def _form(**kwargs) -> OfferForm:
    """The offer form without "at our own workplace": a union has no workplace of its own
    where the companies' people work; the place says where a learning day is."""
    form = OfferForm(**kwargs)
    del form.on_site
    return form


def _published_message(company_ids: list[int]) -> str:
    if not company_ids:
        return _("Saved. No company has an active learning agreement yet, so nobody sees it.")
    return ngettext(
        "Saved. People in %(num)d company with a learning agreement can see it.",
        "Saved. People in %(num)d companies with a learning agreement can see it.",
        len(company_ids),
    )


def _render_form(form: OfferForm, offer: Offer | None):
    return render_template("unions/offers/form.html", form=form, offer=offer, **TEMPLATE_HELPERS), (
        400 if form.errors else 200
    )


@bp.get("/offers")
@only_in("union")
@require_roles(*PUBLISHERS)
def offers():
    """The union's offers and learning days, with sign-ups per company (suppressed)."""
    return render_template(
        "unions/offers/index.html",
        view=union_offers_view(g.org),
        elsewhere=ELSEWHERE,
        confirm=ConfirmForm(formdata=None),
        **TEMPLATE_HELPERS,
    )


@bp.route("/offers/new", methods=["GET", "POST"])
@only_in("union")
@require_roles(*PUBLISHERS)
def new_offer():
    """Publish an offer or a learning day to every company with an active agreement."""
    form = _form()
    if form.validate_on_submit():
        item, _created = create_offer(
            g.org.id,
            current_user.id,
            offer_values(form, org_zone(g.org)),
            form.client_token.data,
            utcnow(),
        )
        shared_with = share_offer_with_agreeing_companies(item)
        db.session.commit()
        flash(_published_message(shared_with) if item.active else _("Saved."), "success")
        return redirect(url_for("unions.offers"))
    return _render_form(form, None)


@bp.route("/offers/<int:union_offer_id>/edit", methods=["GET", "POST"])
@only_in("union")
@require_roles(*PUBLISHERS)
def edit_offer(union_offer_id: int):
    """Change one of the union's own offers; switched on again, it is shared again."""
    item = scoped_get_or_404(Offer, union_offer_id)
    form = _form(obj=item)
    del form.client_token
    if not form.is_submitted():
        form.cost.data = amount_for_input(item.cost_cents, decimal_comma=str(get_locale()) == "nl")
        form.show_start(item.starts_at, org_zone(g.org))
    if form.validate_on_submit():
        update_offer(item, current_user.id, offer_values(form, org_zone(g.org)), utcnow())
        shared_with = share_offer_with_agreeing_companies(item)
        db.session.commit()
        flash(_published_message(shared_with) if item.active else _("Saved."), "success")
        return redirect(url_for("unions.offers"))
    return _render_form(form, item)


@bp.post("/offers/<int:union_offer_id>/switch-off")
@only_in("union")
@require_roles(*PUBLISHERS)
def deactivate_offer(union_offer_id: int):
    """Stop showing the offer in every company; sign-ups already made stay."""
    item = scoped_get_or_404(Offer, union_offer_id)
    if ConfirmForm().validate_on_submit() and switch_off_offer(item, current_user.id, utcnow()):
        db.session.commit()
        flash(_("The offer is switched off. Companies no longer see it."), "success")
    return redirect(url_for("unions.offers"))
