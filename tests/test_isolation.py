"""Nothing of organisation B is readable or writable from organisation A (PRODUCT A5, §4.7).

Generated from the app's URL map, with the objects made by OBJECT_MAKERS in tests/access.py.
Two companies: A, and B whose names, e-mail addresses, usernames, job titles, teams and
audit log carry the canary ``CANARY-B-7f3a``; one person belongs to both. As A's admin:

- every route with an object id, given B's id, answers exactly as for an id that does not
  exist (404, same body), for GET and POST, as a page and as an htmx request, and no row in
  the database changes;
- every route of B's URL space answers 404, exactly as for an organisation that does not
  exist, and changes nothing;
- a crawl of every GET route of A (with A's ids, and with a search for B's people and a
  filter on B's team) never shows the canary, as pages and as htmx partials.

Routes of the JSON API (/api/...) take their organisation from the bearer token: with A's
token, every API route given B's object id answers exactly as for a missing id (404
problem details) and changes nothing, and the crawl reads every API GET route with A's
token.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.orgs.models import Organisation, Role

from .access import (
    LOGO_PNG,
    NOT_ORG_OBJECTS,
    OBJECT_MAKERS,
    ORG_ARGUMENT,
    WITH_LOGO,
    api_token,
    app_rules,
    bearer,
    build_path,
    endpoint_methods,
    find_rule,
    is_api_route,
    is_org_route,
    object_arguments,
    rule_methods,
    url_map_app,
)
from .conftest import csrf_token, login, normalised_body

CANARY = "CANARY-B-7f3a"
A_MARK = "ALPHA-A-31c9"
MISSING_ID = 999_999
MISSING_SLUG = "no-such-organisation"
MODES = {"page": {}, "htmx": {"HX-Request": "true"}}

ORG_ROUTES = [
    (rule, method) for rule, method in endpoint_methods(url_map_app()) if is_org_route(rule)
]
API_ROUTES = [
    (rule, method) for rule, method in endpoint_methods(url_map_app()) if is_api_route(rule)
]


def _object_cases():
    return [
        pytest.param(
            rule.endpoint, method, name, mode, id=f"{rule.endpoint}:{method}:{name}:{mode}"
        )
        for rule, method in ORG_ROUTES
        for name in object_arguments(rule)
        for mode in MODES
    ]


def _is_public_in_org(rule) -> bool:
    """Routes marked ``public_in_org`` (e.g. Open Badges verification URLs) are public by
    design: B's page answers anyone, A's admin too. Their objects are still checked above
    (A's URL with B's object is like a missing one)."""
    view = url_map_app().view_functions.get(rule.endpoint)
    return getattr(view, "public_in_org", False)


def _route_cases():
    return [
        pytest.param(rule.endpoint, method, mode, id=f"{rule.endpoint}:{method}:{mode}")
        for rule, method in ORG_ROUTES
        if not _is_public_in_org(rule)
        for mode in MODES
    ]


@dataclass
class World:
    a: Organisation
    b: Organisation
    a_admin: Any
    b_team_id: int
    # Per URL argument: A's objects (the first one fills A's URLs) and B's object.
    a_objects: dict[str, list[Any]] = field(default_factory=dict)
    b_objects: dict[str, Any] = field(default_factory=dict)
    make: Any = None
    extra_a_objects: dict[str, list[Any]] = field(default_factory=dict)

    def ensure(self, names) -> None:
        """Make A's and B's objects for these URL arguments (in name order, so a route
        with two arguments gets a matching pair). Only what a test's route needs is made:
        making every kind of object for every one of the ~1000 cases took minutes."""
        for name in sorted(set(names) - set(self.b_objects)):
            self.a_objects[name] = [
                OBJECT_MAKERS[name](self.make, self.a),
                *self.extra_a_objects.get(name, []),
            ]
            self.b_objects[name] = OBJECT_MAKERS[name](self.make, self.b)

    def a_values(self, rule) -> dict[str, Any]:
        self.ensure(object_arguments(rule))
        return {name: self.a_objects[name][0] for name in object_arguments(rule)}


@pytest.fixture()
def world(make, dbs) -> World:
    a = make.org(name=f"Alpha {A_MARK}", slug="alpha", **WITH_LOGO)
    # B's logo carries the canary too, so serving it on A's logo route would show.
    b = make.org(
        name=f"{CANARY} Bakkerij",
        slug="bakkerij-b",
        colour="#7f3a7f",
        logo=LOGO_PNG + CANARY.encode(),
        logo_mimetype="image/png",
    )
    a_team = make.team(a, name=f"{A_MARK} Inpak")
    b_unit = make.team(b, name=f"{CANARY} Productie")
    b_team = make.team(b, name=f"{CANARY} Oven", parent_id=b_unit.id)

    # A's admin is a manager too, so the crawl also reads the pages only managers use.
    a_admin = make.member(
        a,
        roles=(Role.employee, Role.manager, Role.admin),
        team=a_team,
        name=f"Anna {A_MARK}",
        email="anna@alpha.test",
    )
    a_worker = make.member(
        a, team=a_team, name=f"Ahmed {A_MARK}", username="ahmed-alpha", email=None
    )

    b_admin = make.admin(b, team=b_unit, name=f"{CANARY} Bea", email="canary-b-7f3a.bea@b.test")
    make.member(b, team=b_team, name=f"{CANARY} Bram Zwaluw", email="canary-b-7f3a.bram@b.test")
    make.member(
        b,
        team=b_team,
        name=f"{CANARY} Kees",
        username="canary-b-7f3a-kees",
        email=None,
        active=False,
    )
    # One person in both: A must never show what B knows about them.
    shared = make.member(a, team=a_team, name="Sam Gedeeld", email="sam@shared.test")
    shared_in_b = make.member(b, roles=(Role.employee, Role.admin), team=b_team, user=shared.user)
    shared_in_b.job_title = f"{CANARY} ploegleider"
    dbs.add(
        AuditEvent(
            org_id=b.id,
            actor_id=b_admin.user_id,
            action=f"{CANARY} audit",
            object_type="team",
            object_id=b_team.id,
        )
    )
    dbs.commit()

    # Crawl these too: pages about people and teams that B also knows.
    extra = {"membership_id": [shared.id, a_admin.id, a_worker.id], "team_id": [a_team.id]}
    return World(
        a=a, b=b, a_admin=a_admin.user, b_team_id=b_team.id, make=make, extra_a_objects=extra
    )


def snapshot(owner_engine) -> dict[str, list[tuple]]:
    """Every row of every table, read on the owner connection."""
    with owner_engine.connect() as conn:
        return {
            table.name: [tuple(row) for row in conn.execute(_ordered_rows(table))]
            for table in db.metadata.sorted_tables
        }


def _ordered_rows(table):
    statement = select(table).order_by(*table.primary_key.columns)
    # A refused attempt to open an ambassador conversation is audit-logged by design
    # (app/ambassadors/access.py: "conversation.refused", ids only): the one row such a
    # 404 writes. Everything else must stay as it was.
    if table.name == "audit_events":
        statement = statement.where(table.c.action != "conversation.refused")
    return statement


def send(client, method: str, path: str, headers: dict[str, str]):
    data = None if method == "GET" else {"csrf_token": csrf_token(client)}
    return client.open(path, method=method, data=data, headers=headers)


def assert_same_not_found(foreign, foreign_path, missing, missing_path):
    assert foreign.status_code == 404, f"{foreign_path} gave {foreign.status_code}, not 404"
    assert missing.status_code == 404, f"{missing_path} gave {missing.status_code}, not 404"
    assert foreign.content_type == missing.content_type
    assert normalised_body(foreign, foreign_path) == normalised_body(missing, missing_path)


def test_object_routes_live_under_an_organisation(app):
    """An object id outside /o/<org_slug>/ could not be scoped to the current organisation."""
    outside = sorted(
        f"{rule.endpoint} ({rule.rule})"
        for rule in app_rules(app)
        if not is_org_route(rule)
        and not is_api_route(rule)  # scoped by the token's organisation (tested below)
        and set(object_arguments(rule)) - NOT_ORG_OBJECTS
    )
    assert outside == [], (
        "move these routes under /o/<org_slug>/ (or, if the argument names no organisation's "
        "object, add it to NOT_ORG_OBJECTS in tests/access.py)"
    )


@pytest.mark.parametrize(("endpoint", "method", "argument", "mode"), _object_cases())
def test_other_organisations_object_is_like_a_missing_one(
    app, client, world, owner_engine, endpoint, method, argument, mode
):
    rule = find_rule(app, endpoint, method)
    login(client, world.a_admin)
    headers = MODES[mode]
    world.ensure(object_arguments(rule))
    foreign_path = build_path(
        app, rule, method, world.a, {**world.a_values(rule), argument: world.b_objects[argument]}
    )
    missing_path = build_path(
        app, rule, method, world.a, {**world.a_values(rule), argument: MISSING_ID}
    )
    before = snapshot(owner_engine)

    foreign = send(client, method, foreign_path, headers)
    missing = send(client, method, missing_path, headers)

    assert_same_not_found(foreign, foreign_path, missing, missing_path)
    assert snapshot(owner_engine) == before, f"{method} {foreign_path} changed the database"


@pytest.mark.parametrize(("endpoint", "method", "mode"), _route_cases())
def test_other_organisations_pages_are_not_found(
    app, client, world, owner_engine, endpoint, method, mode
):
    rule = find_rule(app, endpoint, method)
    login(client, world.a_admin)
    headers = MODES[mode]
    world.ensure(object_arguments(rule))
    values = {name: world.b_objects[name] for name in object_arguments(rule)}
    foreign_path = build_path(app, rule, method, world.b, values)
    missing_path = build_path(app, rule, method, None, {**values, ORG_ARGUMENT: MISSING_SLUG})
    before = snapshot(owner_engine)

    foreign = send(client, method, foreign_path, headers)
    missing = send(client, method, missing_path, headers)

    assert_same_not_found(foreign, foreign_path, missing, missing_path)
    assert snapshot(owner_engine) == before, f"{method} {foreign_path} changed the database"


def _api_object_cases():
    return [
        pytest.param(rule.endpoint, method, name, id=f"{rule.endpoint}:{method}:{name}")
        for rule, method in API_ROUTES
        for name in object_arguments(rule)
    ]


@pytest.mark.parametrize(("endpoint", "method", "argument"), _api_object_cases())
def test_api_object_of_another_organisation_is_like_a_missing_one(
    app, client, world, owner_engine, endpoint, method, argument
):
    rule = find_rule(app, endpoint, method)
    headers = bearer(api_token(world.make, world.a, "write"))
    client.get("/api/v1/teams", headers=headers)  # the token's first use is noted once
    world.ensure(object_arguments(rule))
    values = world.a_values(rule)
    foreign_path = build_path(
        app, rule, method, None, {**values, argument: world.b_objects[argument]}
    )
    missing_path = build_path(app, rule, method, None, {**values, argument: MISSING_ID})
    body = None if method == "GET" else {"values": []}
    before = snapshot(owner_engine)

    foreign = client.open(foreign_path, method=method, headers=headers, json=body)
    missing = client.open(missing_path, method=method, headers=headers, json=body)

    assert_same_not_found(foreign, foreign_path, missing, missing_path)
    assert snapshot(owner_engine) == before, f"{method} {foreign_path} changed the database"


def crawl_urls(app, world: World) -> list[str]:
    """Every GET route filled with each of A's objects, plain and with B-seeking filters."""
    urls = []
    world.ensure({name for rule in app_rules(app) for name in object_arguments(rule)})
    for rule in app_rules(app):
        if "GET" not in rule_methods(rule):
            continue
        if getattr(app.view_functions[rule.endpoint], "org_kind", "company") != "company":
            continue  # a union's page: A and B are companies (tests/unions cover unions)
        variants = [world.a_values(rule)]
        for name in object_arguments(rule):
            for value in world.a_objects.get(name, [])[1:]:
                variants.append({**world.a_values(rule), name: value})
        for values in variants:
            path = build_path(app, rule, "GET", world.a, values)
            urls += [path, f"{path}?q=Zwaluw&team={world.b_team_id}", f"{path}?q=7f3a&page=2"]
    return urls


@pytest.mark.parametrize("mode", list(MODES))
def test_crawl_of_organisation_a_never_shows_b(app, client, world, mode):
    login(client, world.a_admin)
    api_headers = bearer(api_token(world.make, world.a, "read"))
    failed, leaked, shows_a = [], [], []
    for url in crawl_urls(app, world):
        headers = {**MODES[mode], **(api_headers if url.startswith("/api/") else {})}
        response = client.get(url, headers=headers, follow_redirects=True)
        body = response.get_data()  # bytes: the logo and CSV files are pages too
        if response.status_code != 200:
            failed.append(f"{url} gave {response.status_code}")
        if CANARY.lower().encode() in body.lower():
            leaked.append(url)
        if A_MARK.encode() in body:
            shows_a.append(url)
    assert failed == [], "the crawl must see real pages, not errors"
    assert leaked == [], f"organisation B's data shows on A's pages: {leaked}"
    # The crawl really rendered A's people and teams, so the absence of B means something.
    assert shows_a, "no page showed organisation A's own data"
