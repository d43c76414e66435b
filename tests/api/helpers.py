"""Shared setup of the API tests: two companies with teams, a metric and offers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.manager_kpis.models import ProductionMetric
from tests.access import api_token, bearer


def session_of(make):
    return make.OrganisationFactory._meta.sqlalchemy_session


def add_metric(make, org, name: str = "Orders picked", **values) -> ProductionMetric:
    metric = ProductionMetric(org_id=org.id, name=name, unit="orders", **values)
    session_of(make).add(metric)
    session_of(make).commit()
    return metric


@dataclass
class Pair:
    """Company A (whose token the test uses) and company B (which A must never see)."""

    a: Any
    b: Any
    a_unit: Any
    a_team: Any
    b_team: Any
    metric: ProductionMetric
    b_metric: ProductionMetric
    write: dict[str, str]  # headers with a write token of A
    read: dict[str, str]  # headers with a read token of A


def make_pair(make) -> Pair:
    a = make.org(name="Alpha", slug="alpha")
    b = make.org(name="Bakkerij B", slug="bakkerij-b")
    a_unit = make.team(a, name="Productie")
    a_team = make.team(a, name="Inpak", parent_id=a_unit.id)
    b_team = make.team(b, name="Oven B")
    return Pair(
        a=a,
        b=b,
        a_unit=a_unit,
        a_team=a_team,
        b_team=b_team,
        metric=add_metric(make, a),
        b_metric=add_metric(make, b, name="Broden B"),
        write=bearer(api_token(make, a, "write")),
        read=bearer(api_token(make, a, "read")),
    )
