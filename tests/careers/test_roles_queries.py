"""The admin's role pages run a fixed number of SQL statements (acceptance 3): the same
for a role with 5 and with 100 skills (each taught by offers), the same for 5 and 100
roles, and for 10 and 200 people. The large side is written with bulk inserts."""

from __future__ import annotations

from sqlalchemy import insert, select

from app.accounts.models import User
from app.careers.models import Horizon, JobRole, RewardKind, RoleSkill, RoleSkillOffer
from app.development.skills_models import Skill
from app.offers.models import Offer, OfferFormat
from app.orgs.models import Membership
from tests.conftest import login

from .helpers import english, make_role, text_of, url

HORIZONS = list(Horizon)


def _seed_role(dbs, org, role, skills: int) -> list[int]:
    """``skills`` skills on ``role``, each taught by two offers (bulk). Their ids."""
    prefix = f"r{role.id}"
    dbs.execute(
        insert(Skill),
        [
            {
                "org_id": org.id,
                "name": f"Skill {prefix} {i:03d}",
                "name_key": f"skill {prefix} {i:03d}",
            }
            for i in range(skills)
        ],
    )
    dbs.execute(
        insert(Offer),
        [
            {
                "org_id": org.id,
                "title": f"Offer {prefix} {i:03d}",
                "description": "",
                "format": OfferFormat.on_the_job,
                "duration_minutes": 30,
            }
            for i in range(skills + 1)
        ],
    )
    skill_ids = dbs.scalars(
        select(Skill.id).where(Skill.org_id == org.id, Skill.name.like(f"Skill {prefix} %"))
    ).all()
    offer_ids = dbs.scalars(
        select(Offer.id).where(Offer.org_id == org.id, Offer.title.like(f"Offer {prefix} %"))
    ).all()
    dbs.execute(
        insert(RoleSkill),
        [
            {
                "org_id": org.id,
                "role_id": role.id,
                "skill_id": skill_id,
                "horizon": HORIZONS[i % 3],
                "reason": f"Reason {i}",
                "reward_kind": RewardKind.pay_step,
                "reward_text": "Een trede hoger",
            }
            for i, skill_id in enumerate(skill_ids)
        ],
    )
    role_skill_ids = dbs.scalars(
        select(RoleSkill.id).where(RoleSkill.role_id == role.id).order_by(RoleSkill.id)
    ).all()
    dbs.execute(
        insert(RoleSkillOffer),
        [
            {"org_id": org.id, "role_skill_id": rs_id, "offer_id": offer_ids[i + k]}
            for i, rs_id in enumerate(role_skill_ids)
            for k in (0, 1)
        ],
    )
    dbs.commit()
    return list(role_skill_ids)


def _statements(client, count_queries, path: str, expect: str) -> int:
    with count_queries() as counter:
        response = client.get(path)
    assert response.status_code == 200, path
    assert expect in text_of(response), path
    return counter.count


def test_the_role_and_skill_pages_run_the_same_queries_for_5_and_100_skills(
    client, make, dbs, count_queries
):
    org = make.org()
    login(client, make.admin(org).user)
    english(client)
    counts = {}
    for size in (5, 100):
        role = make_role(make, org, f"Role {size}")
        role_skills = _seed_role(dbs, org, role, size)
        counts[size] = (
            _statements(client, count_queries, url(org, f"admin/roles/{role.id}"), "Reason 4"),
            _statements(
                client,
                count_queries,
                url(org, f"admin/role-skills/{role_skills[-1]}"),
                f"Skill r{role.id} {size - 1:03d}",
            ),
            _statements(
                client,
                count_queries,
                url(org, f"admin/roles/{role.id}/skills/new"),
                f"Offer r{role.id} {size:03d}",
            ),
        )
        page = text_of(client.get(url(org, f"admin/roles/{role.id}")))
        assert page.count("Een trede hoger") == size  # every skill is on the page

    assert counts[5] == counts[100]


def test_the_roles_list_and_people_page_run_the_same_queries_for_small_and_large(
    client, make, dbs, count_queries
):
    counts = {}
    for size in (10, 200):
        org = make.org()
        login(client, make.admin(org).user)
        english(client)
        dbs.execute(
            insert(JobRole),
            [
                {"org_id": org.id, "name": f"Role {i:03d}", "name_key": f"role {i:03d}"}
                for i in range(size // 2)
            ],
        )
        role_ids = dbs.scalars(select(JobRole.id).where(JobRole.org_id == org.id)).all()
        team = make.team(org)
        dbs.execute(
            insert(User),
            [
                {"name": f"Bulk {org.id} {i:03d}", "email": f"bulk{org.id}.{i}@example.test"}
                for i in range(size)
            ],
        )
        user_ids = dbs.scalars(
            select(User.id).where(User.email.like(f"bulk{org.id}.%@example.test"))
        ).all()
        dbs.execute(
            insert(Membership),
            [
                {
                    "org_id": org.id,
                    "user_id": user_id,
                    "team_id": team.id,
                    "job_role_id": role_ids[i % len(role_ids)],
                    "active": True,
                }
                for i, user_id in enumerate(user_ids)
            ],
        )
        dbs.commit()
        counts[size] = (
            _statements(client, count_queries, url(org, "admin/roles"), "Role 004"),
            _statements(
                client,
                count_queries,
                url(org, f"admin/roles/{role_ids[0]}/people?team={team.id}"),
                f"Bulk {org.id} {size - 1:03d}",
            ),
        )

    assert counts[10] == counts[200]
