"""Member pages of the offers feature: catalogue, one offer, my offers, wishes."""

from __future__ import annotations

from flask import flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..db_types import utcnow
from ..development.budget import BudgetExceeded, offer_budget_note
from ..extensions import db, htmx
from ..forms import options
from ..money import format_money
from ..orgs.forms import ConfirmForm
from ..orgs.models import Role
from ..permissions import can_admin, only_in, require_member, require_roles
from ..tenancy import scoped_get_or_404
from . import bp
from .catalogue import OfferFull, OfferOver, recommend_offer, set_signup
from .display import TEMPLATE_HELPERS
from .forms import FilterForm, RecommendForm, SignupForm, WishForm
from .models import LearningWish, Offer, SignupStatus
from .queries import (
    catalogue,
    colleague_choices,
    colleagues_who_did_this,
    has_open_offer_wish,
    is_over,
    my_signup,
    my_signups,
    my_wishes,
    owner_name,
    places_left,
    places_taken,
    pooled_demand,
    switched_off_offers,
    visible_offer_or_404,
)
from .services import want_offer, wish_to_learn, withdraw_wish
from .session_queries import colleague_offer


@bp.context_processor
def offer_helpers() -> dict:
    """Plain words for formats, durations, languages and statuses in this feature's pages."""
    return TEMPLATE_HELPERS


