"""Read models of "learn it from a colleague" (F6): what a person can teach from, their
sessions with who signed up, the admin's queue, and the colleague facts of one offer."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import abort
from sqlalchemy import func, select

from ..accounts.models import User
from ..development.skills_models import PersonSkill, Skill
from ..extensions import db
from .models import Offer, OfferSignup, SignupStatus
from .queries import SHARED, TAKES_A_PLACE
from .session_models import ColleagueSession, ColleagueSessionDate, SessionStatus

# Who counts as a participant of a session (and is asked to log it afterwards).
PARTICIPANT_STATUSES = TAKES_A_PLACE


@dataclass
class TeachBasis:
    """What a person may teach from: their confirmed skills and the offers they finished."""

    skills: list[tuple[int, str]]
    offers: list[tuple[int, str]]

    @property
    def any(self) -> bool:
        return bool(self.skills or self.offers)

    def choices(self) -> list[tuple[str, str]]:
        return [(f"skill:{i}", name) for i, name in self.skills] + [
            (f"offer:{i}", title) for i, title in self.offers
        ]


def teach_basis(org_id: int, user_id: int) -> TeachBasis:
    """The person's confirmed skills and finished offers (two queries, the person's only)."""
    skills = db.session.execute(
        select(Skill.id, Skill.name)
        .join(PersonSkill, PersonSkill.skill_id == Skill.id)
        .where(
            PersonSkill.org_id == org_id,
            PersonSkill.user_id == user_id,
            PersonSkill.confirmed_at.is_not(None),
            Skill.org_id == org_id,
        )
        .order_by(func.lower(Skill.name), Skill.id)
    ).all()
    offers = db.session.execute(
        select(Offer.id, Offer.title)
        .join(OfferSignup, OfferSignup.offer_id == Offer.id)
        .where(
            OfferSignup.org_id == org_id,
            OfferSignup.user_id == user_id,
            OfferSignup.status == SignupStatus.completed,
        )
        .order_by(func.lower(Offer.title), Offer.id)
        # A finished offer may be shared by a union: the sign-up is filtered above.
        .execution_options(**SHARED)
    ).all()
    return TeachBasis([(i, n) for i, n in skills], [(i, t) for i, t in offers])


@dataclass
class DateRow:
    date: ColleagueSessionDate
    names: list[str] = field(default_factory=list)  # who signed up (the teacher sees them)

    @property
    def count(self) -> int:
        return len(self.names)


@dataclass
class SessionRow:
    session: ColleagueSession
    dates: list[DateRow]
    teacher_name: str = ""
    basis: str = ""  # the skill or the finished offer it builds on


def _dates(org_id: int, session_ids: list[int]) -> dict[int, list[ColleagueSessionDate]]:
    by_session: dict[int, list[ColleagueSessionDate]] = defaultdict(list)
    if not session_ids:
        return by_session
    for row in db.session.scalars(
        select(ColleagueSessionDate)
        .where(
            ColleagueSessionDate.org_id == org_id,
            ColleagueSessionDate.session_id.in_(session_ids),
        )
        .order_by(ColleagueSessionDate.starts_at, ColleagueSessionDate.id)
    ):
        by_session[row.session_id].append(row)
    return by_session


def my_sessions(org_id: int, teacher_id: int) -> list[SessionRow]:
    """The teacher's sessions, newest first, each date with the names of who signed up
    (three queries, whatever the number of sessions)."""
    sessions = list(
        db.session.scalars(
            select(ColleagueSession)
            .where(ColleagueSession.org_id == org_id, ColleagueSession.teacher_id == teacher_id)
            .order_by(ColleagueSession.created_at.desc(), ColleagueSession.id.desc())
        )
    )
    dates = _dates(org_id, [s.id for s in sessions])
    offer_ids = [d.offer_id for rows in dates.values() for d in rows if d.offer_id]
    names: dict[int, list[str]] = defaultdict(list)
    if offer_ids:
        for offer_id, name in db.session.execute(
            select(OfferSignup.offer_id, User.name)
            .join(User, User.id == OfferSignup.user_id)
            .where(
                OfferSignup.org_id == org_id,
                OfferSignup.offer_id.in_(offer_ids),
                OfferSignup.status.in_(PARTICIPANT_STATUSES),
            )
            .order_by(func.lower(User.name), User.id)
        ):
            names[offer_id].append(name)
    return [
        SessionRow(
            session=s,
            dates=[DateRow(d, names.get(d.offer_id, [])) for d in dates[s.id]],
        )
        for s in sessions
    ]


def _basis_expression():
    return func.coalesce(Skill.name, Offer.title, "")


def session_queue(org_id: int) -> list[SessionRow]:
    """Proposals waiting for the admin, oldest first, with the teacher's name and what
    they know it from (two queries)."""
    rows = db.session.execute(
        select(ColleagueSession, User.name, Skill.name, Offer.title)
        .join(User, User.id == ColleagueSession.teacher_id)
        .outerjoin(Skill, Skill.id == ColleagueSession.skill_id)
        .outerjoin(Offer, Offer.id == ColleagueSession.source_offer_id)
        .where(
            ColleagueSession.org_id == org_id,
            ColleagueSession.status == SessionStatus.proposed,
        )
        .order_by(ColleagueSession.created_at, ColleagueSession.id)
        # The source offer may be shared by a union; the sessions are filtered above.
        .execution_options(**SHARED)
    ).all()
    dates = _dates(org_id, [session.id for session, *_rest in rows])
    return [
        SessionRow(
            session=session,
            dates=[DateRow(d) for d in dates[session.id]],
            teacher_name=teacher,
            basis=" · ".join(x for x in (skill, offer_title) if x),
        )
        for session, teacher, skill, offer_title in rows
    ]


def ends_at(starts_at: datetime, minutes: int) -> datetime:
    return starts_at + timedelta(minutes=minutes)


@dataclass(frozen=True)
class ColleagueOffer:
    """The colleague facts of one offer: who teaches it, which skill, and what the person
    looking at it may do (the teacher does not sign up; a participant confirms the skill)."""

    date_id: int
    teacher_id: int
    teacher_name: str
    skill_id: int | None
    skill_name: str | None
    ended: bool
    is_teacher: bool
    participant: bool
    confirmed: bool

    @property
    def can_confirm(self) -> bool:
        return (
            self.ended
            and self.participant
            and not self.is_teacher
            and self.skill_id is not None
            and not self.confirmed
        )


def _date_row(org_id: int, *where):
    return db.session.execute(
        select(ColleagueSessionDate, ColleagueSession, User.name, Skill.name)
        .join(ColleagueSession, ColleagueSession.id == ColleagueSessionDate.session_id)
        .join(User, User.id == ColleagueSession.teacher_id)
        .outerjoin(Skill, Skill.id == ColleagueSession.skill_id)
        .where(
            ColleagueSessionDate.org_id == org_id,
            ColleagueSession.org_id == org_id,
            ColleagueSession.status == SessionStatus.approved,
            ColleagueSessionDate.offer_id.is_not(None),
            *where,
        )
    ).first()


def is_participant(org_id: int, offer_id: int, user_id: int) -> bool:
    return (
        db.session.scalar(
            select(OfferSignup.id).where(
                OfferSignup.org_id == org_id,
                OfferSignup.offer_id == offer_id,
                OfferSignup.user_id == user_id,
                OfferSignup.status.in_(PARTICIPANT_STATUSES),
            )
        )
        is not None
    )


def colleague_offer(
    org_id: int, offer: Offer, user_id: int, now: datetime
) -> ColleagueOffer | None:
    """The colleague facts of ``offer`` for ``user_id``; None for any other kind of offer."""
    if offer.org_id != org_id or offer.format != "colleague":
        return None
    row = _date_row(org_id, ColleagueSessionDate.offer_id == offer.id)
    if row is None:
        return None
    date, session, teacher_name, skill_name = row
    participant = is_participant(org_id, offer.id, user_id)
    confirmed = False
    if participant and session.skill_id is not None:
        from ..development.skills import confirmed_by

        confirmed = confirmed_by(org_id, session.teacher_id, session.skill_id, user_id)
    return ColleagueOffer(
        date_id=date.id,
        teacher_id=session.teacher_id,
        teacher_name=teacher_name,
        skill_id=session.skill_id,
        skill_name=skill_name,
        ended=ends_at(date.starts_at, session.duration_minutes) <= now,
        is_teacher=session.teacher_id == user_id,
        participant=participant,
        confirmed=confirmed,
    )


def participant_date_or_404(org_id: int, date_id: int, user_id: int):
    """(date, session, teacher name, skill name) of an approved session's date that
    ``user_id`` signed up for; anything else (not a participant, another organisation,
    missing) is the same 404."""
    row = _date_row(org_id, ColleagueSessionDate.id == date_id)
    if row is None or not is_participant(org_id, row[0].offer_id, user_id):
        abort(404)
    return row


def teacher_session_or_404(org_id: int, session_id: int, teacher_id: int) -> ColleagueSession:
    """One of the teacher's own sessions; anyone else's is the same 404 as a missing one."""
    item = db.session.scalars(
        select(ColleagueSession).where(
            ColleagueSession.org_id == org_id,
            ColleagueSession.id == session_id,
            ColleagueSession.teacher_id == teacher_id,
        )
    ).first()
    if item is None:
        abort(404)
    return item


def session_or_404(org_id: int, session_id: int) -> ColleagueSession:
    item = db.session.scalars(
        select(ColleagueSession).where(
            ColleagueSession.org_id == org_id, ColleagueSession.id == session_id
        )
    ).first()
    if item is None:
        abort(404)
    return item
