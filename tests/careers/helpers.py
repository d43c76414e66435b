"""Shared arrangements for the careers tests (roles, role skills, passports).

Everything is written through the owner session of ``make`` (tests/factories.py), so
tests can seed data without going through the pages. Names are made unique per call
where a test may make several in one organisation.
"""

from __future__ import annotations

import html
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime

from app.careers.models import Horizon, JobRole, RewardKind, RoleSkill, RoleSkillOffer
from app.db_types import utcnow
from app.development.skills import skill_key, tidy_name
from app.development.skills_models import PersonSkill, Skill
from app.orgs.models import Membership, Organisation
from tests.conftest import csrf_token

HX = {"HX-Request": "true"}


def session_of(make):
    return make.OrganisationFactory._meta.sqlalchemy_session


def url(org: Organisation, path: str = "") -> str:
    """A careers URL: ``url(org, "admin/roles")`` -> ``/o/<slug>/careers/admin/roles``."""
    return f"/o/{org.slug}/careers/{path}"


def text_of(response) -> str:
    """The page as text, with HTML entities turned back into characters."""
    return html.unescape(response.get_data(as_text=True))


def english(client) -> None:
    """Switch ``client``'s session to English (pages are Dutch first)."""
    client.post("/language", data={"locale": "en", "csrf_token": csrf_token(client)})


def make_skill(make, org: Organisation, name: str) -> Skill:
    """The skill ``name`` in the organisation's vocabulary (the same one if it exists)."""
    session = session_of(make)
    key = skill_key(name)
    existing = (
        session.query(Skill).filter(Skill.org_id == org.id, Skill.name_key == key).one_or_none()
    )
    if existing is not None:
        return existing
    skill = Skill(org_id=org.id, name=tidy_name(name), name_key=key, description="")
    session.add(skill)
    session.commit()
    return skill


def make_role(
    make,
    org: Organisation,
    name: str | None = None,
    skills: Sequence[tuple[str, Horizon | str] | tuple[str, Horizon | str, dict]] = (),
    active: bool = True,
    description: str = "",
) -> JobRole:
    """A role of ``org`` (a unique name when None) with ``skills``: pairs
    ``(skill name, horizon)`` or triples ``(skill name, horizon, {reason=..., reward_kind=...,
    reward_text=...})``. The skills join the vocabulary. Returns the role; its skills are
    ``role_skills_of(make, role)``."""
    session = session_of(make)
    name = name or f"Rol {secrets.token_hex(3)}"
    role = JobRole(
        org_id=org.id,
        name=tidy_name(name),
        name_key=skill_key(name),
        description=description,
        active=active,
    )
    session.add(role)
    session.commit()
    for entry in skills:
        skill_name, horizon = entry[0], entry[1]
        extra = entry[2] if len(entry) > 2 else {}
        add_role_skill(make, role, skill_name, horizon, **extra)
    return role


def add_role_skill(
    make,
    role: JobRole,
    skill_name: str,
    horizon: Horizon | str = Horizon.now,
    reason: str = "",
    reward_kind: RewardKind | str = RewardKind.none,
    reward_text: str = "",
    offers: Iterable = (),
) -> RoleSkill:
    """A skill of ``role`` (the skill joins the vocabulary), taught by ``offers``."""
    session = session_of(make)
    org = session.get(Organisation, role.org_id)
    skill = make_skill(make, org, skill_name)
    role_skill = RoleSkill(
        org_id=role.org_id,
        role_id=role.id,
        skill_id=skill.id,
        horizon=Horizon(horizon),
        reason=reason,
        reward_kind=RewardKind(reward_kind),
        reward_text=reward_text,
    )
    session.add(role_skill)
    session.commit()
    link_offers(make, role_skill, offers)
    return role_skill


def link_offers(make, role_skill: RoleSkill, offers: Iterable) -> None:
    """Say that each of ``offers`` (Offer objects or ids) teaches ``role_skill``."""
    session = session_of(make)
    for offer in offers:
        offer_id = offer if isinstance(offer, int) else offer.id
        session.add(
            RoleSkillOffer(org_id=role_skill.org_id, role_skill_id=role_skill.id, offer_id=offer_id)
        )
    session.commit()


def role_skills_of(make, role: JobRole) -> list[RoleSkill]:
    """The role's skills, in the order they were added."""
    session = session_of(make)
    return (
        session.query(RoleSkill)
        .filter(RoleSkill.org_id == role.org_id, RoleSkill.role_id == role.id)
        .order_by(RoleSkill.id)
        .all()
    )


def assign_role(make, membership: Membership, role: JobRole | None) -> Membership:
    """Put the person in ``role`` (None: in no role)."""
    session = session_of(make)
    row = session.get(Membership, membership.id)
    row.job_role_id = role.id if role is not None else None
    session.commit()
    membership.job_role_id = row.job_role_id
    return membership


def member_in_role(make, org: Organisation, role: JobRole | None, **kwargs) -> Membership:
    """A new member of ``org`` (``make.member`` arguments) in ``role``."""
    return assign_role(make, make.member(org, **kwargs), role)


def give_skill(
    make,
    org: Organisation,
    user_id: int,
    skill_name: str,
    confirmed: bool = False,
    now: datetime | None = None,
) -> PersonSkill:
    """Put ``skill_name`` in the person's passport: claimed, or confirmed when asked."""
    session = session_of(make)
    skill = make_skill(make, org, skill_name)
    when = now or utcnow()
    row = PersonSkill(
        org_id=org.id,
        user_id=user_id,
        skill_id=skill.id,
        note="",
        confirmed_at=when if confirmed else None,
        created_at=when,
    )
    session.add(row)
    session.commit()
    return row
