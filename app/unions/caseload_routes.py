"""A union rep's "my caseload" across companies (U2, PRODUCT §4.6)."""

from __future__ import annotations

from flask import g, render_template
from flask_login import current_user

from ..db_types import utcnow
from ..orgs.models import Role
from ..permissions import only_in, require_roles
from ..tenancy import org_context
from ..timeutil import org_today
from . import bp
from .caseload import caseload_by_company
from .scope import ambassador_org_ids


@bp.get("/caseload")
@only_in("union")
@require_roles(Role.rep)
def caseload():
    """The rep's talks and due follow-ups in every company where they are an ambassador
    now; each talk opens in its own company."""
    company_ids = ambassador_org_ids(current_user.id)
    today = org_today(g.org, utcnow())
    # Exactly these companies (and the union), for this read only.
    with org_context((g.org.id, *company_ids), current_user.id):
        companies = caseload_by_company(current_user.id, company_ids, today)
    return render_template(
        "unions/caseload/index.html",
        companies=companies,
        due_total=sum(c.due_follow_ups for c in companies),
        today=today,
    )
