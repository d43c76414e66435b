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
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from .accounts.models import User
from .careers.models import Horizon, JobRole, RewardKind, RoleSkill, RoleSkillOffer
from .db_utils import insert_or_get, insert_or_ignore
from .development.skills import add_skill, skill_key
from .development.skills_models import (
    ConfirmationStatus,
    ConfirmerRole,
    PersonSkill,
    Skill,
    SkillConfirmation,
)
from .extensions import db
from .offers.models import Offer, OfferFormat, OfferSignup, SignupStatus
from .offers.session_models import ColleagueSession, ColleagueSessionDate, SessionStatus
from .orgs.models import Membership, Organisation
from .tenancy import org_context
from .timeutil import org_today, org_zone

ADMIN = "Anna de Vries"
TEAM_LEADER = "Mark Jansen"

N, Y, L = Horizon.now, Horizon.within_year, Horizon.two_three_years

OFFERS = [
    dict(
        title="De nieuwe handscanner in 30 minuten",
        format=OfferFormat.on_the_job,
        duration_minutes=30,
        in_work_time=True,
        cost_covered=True,
        has_exam=False,
        on_site=True,
        provider="Van Dijk opleidingen",
        description="Een collega van de technische dienst laat zien hoe de nieuwe scanner "
        "werkt. Daarna oefen je zelf, aan je eigen kar.",
    ),
    dict(
        title="Reachtruck rijden: praktijkdag met examen",
        format=OfferFormat.on_the_job,
        duration_minutes=480,
        in_work_time=True,
        cost_covered=True,
        has_exam=True,
        on_site=True,
        provider="Van Dijk opleidingen",
        description="Een dag les op ons eigen terrein. Aan het eind doe je een kort examen. "
        "Dan krijg je het certificaat.",
    ),
    dict(
        title="Elektrische heftruck veilig laden",
        format=OfferFormat.micro,
        duration_minutes=15,
        in_work_time=True,
        cost_covered=True,
        has_exam=False,
        on_site=False,
        description="Een kort filmpje met vragen, op je telefoon. Hoe laad je de accu veilig?",
    ),
    dict(
        title="Goede gesprekken met je team",
        format=OfferFormat.classroom,
        duration_minutes=180,
        in_work_time=True,
        cost_covered=True,
        has_exam=False,
        on_site=False,
        place="Eindhoven",
        provider="Opleidingscentrum Metaal",
        description="Een middag oefenen met gesprekken over werk en leren. Met andere "
        "teamleiders uit de metaal.",
    ),
]


@dataclass(frozen=True)
class DemoSkill:
    skill: str
    horizon: Horizon
    reason: str
    reward_kind: RewardKind = RewardKind.none
    reward_text: str = ""
    offers: tuple[str, ...] = ()


SCANNER = "Orderpicken met scanner"
LIFTING = "Veilig tillen"
FORKLIFT = "Heftruck rijden"
REACH = "Reachtruck rijden"
SYSTEM = "Werken met het nieuwe magazijnsysteem"
ROBOT = "Samenwerken met een orderpickrobot"
ELECTRIC = "Elektrische heftruck veilig laden"

REACH_REWARD = dict(
    reward_kind=RewardKind.pay_step,
    reward_text="Eén trede hoger in je loonschaal (cao).",
    offers=("Reachtruck rijden: praktijkdag met examen",),
)
SYSTEM_SKILL = DemoSkill(
    SYSTEM,
    L,
    "Rond 2028 komt er een nieuw magazijnsysteem. Je ziet je opdrachten dan op een scherm, "
    "niet meer op papier.",
    RewardKind.certificate,
    "Een certificaat van de leverancier.",
)

