"""Access rows for the managers' KPI dashboard (K1-K5), merged into tests/access.py.

Everything exists only in a company. A team's pages are for managers and admins; the
whole organisation's only for admins. The team maker puts the person asking in the team,
so a manager persona sees it as their own team (a manager of another team gets a 404:
tests/manager_kpis/test_dashboard_access.py)."""

import secrets

from sqlalchemy import select

from app.manager_kpis.models import ProductionMetric
from app.orgs.models import Membership
from tests.access import roles

from ..ambassadors.helpers import session_of

MANAGERS = roles("manager", "admin").only_in("company")
ADMINS = roles("admin").only_in("company")

ACCESS = {
    "manager_kpis.overview": MANAGERS,
    "manager_kpis.about": MANAGERS,
    "manager_kpis.team_dashboard": MANAGERS,
    "manager_kpis.team_tile": MANAGERS,
    "manager_kpis.team_export": MANAGERS,
    "manager_kpis.team_print": MANAGERS,
    "manager_kpis.team_series": MANAGERS,
    "manager_kpis.org_dashboard": ADMINS,
    "manager_kpis.org_tile": ADMINS,
    "manager_kpis.org_export": ADMINS,
    "manager_kpis.org_print": ADMINS,
    "manager_kpis.org_series": ADMINS,
}


def _kpi_team(make, org, person=None) -> int:
    """A team of ``org``; ``person`` (when a member of ``org``) is put in it."""
    team = make.team(org)
    session = session_of(make)
    if person is not None:
        membership = session.scalars(
            select(Membership).where(Membership.org_id == org.id, Membership.user_id == person.id)
        ).first()
        if membership is not None:
            membership.team_id = team.id
            session.commit()
    return team.id


def _kpi_key(make, org) -> str:
    """The KPI key of a production metric of ``org`` (a development KPI's key names no
    organisation's object; another organisation's metric must be a 404)."""
    session = session_of(make)
    metric = ProductionMetric(org_id=org.id, name=f"{org.name} tile {secrets.token_hex(4)}")
    session.add(metric)
    session.commit()
    return f"metric:{metric.id}"


OBJECT_MAKERS: dict = {"kpi_team_id": _kpi_team, "kpi_key": _kpi_key}
