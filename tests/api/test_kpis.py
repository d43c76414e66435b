"""GET /api/v1/teams/{id}/kpis: the 12-period series of a team's development and
production KPIs with targets; a team with too few people shows nothing but "suppressed"."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import func, select

from app.manager_kpis.catalogue import KPI_KEYS, metric_key
from app.manager_kpis.models import KpiCacheEntry, KpiTarget
from tests.access import api_token, bearer

from .helpers import add_metric, session_of


def test_a_teams_series_with_targets_and_a_small_team_suppressed(client, make, dbs):
    org = make.org(min_group_size=3)
    unit = make.team(org, name="Productie")
    packing = make.team(org, name="Inpak", parent_id=unit.id)
    shipping = make.team(org, name="Expeditie", parent_id=unit.id)
    small = make.team(org, name="Klein", parent_id=unit.id)
    for team, size in ((packing, 4), (shipping, 3), (small, 1)):
        for _ in range(size):
            make.member(org, team=team)
    metric = add_metric(make, org)
    this_month = datetime.now(UTC).date().replace(day=1)
    session_of(make).add(
        KpiTarget(
            org_id=org.id,
            kpi_key=metric_key(metric.id),
            team_id=packing.id,
            team_key=packing.id,
            valid_from=this_month,
            value=Decimal(1000),
        )
    )
    session_of(make).commit()
    headers = bearer(api_token(make, org, "write"))
    month = this_month.strftime("%Y-%m")
    rows = [
        {"metric": metric.id, "team": team.id, "month": month, "value": 1200}
        for team in (packing, small)
    ]
    posted = client.post("/api/v1/production-values", json={"values": rows}, headers=headers)
    assert posted.status_code == 200, posted.get_json()

    shown = client.get(f"/api/v1/teams/{packing.id}/kpis", headers=headers)
    assert shown.status_code == 200, shown.get_data(as_text=True)
    body = shown.get_json()
    assert body["team"] == {"id": packing.id, "name": "Inpak", "parent": unit.id}
    assert body["period"] == "month" and len(body["periods"]) == 12
    assert body["periods"][-1]["period"] == month and not body["periods"][-1]["closed"]
    kpis = {kpi["key"]: kpi for kpi in body["kpis"]}
    assert set(kpis) == {*KPI_KEYS, metric_key(metric.id)}
    production = kpis[metric_key(metric.id)]
    assert production["section"] == "production" and production["metric_unit"] == "orders"
    now = production["series"][-1]
    assert now["value"] == 1200 and now["target"] == 1000 and now["status"] == "on_track"
    assert not now["suppressed"] and now["people"] == 4
    assert kpis["participation"]["series"][-1]["value"] == 0
    # The organisation sums 2 400 over 8 people: for a group of 4 that is 1 200.
    assert now["company_average"] == 1200 and not now["company_average_suppressed"]
    assert dbs.scalar(select(func.count(KpiCacheEntry.id))) > 0, "closed periods are kept"

    hidden = client.get(f"/api/v1/teams/{small.id}/kpis?period=quarter", headers=headers)
    body = hidden.get_json()
    assert body["period"] == "quarter" and body["periods"][-1]["period"].count("-Q") == 1
    points = [point for kpi in body["kpis"] for point in kpi["series"]]
    assert len(points) == 12 * (len(KPI_KEYS) + 1)
    assert all(p["suppressed"] and p["value"] is None and p["people"] is None for p in points)
    assert all(p["status"] is None for p in points)
