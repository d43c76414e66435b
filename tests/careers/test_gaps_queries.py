"""Acceptance 3 for the skill-gap overview: the page and its CSV file run the same number
of statements for 10 people and 5 skills as for 500 people and 100 skills, in a tree of
teams (counts are made in SQL, never in a loop over people)."""

from __future__ import annotations

from sqlalchemy import insert, select

from app.careers.models import Horizon, RoleSkill
from app.development.skills_models import Skill
from tests.conftest import login

from .helpers import make_role, url
from .test_gaps_pages import add_people, give, viewer


def _world(make, dbs, people: int, skills: int, team_count: int, tag: str):
    org = make.org(min_group_size=3, locale="en")
    role = make_role(make, org, f"Rol {tag}")
    dbs.execute(
        insert(Skill),
        [{"org_id": org.id, "name": f"Skill {i}", "name_key": f"skill {i}"} for i in range(skills)],
    )
    skill_rows = list(dbs.scalars(select(Skill).where(Skill.org_id == org.id).order_by(Skill.id)))
    horizons = list(Horizon)
    dbs.execute(
        insert(RoleSkill),
        [
            {
                "org_id": org.id,
                "role_id": role.id,
                "skill_id": s.id,
                "horizon": horizons[i % 3].value,
                "reason": "",
                "reward_kind": "none",
                "reward_text": "",
            }
            for i, s in enumerate(skill_rows)
        ],
    )
    dbs.commit()
    unit = make.team(org, name="Logistiek")
    teams = [make.team(org, name=f"Team {i}", parent_id=unit.id) for i in range(team_count)]
    half = people // 2
    first = add_people(dbs, org, half, role, teams[0], "a")
    second = add_people(dbs, org, people - half, role, teams[1], "b")
    # The other teams are empty: more groups to hide and add up, the same statements.
    for i, skill in enumerate(skill_rows[:5]):
        give(dbs, org, first[: 3 + i], skill, confirmed=True)
        give(dbs, org, second[: 3 + i], skill, confirmed=False)
    return org, role, unit


def _count(client, count_queries, path: str) -> tuple[int, str]:
    client.get(path)  # warm: the first request of a session loads more (language, ...)
    with count_queries() as counter:
        response = client.get(path)
    assert response.status_code == 200
    return counter.count, response.get_data(as_text=True)


def test_the_same_statements_for_10_and_500_people(client, make, dbs, count_queries):
    counts = {}
    for people, skills, team_count, tag in ((10, 5, 2, "small"), (500, 100, 20, "large")):
        org, role, unit = _world(make, dbs, people, skills, team_count, tag)
        login(client, viewer(make, org))
        for name, path in (
            ("page", f"gaps?job_role_id={role.id}&group=team:{unit.id}"),
            ("org", f"gaps?job_role_id={role.id}&group=org"),
            ("csv", f"gaps/export.csv?job_role_id={role.id}&group=team:{unit.id}"),
        ):
            counts[(name, tag)], body = _count(client, count_queries, url(org, path))
            # The whole table is there, with its numbers, not an empty page.
            if name == "csv":
                assert body.strip().count("\n") == skills, name
            else:
                assert body.count("<tr data-skill=") == skills, name
                assert f"{people} people in this role here." in body, name
    for name in ("page", "org", "csv"):
        assert counts[(name, "small")] == counts[(name, "large")], counts
    assert counts[("page", "small")] <= 14, counts
