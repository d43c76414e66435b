"""Anonymous reports for the company admin (B6): conversations per quarter by topic and by
outcome, every small cell hidden (PRODUCT §4.5)."""

from __future__ import annotations

from flask import g, render_template

from ..db_types import utcnow
from ..orgs.models import Role
from ..permissions import only_in, require_roles
from ..timeutil import org_today
from . import bp
from .reports import OUTCOME_LABELS, TOPIC_LABELS, Quarter, quarter_reports


@bp.get("/reports")
@only_in("company")
@require_roles(Role.admin)
def reports():
    """The last four quarters that are over, of this company only, in its own time zone."""
    org = g.org
    today = org_today(org, utcnow())
    reports = quarter_reports([org.id], {org.id: org.min_group_size}, today)
    return render_template(
        "ambassadors/reports/index.html",
        reports=reports[org.id],
        current_quarter=Quarter.of(today),
        min_group_size=org.min_group_size,
        topic_labels=TOPIC_LABELS,
        outcome_labels=OUTCOME_LABELS,
    )
