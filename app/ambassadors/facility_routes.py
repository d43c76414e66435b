"""Facility time pages (B5): the ambassador logs hours and sees the month; the admin sees
hours used against hours granted per ambassador (hours only, never what they were for)."""

from __future__ import annotations

from flask import flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..db_types import utcnow
from ..extensions import db, htmx
from ..htmx import redirect_to, render
from ..orgs.forms import ConfirmForm
from ..orgs.models import Role
from ..permissions import has_role, only_in, require_member, require_roles
from ..tenancy import scoped_get_or_404
from ..timeutil import org_today
from . import bp
from .facility import (
    add_facility_entry,
    facility_month,
    month_from_query,
    month_key,
    next_month,
    previous_month,
)
from .facility import (
    delete_facility_entry as remove_entry,
)
from .facility import (
    facility_overview as overview_of,
)
from .facility_forms import ACTIVITY_EXPLAINED, ACTIVITY_LABELS, FacilityForm
from .models import FacilityActivity, FacilityTimeEntry


def _today():
    return org_today(g.org, utcnow())


def _partial_request() -> bool:
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def _month_links(month, today) -> dict:
    """``?month=`` values of the months before and after (none after this month)."""
    this_month = today.replace(day=1)
    return {
        "previous_month": month_key(previous_month(month)),
        "next_month": month_key(next_month(month)) if month < this_month else None,
        "is_this_month": month == this_month,
    }


def _month_url(endpoint: str, month, today) -> str:
    if month == today.replace(day=1):
        return url_for(endpoint)
    return url_for(endpoint, month=month_key(month))


def _new_form(today) -> FacilityForm:
    form = FacilityForm(formdata=None)
    form.worked_on.data = today
    return form


def _context(form: FacilityForm, month, today, **extra) -> dict:
    context = {
        "form": form,
        "facility": facility_month(g.org.id, current_user.id, month),
        "activities": list(FacilityActivity),
        "activity_labels": ACTIVITY_LABELS,
        "activity_explained": ACTIVITY_EXPLAINED,
        "confirm": ConfirmForm(formdata=None),
        "message": None,
        **_month_links(month, today),
    }
    context.update(extra)
    return context


@bp.route("/facility-time", methods=["GET", "POST"])
@only_in("company")
@require_roles(Role.ambassador, Role.admin)
def facility_time():
    """My facility time: a quick form on top, the month below (``?month=YYYY-MM``)."""
    if not has_role(Role.ambassador):
        # An admin who is not an ambassador logs no hours: their page is the overview.
        return redirect(url_for("ambassadors.facility_overview"))
    today = _today()
    month = month_from_query(request.args.get("month"), today)
    if request.method == "GET":
        return render(
            "ambassadors/facility/index.html",
            "ambassadors/facility/_facility.html",
            **_context(_new_form(today), month, today),
        )
    form = FacilityForm()
    valid = form.validate_on_submit()
    valid = form.check_date(today) and valid
    if not valid:
        template = (
            "ambassadors/facility/_facility.html"
            if _partial_request()
            else "ambassadors/facility/index.html"
        )
        return render_template(template, **_context(form, month, today)), 400
    _entry_id, created = add_facility_entry(
        g.org.id,
        current_user.id,
        FacilityActivity(form.activity.data),
        form.minutes,
        form.worked_on.data,
        form.client_token.data,
    )
    db.session.commit()
    saved_month = form.worked_on.data.replace(day=1)
    message = _("Saved. Thank you for your work as ambassador.")
    target = _month_url("ambassadors.facility_time", saved_month, today)
    if _partial_request():
        response = make_response(
            render_template(
                "ambassadors/facility/_facility.html",
                **_context(_new_form(today), saved_month, today, message=message),
            )
        )
        response.headers["HX-Replace-Url"] = target
        return response
    if created:
        flash(message, "success")
    return redirect(target)


@bp.post("/facility-time/<int:facility_entry_id>/delete")
@only_in("company")
@require_member
def delete_facility_entry(facility_entry_id: int):
    """Delete one of my own entries (anyone else's is a 404, like a missing one)."""
    entry = scoped_get_or_404(FacilityTimeEntry, facility_entry_id, user_id=current_user.id)
    target = _month_url("ambassadors.facility_time", entry.worked_on.replace(day=1), _today())
    if ConfirmForm().validate_on_submit():
        remove_entry(entry)
        db.session.commit()
        flash(_("The hours are deleted."), "success")
    return redirect_to(target)


@bp.get("/facility-time/overview")
@only_in("company")
@require_roles(Role.admin)
def facility_overview():
    """Hours used and granted per ambassador in a month (``?month=YYYY-MM``)."""
    today = _today()
    month = month_from_query(request.args.get("month"), today)
    return render_template(
        "ambassadors/facility/overview.html",
        overview=overview_of(g.org.id, month),
        **_month_links(month, today),
    )