def wants_partial() -> bool:
    """An htmx request for a part of the page (not a boosted link or a history restore)."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def page_or_partial(page: str, partial: str, status: int = 200, **context):
    """The page, or the partial it includes for htmx; caches keep the two apart."""
    template = partial if wants_partial() else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def _catalogue_context(wish_form: WishForm | None = None) -> dict:
    filter_form = FilterForm(request.args)
    filters = filter_form.active()
    return {
        "rows": catalogue(g.org.id, current_user.id, filters, utcnow()),
        "filter_form": filter_form,
        "filters": {name: True for name, on in filters.items() if on},
        "wish_form": wish_form or WishForm(formdata=None),
        "switched_off": switched_off_offers(g.org.id) if can_admin() else [],
    }


@bp.get("/")
@only_in("company")
@require_member
def index():
    """The catalogue with barrier filters (F1, F2); htmx gets only the results."""
    return page_or_partial("offers/index.html", "offers/_results.html", **_catalogue_context())


@bp.post("/wishes/new")
@only_in("company")
@require_member
def wish():
    """ "I would like to learn ..." (F5)."""
    form = WishForm()
    if form.validate_on_submit():
        wish_to_learn(g.org.id, current_user.id, form.text.data, utcnow())
        db.session.commit()
        message = _("Thank you. We count your wish together with those of colleagues.")
        if wants_partial():
            return render_template(
                "offers/_wish_form.html", wish_form=WishForm(formdata=None), thanks=message
            )
        flash(message, "success")
        return redirect(url_for("offers.index"))
    return page_or_partial(
        "offers/index.html",
        "offers/_wish_form.html",
        status=400,
        **_catalogue_context(wish_form=form),
    )


@bp.get("/mine")
@only_in("company")
@require_member
def mine():
    """My sign-ups and interests, and my wishes (which I can withdraw)."""
    return render_template(
        "offers/mine.html",
        signups=my_signups(g.org.id, current_user.id),
        wishes=my_wishes(g.org.id, current_user.id, g.membership.team_id),
        confirm=ConfirmForm(),
    )


@bp.post("/wishes/<int:wish_id>/withdraw")
@only_in("company")
@require_member
def withdraw(wish_id: int):
    # Scoped to the person: someone else's wish is as missing as a wrong id.
    item = scoped_get_or_404(LearningWish, wish_id, user_id=current_user.id)
    if ConfirmForm().validate_on_submit():
        withdraw_wish(item, utcnow())
        db.session.commit()
        flash(_("Your wish is withdrawn."), "success")
    return redirect(url_for("offers.mine"))


@bp.get("/wishes")
@only_in("company")
@require_roles(Role.admin, Role.ambassador)
def wishes():
    """Pooled demand (F5): counts of at least the minimum group size, never who."""
    return render_template(
        "offers/wishes.html",
        demand=pooled_demand(g.org.id, g.org.min_group_size),
        min_group_size=g.org.min_group_size,
    )


def _load_offer(offer_id: int) -> Offer:
    # Admins also open their own switched-off offers; everyone else sees active ones only.
    return visible_offer_or_404(g.org.id, offer_id, include_inactive=can_admin())


def _recommend_form(from_request: bool = True) -> RecommendForm:
    form = RecommendForm() if from_request else RecommendForm(formdata=None)
    form.colleague.choices = options(
        [("", _("Choose a colleague")), *colleague_choices(g.org.id, current_user.id)]
    )
    return form


def _budget_note(offer: Offer) -> str | None:
    """ "Costs €X from your learning budget — €Y left", when the budget pays for it."""
    note = offer_budget_note(g.org.id, current_user.id, g.membership.team_id, offer, utcnow())
    if note is None:
        return None
    return _(
        "Costs %(cost)s from your learning budget — %(left)s left.",
        cost=format_money(note.cost_cents, note.currency),
        left=format_money(max(note.left_cents, 0), note.currency),
    )


def _budget_refusal(refused: BudgetExceeded) -> str:
    return _(
        "This costs %(cost)s. You have %(left)s left in your learning budget for %(year)s. "
        "Talk to your manager or admin.",
        cost=format_money(refused.cost_cents, refused.currency),
        left=format_money(max(refused.left_cents, 0), refused.currency),
        year=refused.year,
    )


def _places(offer: Offer) -> dict:
    """What the sign-up box says about places and the date: left, full, or over."""
    left = places_left(offer, places_taken(offer.id)) if offer.capacity is not None else None
    return {"places_left": left, "over": is_over(offer, utcnow())}


_REFUSALS = {
    OfferFull: lambda: _(
        "Sorry, this is full: all places are taken. You can still say you are interested."
    ),
    OfferOver: lambda: _("This has already started, so you cannot sign up any more."),
}


def _offer_context(offer: Offer, **extra) -> dict:
    context = {
        "offer": offer,
        "signup": my_signup(g.org.id, offer.id, current_user.id),
        "signup_form": SignupForm(formdata=None),
        "budget_note": _budget_note(offer),
        "shared_by": owner_name(offer, g.org.id),
        **_places(offer),
        "wanted": has_open_offer_wish(g.org.id, offer.id, current_user.id),
        "colleagues": colleagues_who_did_this(
            g.org.id, offer.id, current_user.id, g.membership.team_id, g.org.min_group_size
        ),
        "confirm": ConfirmForm(formdata=None),
        "can_edit": can_admin() and offer.org_id == g.org.id,
        # A colleague's session (F6): who teaches it; the teacher does not sign up.
        "colleague": colleague_offer(g.org.id, offer, current_user.id, utcnow()),
    }
    context.update(extra)
    if "recommend_form" not in context:
        context["recommend_form"] = _recommend_form(from_request=False)
    return context


@bp.get("/<int:offer_id>")
@only_in("company")
@require_member
def offer(offer_id: int):
    """One offer: the facts, colleagues who did it, sign up, recommend (F1, F3, F4, C3)."""
    item = _load_offer(offer_id)
    return render_template("offers/offer.html", **_offer_context(item))


@bp.post("/<int:offer_id>/signup")
@only_in("company")
@require_member
def signup(offer_id: int):
    """ "I'm interested", "Sign me up" or cancel (F3); htmx gets the sign-up box back."""
    item = visible_offer_or_404(g.org.id, offer_id)
    form = SignupForm()
    message = refusal = None
    colleague = colleague_offer(g.org.id, item, current_user.id, utcnow())
    if colleague is not None and colleague.is_teacher:
        # The teacher of a colleague's session does not take one of its places.
        refusal = _("You teach this session, so you do not sign up for it.")
    elif form.validate_on_submit():
        choice = form.choice.data
        status = SignupStatus.cancelled if choice == "cancel" else SignupStatus(choice)
        try:
            signup_row, _changed = set_signup(
                g.org.id, item, current_user.id, current_user.name, status, utcnow()
            )
        except BudgetExceeded as refused:
            # Refused before anything was written: there is nothing to commit (the request's
            # session rolls back at its end, which also ends the lock on the person's row).
            signup_row, refusal = None, _budget_refusal(refused)
        except (OfferFull, OfferOver) as refused:
            # Nothing written (the lock on the offer's places ends with the request).
            signup_row, refusal = None, _REFUSALS[type(refused)]()
        else:
            db.session.commit()
        # Only what is true: a completed sign-up, for example, does not change.
        if signup_row is not None and signup_row.status == status:
            message = {
                SignupStatus.interested: _("We noted that you are interested."),
                SignupStatus.signed_up: _("You are signed up. The admin has been told."),
                SignupStatus.cancelled: _("Your sign-up is cancelled."),
            }[status]
    if wants_partial():
        return render_template(
            "offers/_signup.html",
            offer=item,
            signup=my_signup(g.org.id, item.id, current_user.id),
            signup_form=SignupForm(formdata=None),
            budget_note=_budget_note(item),
            message=message,
            refusal=refusal,
            colleague=colleague,
            **_places(item),
        ), (409 if refusal else 200)
    if message:
        flash(message, "success")
    if refusal:
        flash(refusal, "error")
    return redirect(url_for("offers.offer", offer_id=item.id))


@bp.post("/<int:offer_id>/want")
@only_in("company")
@require_member
def want(offer_id: int):
    """ "I want this": counts towards pooled demand for this offer (F5)."""
    item = visible_offer_or_404(g.org.id, offer_id)
    if ConfirmForm().validate_on_submit():
        want_offer(g.org.id, current_user.id, item.id, item.title, utcnow())
        db.session.commit()
    if wants_partial():
        return render_template(
            "offers/_want.html",
            offer=item,
            wanted=has_open_offer_wish(g.org.id, item.id, current_user.id),
            confirm=ConfirmForm(formdata=None),
        )
    return redirect(url_for("offers.offer", offer_id=item.id))


@bp.post("/<int:offer_id>/recommend")
@only_in("company")
@require_member
def recommend(offer_id: int):
    """Recommend the offer to a colleague with a short personal line (C3)."""
    item = visible_offer_or_404(g.org.id, offer_id)
    form = _recommend_form()
    if form.validate_on_submit():
        recommend_offer(
            g.org.id,
            item,
            current_user.id,
            current_user.name,
            form.colleague.data,
            form.line.data,
            utcnow(),
        )
        db.session.commit()
        chosen = str(form.colleague.data)
        name = next((c.label for c in form.colleague.choices if c.value == chosen), "")
        message = _("We told %(name)s about this offer.", name=name)
        if wants_partial():
            return render_template(
                "offers/_recommend.html",
                offer=item,
                recommend_form=_recommend_form(from_request=False),
                thanks=message,
            )
        flash(message, "success")
        return redirect(url_for("offers.offer", offer_id=item.id))
    if wants_partial():
        return render_template(
            "offers/_recommend.html", offer=item, recommend_form=form, thanks=None
        ), 400
    return render_template("offers/offer.html", **_offer_context(item, recommend_form=form)), 400


from . import admin_routes, session_routes  # noqa: E402, F401
