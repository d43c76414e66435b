"""The union's page of the companies' development KPIs (U3): organisation-level figures
side by side and their trend. Union coordinators and union admins only; only companies
whose active agreement shares learning figures (``scope.company_ids_sharing``)."""

from __future__ import annotations

from flask import g, render_template, request
from flask_login import current_user

from ..db_types import utcnow
from ..extensions import db
from ..manager_kpis.dashboard_format import format_value, unit_words
from ..orgs.models import Role
from ..permissions import only_in, require_roles
from ..tenancy import set_org_context
from . import bp
from .dashboard import active_agreements, earliest_today
from .kpis import closed_quarters, company_kpis, kpis
from .scope import company_ids_sharing


@bp.get("/dashboard/kpis")
@only_in("union")
@require_roles(Role.coordinator, Role.admin)
def kpi_figures():
    """Per company: every development KPI of the last quarter that is over, and for one
    KPI (``?kpi=<key>``) the last four quarters."""
    union = g.org
    company_ids = company_ids_sharing(union.id, "offers")  # every active agreement
    sharing_ids = company_ids_sharing(union.id, "learning_figures")
    set_org_context([union.id, *company_ids], current_user.id)
    agreements = active_agreements(union.id, company_ids)
    # A quarter is over only when it is over in every company shown.
    today = earliest_today([union, *(company for _agreement, company in agreements)], utcnow())
    quarters = closed_quarters(today)
    all_kpis = kpis()
    chosen = next((k for k in all_kpis if k.key == request.args.get("kpi")), all_kpis[0])
    companies = company_kpis(union.id, current_user.id, agreements, sharing_ids, quarters, today)
    db.session.commit()  # figures computed for the first time go into the cache
    return render_template(
        "unions/dashboard/kpis.html",
        companies=companies,
        kpis=all_kpis,
        chosen=chosen,
        quarters=quarters,
        quarter=quarters[-1],
        format_kpi=format_value,
        unit_words=unit_words,
    )
