"""Every route x every kind of person answers as ACCESS in tests/access.py says.

Generated from the app's URL map: one test per endpoint, method and persona. Personas in
the organisation of the URL: anonymous, an outsider (admin of another organisation), a
former admin (membership switched off), employee, ambassador, manager and admin of a
company, and rep, coordinator and admin of a union. Routes outside an organisation are
tried anonymously and signed in.

Outcomes: allowed (no 401/403/404/405/5xx and no redirect to sign-in), 403 for a member
without the role, a redirect to /login?next=<path> for anonymous people, 404 for a
signed-in person who is not (or no longer) a member. Every POST carries a valid CSRF token.

Routes of the JSON API (/api/...) are tried with no token, with a session cookie but no
token, with a revoked token, a read token and a write token: 401 without a valid token,
403 for a read token on a write route, problem details either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest

from app.extensions import csrf
from app.orgs.models import OrgKind, Role

from .access import (
    ACCESS,
    API_READ,
    API_WRITE,
    MEMBER_OR_FORMER,
    OBJECT_MAKERS,
    OWNER,
    PUBLIC,
    WITH_LOGO,
    Access,
    access_for,
    api_token,
    app_rules,
    bearer,
    build_path,
    endpoint_methods,
    find_rule,
    is_api_route,
    is_org_route,
    make_url_values,
    object_arguments,
    url_map_app,
)
from .conftest import csrf_token, login


@dataclass(frozen=True)
class Persona:
    name: str
    kind: str  # anonymous, outsider, former or member
    org_kind: OrgKind = OrgKind.company
    roles: tuple[Role, ...] = ()


ORG_PERSONAS = (
    Persona("anonymous", "anonymous"),
    Persona("outsider", "outsider", roles=(Role.employee, Role.admin)),
    Persona("former-admin", "former", roles=(Role.employee, Role.admin)),
    Persona("employee", "member", roles=(Role.employee,)),
    Persona("ambassador", "member", roles=(Role.employee, Role.ambassador)),
    Persona("manager", "member", roles=(Role.employee, Role.manager)),
    Persona("admin", "member", roles=(Role.employee, Role.admin)),
    Persona("union-rep", "member", OrgKind.union, (Role.rep,)),
    Persona("union-coordinator", "member", OrgKind.union, (Role.coordinator,)),
    Persona("union-admin", "member", OrgKind.union, (Role.admin,)),
)
ACCOUNT_PERSONAS = (
    Persona("anonymous", "anonymous"),
    Persona("signed-in", "member", roles=(Role.employee,)),
)

ALLOWED, SIGN_IN, FORBIDDEN, NOT_FOUND = "allowed", "sign-in", "403", "404"


def _cases():
    cases = []
    for rule, method in endpoint_methods(url_map_app()):
        if is_api_route(rule):
            continue  # test_api_route_answers_as_access_table_says
        personas = ORG_PERSONAS if is_org_route(rule) else ACCOUNT_PERSONAS
        for persona in personas:
            cases.append(
                pytest.param(
                    rule.endpoint, method, persona, id=f"{rule.endpoint}:{method}:{persona.name}"
                )
            )
    return cases


def expected_outcome(access: Access, persona: Persona, org_route: bool) -> str:
    if access == PUBLIC:
        return ALLOWED
    if persona.kind == "anonymous":
        return SIGN_IN
    if not org_route:
        return ALLOWED
    if persona.kind == "former" and access == MEMBER_OR_FORMER:
        return ALLOWED
    if persona.kind in {"outsider", "former"}:
        return NOT_FOUND
    if access.org_kind and access.org_kind != persona.org_kind:
        return NOT_FOUND  # a union page does not exist in a company, and the other way round
    if access.kind in ("signed-in", "member", "owner", "member-or-former"):
        return ALLOWED
    return ALLOWED if access.roles & set(persona.roles) else FORBIDDEN


def arrange_persona(make, org, persona: Persona):
    """The signed-in person for ``persona`` (None for anonymous)."""
    if persona.kind == "anonymous":
        return None
    if persona.kind == "outsider":
        return make.member(make.org(), roles=persona.roles).user
    active = persona.kind != "former"
    return make.member(org, roles=persona.roles, active=active).user


def is_sign_in_redirect(response, path: str | None = None) -> bool:
    """A redirect to the sign-in page that brings the person back to ``path`` afterwards."""
    if response.status_code not in {301, 302, 303, 307, 308}:
        return False
    location = urlsplit(response.headers["Location"])
    next_values = parse_qs(location.query).get("next", [])
    if location.path != "/login" or len(next_values) != 1:
        return False
    return path is None or next_values[0].rstrip("?") == path


def send(client, method: str, path: str, **kwargs):
    data = None if method == "GET" else {"csrf_token": csrf_token(client)}
    return client.open(path, method=method, data=data, **kwargs)


@pytest.fixture()
def csrf_failures(monkeypatch) -> list[str]:
    """Reasons of CSRF refusals during the test: a refused token would hide the real answer."""
    failures: list[str] = []
    original = csrf._error_response

    def record(reason: str):
        failures.append(reason)
        return original(reason)

    monkeypatch.setattr(csrf, "_error_response", record)
    return failures


@pytest.mark.parametrize(("endpoint", "method", "persona"), _cases())
def test_route_answers_as_access_table_says(
    app, client, make, csrf_failures, endpoint, method, persona
):
    rule = find_rule(app, endpoint, method)
    access = access_for(endpoint, method)
    org = make.org(kind=persona.org_kind, **WITH_LOGO)
    user = arrange_persona(make, org, persona)
    path = build_path(app, rule, method, org, make_url_values(rule, make, org, person=user))
    if user is not None:
        login(client, user)

    response = send(client, method, path)

    outcome = expected_outcome(access, persona, is_org_route(rule))
    view = app.view_functions[endpoint]
    assert getattr(view, "org_kind", None) == access.org_kind, (
        f"{endpoint}: the route's only_in(...) and its ACCESS row's .only_in(...) differ"
    )
    answer = f"{method} {path} as {persona.name} gave {response.status_code}"
    if response.location:
        answer += f" to {response.location}"
    assert not csrf_failures, f"{answer}: CSRF refused ({csrf_failures}), so nothing was tested"
    if outcome == SIGN_IN:
        assert is_sign_in_redirect(response, path), f"{answer}; expected a redirect to sign-in"
    elif outcome == NOT_FOUND:
        assert response.status_code == 404, f"{answer}; expected 404 (not a member)"
    elif outcome == FORBIDDEN:
        assert response.status_code == 403, f"{answer}; expected 403 ({access!r})"
    else:
        refused = response.status_code in {401, 403, 404, 405} or response.status_code >= 500
        assert not refused and not is_sign_in_redirect(response), (
            f"{answer}; expected it to be allowed ({access!r})"
        )


API_PERSONAS = ("no-token", "signed-in-no-token", "revoked-token", "read-token", "write-token")
UNAUTHORIZED = "401"


def _api_cases():
    return [
        pytest.param(rule.endpoint, method, persona, id=f"{rule.endpoint}:{method}:{persona}")
        for rule, method in endpoint_methods(url_map_app())
        if is_api_route(rule)
        for persona in API_PERSONAS
    ]


def expected_api_outcome(access: Access, persona: str) -> str:
    if access == PUBLIC:
        return ALLOWED
    if persona in {"no-token", "signed-in-no-token", "revoked-token"}:
        return UNAUTHORIZED
    if access == API_WRITE and persona == "read-token":
        return FORBIDDEN
    return ALLOWED


@pytest.mark.parametrize(("endpoint", "method", "persona"), _api_cases())
def test_api_route_answers_as_access_table_says(app, client, make, endpoint, method, persona):
    rule = find_rule(app, endpoint, method)
    access = access_for(endpoint, method)
    org = make.org()
    path = build_path(app, rule, method, org, make_url_values(rule, make, org))
    headers = {}
    if persona == "signed-in-no-token":
        login(client, make.admin(org).user)
    elif persona != "no-token":
        scope = "read" if persona == "read-token" else "write"
        headers = bearer(api_token(make, org, scope, revoked=persona == "revoked-token"))

    body = None if method == "GET" else {"values": []}
    response = client.open(path, method=method, headers=headers, json=body)

    outcome = expected_api_outcome(access, persona)
    answer = f"{method} {path} with {persona} gave {response.status_code}"
    if outcome == ALLOWED:
        refused = response.status_code in {401, 403, 404, 405} or response.status_code >= 500
        assert not refused, f"{answer}; expected it to be allowed ({access!r})"
    else:
        assert response.status_code == int(outcome), f"{answer}; expected {outcome}"
        assert response.mimetype == "application/problem+json", answer
    assert "Set-Cookie" not in response.headers or persona == "signed-in-no-token", answer


def test_every_route_has_an_access_row_and_object_makers(app):
    missing_rows = sorted(
        f"{rule.endpoint} ({method})"
        for rule, method in endpoint_methods(app)
        if not isinstance(ACCESS.get(rule.endpoint), Access)
        and method not in (ACCESS.get(rule.endpoint) or {})
    )
    missing_makers = sorted(
        {
            f"{name} (used by {rule.endpoint})"
            for rule in app_rules(app)
            for name in object_arguments(rule)
            if name not in OBJECT_MAKERS
        }
    )
    assert not missing_rows, (
        "Add these endpoints to ACCESS in tests/access.py (PUBLIC, SIGNED_IN, MEMBER or "
        f"roles(...)): {', '.join(missing_rows)}"
    )
    assert not missing_makers, (
        "Add makers for these URL arguments to OBJECT_MAKERS in tests/access.py: "
        + ", ".join(missing_makers)
    )


def test_access_table_has_no_rows_for_routes_that_are_gone(app):
    endpoints = {rule.endpoint for rule in app_rules(app)}
    arguments = {name for rule in app_rules(app) for name in object_arguments(rule)}
    assert sorted(set(ACCESS) - endpoints) == [], "remove these rows from ACCESS"
    assert sorted(set(OBJECT_MAKERS) - arguments) == [], "remove these makers from OBJECT_MAKERS"


def test_access_rows_fit_their_routes(app):
    """MEMBER and roles(...) only make sense inside an organisation; roles(...) names roles."""
    problems = []
    methods: dict[str, set[str]] = {}
    for rule, method in endpoint_methods(app):
        methods.setdefault(rule.endpoint, set()).add(method)
        row = ACCESS.get(rule.endpoint)
        access = row.get(method) if isinstance(row, dict) else row
        if access is None:
            continue
        if access.kind in {"member", "roles", "member-or-former"} and not is_org_route(rule):
            problems.append(f"{rule.endpoint} is {access!r} but not under /o/<org_slug>/")
        if is_api_route(rule) != (access in {API_READ, API_WRITE}) and access != PUBLIC:
            problems.append(f"{rule.endpoint}: API routes are API_READ, API_WRITE or PUBLIC")
        if access.kind == "roles" and not access.roles:
            problems.append(f"{rule.endpoint} has roles() without a role")
    for endpoint, row in ACCESS.items():
        if isinstance(row, dict) and set(row) - methods.get(endpoint, set()):
            problems.append(f"{endpoint} has rows for methods it does not accept")
    assert problems == []


def _owner_cases():
    return [
        pytest.param(rule.endpoint, method, id=f"{rule.endpoint}:{method}")
        for rule, method in endpoint_methods(url_map_app())
        if access_for(rule.endpoint, method) == OWNER
    ]


@pytest.mark.parametrize(("endpoint", "method"), _owner_cases())
@pytest.mark.parametrize("roles", [(Role.employee,), (Role.employee, Role.manager, Role.admin)])
def test_personal_objects_of_someone_else_are_not_found(
    app, client, make, csrf_failures, endpoint, method, roles
):
    """A colleague's personal object is a 404 for everyone else, the manager and admin too."""
    rule = find_rule(app, endpoint, method)
    org = make.org(**WITH_LOGO)
    owner = make.member(org).user
    other = make.member(org, roles=roles).user
    path = build_path(app, rule, method, org, make_url_values(rule, make, org, person=owner))
    login(client, other)
    response = send(client, method, path)
    assert not csrf_failures
    assert response.status_code == 404, f"{method} {path} gave {response.status_code}"
