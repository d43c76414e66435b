"""Demo data for learning ambassadors and the union (issue 5): profiles, talks with next
steps and follow-ups, facility hours, learning agreements between FNV Leren and both
companies, and a union learning day. Idempotent: what is there already is left alone.

Talks are private to two people, so each is written in a context naming its employee
(row-level security on PostgreSQL checks the person, also for demo rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .accounts.models import User
from .ambassadors.models import (
    AmbassadorConversation,
    AmbassadorProfile,
    Channel,
    ConversationStatus,
    FacilityActivity,
    FacilityTimeEntry,
    FollowUp,
    FollowUpKind,
    NextStep,
    Outcome,
    Topic,
)
from .ambassadors.reports import Quarter
from .ambassadors.services import appoint_ambassador
from .db_types import utcnow
from .db_utils import insert_or_ignore
from .extensions import db
from .offers.models import Offer, OfferFormat
from .orgs.models import Membership, Organisation
from .tenancy import org_context
from .timeutil import org_today
from .unions.models import AgreementRep, AgreementStatus, LearningAgreement
from .unions.union_offers import share_offers_with_company

PROFILES = {
    "Ricardo Martina": dict(
        intro="Ik ben lasser en leerambassadeur. Kom gerust langs, ook met een kleine vraag.",
        story="Op school ging het niet goed. Op mijn 35e haalde ik mijn lasdiploma. "
        "Ik weet hoe spannend een cursus kan zijn.",
        languages="Nederlands, Papiaments, Engels",
        availability="Dinsdag en donderdag in de pauze",
        in_person=True,
        phone=True,
        video=False,
        facility_minutes_per_month=8 * 60,
    ),
    "Linda Peters": dict(
        intro="Ik werk in de montage. Ik denk graag met je mee over je werk en de toekomst.",
        story="Ik leerde de nieuwe machine van een collega. Nu help ik anderen op weg.",
        languages="Nederlands, Duits",
        availability="Maandag tot woensdag, na de dienst",
        in_person=True,
        phone=True,
        video=True,
        facility_minutes_per_month=6 * 60,
    ),
    "Samira Aouragh": dict(
        intro="Ik ben verzorgende en leerambassadeur. Vraag me alles over leren in de zorg.",
        story="Ik begon als helpende. Met een opleiding naast mijn werk werd ik verzorgende IG.",
        languages="Nederlands, Arabisch, Tarifit",
        availability="Woensdag en vrijdag",
        in_person=True,
        phone=True,
        video=False,
        facility_minutes_per_month=6 * 60,
    ),
}
SANNE_PROFILE = dict(
    intro="Ik ben leerambassadeur van de vakbond, de FNV. Ik werk niet voor je baas: wat je "
    "vertelt blijft tussen ons.",
    story="Ik werkte twintig jaar in de metaal. Toen leerde ik lesgeven aan collega's.",
    languages="Nederlands, Engels",
    availability="Elke donderdag op locatie, verder op afspraak",
    in_person=True,
    phone=True,
    video=True,
    facility_minutes_per_month=8 * 60,
)


@dataclass(frozen=True)
class LastQuarter:
    """A talk booked on day ``day`` (0-based) of the last quarter that is over: the
    anonymous reports show only finished quarters, whatever day the demo is seeded."""

    day: int


# (employee, ambassador, topic, channel, days ago or LastQuarter(day), outcome): enough
# talks last quarter for the anonymous report and the union dashboard to show real
# numbers (at least 5 people behind a shown cell: 8 about a course, 6 set a goal at Van
# Dijk; 5 about reading, writing or computers and 5 who set a goal at De Linde), and a few
# recent ones for the caseload and due follow-ups.
VANDIJK_TALKS = (
    ("Piet Willems", "Sanne Bakker", Topic.course, Channel.in_person, 20, Outcome.started_course),
    ("Tomasz Kowalski", "Linda Peters", Topic.basic_skills, Channel.phone, 10, None),
    ("Emre Kaya", "Ricardo Martina", Topic.course, Channel.in_person, 5, None),
    (
        "Mohamed Bouzid",
        "Ricardo Martina",
        Topic.course,
        Channel.in_person,
        LastQuarter(8),
        Outcome.set_goal,
    ),
    (
        "Wim Hoekstra",
        "Ricardo Martina",
        Topic.course,
        Channel.phone,
        LastQuarter(14),
        Outcome.started_course,
    ),
    (
        "Kim van Dam",
        "Linda Peters",
        Topic.course,
        Channel.in_person,
        LastQuarter(20),
        Outcome.set_goal,
    ),
    (
        "Roy Doekhie",
        "Linda Peters",
        Topic.future,
        Channel.video,
        LastQuarter(27),
        Outcome.no_action,
    ),
    (
        "Ayşe Arslan",
        "Sanne Bakker",
        Topic.basic_skills,
        Channel.in_person,
        LastQuarter(33),
        Outcome.referred,
    ),
    (
        "Jan de Boer",
        "Ricardo Martina",
        Topic.course,
        Channel.in_person,
        LastQuarter(40),
        Outcome.set_goal,
    ),
    (
        "Naima Bouzid",
        "Linda Peters",
        Topic.course,
        Channel.in_person,
        LastQuarter(47),
        Outcome.set_goal,
    ),
    (
        "Tim de Groot",
        "Linda Peters",
        Topic.course,
        Channel.phone,
        LastQuarter(55),
        Outcome.set_goal,
    ),
    (
        "Rob Brouwer",
        "Sanne Bakker",
        Topic.course,
        Channel.in_person,
        LastQuarter(62),
        Outcome.started_course,
    ),
    (
        "Paweł Lewandowski",
        "Ricardo Martina",
        Topic.course,
        Channel.in_person,
        LastQuarter(70),
        Outcome.started_course,
    ),
    (
        "Said Ouali",
        "Sanne Bakker",
        Topic.future,
        Channel.in_person,
        LastQuarter(78),
        Outcome.set_goal,
    ),
)
DELINDE_TALKS = (
    ("Gerda Hofman", "Sanne Bakker", Topic.diploma, Channel.phone, 9, Outcome.set_goal),
    ("Latifa Ziani", "Samira Aouragh", Topic.basic_skills, Channel.in_person, 6, None),
    (
        "Fenna Bakker",
        "Samira Aouragh",
        Topic.basic_skills,
        Channel.in_person,
        LastQuarter(6),
        Outcome.set_goal,
    ),
    (
        "Ingrid Schouten",
        "Samira Aouragh",
        Topic.basic_skills,
        Channel.in_person,
        LastQuarter(15),
        Outcome.set_goal,
    ),
    (
        "Monique Ruiter",
        "Sanne Bakker",
        Topic.basic_skills,
        Channel.phone,
        LastQuarter(24),
        Outcome.set_goal,
    ),
    (
        "Hatice Yilmaz",
        "Samira Aouragh",
        Topic.basic_skills,
        Channel.in_person,
        LastQuarter(38),
        Outcome.set_goal,
    ),
    (
        "Sylvia Tjon",
        "Sanne Bakker",
        Topic.basic_skills,
        Channel.video,
        LastQuarter(50),
        Outcome.set_goal,
    ),
    (
        "Anouk Mol",
        "Samira Aouragh",
        Topic.diploma,
        Channel.in_person,
        LastQuarter(61),
        Outcome.started_course,
    ),
    (
        "Marieke Blom",
        "Sanne Bakker",
        Topic.course,
        Channel.phone,
        LastQuarter(72),
        Outcome.no_action,
    ),
)

LEARNING_DAY = dict(
    title="FNV Leerdag: sterk in je werk",
    format=OfferFormat.classroom,
    duration_minutes=6 * 60,
    in_work_time=True,
    cost_covered=True,
    has_exam=False,
    place="Vakbondshuis Eindhoven",
    provider="FNV Leren",
    capacity=40,
    description="Een dag met korte workshops: je cv, rekenen op het werk, veilig werken en "
    "praten met je baas over leren. Gratis, met lunch.",
)
LANGUAGE_COURSE = dict(
    title="Nederlands op de werkvloer",
    format=OfferFormat.classroom,
    duration_minutes=20 * 90,
    in_work_time=False,
    cost_covered=True,
    has_exam=False,
    place="Op je eigen werk of in de buurt",
    provider="FNV Leren",
    description="Twintig lessen van anderhalf uur. Je oefent de woorden die je op je werk nodig "
    "hebt. Gratis voor leden en collega's van bedrijven met een leerakkoord.",
)


def seed_ambassadors(now: datetime | None = None) -> int:
    """Add the ambassador and union demo rows; returns how many rows were new."""
    now = now or utcnow()
    orgs = {o.slug: o for o in db.session.scalars(select(Organisation))}
    vandijk, delinde, fnv = orgs["vandijk"], orgs["delinde"], orgs["fnv-leren"]
    added = 0
    added += _union_offers(fnv, now)
    for company in (vandijk, delinde):
        added += _agreement(fnv, company, now)
    for company, talks in ((vandijk, VANDIJK_TALKS), (delinde, DELINDE_TALKS)):
        people = _people(company)
        added += _profiles(company, people, now)
        added += _talks(company, people, talks, now)
        added += _facility_time(company, people, now)
    return added


def _people(org: Organisation) -> dict[str, int]:
    with org_context((org.id,)):
        return dict(
            db.session.execute(
                select(User.name, User.id)
                .join(Membership, Membership.user_id == User.id)
                .where(Membership.org_id == org.id)
            ).all()
        )


def _profiles(org: Organisation, people: dict[str, int], now: datetime) -> int:
    added = 0
    with org_context((org.id,)):
        have = set(
            db.session.scalars(
                select(AmbassadorProfile.user_id).where(AmbassadorProfile.org_id == org.id)
            )
        )
        wanted = {name: values for name, values in PROFILES.items() if name in people}
        wanted["Sanne Bakker"] = SANNE_PROFILE
        agreement_id = db.session.scalar(
            select(LearningAgreement.id).where(LearningAgreement.company_id == org.id)
        )
        for name, values in wanted.items():
            if people[name] in have:
                continue
            membership = db.session.scalars(
                select(Membership)
                .where(Membership.org_id == org.id, Membership.user_id == people[name])
                .options(selectinload(Membership.role_rows))
            ).one()
            via = agreement_id if name == "Sanne Bakker" else None
            appoint_ambassador(membership, None, now, agreement_id=via, **values)
            added += 1
    return added


def _talks(org: Organisation, people: dict[str, int], talks, now: datetime) -> int:
    added = 0
    today = org_today(org, now)
    last_quarter = Quarter.of(today).previous()
    for index, (employee, ambassador, topic, channel, when, outcome) in enumerate(talks):
        employee_id, ambassador_id = people[employee], people[ambassador]
        if isinstance(when, LastQuarter):
            booked = min(last_quarter.start + timedelta(days=when.day), last_quarter.end)
        else:
            booked = today - timedelta(days=when)
        days_ago = (today - booked).days
        held = booked + timedelta(days=3)
        done = held <= today
        with org_context((org.id,), employee_id):
            talk_id = insert_or_ignore(
                AmbassadorConversation,
                dict(
                    org_id=org.id,
                    employee_id=employee_id,
                    ambassador_id=ambassador_id,
                    channel=channel,
                    topic=topic,
                    status=ConversationStatus.held if done else ConversationStatus.planned,
                    booked_on=booked,
                    held_on=held if done else None,
                    summary="We keken samen naar wat je wilt leren en wat daarbij helpt."
                    if done
                    else "",
                    outcome=outcome if done else None,
                    outcome_on=held if done and outcome else None,
                    client_token=f"demo-talk-{index}",
                    created_at=now - timedelta(days=days_ago),
                ),
                ["employee_id", "client_token"],
            )
            if talk_id is None:
                continue
            added += 1
            if not done:
                continue
            pair = dict(org_id=org.id, employee_id=employee_id, ambassador_id=ambassador_id)
            # Steps and check-ins of last quarter's talks are long done.
            long_ago = today - timedelta(days=14)
            db.session.add(
                NextStep(
                    conversation_id=talk_id,
                    text="Samen kijken welke cursus past en je aanmelden.",
                    due_on=held + timedelta(days=7),
                    done_at=now if held + timedelta(days=7) < long_ago else None,
                    **pair,
                )
            )
            db.session.add(
                FollowUp(
                    conversation_id=talk_id,
                    kind=FollowUpKind.reminder,
                    due_on=held + timedelta(days=2),
                    done_at=now if held + timedelta(days=2) < today else None,
                    **pair,
                )
            )
            if outcome == Outcome.started_course:
                for kind, days in ((FollowUpKind.week_2, 14), (FollowUpKind.week_6, 42)):
                    checked = held + timedelta(days=days) < long_ago
                    db.session.add(
                        FollowUp(
                            conversation_id=talk_id,
                            kind=kind,
                            due_on=held + timedelta(days=days),
                            done_at=now if checked else None,
                            outcome=Outcome.started_course if checked else None,
                            **pair,
                        )
                    )
            db.session.flush()
    return added


def _facility_time(org: Organisation, people: dict[str, int], now: datetime) -> int:
    added = 0
    today = org_today(org, now)
    names = [n for n in (*PROFILES, "Sanne Bakker") if n in people]
    with org_context((org.id,)):
        for index, name in enumerate(names):
            for step, (activity, minutes) in enumerate(
                (
                    (FacilityActivity.conversations, 180),
                    (FacilityActivity.preparation, 60),
                    (FacilityActivity.training, 120 if index % 2 == 0 else 0),
                )
            ):
                if not minutes:
                    continue
                new_id = insert_or_ignore(
                    FacilityTimeEntry,
                    dict(
                        org_id=org.id,
                        user_id=people[name],
                        activity=activity,
                        minutes=minutes,
                        worked_on=today - timedelta(days=step * 3),
                        client_token=f"demo-facility-{org.slug}-{step}",
                    ),
                    ["user_id", "client_token"],
                )
                added += new_id is not None
    return added


def _agreement(union: Organisation, company: Organisation, now: datetime) -> int:
    """An active learning agreement naming Sanne as rep; her memberships in the companies
    are the ones the agreement made."""
    with org_context((union.id, company.id)):
        if db.session.scalar(
            select(LearningAgreement.id).where(
                LearningAgreement.union_id == union.id, LearningAgreement.company_id == company.id
            )
        ):
            return 0
        sanne = db.session.scalar(select(User.id).where(User.email == "sanne.rep@fnv.example"))
        agreement = LearningAgreement(
            union_id=union.id,
            company_id=company.id,
            status=AgreementStatus.active,
            ambassadors_agreed=3 if company.slug == "vandijk" else 2,
            facility_hours_per_month=8,
            yearly_budget_cents=50_000,
            learning_days=2,
            message="Samen zorgen we dat iedereen kan blijven leren.",
            reps_act_as_ambassadors=True,
            shares_conversation_reports=True,
            shares_facility_time=True,
            shares_learning_figures=company.slug == "vandijk",
            proposed_at=now - timedelta(days=120),
            approved_at=now - timedelta(days=110),
        )
        db.session.add(agreement)
        db.session.flush()
        db.session.add(
            AgreementRep(agreement_id=agreement.id, user_id=sanne, membership_created=True)
        )
        share_offers_with_company(agreement)
        db.session.flush()
    return 1


def _union_offers(union: Organisation, now: datetime) -> int:
    added = 0
    starts = (now + timedelta(days=24)).replace(hour=8, minute=0, second=0, microsecond=0)
    with org_context((union.id,)):
        for values, client_token, extra in (
            (LEARNING_DAY, "demo-union-learning-day", {"starts_at": starts}),
            (LANGUAGE_COURSE, "demo-union-language", {}),
        ):
            exists = db.session.scalar(
                select(Offer.id).where(Offer.org_id == union.id, Offer.client_token == client_token)
            )
            if exists:
                continue
            db.session.add(
                Offer(org_id=union.id, client_token=client_token, language="nl", **values, **extra)
            )
            added += 1
        db.session.flush()
    return added
