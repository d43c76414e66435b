"""Demo data for roles and future skills (issue 8) at Metaalbedrijf Van Dijk.

Three roles in the warehouse with what they need now, within a year and in two to three
years (new scanners, a new warehouse system, robots, electric forklifts, the collective
agreement), each with a plain reason, what the company gives and the offers that teach
it. People are put in their role: the ten order pickers are enough for the skill-gap
overview to show numbers (at least the minimum group size of 5); the forklift drivers
are three, so their role shows "too few to show". Piet (the demo's shop-floor worker)
sees all three states in "my future at work": forklift driving confirmed, safe lifting
on his way, the reach truck new for him, with Roy's colleague session as a short step.
Roy's session is approved (three colleagues signed up); Linda's waits for the admin.

Idempotent: roles are found by name, role skills by (role, skill), offers by title,
sessions by (teacher, token); a person already in a role keeps it. The session dates are
set from ``now`` only when the session is first made.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from .accounts.models import User
from .careers.models import JobRole, RoleSkill, RoleSkillOffer
from .db_utils import insert_or_get, insert_or_ignore
from .demo_careers_plan import (
    ADMIN,
    OFFERS,
    PASSPORTS,
    ROLES,
    SESSIONS,
    TEAM_LEADER,
    DemoSession,
    DemoSkill,
)
from .development.skills import add_skill, skill_key
from .development.skills_models import (
    ConfirmationStatus,
    ConfirmerRole,
    PersonSkill,
    Skill,
    SkillConfirmation,
)
from .extensions import db
from .offers.catalogue import set_signup
from .offers.models import Offer, OfferSignup, SignupStatus
from .offers.session_models import ColleagueSessionDate, SessionStatus
from .offers.sessions import SessionValues, decide_session, propose_session
from .orgs.models import Membership, Organisation
from .tenancy import org_context
from .timeutil import org_today, org_zone


def seed_careers(org: Organisation, now: datetime) -> int:
    """Add the roles, passports and colleague sessions of the demo; returns how many were new."""
    added = 0
    with org_context((org.id,)):
        people = dict(
            db.session.execute(
                select(User.name, User.id)
                .join(Membership, Membership.user_id == User.id)
                .where(Membership.org_id == org.id)
            ).all()
        )
        admin = people[ADMIN]
        added += _offers(org, now)
        offers = dict(
            db.session.execute(select(Offer.title, Offer.id).where(Offer.org_id == org.id)).all()
        )
        added += _passports(org, people, now)
        for name, (description, skills, members) in ROLES.items():
            role_id, created = insert_or_get(
                JobRole,
                {
                    "org_id": org.id,
                    "name": name,
                    "name_key": skill_key(name),
                    "description": description,
                    "active": True,
                    "created_by_id": admin,
                    "created_at": now,
                    "updated_at": now,
                },
                ["org_id", "name_key"],
            )
            added += int(created)
            for demo_skill in skills:
                added += _role_skill(org, role_id, demo_skill, offers, admin, now)
            added += _assign(org, role_id, [people[p] for p in members])
        for plan in SESSIONS:
            added += _session(org, plan, people, offers, admin, now)
        db.session.flush()
    return added


def _offers(org: Organisation, now: datetime) -> int:
    titles = set(db.session.scalars(select(Offer.title).where(Offer.org_id == org.id)))
    added = 0
    for values in OFFERS:
        if values["title"] not in titles:
            db.session.add(Offer(org_id=org.id, created_at=now, **values))
            added += 1
    db.session.flush()
    return added


def _skill_id(org: Organisation, name: str, created_by: int, now: datetime) -> int:
    skill_id, _created = insert_or_get(
        Skill,
        {
            "org_id": org.id,
            "name": name,
            "name_key": skill_key(name),
            "description": "",
            "created_by_id": created_by,
            "created_at": now,
        },
        ["org_id", "name_key"],
    )
    return skill_id


def _role_skill(
    org: Organisation,
    role_id: int,
    plan: DemoSkill,
    offers: dict[str, int],
    admin: int,
    now: datetime,
) -> int:
    skill_id = _skill_id(org, plan.skill, admin, now)
    role_skill_id, created = insert_or_get(
        RoleSkill,
        {
            "org_id": org.id,
            "role_id": role_id,
            "skill_id": skill_id,
            "horizon": plan.horizon,
            "reason": plan.reason,
            "reward_kind": plan.reward_kind,
            "reward_text": plan.reward_text,
            "created_at": now,
            "updated_at": now,
        },
        ["role_id", "skill_id"],
    )
    added = int(created)
    for title in plan.offers:
        new_id = insert_or_ignore(
            RoleSkillOffer,
            {"org_id": org.id, "role_skill_id": role_skill_id, "offer_id": offers[title]},
            ["role_skill_id", "offer_id"],
        )
        added += int(new_id is not None)
    return added


def _assign(org: Organisation, role_id: int, user_ids: list[int]) -> int:
    """Put people without a role in this one (a role the admin gave later stays)."""
    memberships = db.session.scalars(
        select(Membership).where(
            Membership.org_id == org.id,
            Membership.user_id.in_(user_ids),
            Membership.job_role_id.is_(None),
        )
    ).all()
    for membership in memberships:
        membership.job_role_id = role_id
    db.session.flush()
    return len(memberships)


def _passports(org: Organisation, people: dict[str, int], now: datetime) -> int:
    """Skills in the order pickers' passports; the team leader confirmed some of them."""
    added = 0
    for skill, (confirmed, claimed) in PASSPORTS.items():
        for name in (*confirmed, *claimed):
            person_skill, created = add_skill(org.id, people[name], skill, None, now)
            added += int(created)
            if name in confirmed:
                added += _confirm(org, person_skill, people[TEAM_LEADER], 12, now)
    db.session.flush()
    return added


