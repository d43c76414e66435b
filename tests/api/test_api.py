"""The JSON API (P3) from a client's side: tokens, scopes, the organisation a token sees,
errors as problem details, the rate limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import func, select

from app.manager_kpis.models import ApiToken, ProductionValue
from app.offers.models import OfferVisibility
from app.orgs.models import OrgKind
from tests.access import api_token, bearer
from tests.conftest import login

from .helpers import make_pair, session_of

PROBLEM = "application/problem+json"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    assert body["status"] == status
    assert {"type", "title", "detail"} <= set(body)
    return body


def test_a_token_sees_its_own_organisation_only(client, make):
    pair = make_pair(make)
    mine = make.offer(pair.a, title="Heftruck A")
    make.offer(pair.b, title="Broodcursus B")
    union = make.org(name="Bond", kind=OrgKind.union)
    shared = make.offer(union, title="Leerdag van de bond")
    session_of(make).add(OfferVisibility(org_id=pair.a.id, offer_id=shared.id))
    session_of(make).commit()

    teams = client.get("/api/v1/teams", headers=pair.read)
    assert teams.status_code == 200
    assert teams.get_json() == {
        "teams": [
            {"id": pair.a_team.id, "name": "Inpak", "parent": pair.a_unit.id},
            {"id": pair.a_unit.id, "name": "Productie", "parent": None},
        ]
    }
    metrics = client.get("/api/v1/metrics", headers=pair.read).get_json()["metrics"]
    assert [m["name"] for m in metrics] == ["Orders picked"]
    offers = client.get("/api/v1/offers", headers=pair.read).get_json()
    assert {o["id"]: o["shared_by"] for o in offers["offers"]} == {
        mine.id: None,
        shared.id: "Bond",
    }
    assert offers["next_cursor"] is None

    # B's team is the same 404 as a team that does not exist.
    foreign = client.get(f"/api/v1/teams/{pair.b_team.id}/kpis", headers=pair.read)
    missing = client.get("/api/v1/teams/999999/kpis", headers=pair.read)
    assert assert_problem(foreign, 404) == assert_problem(missing, 404)


def test_offers_come_a_page_at_a_time(client, make):
    pair = make_pair(make)
    ids = [make.offer(pair.a, title=f"Cursus {n}").id for n in range(5)]
    make.offer(pair.a, title="Uitgezet", active=False)
    make.offer(pair.a, title="Al begonnen", starts_at=datetime.now(UTC) - timedelta(days=1))

    seen, cursor = [], None
    for _ in range(3):
        query = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/offers", query_string=query, headers=pair.read).get_json()
        seen += [o["id"] for o in page["offers"]]
        cursor = page["next_cursor"]
    assert seen == ids and cursor is None

    for bad in ({"limit": 0}, {"limit": 101}, {"limit": "x"}, {"cursor": "nope"}):
        response = client.get("/api/v1/offers", query_string=bad, headers=pair.read)
        assert_problem(response, 400)


def _count_values(dbs) -> int:
    return dbs.scalar(select(func.count(ProductionValue.id)))


def test_production_values_are_all_or_nothing(client, make, dbs):
    pair = make_pair(make)
    this_month = datetime.now(UTC).strftime("%Y-%m")
    good = {"metric": pair.metric.id, "team": "Inpak", "month": "2025-01", "value": 1250}
    bad_rows = [
        good,
        {"metric": "Unknown metric", "team": pair.a_team.id, "month": "2025-01", "value": 1},
        {"metric": pair.metric.id, "team": pair.b_team.id, "month": "2025-02", "value": 1},
        {"metric": pair.b_metric.id, "team": pair.a_team.id, "month": "2025-02", "value": 1},
        {"metric": pair.metric.id, "team": pair.a_team.id, "month": "2999-01", "value": 1},
        {"metric": pair.metric.id, "team": pair.a_team.id, "month": "2025-03", "value": "12"},
        {"metric": pair.metric.id, "team": pair.a_team.id, "month": "2025-04"},
        "not an object",
    ]
    response = client.post(
        "/api/v1/production-values", json={"values": bad_rows}, headers=pair.write
    )
    body = assert_problem(response, 422)
    assert {(e["index"], e["field"]) for e in body["errors"]} == {
        (5, "value"),
        (6, "value"),
        (7, None),
    }, "the shape of every row is checked first"
    assert _count_values(dbs) == 0

    rows = bad_rows[:5]
    body = assert_problem(
        client.post("/api/v1/production-values", json={"values": rows}, headers=pair.write), 422
    )
    assert {(e["index"], e["field"]) for e in body["errors"]} == {
        (1, "metric"),
        (2, "team"),
        (3, "metric"),
        (4, "month"),
    }
    assert all(e["reason"] for e in body["errors"])
    assert _count_values(dbs) == 0

    # A read token may not write, even a good row.
    denied = client.post("/api/v1/production-values", json={"values": [good]}, headers=pair.read)
    assert_problem(denied, 403)
    assert _count_values(dbs) == 0

    rows = [good, {**good, "team": pair.a_unit.id, "month": this_month, "value": 7.5}]
    response = client.post("/api/v1/production-values", json={"values": rows}, headers=pair.write)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"written": 2}
    assert _count_values(dbs) == 2


def test_errors_are_problem_details(app, client, make, monkeypatch):
    pair = make_pair(make)
    assert_problem(client.get("/api/v2/nothing", headers=pair.read), 404)
    assert_problem(client.get("/api/v1/teams/0/kpis", headers=pair.read), 404)
    not_allowed = assert_problem(client.post("/api/v1/teams", headers=pair.write), 405)
    assert not_allowed["title"] == "Method Not Allowed"
    assert "GET" in client.post("/api/v1/teams", headers=pair.write).headers["Allow"]
    post = "/api/v1/production-values"
    assert_problem(
        client.post(post, data="{nope", content_type="application/json", headers=pair.write),
        400,
    )
    assert_problem(client.post(post, data="values=1", headers=pair.write), 415)
    assert_problem(client.post(post, json={"values": []}, headers=pair.write), 422)
    assert_problem(client.post(post, json=[1], headers=pair.write), 422)
    deep = "[" * 100_000
    assert_problem(
        client.post(post, data=deep, content_type="application/json", headers=pair.write), 400
    )
    assert_problem(client.get("/api/v1/teams/1/kpis?period=year", headers=pair.read), 400)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 50)
    big = {"values": [{"metric": 1, "team": 1, "month": "2025-01", "value": 1}] * 5}
    assert_problem(client.post(post, json=big, headers=pair.write), 413)
    monkeypatch.undo()

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("app.api.routes.offer_page", broken)
    assert_problem(client.get("/api/v1/offers", headers=pair.read), 500)


def test_tokens_that_do_not_work(client, make, dbs):
    pair = make_pair(make)
    union = make.org(kind=OrgKind.union)
    revoked = api_token(make, pair.a, "write", revoked=True)
    valid = pair.read["Authorization"].split()[1]
    wrong_org = valid.replace(f"lck_{pair.a.id}_", f"lck_{pair.b.id}_")
    for headers in (
        {},
        {"Authorization": "Basic YTpi"},
        {"Authorization": "Bearer"},
        bearer("lck_1_short"),
        bearer("lck_99999999999_" + "a" * 43),
        bearer(wrong_org),
        bearer(revoked),
        bearer(api_token(make, union, "read")),
    ):
        response = client.get("/api/v1/teams", headers=headers)
        assert_problem(response, 401)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    # A signed-in admin's session is no credential for the API.
    login(client, make.admin(pair.a).user)
    assert_problem(client.get("/api/v1/teams"), 401)
    assert dbs.scalar(select(func.count()).where(ApiToken.last_used_at.is_not(None))) == 0


def test_last_use_is_noted_at_most_once_a_minute(client, make, dbs):
    pair = make_pair(make)
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def last_used():
        dbs.expire_all()
        return dbs.scalar(select(ApiToken.last_used_at).where(ApiToken.scope == "read"))

    with time_machine.travel(start, tick=False):
        response = client.get("/api/v1/teams", headers=pair.read)
        assert "Set-Cookie" not in response.headers
        assert response.headers["Cache-Control"] == "no-store"
        assert last_used() == start
    with time_machine.travel(start + timedelta(seconds=50), tick=False):
        client.get("/api/v1/teams", headers=pair.read)
        assert last_used() == start
    with time_machine.travel(start + timedelta(seconds=70), tick=False):
        client.get("/api/v1/teams", headers=pair.read)
        assert last_used() == start + timedelta(seconds=70)


def test_requests_are_limited_per_token(app, client, make, monkeypatch):
    pair = make_pair(make)
    monkeypatch.setitem(app.config, "API_RATELIMIT", "3 per minute")
    for path in ("/api/v1/teams", "/api/v1/metrics", "/api/v1/offers"):
        assert client.get(path, headers=pair.read).status_code == 200
    limited = client.get("/api/v1/teams", headers=pair.read)
    assert_problem(limited, 429)
    assert int(limited.headers["Retry-After"]) > 0
    # Another token has its own budget.
    assert client.get("/api/v1/teams", headers=pair.write).status_code == 200


def test_made_up_tokens_do_not_each_get_a_budget(client, make, monkeypatch):
    pair = make_pair(make)
    monkeypatch.setattr("app.api.auth.REFUSED_RATELIMIT", "3 per minute")
    for n in range(3):
        made_up = bearer(f"lck_{pair.a.id}_{n:043d}")
        assert_problem(client.get("/api/v1/teams", headers=made_up), 401)
    # From that address, nothing more for a while: not another guess, nor a real token.
    guess = bearer(f"lck_{pair.a.id}_{'x' * 43}")
    assert_problem(client.get("/api/v1/teams", headers=guess), 429)
    assert_problem(client.get("/api/v1/teams", headers=pair.read), 429)
    elsewhere = {"REMOTE_ADDR": "10.0.0.7"}
    assert client.get("/api/v1/teams", headers=pair.read, environ_base=elsewhere).status_code == 200
