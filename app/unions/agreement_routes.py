"""Learning agreement pages (U1, U2) for both parties.

The union (admins and coordinators) proposes, changes and ends; the company admin
approves, declines, changes and ends. The list, the agreement page, changing and ending
are the same routes in both kinds of organisation: ``agreement_or_404`` checks that the
current organisation is a party. Actions write rows of both organisations (audit,
notifications, the reps' company memberships), so they run in ``both_parties``.
"""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..db_types import utcnow
from ..extensions import db, htmx
from ..forms import options
from ..htmx import redirect_to, render
from ..money import amount_for_input, format_money
from ..orgs.forms import ConfirmForm
from ..orgs.models import Organisation, Role
from ..permissions import only_in, require_roles
from ..tenancy import org_context
from ..timeutil import org_today
from . import bp
from .agreement_forms import (
    AgreementTermsForm,
    AnswerForm,
    ProposeAgreementForm,
    company_address,
)
from .agreement_queries import (
    agreement_reps,
    agreement_rows,
    company_by_address,
    people_names,
    rep_choices,
    terms_check,
)
from .agreements import (
    AgreementExists,
    Side,
    TermsChanged,
    side_of,
    terms_version,
)
from .agreements import (
    approve_agreement as approve,
)
from .agreements import (
    change_agreement as change,
)
from .agreements import (
    decline_agreement as decline,
)
from .agreements import (
    end_agreement as end,
)
from .agreements import (
    propose_agreement as propose,
)
from .models import OPEN, AgreementStatus, LearningAgreement
from .scope import agreement_or_404, both_parties


@bp.context_processor
def agreement_helpers() -> dict:
    return {
        "money": format_money,
        "Side": Side,
        "AgreementStatus": AgreementStatus,
        # Pages of other areas are linked once they exist.
        "has_endpoint": lambda name: name in current_app.view_functions,
    }


@bp.get("/agreements")
@require_roles(Role.admin, Role.coordinator)
def agreements():
    """The union's agreements with companies, or the company's with unions."""
    return render_template(
        "unions/agreements/index.html",
        rows=agreement_rows(g.org),
        is_union=g.org.kind == "union",
    )


@bp.route("/agreements/new", methods=["GET", "POST"])
@only_in("union")
@require_roles(Role.admin, Role.coordinator)
def propose_agreement():
    """Propose an agreement to one company, named by its exact address."""
    form = ProposeAgreementForm()
    form.rep_ids.choices = options(rep_choices(g.org.id))
    if form.validate_on_submit():
        company = company_by_address(company_address(form.company.data))
        if company is None:
            form.company.errors.append(
                _("We cannot find a company with this address. Ask the company's admin for it.")
            )
        else:
            terms = form.values() | {"message": form.message.data}
            try:
                with both_parties((g.org.id, company.id), current_user.id):
                    agreement = propose(
                        g.org, company, terms, form.rep_user_ids(), current_user.id, utcnow()
                    )
                    db.session.commit()
                    agreement_id = agreement.id
            except AgreementExists as exists:
                db.session.rollback()
                flash(
                    _(
                        "You already have an agreement with %(name)s. Here it is.",
                        name=company.name,
                    ),
                    "info",
                )
                return redirect(url_for("unions.agreement", agreement_id=exists.agreement_id))
            flash(_("Your proposal is sent to %(name)s.", name=company.name), "success")
            return redirect(url_for("unions.agreement", agreement_id=agreement_id))
    return render_template(
        "unions/agreements/propose.html", form=form, has_reps=bool(form.rep_ids.choices)
    ), (400 if form.errors else 200)


def _partner(agreement: LearningAgreement, side: Side) -> Organisation:
    partner_id = agreement.company_id if side == Side.union else agreement.union_id
    return db.session.get(Organisation, partner_id)


def _agreement_context(agreement: LearningAgreement, notice: str | None = None) -> dict:
    side = side_of(agreement, g.org.id)
    partner = _partner(agreement, side)
    company = g.org if side == Side.company else partner
    check = None
    # The union sees the company's figures only while the agreement is active (§4.6).
    if side == Side.company or agreement.status == AgreementStatus.active:
        with org_context((agreement.company_id,), current_user.id):
            check = terms_check(agreement, org_today(company, utcnow()))
        if side == Side.union:
            # The union sees hours only as shared, and no one ambassador's grant (§4.5).
            check = check.for_union(company.min_group_size, agreement.shares_facility_time)
    names = people_names(
        [
            agreement.proposed_by_id,
            agreement.changed_by_id,
            agreement.approved_by_id,
            agreement.ended_by_id,
        ]
    )
    return {
        "agreement": agreement,
        "side": side,
        "partner": partner,
        "reps": agreement_reps(agreement.id),
        "check": check,
        "names": names,
        "is_open": agreement.status in OPEN,
        "notice": notice,
        # The approve and decline forms carry the version of the terms shown here.
        "version": (
            terms_version(agreement)
            if side == Side.company and agreement.status == AgreementStatus.proposed
            else None
        ),
    }


