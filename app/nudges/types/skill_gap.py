"""A skill your work will need (D-URG, D-OUT, B-SECURE, B-SHORT): for people in a role
who do not have one of its skills confirmed yet (R3, the skill-gap overview).

A campaign of this type is about one skill (``NudgeCampaign.skill_id``) and, usually, one
role (``job_role_id``; None: everyone in the audience). The admin starts it from the
skill-gap overview, which fills both in. Who gets it depends on the passport (private):
the audience, in the role, without a confirmed ``PersonSkill`` for the skill; one SQL
select.

The message answers the worker who feels secure in their job (B-SECURE) with why the
role will need the skill (D-URG) and what the company gives for it (D-OUT), and the one
who thinks short-term (B-SHORT) with one short first step: the offer that teaches it
that fits best (in work time, no exam, shortest; not over, not full), else a talk with a
learning ambassador. It links to "my future at work" (the career scan).
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, false, literal, or_, select

from ...activity.models import ActivityKind
from ...careers.models import Horizon, JobRole, RewardKind, RoleSkill, RoleSkillOffer
from ...development.skills_models import PersonSkill, Skill
from ...evidence import Factor
from ...extensions import db
from ...offers.models import Offer
from ...offers.queries import SHARED, not_over, places_taken_expression, visible_to_org
from ...offers.session_models import ColleagueSession, ColleagueSessionDate, SessionStatus
from ...orgs.models import Membership
from ...urls import absolute_url
from ..models import Category, NudgeCampaign
from ..registry import NudgeType, PlanContext, RenderContext, register


def recipients(plan: PlanContext):
    org_id, campaign = plan.org.id, plan.campaign
    person = plan.audience.c.user_id
    query = select(person.label("user_id"), literal(None).label("ref_id"))
    if campaign.skill_id is None:
        return query.where(false())  # the skill was removed from the vocabulary
    has_it = exists().where(
        PersonSkill.org_id == org_id,
        PersonSkill.user_id == person,
        PersonSkill.skill_id == campaign.skill_id,
        PersonSkill.confirmed_at.is_not(None),
    )
    query = query.where(~has_it)
    if campaign.job_role_id is not None:
        in_role = exists().where(
            Membership.org_id == org_id,
            Membership.user_id == person,
            Membership.job_role_id == campaign.job_role_id,
            JobRole.id == Membership.job_role_id,
            JobRole.org_id == org_id,
            JobRole.active.is_(True),
        )
        query = query.where(in_role)
    return query


def _role_skill(org_id: int, campaign: NudgeCampaign, user_id: int):
    """(RoleSkill, role name) for the campaign's role, or else the person's own role, and
    the campaign's skill; None when that role does not list the skill."""
    query = (
        select(RoleSkill, JobRole.name)
        .join(JobRole, JobRole.id == RoleSkill.role_id)
        .where(
            RoleSkill.org_id == org_id,
            JobRole.org_id == org_id,
            RoleSkill.skill_id == campaign.skill_id,
        )
    )
    if campaign.job_role_id is not None:
        query = query.where(RoleSkill.role_id == campaign.job_role_id)
    else:
        mine = select(Membership.job_role_id).where(
            Membership.org_id == org_id, Membership.user_id == user_id
        )
        query = query.where(RoleSkill.role_id.in_(mine.scalar_subquery()))
    row = db.session.execute(query.limit(1)).first()
    return (row[0], row[1]) if row else None


def first_step(org_id: int, skill_id: int, role_skill_id: int | None, now: datetime):
    """The offer that fits best as a first step for the skill: linked to the role's skill,
    or an approved colleague session about it; active, visible here, not over and not
    full; in work time first, then without an exam, then the shortest. None: no offer."""
    linked = select(RoleSkillOffer.offer_id).where(
        RoleSkillOffer.org_id == org_id, RoleSkillOffer.role_skill_id == role_skill_id
    )
    sessions = (
        select(ColleagueSessionDate.offer_id)
        .join(ColleagueSession, ColleagueSession.id == ColleagueSessionDate.session_id)
        .where(
            ColleagueSession.org_id == org_id,
            ColleagueSessionDate.org_id == org_id,
            ColleagueSession.skill_id == skill_id,
            ColleagueSession.status == SessionStatus.approved,
            ColleagueSessionDate.offer_id.is_not(None),
        )
    )
    teaches = Offer.id.in_(sessions)
    if role_skill_id is not None:
        teaches = or_(Offer.id.in_(linked), teaches)
    return db.session.scalars(
        select(Offer)
        .where(
            teaches,
            Offer.active.is_(True),
            visible_to_org(org_id),
            not_over(now),
            or_(Offer.capacity.is_(None), places_taken_expression() < Offer.capacity),
        )
        .order_by(Offer.in_work_time.desc(), Offer.has_exam.asc(), Offer.duration_minutes, Offer.id)
        .limit(1)
        # A linked offer may be shared by a union: filtered by visible_to_org above.
        .execution_options(**SHARED)
    ).first()


