"""Read models shared by the careers pages: the roles of an organisation and one role's
profile (its skills, with the offers that teach them). A fixed number of queries each."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..development.skills_models import Skill
from ..extensions import db
from ..offers.models import Offer
from ..offers.queries import SHARED, visible_to_org
from ..orgs.models import Membership
from ..tenancy import scoped_get_or_404
from .models import Horizon, JobRole, RewardKind, RoleSkill, RoleSkillOffer

HORIZON_ORDER = (Horizon.now, Horizon.within_year, Horizon.two_three_years)


@dataclass(frozen=True)
class RoleSkillView:
    """One skill of a role profile, with the active offers (visible here) that teach it."""

    id: int  # RoleSkill.id
    skill_id: int
    skill_name: str
    horizon: Horizon
    reason: str
    reward_kind: RewardKind
    reward_text: str
    offers: list[Offer] = field(default_factory=list)


@dataclass(frozen=True)
class RoleProfile:
    role: JobRole
    skills: list[RoleSkillView]  # by horizon (now first), then by skill name


def role_or_404(org_id: int, role_id: int, include_inactive: bool = False) -> JobRole:
    """A role of the organisation; a switched-off role only when asked for (admin pages)."""
    filters = {} if include_inactive else {"active": True}
    return scoped_get_or_404(JobRole, role_id, **filters)


def org_roles(org_id: int, include_inactive: bool = False) -> list[JobRole]:
    """The organisation's roles by name. One query."""
    query = select(JobRole).where(JobRole.org_id == org_id)
    if not include_inactive:
        query = query.where(JobRole.active.is_(True))
    return list(db.session.scalars(query.order_by(JobRole.name_key, JobRole.id)))


def role_people_counts(org_id: int) -> dict[int, int]:
    """Active members per role (for admins, who assign them). One query."""
    rows = db.session.execute(
        select(Membership.job_role_id, func.count())
        .where(
            Membership.org_id == org_id,
            Membership.active.is_(True),
            Membership.job_role_id.is_not(None),
        )
        .group_by(Membership.job_role_id)
    ).all()
    return {role_id: n for role_id, n in rows}


def role_profile(org_id: int, role: JobRole, offers_active_only: bool = True) -> RoleProfile:
    """The role's skills with their offers. Two queries, whatever the number of skills."""
    rows = db.session.execute(
        select(RoleSkill, Skill.name)
        .join(Skill, Skill.id == RoleSkill.skill_id)
        .where(RoleSkill.org_id == org_id, RoleSkill.role_id == role.id)
    ).all()
    offer_query = (
        select(RoleSkillOffer.role_skill_id, Offer)
        .join(Offer, Offer.id == RoleSkillOffer.offer_id)
        .join(RoleSkill, RoleSkill.id == RoleSkillOffer.role_skill_id)
        .where(
            RoleSkillOffer.org_id == org_id,
            RoleSkill.org_id == org_id,
            RoleSkill.role_id == role.id,
            visible_to_org(org_id),
        )
        .order_by(Offer.title, Offer.id)
        # A linked offer may be shared by a union: it is filtered by visible_to_org above.
        .execution_options(**SHARED)
    )
    if offers_active_only:
        offer_query = offer_query.where(Offer.active.is_(True))
    offers: dict[int, list[Offer]] = {}
    for role_skill_id, offer in db.session.execute(offer_query):
        offers.setdefault(role_skill_id, []).append(offer)
    order = {h: i for i, h in enumerate(HORIZON_ORDER)}
    skills = [
        RoleSkillView(
            id=rs.id,
            skill_id=rs.skill_id,
            skill_name=name,
            horizon=rs.horizon,
            reason=rs.reason,
            reward_kind=rs.reward_kind,
            reward_text=rs.reward_text,
            offers=offers.get(rs.id, []),
        )
        for rs, name in rows
    ]
    skills.sort(key=lambda s: (order[s.horizon], s.skill_name.casefold(), s.id))
    return RoleProfile(role=role, skills=skills)
