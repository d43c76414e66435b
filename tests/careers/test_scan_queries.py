"""The career scan runs the same number of SQL statements for a role with 5 skills and
with 100 (issue 8 acceptance 3), with offers, colleague sessions, sign-ups, goals and a
passport for every skill."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, select

from app.careers.models import Horizon, RoleSkill, RoleSkillOffer
from app.db_types import utcnow
from app.development.models import Goal, GoalStatus
from app.development.skills_models import PersonSkill, Skill
from app.offers.models import Offer, OfferFormat, OfferSignup, SignupStatus
from app.offers.session_models import ColleagueSession, ColleagueSessionDate, SessionStatus
from tests.conftest import login

from .helpers import make_role, member_in_role, url

HORIZONS = list(Horizon)


def _seed_role(dbs, make, size: int):
    """A role of a new company with ``size`` skills; for each skill two offers, a colleague
    session, and for the person a passport entry, a sign-up or a goal (in turn)."""
    org = make.org()
    role = make_role(make, org, f"Rol met {size} vaardigheden")
    me = member_in_role(make, org, role).user
    teacher = make.member(org).user
    now = utcnow()
    dbs.execute(
        insert(Skill),
        [{"org_id": org.id, "name": f"Skill {i}", "name_key": f"skill {i}"} for i in range(size)],
    )
    skill_ids = list(dbs.scalars(select(Skill.id).where(Skill.org_id == org.id).order_by(Skill.id)))
    dbs.execute(
        insert(RoleSkill),
        [
            {
                "org_id": org.id,
                "role_id": role.id,
                "skill_id": skill_id,
                "horizon": HORIZONS[i % 3],
                "reason": f"Reden {i}",
            }
            for i, skill_id in enumerate(skill_ids)
        ],
    )
    role_skills = dict(
        dbs.execute(
            select(RoleSkill.skill_id, RoleSkill.id).where(RoleSkill.role_id == role.id)
        ).all()
    )

    def offer(i: int, kind: str, **extra) -> dict:
        values = {
            "org_id": org.id,
            "title": f"{kind} {i}",
            "format": OfferFormat.on_the_job,
            "duration_minutes": 30 + i,
            "created_by_id": None,
            "starts_at": None,
            "capacity": None,
        }
        values.update(extra)
        return values

    offers = []
    for i in range(size):
        offers.append(offer(i, "Kort"))
        offers.append(offer(i, "Lang", duration_minutes=600, capacity=10))
        offers.append(
            offer(
                i,
                "Collega",
                format=OfferFormat.colleague,
                starts_at=now + timedelta(days=2),
                capacity=5,
                created_by_id=teacher.id,
            )
        )
    dbs.execute(insert(Offer), offers)
    offer_ids = {
        title: offer_id
        for title, offer_id in dbs.execute(
            select(Offer.title, Offer.id).where(Offer.org_id == org.id)
        ).all()
    }
    dbs.execute(
        insert(RoleSkillOffer),
        [
            {"org_id": org.id, "role_skill_id": role_skills[skill_id], "offer_id": offer_ids[t]}
            for i, skill_id in enumerate(skill_ids)
            for t in (f"Kort {i}", f"Lang {i}")
        ],
    )
    dbs.execute(
        insert(ColleagueSession),
        [
            {
                "org_id": org.id,
                "teacher_id": teacher.id,
                "title": f"Collega {i}",
                "duration_minutes": 30,
                "capacity": 5,
                "skill_id": skill_id,
                "status": SessionStatus.approved,
                "client_token": f"t{i}",
            }
            for i, skill_id in enumerate(skill_ids)
        ],
    )
    sessions = dict(
        dbs.execute(
            select(ColleagueSession.title, ColleagueSession.id).where(
                ColleagueSession.org_id == org.id
            )
        ).all()
    )
    dbs.execute(
        insert(ColleagueSessionDate),
        [
            {
                "org_id": org.id,
                "session_id": sessions[f"Collega {i}"],
                "starts_at": now + timedelta(days=2),
                "offer_id": offer_ids[f"Collega {i}"],
            }
            for i in range(size)
        ],
    )
    dbs.execute(
        insert(PersonSkill),
        [
            {
                "org_id": org.id,
                "user_id": me.id,
                "skill_id": skill_id,
                "confirmed_at": now if i % 2 else None,
            }
            for i, skill_id in enumerate(skill_ids)
            if i % 4 == 0 or i % 4 == 1
        ],
    )
    dbs.execute(
        insert(OfferSignup),
        [
            {
                "org_id": org.id,
                "offer_id": offer_ids[f"Lang {i}"],
                "user_id": me.id,
                "status": SignupStatus.interested if i % 2 else SignupStatus.signed_up,
            }
            for i in range(size)
            if i % 4 == 2
        ],
    )
    dbs.execute(
        insert(Goal),
        [
            {
                "org_id": org.id,
                "user_id": me.id,
                "title": f"Leren {i}",
                "status": GoalStatus.open,
                "client_token": f"career:{role_skills[skill_id]}",
            }
            for i, skill_id in enumerate(skill_ids)
            if i % 4 == 3
        ],
    )
    dbs.commit()
    return org, role, me


def _statements(client, count_queries, dbs, make, size: int, path: str) -> int:
    org, role, me = _seed_role(dbs, make, size)
    login(client, me)
    target = url(org, path.format(role_id=role.id))
    client.get(target)  # warm the session and caches
    with count_queries() as counter:
        response = client.get(target)
    assert response.status_code == 200
    assert response.get_data(as_text=True).count('class="card scan-item"') == size
    return counter.count


def test_my_scan_runs_the_same_queries_for_5_and_100_skills(client, make, dbs, count_queries):
    small = _statements(client, count_queries, dbs, make, 5, "")
    large = _statements(client, count_queries, dbs, make, 100, "")
    assert small == large


def test_another_roles_scan_runs_the_same_queries_for_5_and_100_skills(
    client, make, dbs, count_queries
):
    small = _statements(client, count_queries, dbs, make, 5, "roles/{role_id}")
    large = _statements(client, count_queries, dbs, make, 100, "roles/{role_id}")
    assert small == large
