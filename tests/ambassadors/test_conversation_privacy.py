"""ACCEPTANCE 1 (PRODUCT §4.1): a talk with an ambassador, its next steps and check-ins are
read by its employee and its ambassador only; private notes by the ambassador who wrote
them only.

Generated from the URL map: every route with a conversation, note, next step or follow-up
id, for GET and POST, as a page and as an htmx request, is tried as the employee's
manager, the company admin, another ambassador of the company, a union coordinator (with
an active learning agreement, and a membership in the company) and an operator who is also
a company admin. Each gets exactly the answer for an id that does not exist (404, same
body), nothing in the database changes except the audit event ``conversation.refused``
(written every time), and no word of the talk shows. The employee cannot reach the notes;
an ambassador whose role was taken away cannot open their past talks, the employee still
can.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from app.ambassadors.models import AmbassadorProfile
from app.audit.models import AuditEvent
from app.db_types import utcnow
from app.extensions import db
from app.orgs.models import Membership, MembershipRole, OrgKind, Role
from app.unions.models import AgreementStatus
from tests.access import app_rules, build_path, object_arguments, rule_methods, url_map_app
from tests.conftest import csrf_token, login
from tests.conftest import normalised_body as normalised

from .helpers import make_agreement, make_ambassador
from .helpers_conversations import CANARY, HX, full_talk

PRIVATE_ARGUMENTS = {"conversation_id", "note_id", "next_step_id", "follow_up_id"}
MISSING_ID = 999_999
MODES = {"page": {}, "htmx": HX}
REFUSED = "conversation.refused"
PERSONAS = ("manager", "admin", "other-ambassador", "union-coordinator", "operator")


def private_routes():
    """(endpoint, method, argument) of every route that names one of these objects."""
    cases = []
    for rule in app_rules(url_map_app()):
        for argument in sorted(set(object_arguments(rule)) & PRIVATE_ARGUMENTS):
            for method in rule_methods(rule):
                cases.append((rule.endpoint, method, argument))
    return cases


ROUTES = private_routes()


def test_the_generated_list_covers_every_kind_of_object():
    """If a route were renamed away from these arguments, the test below would test nothing."""
    assert {argument for _e, _m, argument in ROUTES} == PRIVATE_ARGUMENTS
    assert {"GET", "POST"} <= {method for _e, method, _a in ROUTES}
    assert len(ROUTES) >= 10


@dataclass
class World:
    company: Any
    union: Any
    employee: Any
    ambassador: Any
    people: dict[str, Any]
    ids: dict[str, int]


@pytest.fixture()
def world(make, dbs) -> World:
    company = make.org(name="Bakkerij Brood", slug="brood")
    team = make.team(company, name="Oven")
    employee = make.member(company, team=team, name="Eva Employee").user
    manager = make.member(company, roles=(Role.employee, Role.manager), team=team).user
    admin = make.admin(company, name="Ada Admin").user
    ambassador = make_ambassador(make, company, user_kwargs={"name": "Amir Ambassador"}).user
    other_ambassador = make_ambassador(make, company, user_kwargs={"name": "Olga Other"}).user
    union = make.org(kind=OrgKind.union, name="Vakbond Samen", slug="samen")
    coordinator = make.member(union, roles=(Role.coordinator,), name="Cor Coordinator").user
    # Also a member of the company: the strongest case (they pass the organisation check).
    make.member(company, user=coordinator)
    make_agreement(make, union, company, status=AgreementStatus.active, reps=(coordinator,))
    operator = make.user(name="Otto Operator", is_operator=True)
    make.admin(company, user=operator)
    conversation, step, note, follow_up = full_talk(make, company, employee.id, ambassador.id)
    return World(
        company=company,
        union=union,
        employee=employee,
        ambassador=ambassador,
        people={
            "manager": manager,
            "admin": admin,
            "other-ambassador": other_ambassador,
            "union-coordinator": coordinator,
            "operator": operator,
        },
        ids={
            "conversation_id": conversation.id,
            "note_id": note.id,
            "next_step_id": step.id,
            "follow_up_id": follow_up.id,
        },
    )


def snapshot(owner_engine) -> dict[str, list[tuple]]:
    """Every row of every table except the refusals this test expects."""
    result = {}
    with owner_engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            statement = select(table).order_by(*table.primary_key.columns)
            if table.name == "audit_events":
                statement = statement.where(table.c.action != REFUSED)
            result[table.name] = [tuple(row) for row in conn.execute(statement)]
    return result


def refusals(dbs, org, actor_id: int, object_id: int) -> int:
    dbs.expire_all()
    return dbs.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.org_id == org.id,
            AuditEvent.actor_id == actor_id,
            AuditEvent.action == REFUSED,
            AuditEvent.object_id == object_id,
        )
    )


def send(client, method: str, path: str, headers, token: str):
    # A form with plausible values: a refusal must not depend on the form being empty.
    data = None
    if method == "POST":
        data = {
            "csrf_token": token,
            "text": "A next step",
            "body": "A note",
            "summary": "A summary",
            "held_on": "2026-01-01",
            "day": "2099-01-01",
            "at": "10:00",
            "place": "Canteen",
            "outcome": "no_action",
            "check_in_outcome": "no_action",
            "done": "1",
        }
    return client.open(path, method=method, data=data, headers=headers)


def assert_refused_like_missing(
    app, client, dbs, owner_engine, world, who, org, endpoint, method, argument
):
    rule = next(r for r in app_rules(app) if r.endpoint == endpoint and method in rule_methods(r))
    person = world.people.get(who) or who
    token = csrf_token(client, f"/o/{org.slug}/") if org is world.company else csrf_token(client)
    values = {name: world.ids[name] for name in object_arguments(rule)}
    for mode, headers in MODES.items():
        real_path = build_path(app, rule, method, org, values)
        missing_path = build_path(app, rule, method, org, {**values, argument: MISSING_ID})
        before = snapshot(owner_engine)
        refused_before = refusals(dbs, world.company, person.id, world.ids[argument])

        real = send(client, method, real_path, headers, token)
        missing = send(client, method, missing_path, headers, token)

        answer = f"{method} {real_path} ({mode}) as {who}"
        assert real.status_code == 404, f"{answer} gave {real.status_code}"
        assert missing.status_code == 404
        assert normalised(real, real_path) == normalised(missing, missing_path), answer
        assert CANARY not in real.get_data(as_text=True), f"{answer} shows the talk"
        assert snapshot(owner_engine) == before, f"{answer} changed the database"
        if org is world.company:
            assert refusals(dbs, world.company, person.id, world.ids[argument]) == (
                refused_before + 1
            ), f"{answer} wrote no audit event {REFUSED}"


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize(("endpoint", "method", "argument"), ROUTES, ids=lambda v: str(v))
def test_nobody_else_can_reach_a_talk(
    app, client, dbs, owner_engine, world, who, endpoint, method, argument
):
    login(client, world.people[who])
    assert_refused_like_missing(
        app, client, dbs, owner_engine, world, who, world.company, endpoint, method, argument
    )


@pytest.mark.parametrize(("endpoint", "method", "argument"), ROUTES, ids=lambda v: str(v))
def test_the_union_cannot_reach_a_talk_from_its_own_organisation(
    app, client, dbs, owner_engine, world, endpoint, method, argument
):
    """The coordinator tries the company's ids under the union's address."""
    login(client, world.people["union-coordinator"])
    assert_refused_like_missing(
        app,
        client,
        dbs,
        owner_engine,
        world,
        "union-coordinator",
        world.union,
        endpoint,
        method,
        argument,
    )


NOTE_ROUTES = [
    (e, m, a)
    for e, m, a in ROUTES
    if a == "note_id"
    or e
    in {
        "ambassadors.add_note",
        "ambassadors.plan_conversation",
        "ambassadors.record_conversation",
        "ambassadors.follow_up",
    }
]


@pytest.mark.parametrize(("endpoint", "method", "argument"), NOTE_ROUTES, ids=lambda v: str(v))
def test_the_employee_cannot_reach_notes_or_the_ambassadors_actions(
    app, client, dbs, owner_engine, world, endpoint, method, argument
):
    world.people["employee"] = world.employee
    login(client, world.employee)
    assert_refused_like_missing(
        app, client, dbs, owner_engine, world, "employee", world.company, endpoint, method, argument
    )


@pytest.mark.parametrize("mode", list(MODES))
def test_the_employee_reads_the_talk_but_never_the_notes(client, world, mode):
    login(client, world.employee)
    response = client.get(
        f"/o/brood/ambassadors/conversations/{world.ids['conversation_id']}", headers=MODES[mode]
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"{CANARY} summary" in body
    assert f"{CANARY} next step" in body
    assert f"{CANARY} topic" in body
    assert f"{CANARY} private note" not in body
    assert "Only you can read this" not in body


def test_the_ambassador_reads_the_talk_and_their_notes(client, world):
    login(client, world.ambassador)
    client.post("/language", data={"locale": "en", "csrf_token": csrf_token(client)})
    body = client.get(
        f"/o/brood/ambassadors/conversations/{world.ids['conversation_id']}"
    ).get_data(as_text=True)
    assert f"{CANARY} summary" in body
    assert f"{CANARY} private note" in body
    assert "Only you can read this." in body


def _retire(dbs, world) -> None:
    """The admin took the ambassador role away (as the roles page or "retire" does)."""
    membership = dbs.scalar(
        select(Membership).where(
            Membership.org_id == world.company.id, Membership.user_id == world.ambassador.id
        )
    )
    dbs.execute(
        MembershipRole.__table__.delete().where(
            MembershipRole.membership_id == membership.id,
            MembershipRole.role == str(Role.ambassador),
        )
    )
    profile = dbs.scalar(
        select(AmbassadorProfile).where(
            AmbassadorProfile.org_id == world.company.id,
            AmbassadorProfile.user_id == world.ambassador.id,
        )
    )
    profile.retired_at = utcnow()
    dbs.commit()


def test_a_retired_ambassador_no_longer_opens_past_talks_the_employee_still_does(
    app, client, dbs, owner_engine, world
):
    _retire(dbs, world)
    world.people["retired"] = world.ambassador
    login(client, world.ambassador)
    for endpoint, method, argument in ROUTES:
        assert_refused_like_missing(
            app,
            client,
            dbs,
            owner_engine,
            world,
            "retired",
            world.company,
            endpoint,
            method,
            argument,
        )
    caseload = client.get("/o/brood/ambassadors/caseload")
    assert caseload.status_code == 403
    assert CANARY not in caseload.get_data(as_text=True)

    login(client, world.employee)
    page = client.get(f"/o/brood/ambassadors/conversations/{world.ids['conversation_id']}")
    assert page.status_code == 200
    assert f"{CANARY} summary" in page.get_data(as_text=True)


def test_lists_of_other_people_never_show_the_talk(client, world):
    """The manager's, admin's, other ambassador's and coordinator's own lists and home."""
    for who in PERSONAS:
        login(client, world.people[who])
        for path in ("/o/brood/", "/o/brood/ambassadors/talks", "/o/brood/ambassadors/caseload"):
            response = client.get(path)
            assert CANARY not in response.get_data(as_text=True), f"{path} as {who}"
            assert "Eva Employee" not in response.get_data(as_text=True), f"{path} as {who}"


def test_refusals_carry_no_content(dbs, client, world):
    login(client, world.people["admin"])
    client.get(f"/o/brood/ambassadors/conversations/{world.ids['conversation_id']}")
    events = dbs.scalars(select(AuditEvent).where(AuditEvent.action == REFUSED)).all()
    assert events
    for event in events:
        assert event.subject_user_id is None
        assert CANARY not in json.dumps(
            [event.action, event.object_type, event.object_id], default=str
        )
