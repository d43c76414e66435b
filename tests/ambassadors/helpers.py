"""Shared arrangements for the ambassador and union tests (owner session, no app)."""

from __future__ import annotations

import secrets
from datetime import date

from app.ambassadors.models import (
    AmbassadorConversation,
    AmbassadorProfile,
    Channel,
    ConversationStatus,
    Topic,
)
from app.db_types import utcnow
from app.orgs.models import Role
from app.unions.models import AgreementRep, AgreementStatus, LearningAgreement


def session_of(make):
    return make.OrganisationFactory._meta.sqlalchemy_session


def make_ambassador(make, org, **profile):
    """A member of ``org`` with the ambassador role and an active profile."""
    membership = make.member(
        org, roles=(Role.employee, Role.ambassador), **profile.pop("user_kwargs", {})
    )
    values = {
        "intro": "Ik help je graag op weg.",
        "story": "Ik haalde mijn heftruckdiploma op mijn vijftigste.",
        "languages": "Nederlands, Pools",
        "availability": "Maandag en donderdag, ochtend",
        "facility_minutes_per_month": 8 * 60,
    }
    values.update(profile)
    session = session_of(make)
    session.add(AmbassadorProfile(org_id=org.id, user_id=membership.user_id, **values))
    session.commit()
    return membership


def make_conversation(make, org, employee_id: int, ambassador_id: int | None, **values):
    """A conversation booked in ``org`` (requested, topic course, booked today unless given)."""
    row = {
        "org_id": org.id,
        "employee_id": employee_id,
        "ambassador_id": ambassador_id,
        "channel": Channel.in_person,
        "topic": Topic.course,
        "status": ConversationStatus.requested,
        "booked_on": date.today(),
        "client_token": secrets.token_hex(8),
    }
    row.update(values)
    item = AmbassadorConversation(**row)
    session = session_of(make)
    session.add(item)
    session.commit()
    return item


def make_agreement(make, union, company, status=AgreementStatus.active, reps=(), **terms):
    """A learning agreement between ``union`` and ``company`` naming ``reps`` (Users)."""
    values = {
        "union_id": union.id,
        "company_id": company.id,
        "status": status,
        "ambassadors_agreed": 2,
        "facility_hours_per_month": 8,
        "learning_days": 2,
    }
    if status == AgreementStatus.active:
        values["approved_at"] = utcnow()
    values.update(terms)
    agreement = LearningAgreement(**values)
    session = session_of(make)
    session.add(agreement)
    session.flush()
    for rep in reps:
        session.add(AgreementRep(agreement_id=agreement.id, user_id=rep.id))
    session.commit()
    return agreement