# role name -> (description, skills, people in the role)
ROLES: dict[str, tuple[str, tuple[DemoSkill, ...], tuple[str, ...]]] = {
    "Orderpicker": (
        "Je zet de orders klaar in het magazijn.",
        (
            DemoSkill(
                SCANNER,
                N,
                "Alle orders lopen via de handscanner. Sinds dit jaar hebben we nieuwe scanners.",
                offers=("De nieuwe handscanner in 30 minuten",),
            ),
            DemoSkill(
                LIFTING,
                N,
                "Je tilt elke dag veel dozen. Zo voorkom je rugklachten.",
                offers=("Veilig tillen in 10 minuten",),
            ),
            DemoSkill(
                REACH,
                Y,
                "Na de verbouwing worden de stellingen hoger. Dan pakken we meer met de "
                "reachtruck.",
                **REACH_REWARD,
            ),
            SYSTEM_SKILL,
            DemoSkill(
                ROBOT,
                L,
                "Er komen robots die de kratten naar je toe rijden. Jij controleert en pakt in.",
                RewardKind.new_role,
                "Je kunt doorgroeien naar operator van het robotmagazijn.",
            ),
        ),
        (
            "Mohamed Bouzid",
            "Paweł Lewandowski",
            "Wim Hoekstra",
            "Kim van Dam",
            "Roy Doekhie",
            "Tesfay Gebremedhin",
            "Rob Brouwer",
            "Ayşe Arslan",
            "João Silva",
            "Stefan de Wit",
        ),
    ),
    "Heftruckchauffeur": (
        "Je rijdt met de heftruck: laden, lossen en de stellingen vullen.",
        (
            DemoSkill(
                FORKLIFT,
                N,
                "Je rijdt elke dag. Je certificaat moet geldig blijven.",
                offers=("Veilig werken met de heftruck",),
            ),
            DemoSkill(
                LIFTING,
                N,
                "Ook als chauffeur til je vaak. Zo voorkom je rugklachten.",
                offers=("Veilig tillen in 10 minuten",),
            ),
            DemoSkill(
                REACH,
                Y,
                "Na de verbouwing zijn de stellingen 10 meter hoog. Daar kan alleen de "
                "reachtruck bij.",
                **REACH_REWARD,
            ),
            DemoSkill(
                ELECTRIC,
                L,
                "Vanaf 2028 rijden we alleen nog elektrisch. Dat zijn de nieuwe regels voor "
                "schone lucht in de stad.",
                RewardKind.certificate,
                "Een certificaat dat je veilig met accu's werkt.",
                ("Elektrische heftruck veilig laden",),
            ),
            SYSTEM_SKILL,
        ),
        # Three: the skill-gap overview shows "too few to show" for this role.
        ("Piet Willems", "Frank Willemsen", "Harm Veenstra"),
    ),
    "Teamleider magazijn": (
        "Je leidt het team in het magazijn: het rooster, het werk en de mensen.",
        (
            DemoSkill(
                "Plannen",
                N,
                "Jij maakt elke week het rooster en verdeelt het werk.",
                offers=("Excel basis",),
            ),
            DemoSkill(
                "Ontwikkelgesprekken voeren",
                Y,
                "Vanaf volgend jaar voert elke teamleider twee keer per jaar een "
                "ontwikkelgesprek. Dat staat in de nieuwe cao.",
                RewardKind.certificate,
                "Een certificaat van de cursus.",
                ("Goede gesprekken met je team",),
            ),
            DemoSkill(
                SYSTEM,
                L,
                "Jij stuurt straks het nieuwe magazijnsysteem aan en helpt het team ermee.",
                RewardKind.pay_step,
                "Eén trede hoger in je loonschaal (cao).",
            ),
        ),
        (TEAM_LEADER,),
    ),
}

# The order pickers' passports, so the skill-gap overview has numbers to show:
# skill -> (confirmed by the team leader, only claimed).
PASSPORTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    SCANNER: (
        (
            "Mohamed Bouzid",
            "Paweł Lewandowski",
            "Wim Hoekstra",
            "Kim van Dam",
            "Rob Brouwer",
            "Ayşe Arslan",
            "Stefan de Wit",
        ),
        ("João Silva",),
    ),
    LIFTING: (
        (),
        ("Paweł Lewandowski", "Kim van Dam", "Rob Brouwer", "Ayşe Arslan", "Stefan de Wit"),
    ),
    REACH: (("Roy Doekhie",), ("Tesfay Gebremedhin",)),
}


@dataclass(frozen=True)
class DemoSession:
    teacher: str
    token: str
    title: str
    what_you_learn: str
    duration_minutes: int
    place: str
    capacity: int
    skill: str | None
    source_offer: str | None
    status: SessionStatus
    days: tuple[int, ...]  # weekdays (0 = Monday) of next week, at 13:30 local time
    signed_up: tuple[str, ...] = ()


