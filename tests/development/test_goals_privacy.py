"""Goals are the person's own (PRODUCT §4.4): everyone else gets the same 404 as for a
missing goal by every URL; a shared goal shows only in the read-only list of goals shared
with the manager or the ambassadors. Lists run a constant number of queries."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.development.models import Goal, GoalStep
from app.orgs.models import Role
from tests.conftest import login

from .helpers_goals import HX, english, make_goal, normalised, send, text_of, url

MISSING = 999_999


def _goal_urls(org, goal_id: int, step_id: int) -> list[tuple[str, str, dict]]:
    """Every URL that names a goal or one of its steps, with a POST body that would work."""
    return [
        ("GET", url(org, f"goals/{goal_id}"), {}),
        ("GET", url(org, f"goals/{goal_id}/edit"), {}),
        ("POST", url(org, f"goals/{goal_id}/edit"), {"title": "Taken over"}),
        ("POST", url(org, f"goals/{goal_id}/steps"), {"text": "Injected step"}),
        ("POST", url(org, f"goals/{goal_id}/status"), {"status": "dropped"}),
        ("POST", url(org, f"goals/{goal_id}/sharing"), {"shared_with_ambassadors": "y"}),
        ("POST", url(org, f"goals/steps/{step_id}/done"), {"done": "1"}),
        ("POST", url(org, f"goals/steps/{step_id}/delete"), {}),
    ]


def _snapshot(dbs) -> list[tuple]:
    dbs.expire_all()
    goals = [
        (g.title, g.status, g.shared_with_manager, g.shared_with_ambassadors)
        for g in dbs.scalars(select(Goal).order_by(Goal.id))
    ]
    steps = [(s.text, s.done_at) for s in dbs.scalars(select(GoalStep).order_by(GoalStep.id))]
    return goals + steps


@pytest.mark.parametrize("shared", [False, True], ids=["unshared", "shared"])
@pytest.mark.parametrize("who", ["manager", "admin", "colleague", "other-org"])
def test_nobody_else_opens_or_changes_a_goal_by_any_url(client, make, dbs, who, shared):
    org = make.org()
    team = make.team(org)
    owner = make.member(org, team=team).user
    goal = make_goal(
        dbs,
        org,
        owner.id,
        "Secret goal words",
        why="Private reason",
        steps=["Private step"],
        shared_with_manager=shared,
        shared_with_ambassadors=shared,
    )
    step_id = dbs.scalar(select(GoalStep.id))
    if who == "other-org":
        other_org = make.org()
        visitor = make.member(other_org, roles=(Role.employee, Role.admin)).user
        slug_org = other_org
    else:
        roles = {
            "manager": (Role.employee, Role.manager),
            "admin": (Role.employee, Role.admin, Role.manager, Role.ambassador),
            "colleague": (Role.employee,),
        }[who]
        visitor = make.member(org, roles=roles, team=team).user
        slug_org = org
    before = _snapshot(dbs)
    login(client, visitor)

    cases = []
    for place in (org, slug_org):
        cases += zip(
            _goal_urls(place, goal.id, step_id), _goal_urls(place, MISSING, MISSING), strict=True
        )
    for (method, path, data), (_method, missing, _data) in cases:
        for headers in ({}, HX):
            if method == "GET":
                response = client.get(path, headers=headers)
                expected = client.get(missing, headers=headers)
            else:
                response = send(client, slug_org, path, data, headers=headers)
                expected = send(client, slug_org, missing, data, headers=headers)
            assert response.status_code == 404, f"{method} {path} as {who}"
            assert normalised(response, path) == normalised(expected, missing), path
            assert "Secret goal words" not in text_of(response)

    assert _snapshot(dbs) == before
    assert "Secret goal words" not in text_of(client.get(url(slug_org, "goals")))


def _team_setup(make):
    org = make.org()
    team = make.team(org, name="Warehouse")
    night = make.team(org, name="Night shift", parent_id=team.id)
    other = make.team(org, name="Office")
    manager = make.member(org, roles=(Role.employee, Role.manager), team=team).user
    return org, team, night, other, manager


def test_the_manager_sees_only_goals_shared_with_the_manager_by_the_team(client, make, dbs):
    org, team, night, other, manager = _team_setup(make)
    anna = make.member(org, team=team, name="Anna").user
    bob = make.member(org, team=night, name="Bob").user
    carl = make.member(org, team=other, name="Carl").user
    gone = make.member(org, team=team, name="Gone", active=False).user
    make_goal(dbs, org, anna.id, "Anna shared", shared_with_manager=True, steps=["Anna step"])
    make_goal(dbs, org, anna.id, "Anna private")
    make_goal(dbs, org, anna.id, "Anna for ambassadors", shared_with_ambassadors=True)
    make_goal(dbs, org, bob.id, "Bob shared", shared_with_manager=True)
    make_goal(dbs, org, carl.id, "Carl other team", shared_with_manager=True)
    make_goal(dbs, org, gone.id, "Gone shared", shared_with_manager=True)
    make_goal(dbs, org, anna.id, "Anna stopped", shared_with_manager=True, status="dropped")
    elsewhere = make.org()
    make_goal(
        dbs,
        elsewhere,
        make.member(elsewhere, team=make.team(elsewhere)).user_id,
        "Other org",
        shared_with_manager=True,
    )
    login(client, manager)
    english(client)

    response = client.get(url(org, "goals/shared"))

    page = text_of(response)
    assert response.status_code == 200
    assert "Anna shared" in page and "Anna step" in page and "Bob shared" in page
    for hidden in (
        "Anna private",
        "Anna for ambassadors",
        "Carl other team",
        "Gone shared",
        "Anna stopped",
        "Other org",
    ):
        assert hidden not in page, hidden
    # Read only: no form that changes someone's goal.
    assert "goals/steps/" not in page and "/sharing" not in page


def test_ambassadors_see_goals_shared_with_the_ambassadors(client, make, dbs):
    org = make.org()
    ambassador = make.member(org, roles=(Role.employee, Role.ambassador)).user
    person = make.member(org, team=make.team(org), name="Dina").user
    make_goal(dbs, org, person.id, "For the ambassadors", shared_with_ambassadors=True)
    make_goal(dbs, org, person.id, "For the manager only", shared_with_manager=True)
    make_goal(dbs, org, person.id, "Not shared")
    make_goal(dbs, org, ambassador.id, "My own shared", shared_with_ambassadors=True)
    login(client, ambassador)
    english(client)
    page = text_of(client.get(url(org, "goals/shared")))
    assert "For the ambassadors" in page and "Dina" in page
    for hidden in ("For the manager only", "Not shared", "My own shared"):
        assert hidden not in page
    assert "Shared with me as their manager" not in page


def test_an_admin_sees_no_shared_goal_as_admin(client, make, dbs):
    org = make.org()
    team = make.team(org)
    admin = make.member(org, roles=(Role.employee, Role.admin), team=team).user
    person = make.member(org, team=team).user
    make_goal(dbs, org, person.id, "Shared with both", shared_with_manager=True)
    make_goal(dbs, org, person.id, "Also both", shared_with_ambassadors=True)
    login(client, admin)
    english(client)
    page = text_of(client.get(url(org, "goals/shared")))
    assert "not with admins" in page
    assert "Shared with both" not in page and "Also both" not in page


def test_an_employee_cannot_open_the_shared_goals_page(client, make):
    org = make.org()
    login(client, make.member(org).user)
    assert client.get(url(org, "goals/shared")).status_code == 403


def _many_goals(dbs, org, user_id: int, count: int, **values) -> None:
    for i in range(count):
        make_goal(dbs, org, user_id, f"Goal {i}", steps=["One", "Two"], **values)


def test_my_goals_page_runs_the_same_queries_for_5_and_200_goals(client, make, dbs, count_queries):
    org = make.org()
    few, many = make.member(org).user, make.member(org).user
    _many_goals(dbs, org, few.id, 5)
    _many_goals(dbs, org, many.id, 200)
    counts = []
    for person, expected in ((few, 5), (many, 200)):
        login(client, person)
        client.get(url(org, "goals"))  # warm up: sign-in bookkeeping is not the page's
        with count_queries() as counter:
            response = client.get(url(org, "goals"))
        assert response.status_code == 200
        assert response.get_data(as_text=True).count('class="goal-title"') == expected
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_a_goal_page_runs_the_same_queries_for_few_and_many_steps(client, make, dbs, count_queries):
    org = make.org()
    me = make.member(org).user
    small = make_goal(dbs, org, me.id, "Small", steps=["a"] * 5)
    big = make_goal(dbs, org, me.id, "Big", steps=["b"] * 200)
    login(client, me)
    counts = []
    for goal in (small, big):
        client.get(url(org, f"goals/{goal.id}"))
        with count_queries() as counter:
            assert client.get(url(org, f"goals/{goal.id}")).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_shared_goals_page_runs_the_same_queries_for_5_and_200_goals(
    client, make, dbs, count_queries
):
    counts = []
    for number in (5, 200):
        org, team, night, _other, _manager = _team_setup(make)
        # Manager and ambassador at once: both lists on one page.
        viewer = make.member(
            org, roles=(Role.employee, Role.manager, Role.ambassador), team=team
        ).user
        for i in range(number):
            person = make.member(org, team=team if i % 2 else night).user
            make_goal(
                dbs,
                org,
                person.id,
                f"Shared {i}",
                steps=["Step"],
                shared_with_manager=True,
                shared_with_ambassadors=True,
            )
        login(client, viewer)
        client.get(url(org, "goals/shared"))
        with count_queries() as counter:
            response = client.get(url(org, "goals/shared"))
        assert response.status_code == 200
        assert response.get_data(as_text=True).count('class="goal-title"') == 2 * number
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
