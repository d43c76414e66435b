"""The union's cross-firm dashboard (U3) and its view of one company's anonymous report
(B6). Union coordinators and union admins only; only companies with an active agreement
that shares the figures (PRODUCT §4.6), decided anew on every request by
``app/unions/scope.py``."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, g, render_template, request
from flask_login import current_user
from sqlalchemy import select

from ..ambassadors.facility import month_from_query, month_key, next_month, previous_month
from ..ambassadors.reports import (
    OUTCOME_KEYS,
    OUTCOME_LABELS,
    TOPIC_LABELS,
    Quarter,
    finished_quarters,
    quarter_from_key,
    quarter_reports,
)
from ..db_types import utcnow
from ..extensions import db
from ..orgs.models import Organisation, Role
from ..permissions import only_in, require_roles
from ..tenancy import set_org_context
from . import bp
from .dashboard import active_agreements, company_figures, earliest_today
from .models import AgreementStatus
from .scope import agreement_or_404, company_ids_sharing


@bp.get("/dashboard")
@only_in("union")
@require_roles(Role.coordinator, Role.admin)
def dashboard():
    """Per company with an active agreement: ambassadors active, conversations per quarter
    and their trend, results (``?quarter=YYYY-Q``) and facility hours used against agreed
    (``?month=YYYY-MM``) - each only if the agreement shares it. Only quarters and months
    that are over: this quarter's numbers change with every booking."""
    union = g.org
    # "offers" has no flag: every company with an active agreement.
    company_ids = company_ids_sharing(union.id, "offers")
    report_ids = company_ids_sharing(union.id, "reports")
    facility_ids = company_ids_sharing(union.id, "facility_time")
    set_org_context([union.id, *company_ids], current_user.id)
    agreements = active_agreements(union.id, company_ids)
    today = earliest_today([union, *(company for _agreement, company in agreements)], utcnow())
    this_month = today.replace(day=1)
    last_month = previous_month(this_month)  # the newest month that is over
    month = month_from_query(request.args.get("month"), last_month)
    quarters = finished_quarters(today)
    chosen = quarter_from_key(request.args.get("quarter"), quarters)
    quarter = chosen or quarters[0]
    return render_template(
        "unions/dashboard/index.html",
        companies=company_figures(
            union.id, current_user.id, agreements, report_ids, facility_ids, month, today
        ),
        quarters=list(reversed(quarters)),
        quarter=quarter,
        current_quarter=Quarter.of(today),
        keep_quarter={"quarter": chosen.key} if chosen else {},
        keep_month=month_key(month) if month != last_month else None,
        month=month,
        month_over_on=next_month(this_month) - timedelta(days=1),
        previous_month=month_key(previous_month(month)),
        next_month=month_key(next_month(month)) if month < last_month else None,
        outcome_keys=OUTCOME_KEYS,
        outcome_labels=OUTCOME_LABELS,
    )


@bp.get("/dashboard/<int:agreement_id>")
@only_in("union")
@require_roles(Role.coordinator, Role.admin)
def company_report(agreement_id: int):
    """One company's anonymous report, while its active agreement shares reports."""
    agreement = agreement_or_404(agreement_id)
    if (
        agreement.union_id != g.org.id
        or agreement.status != AgreementStatus.active
        or agreement.company_id not in company_ids_sharing(g.org.id, "reports")
    ):
        abort(404)
    set_org_context([g.org.id, agreement.company_id], current_user.id)
    company = db.session.scalars(
        select(Organisation).where(Organisation.id == agreement.company_id)
    ).one()
    # Only quarters that are over, in the union's and the company's time zone.
    today = earliest_today([g.org, company], utcnow())
    reports = quarter_reports([company.id], {company.id: company.min_group_size}, today)
    return render_template(
        "unions/dashboard/company_report.html",
        company=company,
        reports=reports[company.id],
        current_quarter=Quarter.of(today),
        topic_labels=TOPIC_LABELS,
        outcome_labels=OUTCOME_LABELS,
    )