SESSIONS = (
    DemoSession(
        teacher="Roy Doekhie",
        token="demo-session-reachtruck",
        title="Reachtruck: zo rij je veilig in de hoge stellingen",
        what_you_learn="Je rijdt een rondje met mij mee. Ik laat zien hoe je de vork hoog "
        "uitschuift en hoe je een pallet veilig pakt. Daarna probeer je het zelf.",
        duration_minutes=45,
        place="Magazijn, hal 2, bij stelling 14",
        capacity=4,
        skill=REACH,
        source_offer=None,
        status=SessionStatus.approved,
        days=(1, 3),  # Tuesday and Thursday
        signed_up=("Tesfay Gebremedhin", "Kim van Dam", "Stefan de Wit"),
    ),
    DemoSession(
        teacher="Linda Peters",
        token="demo-session-excel",
        title="Je planning bijhouden in Excel",
        what_you_learn="Ik laat zien hoe ik de montageplanning in een lijst bijhoud. Je "
        "maakt zelf een eerste lijst voor je eigen werk.",
        duration_minutes=30,
        place="Kantine, aan de grote tafel",
        capacity=6,
        skill=None,
        source_offer="Excel basis",
        status=SessionStatus.proposed,
        days=(2,),  # Wednesday
    ),
)


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
    teacher = people[plan.teacher]
    skill_id = _skill_id(org, plan.skill, teacher, now) if plan.skill else None
    source_offer = offers[plan.source_offer] if plan.source_offer else None
    if plan.skill:
        # The teacher knows it: a confirmed skill in their passport.
        person_skill, _created = add_skill(org.id, teacher, plan.skill, None, now)
        _confirm(org, person_skill, people[TEAM_LEADER], 38, now)
    if source_offer is not None:
        # ... or an offer they finished.
        insert_or_ignore(
            OfferSignup,
            {
                "org_id": org.id,
                "offer_id": source_offer,
                "user_id": teacher,
                "status": SignupStatus.completed,
                "created_at": now - timedelta(days=60),
                "updated_at": now - timedelta(days=30),
                "completed_at": now - timedelta(days=30),
            },
            ["org_id", "offer_id", "user_id"],
        )
    approved = plan.status == SessionStatus.approved
    session_id = insert_or_ignore(
        ColleagueSession,
        {
            "org_id": org.id,
            "teacher_id": teacher,
            "title": plan.title,
            "what_you_learn": plan.what_you_learn,
            "duration_minutes": plan.duration_minutes,
            "place": plan.place,
            "capacity": plan.capacity,
            "skill_id": skill_id,
            "source_offer_id": source_offer,
            "status": plan.status,
            "decided_by_id": admin if approved else None,
            "decided_at": now - timedelta(days=2) if approved else None,
            "decision_note": "Mooi initiatief, Roy!" if approved else "",
            "client_token": plan.token,
            "created_at": now - timedelta(days=4),
            "updated_at": now - timedelta(days=2) if approved else now - timedelta(days=4),
        },
        ["org_id", "teacher_id", "client_token"],
    )
    if session_id is None:
        return 0
    added = 1
    first_offer = None
    for weekday in plan.days:
        starts_at = _next_week(org, now, weekday)
        offer_id = None
        if approved:
            offer = Offer(
                org_id=org.id,
                title=plan.title,
                description=plan.what_you_learn,
                format=OfferFormat.colleague,
                duration_minutes=plan.duration_minutes,
                in_work_time=True,
                cost_covered=True,
                has_exam=False,
                on_site=True,
                place=plan.place,
                capacity=plan.capacity,
                starts_at=starts_at,
                created_by_id=teacher,
                created_at=now - timedelta(days=2),
            )
            db.session.add(offer)
            db.session.flush()
            offer_id = offer.id
            first_offer = first_offer or offer_id
            added += 1
        db.session.add(
            ColleagueSessionDate(
                org_id=org.id, session_id=session_id, starts_at=starts_at, offer_id=offer_id
            )
        )
        added += 1
    for name in plan.signed_up:
        insert_or_ignore(
            OfferSignup,
            {
                "org_id": org.id,
                "offer_id": first_offer,
                "user_id": people[name],
                "status": SignupStatus.signed_up,
                "created_at": now - timedelta(days=1),
                "updated_at": now - timedelta(days=1),
            },
            ["org_id", "offer_id", "user_id"],
        )
        added += 1
    db.session.flush()
    return added
