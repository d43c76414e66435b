"""The career scan is private (PRODUCT §4, issue 8 acceptance 1): a manager or admin gets
their OWN scan, never another's; any URL with another organisation's (or a switched-off)
role or skill gives the same 404 as a missing one; nothing of a scan reaches anyone else."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.careers.models import Horizon
from app.development.models import Goal
from app.orgs.models import Role
from tests.access import object_arguments, url_map_app
from tests.conftest import csrf_token, login, without_csrf

from .helpers import (
    HX,
    add_role_skill,
    english,
    give_skill,
    make_role,
    member_in_role,
    text_of,
    url,
)

SCAN_ENDPOINTS = ("careers.scan", "careers.role_scan", "careers.take_step")


def _post_step(client, org, role_skill_id, headers=None):
    token = csrf_token(client, url(org))
    return client.post(
        url(org, f"skills/{role_skill_id}/step"), data={"csrf_token": token}, headers=headers or {}
    )


def _without(response, object_id: str) -> str:
    """The body with the id in the requested path (the only difference by design) masked."""
    return re.sub(
        r"(roles|skills)/" + object_id + r"\b",
        r"\1/<id>",
        without_csrf(response.get_data(as_text=True)),
    )


def test_no_scan_route_takes_a_person():
    rules = [r for r in url_map_app().url_map.iter_rules() if r.endpoint in SCAN_ENDPOINTS]
    assert len(rules) == len(SCAN_ENDPOINTS)
    for rule in rules:
        assert set(object_arguments(rule)) <= {"job_role_id", "role_skill_id"}, rule.rule


def test_a_manager_sees_their_own_scan_not_a_team_members(client, make, dbs):
    org = make.org()
    team = make.team(org)
    picker = make_role(make, org, "Orderpicker")
    lead = make_role(make, org, "Teamleider")
    scan_skill = add_role_skill(make, picker, "Scannen", Horizon.now)
    plan_skill = add_role_skill(make, lead, "Planning maken", Horizon.now)
    worker = member_in_role(make, org, picker, team=team).user
    manager = member_in_role(make, org, lead, team=team, roles=(Role.employee, Role.manager)).user
    give_skill(make, org, worker.id, "Scannen", confirmed=True)
    give_skill(make, org, worker.id, "Planning maken", confirmed=False)
    # The worker took a step: their goal is theirs alone.
    login(client, worker)
    assert _post_step(client, org, plan_skill.id).status_code == 302
    worker_goal = dbs.scalar(select(Goal.id).where(Goal.user_id == worker.id))
    assert worker_goal is not None

    login(client, manager)
    english(client)
    own = text_of(client.get(url(org)))
    other_role = text_of(client.get(url(org, f"roles/{picker.id}")))

    assert "Teamleider" in own and "This is your role." in own
    # The manager's own passport: they have nothing, so every skill is new for them.
    assert f'id="skill-{plan_skill.id}" data-state="new"' in own
    assert f'id="skill-{scan_skill.id}" data-state="new"' in other_role
    assert f"/development/goals/{worker_goal}" not in own + other_role
    assert worker.name not in own + other_role
    # Query strings naming the worker change nothing: no route reads another person.
    for query in (f"?user_id={worker.id}", f"?person_id={worker.id}", f"?member={worker.id}"):
        page = text_of(client.get(url(org, f"roles/{picker.id}") + query))
        assert f'id="skill-{scan_skill.id}" data-state="new"' in page


def test_an_admin_gets_their_own_scan_too(client, make):
    org = make.org()
    role = make_role(make, org, "Orderpicker")
    scan_skill = add_role_skill(make, role, "Scannen", Horizon.now)
    worker = member_in_role(make, org, role).user
    give_skill(make, org, worker.id, "Scannen", confirmed=True)
    admin = make.admin(org).user
    login(client, admin)
    english(client)

    page = text_of(client.get(url(org, f"roles/{role.id}")))

    assert f'id="skill-{scan_skill.id}" data-state="new"' in page
    assert "You are not in a role here yet" in text_of(client.get(url(org)))


def test_another_organisations_role_or_skill_is_like_a_missing_one(client, make, dbs):
    mine, theirs = make.org(), make.org()
    my_role = make_role(make, mine, "Orderpicker", skills=[("Scannen", Horizon.now)])
    their_role = make_role(make, theirs, "Orderpicker", skills=[("Scannen", Horizon.now)])
    their_skill = add_role_skill(make, their_role, "Heftruck", Horizon.now)
    me = member_in_role(make, mine, my_role, roles=(Role.employee, Role.admin)).user
    login(client, me)

    missing_role = client.get(url(mine, "roles/999999"))
    other_role = client.get(url(mine, f"roles/{their_role.id}"))
    missing_step = _post_step(client, mine, 999999)
    other_step = _post_step(client, mine, their_skill.id)
    other_step_htmx = _post_step(client, mine, their_skill.id, headers=HX)
    missing_step_htmx = _post_step(client, mine, 999999, headers=HX)

    assert missing_role.status_code == other_role.status_code == 404
    assert _without(missing_role, "999999") == _without(other_role, str(their_role.id))
    assert missing_step.status_code == other_step.status_code == 404
    assert _without(missing_step, "999999") == _without(other_step, str(their_skill.id))
    assert other_step_htmx.status_code == 404
    assert _without(other_step_htmx, str(their_skill.id)) == _without(missing_step_htmx, "999999")
    assert dbs.scalar(select(func.count()).select_from(Goal)) == 0
    # Their organisation's scan is not reachable either (not a member there).
    assert client.get(url(theirs)).status_code == 404


def test_a_switched_off_roles_skill_takes_no_step(client, make, dbs):
    org = make.org()
    old = make_role(make, org, "Oude rol", active=False)
    skill = add_role_skill(make, old, "Scannen", Horizon.now)
    me = member_in_role(make, org, old).user
    login(client, me)

    assert _post_step(client, org, skill.id).status_code == 404
    assert dbs.scalar(select(func.count()).select_from(Goal)) == 0


def test_looking_at_a_scan_writes_no_audit_or_activity(client, make, dbs):
    org = make.org()
    role = make_role(make, org, "Orderpicker", skills=[("Scannen", Horizon.now)])
    me = member_in_role(make, org, role).user
    login(client, me)

    client.get(url(org))
    client.get(url(org, f"roles/{role.id}"))

    from app.activity.models import ActivityEvent

    assert dbs.scalar(select(func.count()).select_from(AuditEvent)) == 0
    assert dbs.scalar(select(func.count()).select_from(ActivityEvent)) == 0


def test_the_goal_from_a_step_is_private_like_any_goal(client, make, dbs):
    org = make.org()
    team = make.team(org)
    role = make_role(make, org, "Orderpicker")
    skill = add_role_skill(make, role, "Scannen", Horizon.now)
    me = member_in_role(make, org, role, team=team).user
    manager = make.member(org, team=team, roles=(Role.employee, Role.manager)).user
    login(client, me)
    _post_step(client, org, skill.id)
    goal = dbs.scalars(select(Goal).where(Goal.user_id == me.id)).one()
    assert not goal.shared_with_manager and not goal.shared_with_ambassadors

    login(client, manager)

    assert client.get(f"/o/{org.slug}/development/goals/{goal.id}").status_code == 404
    assert "Scannen" not in text_of(client.get(f"/o/{org.slug}/development/goals/shared"))