@bp.get("/agreements/<int:agreement_id>")
@require_roles(Role.admin, Role.coordinator)
def agreement(agreement_id: int):
    """The terms, who named which reps, and whether the company meets the terms now."""
    item = agreement_or_404(agreement_id)
    return render(
        "unions/agreements/agreement.html",
        "unions/agreements/_agreement.html",
        **_agreement_context(item),
    )


def _after_action(
    item: LearningAgreement, done: bool, message: str, nothing: str, category: str = "info"
):
    """Back to the agreement: htmx gets the refreshed part, a browser a redirect."""
    text = message if done else nothing
    if htmx and not htmx.boosted:
        return render_template(
            "unions/agreements/_agreement.html", **_agreement_context(item, notice=text)
        )
    flash(text, "success" if done else category)
    return redirect_to(url_for("unions.agreement", agreement_id=item.id))


def _company_agreement_or_404(agreement_id: int) -> LearningAgreement:
    item = agreement_or_404(agreement_id)
    if item.company_id != g.org.id:
        abort(404)
    return item


def _answer(agreement_id: int, answer, done_text: str):
    """Approve or decline, for the terms the admin saw: if the union changed them since the
    page was shown, nothing happens and the admin sees the new terms."""
    item = _company_agreement_or_404(agreement_id)
    done = False
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            with both_parties(item, current_user.id):
                done = answer(item, current_user.id, utcnow(), form.seen_version())
                db.session.commit()
        except TermsChanged:
            db.session.rollback()
            return _after_action(
                item, False, "", _("The union changed the terms. Have a look again."), "error"
            )
    return _after_action(item, done, done_text, _("This agreement does not wait for approval."))


@bp.post("/agreements/<int:agreement_id>/approve")
@only_in("company")
@require_roles(Role.admin)
def approve_agreement(agreement_id: int):
    """The company admin says yes: the named reps start as ambassadors here."""
    return _answer(agreement_id, approve, _("The agreement is approved."))


@bp.post("/agreements/<int:agreement_id>/decline")
@only_in("company")
@require_roles(Role.admin)
def decline_agreement(agreement_id: int):
    return _answer(
        agreement_id, decline, _("You said no to this proposal. The union gets a message.")
    )


@bp.post("/agreements/<int:agreement_id>/end")
@require_roles(Role.admin, Role.coordinator)
def end_agreement(agreement_id: int):
    """Either party ends the agreement; it counts from the next click of everyone."""
    item = agreement_or_404(agreement_id)
    done = False
    if ConfirmForm().validate_on_submit():
        with both_parties(item, current_user.id):
            done = end(item, side_of(item, g.org.id), current_user.id, utcnow())
            db.session.commit()
    return _after_action(
        item,
        done,
        _("The agreement has ended."),
        _("This agreement has already ended."),
    )


def _terms_form(item: LearningAgreement, side: Side) -> AgreementTermsForm:
    form = AgreementTermsForm(obj=item)
    if side == Side.union:
        form.rep_ids.choices = options(rep_choices(g.org.id))
    else:
        # The union names its reps and writes its message; the company changes terms.
        del form.rep_ids
        del form.message
    if not form.is_submitted():
        form.yearly_budget.data = amount_for_input(
            item.yearly_budget_cents, decimal_comma=str(get_locale()) == "nl"
        )
        if side == Side.union:
            form.rep_ids.data = [rep.user_id for rep in agreement_reps(item.id)]
    return form


@bp.route("/agreements/<int:agreement_id>/change", methods=["GET", "POST"])
@require_roles(Role.admin, Role.coordinator)
def change_agreement(agreement_id: int):
    """New terms from either side: the company's count at once, the union's wait for the
    company's approval (explained on the page)."""
    item = agreement_or_404(agreement_id)
    side = side_of(item, g.org.id)
    if item.status not in OPEN:
        flash(_("This agreement has ended. You cannot change it any more."), "info")
        return redirect(url_for("unions.agreement", agreement_id=item.id))
    form = _terms_form(item, side)
    if form.validate_on_submit():
        terms = form.values()
        rep_ids = None
        if side == Side.union:
            terms["message"] = form.message.data
            rep_ids = form.rep_user_ids()
        with both_parties(item, current_user.id):
            done = change(item, side, terms, rep_ids, current_user.id, utcnow())
            db.session.commit()
        if not done:
            flash(_("Nothing changed."), "info")
        elif side == Side.union:
            flash(_("The new terms are sent. The company has to approve them."), "success")
        else:
            flash(_("The new terms count from now. The union gets a message."), "success")
        return redirect(url_for("unions.agreement", agreement_id=item.id))
    return render_template(
        "unions/agreements/change.html",
        form=form,
        agreement=item,
        side=side,
        partner=_partner(item, side),
        has_reps=side == Side.union and bool(form.rep_ids.choices),
    ), (400 if form.errors else 200)
