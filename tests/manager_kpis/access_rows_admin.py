"""Access rows for the production metrics, values and targets pages (K2, K3), merged into
tests/access.py. Everything exists only in a company. Metrics, the import and deciding on
targets are for admins; filling in values and the list of targets for managers too (a
manager fills in only their own teams: tests/manager_kpis/test_values_pages.py);
proposing a target is for managers."""

import secrets
from datetime import date
from decimal import Decimal

from app.manager_kpis.models import KpiTarget, ProductionMetric, TargetStatus
from tests.access import roles

from ..ambassadors.helpers import session_of

ADMINS = roles("admin").only_in("company")
MANAGERS = roles("manager", "admin").only_in("company")

ACCESS = {
    "manager_kpis.metrics": ADMINS,
    "manager_kpis.new_metric": ADMINS,
    "manager_kpis.edit_metric": ADMINS,
    "manager_kpis.switch_metric": ADMINS,
    "manager_kpis.values": MANAGERS,
    "manager_kpis.import_values_page": ADMINS,
    "manager_kpis.commit_value_import": ADMINS,
    "manager_kpis.value_import_example": ADMINS,
    "manager_kpis.targets": MANAGERS,
    "manager_kpis.new_target": ADMINS,
    "manager_kpis.propose_target_page": roles("manager").only_in("company"),
    "manager_kpis.decide_target_page": ADMINS,
    "manager_kpis.remove_target_page": ADMINS,
}


def _metric(make, org) -> int:
    session = session_of(make)
    # A new name each time: a case may make several in one organisation.
    metric = ProductionMetric(
        org_id=org.id, name=f"{org.name} orders {secrets.token_hex(3)}", unit="orders"
    )
    session.add(metric)
    session.commit()
    return metric.id


def _target(make, org) -> int:
    """A manager's proposal for a team of ``org`` (deciding and removing both apply)."""
    session = session_of(make)
    team = make.team(org)
    target = KpiTarget(
        org_id=org.id,
        kpi_key="conversations",
        team_id=team.id,
        team_key=team.id,
        valid_from=date(2026, 1, 1),
        value=Decimal("0.8"),
        status=TargetStatus.proposed,
    )
    session.add(target)
    session.commit()
    return target.id


OBJECT_MAKERS: dict = {"metric_id": _metric, "kpi_target_id": _target}