def _values(
    skill_name: str, role_name: str, role_skill: RoleSkill | None, offer: Offer | None
) -> dict:
    minutes = max(int(offer.duration_minutes or 0), 0) if offer else 0
    return {
        "skill_name": skill_name,
        "role_name": role_name,
        "horizon": Horizon(role_skill.horizon).value if role_skill else "",
        "reason": role_skill.reason if role_skill else "",
        "reward_kind": RewardKind(role_skill.reward_kind).value if role_skill else "none",
        "reward_text": role_skill.reward_text if role_skill else "",
        "offer_title": offer.title if offer else "",
        "offer_hours": minutes // 60,
        "offer_minutes": minutes % 60,
        "in_work_time": bool(offer.in_work_time) if offer else False,
        "has_exam": bool(offer.has_exam) if offer else False,
    }


def context(render: RenderContext):
    org, user = render.org, render.user
    campaign = db.session.scalars(
        select(NudgeCampaign).where(
            NudgeCampaign.org_id == org.id, NudgeCampaign.id == render.row.campaign_id
        )
    ).first()
    if campaign is None or campaign.skill_id is None:
        return None
    skill = db.session.scalars(
        select(Skill).where(Skill.org_id == org.id, Skill.id == campaign.skill_id)
    ).first()
    if skill is None:
        return None
    has_it = db.session.scalar(
        select(
            exists().where(
                PersonSkill.org_id == org.id,
                PersonSkill.user_id == user.id,
                PersonSkill.skill_id == skill.id,
                PersonSkill.confirmed_at.is_not(None),
            )
        )
    )
    if has_it:
        return None  # confirmed in the meantime: nothing to say
    if campaign.job_role_id is not None:
        role_now = db.session.scalar(
            select(Membership.job_role_id).where(
                Membership.org_id == org.id, Membership.user_id == user.id
            )
        )
        if role_now != campaign.job_role_id:
            return None  # no longer in the role
    found = _role_skill(org.id, campaign, user.id)
    role_skill, role_name = found if found else (None, "")
    offer = first_step(org.id, skill.id, role_skill.id if role_skill else None, render.now)
    if offer is not None:
        step_url = absolute_url("offers.offer", org_slug=org.slug, offer_id=offer.id)
    else:
        step_url = absolute_url("ambassadors.directory", org_slug=org.slug)
    return {
        **_values(skill.name, role_name, role_skill, offer),
        "step_url": step_url,
        "future_url": absolute_url("careers.scan", org_slug=org.slug),
    }


def example(render: RenderContext):
    return {
        "skill_name": _l("Working with the hand scanner"),
        "role_name": _l("Order picker"),
        "horizon": Horizon.within_year.value,
        "reason": _l("Next year all orders are picked with a hand scanner instead of on paper."),
        "reward_kind": RewardKind.certificate.value,
        "reward_text": _l("A certificate and a pay step"),
        "offer_title": _l("The hand scanner in 30 minutes, on the shop floor"),
        "offer_hours": 0,
        "offer_minutes": 30,
        "in_work_time": True,
        "has_exam": False,
        "step_url": absolute_url("offers.index", org_slug=render.org.slug),
        "future_url": absolute_url("careers.scan", org_slug=render.org.slug),
    }


register(
    NudgeType(
        key="skill_gap",
        label=_l("A skill your work will need"),
        description=_l(
            "For people in a role who do not have one of its skills confirmed yet: why the "
            "work will need it, what the company gives for it, and one short first step."
        ),
        factors=(
            Factor.necessity,
            Factor.visible_outcomes,
            Factor.feeling_secure,
            Factor.short_term,
        ),
        category=Category.encouragement,
        audience_rule=_l(
            "People in the chosen role who do not have the chosen skill confirmed in their "
            "skills passport. You never see who."
        ),
        recipients=recipients,
        context=context,
        conversions=(ActivityKind.goal_created.value, ActivityKind.offer_signed_up.value),
        default_schedule=("cron", "0 10 1 * *"),
        private_rule=True,
        example=example,
        extra={"about_a_skill": True},
    )
)