def _confirm(
    org: Organisation, person_skill: PersonSkill, confirmer: int, days_ago: int, now: datetime
) -> int:
    """A colleague confirmed the skill ``days_ago`` days ago (unless it was confirmed)."""
    if person_skill.confirmed_at is not None:
        return 0
    answered = now - timedelta(days=days_ago)
    db.session.add(
        SkillConfirmation(
            org_id=org.id,
            person_skill_id=person_skill.id,
            user_id=person_skill.user_id,
            confirmer_id=confirmer,
            confirmer_role=ConfirmerRole.colleague,
            status=ConfirmationStatus.confirmed,
            requested_at=answered - timedelta(days=2),
            expires_at=answered + timedelta(days=88),
            answered_at=answered,
        )
    )
    person_skill.confirmed_at = answered
    person_skill.badge_uid = str(uuid.uuid4())
    return 1


def _next_week(org: Organisation, now: datetime, weekday: int) -> datetime:
    """``weekday`` of next week at 13:30 where the organisation is, in UTC."""
    today = org_today(org, now)
    monday = today + timedelta(days=7 - today.weekday())
    day: date = monday + timedelta(days=weekday)
    return datetime.combine(day, time(13, 30), tzinfo=org_zone(org)).astimezone(UTC)


def _session(
    org: Organisation,
    plan: DemoSession,
    people: dict[str, int],
    offers: dict[str, int],
    admin: int,
    now: datetime,
) -> int:
    """The teacher offers the session (the admins are told); the admin approves it (its
    dates become offers) and colleagues sign up; or it waits for the admin."""
    teacher = db.session.get(User, people[plan.teacher])
    skill_id = source_offer = None
    if plan.skill:
        # The teacher knows it: a confirmed skill in their passport.
        person_skill, _created = add_skill(org.id, teacher.id, plan.skill, None, now)
        _confirm(org, person_skill, people[TEAM_LEADER], 38, now)
        skill_id = person_skill.skill_id
    if plan.source_offer:
        # ... or an offer they finished.
        source_offer = offers[plan.source_offer]
        insert_or_ignore(
            OfferSignup,
            {
                "org_id": org.id,
                "offer_id": source_offer,
                "user_id": teacher.id,
                "status": SignupStatus.completed,
                "created_at": now - timedelta(days=60),
                "updated_at": now - timedelta(days=30),
                "completed_at": now - timedelta(days=30),
            },
            ["org_id", "offer_id", "user_id"],
        )
    values = SessionValues(
        title=plan.title,
        what_you_learn=plan.what_you_learn,
        duration_minutes=plan.duration_minutes,
        place=plan.place,
        capacity=plan.capacity,
        skill_id=skill_id,
        source_offer_id=source_offer,
    )
    starts = [_next_week(org, now, weekday) for weekday in plan.days]
    item, created = propose_session(org.id, teacher, values, starts, plan.token, now)
    if not created:
        return 0
    added = 1 + len(starts)
    if plan.status != SessionStatus.approved:
        return added
    decide_session(item, admin, True, plan.decision_note, now)
    first = db.session.scalars(
        select(Offer)
        .join(ColleagueSessionDate, ColleagueSessionDate.offer_id == Offer.id)
        .where(ColleagueSessionDate.org_id == org.id, ColleagueSessionDate.session_id == item.id)
        .order_by(Offer.starts_at)
    ).first()
    added += len(starts)
    for name in plan.signed_up:
        _signup, changed = set_signup(
            org.id, first, people[name], name, SignupStatus.signed_up, now
        )
        added += int(changed)
    db.session.flush()
    return added
