"""Demo data for personal development at Metaalbedrijf Van Dijk: a learning budget, an offer
with a price, Piet's goal, log and skills passport, learning checks of the warehouse team
and a development conversation. Idempotent: what is there already is left alone."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select

from .accounts.models import User
from .db_utils import insert_or_ignore
from .development.check_services import save_check
from .development.goals import GoalValues, create_goal
from .development.models import (
    BudgetPolicy,
    ConversationStatus,
    DevelopmentConversation,
    LearningCheck,
    LearningKind,
    LearningLogEntry,
)
from .development.skills import add_skill
from .development.skills_models import ConfirmationStatus, ConfirmerRole, SkillConfirmation
from .extensions import db
from .offers.models import Offer, OfferFormat
from .orgs.models import Membership, Organisation
from .tenancy import org_context
from .timeutil import org_today

PAID_OFFER = dict(
    title="VCA Basis: veilig werken",
    format=OfferFormat.classroom,
    duration_minutes=480,
    in_work_time=True,
    cost_covered=False,
    cost_cents=29_500,
    has_exam=True,
    on_site=False,
    place="Eindhoven",
    provider="Veiligheidsinstituut Zuid",
    description="Een dag les en een examen. Je leert veilig werken op de werkvloer. "
    "Het geld komt uit je leerbudget.",
)

# Answers of the warehouse team: most have little time and learn by doing, so the
# admin's overview shows real counts (at least the minimum group size of 5).
BUSY = {"how": "doing", "time": "full", "exams": "tense", "talk": "colleague", "why": "job_better"}
CHECKS = {
    "Piet Willems": {**BUSY, "online": "people", "future": "same"},
    "Mohamed Bouzid": {**BUSY, "know": "no"},
    "Wim Hoekstra": {**BUSY, "exams": "fine"},
    "Kim van Dam": {**BUSY, "time": "work_time", "money": "employer"},
    "Roy Doekhie": {**BUSY, "contract": "temporary"},
    "Ayşe Arslan": {**BUSY, "how": "shown", "colleagues": "many"},
    # The montage team has time and likes lessons: without them every count would be
    # hidden (too few people answer differently).
    **{
        name: {"time": "yes", "how": "lesson", "exams": "fine", "colleagues": "some"}
        for name in (
            "Tim de Groot",
            "Yusuf Çelik",
            "Rodney Sapulette",
            "Erik Jacobs",
            "Niels Prins",
        )
    },
}

GOAL_STEPS = [
    ("Vragen of ik mee mag kijken met Wim", 7),
    ("Een uur oefenen op het terrein, met begeleiding", 21),
    ("Het korte examen doen", 45),
]
LOG = [
    ("Veilig tillen in 10 minuten (filmpje)", LearningKind.non_formal, 10, 20),
    ("Wim liet zien hoe de reachtruck werkt", LearningKind.informal, 30, 9),
    ("Heftruckcertificaat verlengd", LearningKind.formal, 120, 40),
]


def seed_development(org: Organisation, now: datetime) -> int:
    """Add the personal-development demo rows for ``org``; returns how many were new."""
    added = 0
    with org_context((org.id,)):
        people = dict(
            db.session.execute(
                select(User.name, User.id)
                .join(Membership, Membership.user_id == User.id)
                .where(Membership.org_id == org.id)
            ).all()
        )
        today = org_today(org, now)
        added += _budget_and_paid_offer(org, today.year, now)
        piet, mark = people["Piet Willems"], people["Mark Jansen"]
        _goal, created = create_goal(
            org.id,
            piet,
            GoalValues(
                title="Reachtruck leren rijden",
                why="Dan kan ik ook in de hoge stellingen werken.",
                target_date=today + timedelta(days=60),
            ),
            [(text, today + timedelta(days=days)) for text, days in GOAL_STEPS],
            "demo-goal-reachtruck",
            now,
        )
        added += int(created)
        for index, (title, kind, minutes, days_ago) in enumerate(LOG):
            new_id = insert_or_ignore(
                LearningLogEntry,
                dict(
                    org_id=org.id,
                    user_id=piet,
                    title=title,
                    kind=kind,
                    minutes=minutes,
                    in_work_time=True,
                    learned_on=today - timedelta(days=days_ago),
                    client_token=f"demo-log-{index}",
                    created_at=now,
                ),
                ["org_id", "user_id", "client_token"],
            )
            added += int(new_id is not None)
        added += _passport(org, piet, mark, now)
        for name, answers in CHECKS.items():
            exists = db.session.scalar(
                select(LearningCheck.id).where(
                    LearningCheck.org_id == org.id, LearningCheck.user_id == people[name]
                )
            )
            if exists is None:
                save_check(org.id, people[name], answers, now - timedelta(days=3))
                added += 1
        had_talk = db.session.scalar(
            select(DevelopmentConversation.id).where(
                DevelopmentConversation.org_id == org.id, DevelopmentConversation.user_id == piet
            )
        )
        if had_talk is None:
            db.session.add(
                DevelopmentConversation(
                    org_id=org.id,
                    user_id=piet,
                    manager_id=mark,
                    held_on=today - timedelta(days=60),
                    status=ConversationStatus.confirmed,
                    recorded_at=now - timedelta(days=60),
                    answered_at=now - timedelta(days=59),
                )
            )
            added += 1
        db.session.flush()
    return added


def _budget_and_paid_offer(org: Organisation, year: int, now: datetime) -> int:
    added = 0
    new_policy = insert_or_ignore(
        BudgetPolicy,
        dict(org_id=org.id, year=year, team_key=0, amount_cents=75_000, currency="EUR"),
        ["org_id", "year", "team_key"],
    )
    added += int(new_policy is not None)
    titles = set(db.session.scalars(select(Offer.title).where(Offer.org_id == org.id)))
    if PAID_OFFER["title"] not in titles:
        db.session.add(Offer(org_id=org.id, created_at=now, **PAID_OFFER))
        added += 1
    return added


def _passport(org: Organisation, piet: int, mark: int, now: datetime) -> int:
    """Piet's forklift skill confirmed by his team leader (a badge); lifting only claimed."""
    forklift, created = add_skill(
        org.id, piet, "Heftruck rijden", "Al 12 jaar, ook in de vrieshal.", now
    )
    add_skill(org.id, piet, "Veilig tillen", None, now)
    if not created:
        return 0
    db.session.add(
        SkillConfirmation(
            org_id=org.id,
            person_skill_id=forklift.id,
            user_id=piet,
            confirmer_id=mark,
            confirmer_role=ConfirmerRole.colleague,
            status=ConfirmationStatus.confirmed,
            requested_at=now - timedelta(days=10),
            expires_at=now + timedelta(days=80),
            answered_at=now - timedelta(days=9),
        )
    )
    forklift.confirmed_at = now - timedelta(days=9)
    forklift.badge_uid = str(uuid.uuid4())
    return 1
