"""Access rows for "learn it from a colleague" (F6), merged into tests/access.py.

Any member may offer a session (someone who cannot yet sees how to become able to) and
see their own; only its teacher withdraws a proposal (anyone else: 404). Admins decide.
Only a participant of a session's date confirms the teacher's skill (anyone else: 404).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from app.db_types import utcnow
from tests.access import MEMBER, OWNER, roles

ACCESS = {
    "offers.teach": MEMBER.only_in("company"),
    "offers.my_sessions": MEMBER.only_in("company"),
    "offers.withdraw_session": OWNER.only_in("company"),
    "offers.session_queue": roles("admin").only_in("company"),
    "offers.decide_proposal": roles("admin").only_in("company"),
    "offers.confirm_teacher_skill": OWNER.only_in("company"),
}


def _session(make):
    return make.OrganisationFactory._meta.sqlalchemy_session


def _colleague_session(make, org, person=None) -> int:
    """A proposal in ``org`` taught by ``person`` (a new member when None), one date ahead."""
    from app.offers.session_models import ColleagueSession, ColleagueSessionDate

    session = _session(make)
    teacher_id = person.id if person is not None else make.member(org).user_id
    item = ColleagueSession(
        org_id=org.id,
        teacher_id=teacher_id,
        title=f"{org.name} session {secrets.token_hex(3)}",
        what_you_learn=f"{org.name} what you learn",
        duration_minutes=30,
        place=f"{org.name} hall",
        capacity=4,
        client_token=secrets.token_hex(8),
    )
    session.add(item)
    session.flush()
    session.add(
        ColleagueSessionDate(
            org_id=org.id, session_id=item.id, starts_at=utcnow() + timedelta(days=3)
        )
    )
    session.commit()
    return item.id


def _session_date(make, org, person=None) -> int:
    """A date that has ended of an approved session (with a skill) in ``org``, which
    ``person`` (a new member when None) signed up for."""
    from app.development.skills_models import Skill
    from app.offers.models import Offer, OfferFormat, OfferSignup, SignupStatus
    from app.offers.session_models import (
        ColleagueSession,
        ColleagueSessionDate,
        SessionStatus,
    )

    session = _session(make)
    teacher = make.member(org, name=f"{org.name} teacher")
    participant_id = person.id if person is not None else make.member(org).user_id
    key = secrets.token_hex(3)
    skill = Skill(org_id=org.id, name=f"{org.name} skill {key}", name_key=f"skill {key}")
    session.add(skill)
    session.flush()
    starts = utcnow() - timedelta(days=1)
    offer = Offer(
        org_id=org.id,
        title=f"{org.name} colleague offer",
        format=OfferFormat.colleague,
        duration_minutes=30,
        starts_at=starts,
        capacity=4,
        on_site=True,
        created_by_id=teacher.user_id,
    )
    session.add(offer)
    session.flush()
    item = ColleagueSession(
        org_id=org.id,
        teacher_id=teacher.user_id,
        title=f"{org.name} session",
        duration_minutes=30,
        place="hall",
        capacity=4,
        skill_id=skill.id,
        status=SessionStatus.approved,
        client_token=secrets.token_hex(8),
    )
    session.add(item)
    session.flush()
    date = ColleagueSessionDate(
        org_id=org.id, session_id=item.id, starts_at=starts, offer_id=offer.id
    )
    session.add(date)
    session.add(
        OfferSignup(
            org_id=org.id,
            offer_id=offer.id,
            user_id=participant_id,
            status=SignupStatus.signed_up,
        )
    )
    session.commit()
    return date.id


OBJECT_MAKERS: dict = {
    "colleague_session_id": _colleague_session,
    "colleague_session_date_id": _session_date,
}
