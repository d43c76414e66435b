"""The OpenAPI 3.1 document describes every route of the API, and schemathesis, run
offline from it against the app (WSGI), finds no server error and no response outside
the document (acceptance 6)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.api.openapi import document
from app.manager_kpis.models import KpiTarget, ProductionValue, TargetStatus
from tests.access import api_token, bearer

from .helpers import make_pair, session_of

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Small and fixed: the whole file stays within a few seconds per database.
EXAMPLES = {GenerationMode.POSITIVE: 25, GenerationMode.NEGATIVE: 15}


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def test_every_route_of_the_api_is_in_the_document(app):
    with app.test_request_context():
        paths = document()["paths"]
    routes = {
        (_openapi_path(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    described = {(path, method) for path, item in paths.items() for method in item}
    assert routes == described


def test_schemathesis_finds_no_server_error_and_nothing_outside_the_document(
    app, make, monkeypatch
):
    monkeypatch.setitem(app.config, "API_RATELIMIT", "100000 per minute")
    pair = make_pair(make)
    for n in range(3):
        make.offer(pair.a, title=f"Cursus {n}")
    make.offer(pair.b, title="Van B")
    # Enough people in Inpak to show its figures, a target and a value: the series then
    # holds numbers, statuses and averages, not only the nulls of a suppressed team.
    for _ in range(5):
        make.member(pair.a, team=pair.a_team)
    session = session_of(make)
    this_month = datetime.now(UTC).date().replace(day=1)
    session.add(
        KpiTarget(
            org_id=pair.a.id,
            kpi_key="participation",
            team_id=None,
            team_key=0,
            valid_from=this_month.replace(year=this_month.year - 2),
            value=Decimal("0.5"),
            status=TargetStatus.approved,
        )
    )
    session.add(
        ProductionValue(
            org_id=pair.a.id,
            metric_id=pair.metric.id,
            team_id=pair.a_team.id,
            month=this_month,
            value=Decimal("12.5"),
        )
    )
    session.commit()
    token = api_token(make, pair.a, "write")
    headers = bearer(token)
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)  # no token needed
    assert schema.raw_schema["openapi"].startswith("3.1.")

    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        described = schema.raw_schema["paths"][operation.path][operation.method.lower()]
        takes_input = "parameters" in described or "requestBody" in described
        for mode, examples in EXAMPLES.items():
            if mode == GenerationMode.NEGATIVE and not takes_input:
                continue  # nothing to get wrong

            @settings(
                max_examples=examples,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(mode, headers=headers))
            def run(case):
                nonlocal calls
                calls += 1
                case.call_and_validate(headers=headers, checks=CHECKS)

            run()
    # Real answers too, not only refusals: a team's KPIs, a full page, values written.
    kpis = schema["/api/v1/teams/{team_id}/kpis"]["GET"]
    for period in ("month", "quarter"):
        case = kpis.Case(path_parameters={"team_id": pair.a_team.id}, query={"period": period})
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        assert response.status_code == 200
        now = {kpi["key"]: kpi["series"][-1] for kpi in response.json()["kpis"]}
        assert now["participation"]["people"] == 5 and now["participation"]["status"]
        assert now[f"metric:{pair.metric.id}"]["value"] == 12.5
    values = schema["/api/v1/production-values"]["POST"]
    row = {"metric": pair.metric.id, "team": pair.a_team.id, "month": "2025-01", "value": 3}
    case = values.Case(body={"values": [row]}, media_type="application/json")
    assert case.call_and_validate(headers=headers, checks=CHECKS).status_code == 200
    assert calls > 50
