"""Learn it from a colleague (F6): offer a session, withdraw it, the admin's decision,
a participant's confirmation of the teacher's skill, and the follow-up after a session.

Services flush; routes (and the scheduler job) commit. Every write is keyed or
conditional, so a double submit or a second tap changes nothing twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text, update

from ..accounts.models import User
from ..audit.services import record_audit
from ..db_utils import insert_or_ignore
from ..development.skills import SKILL_NAME_MAX, tidy_name, vocabulary_skill_id
from ..extensions import db
from ..notifications.services import notify
from ..orgs.models import Organisation, OrgKind
from ..tenancy import org_context
from ..text import plain_excerpt
from .catalogue import admin_ids
from .models import Offer, OfferFormat, OfferSignup
from .session_models import ColleagueSession, ColleagueSessionDate, SessionStatus
from .session_queries import PARTICIPANT_STATUSES, ends_at, teach_basis

log = logging.getLogger(__name__)

# Advisory-lock namespace of the follow-up job (PostgreSQL): one scheduler per organisation.
FOLLOW_UP_LOCK = 0x0F6F


class SessionRefused(Exception):
    """A change that is not possible; ``reason`` says which (the route words it)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class SessionValues:
    title: str
    what_you_learn: str
    duration_minutes: int
    place: str
    capacity: int
    skill_id: int | None = None
    source_offer_id: int | None = None
    skill_name: str = ""  # a skill to teach, typed by someone who finished an offer


def _skill_for(org_id: int, teacher_id: int, values: SessionValues, now: datetime) -> int | None:
    """The skill the session teaches: the teacher's confirmed skill, or the name they typed
    (joins the organisation's vocabulary, like a skill added to a passport)."""
    basis = teach_basis(org_id, teacher_id)
    if values.skill_id is not None:
        if values.skill_id not in {i for i, _name in basis.skills}:
            raise SessionRefused("basis")
        return values.skill_id
    if values.source_offer_id not in {i for i, _title in basis.offers}:
        raise SessionRefused("basis")
    name = tidy_name(values.skill_name)[:SKILL_NAME_MAX]
    if not name:
        return None
    return vocabulary_skill_id(org_id, name, teacher_id, now)


def propose_session(
    org_id: int,
    teacher: User,
    values: SessionValues,
    starts: list[datetime],
    client_token: str,
    now: datetime,
) -> tuple[ColleagueSession, bool]:
    """A colleague offers a session; the admins are told. Only someone who finished an
    offer or has a confirmed skill may (``SessionRefused("basis")`` otherwise, nothing
    written). The same form token again returns the first proposal."""
    if not starts:
        raise SessionRefused("dates")
    existing = _by_token(org_id, teacher.id, client_token)
    if existing is not None:
        return existing, False
    skill_id = _skill_for(org_id, teacher.id, values, now)
    new_id = insert_or_ignore(
        ColleagueSession,
        {
            "org_id": org_id,
            "teacher_id": teacher.id,
            "title": " ".join(values.title.split())[:160],
            "what_you_learn": values.what_you_learn.strip(),
            "duration_minutes": values.duration_minutes,
            "place": " ".join(values.place.split())[:160],
            "capacity": values.capacity,
            "skill_id": skill_id,
            "source_offer_id": values.source_offer_id if values.skill_id is None else None,
            "status": SessionStatus.proposed,
            "client_token": client_token,
            "created_at": now,
            "updated_at": now,
        },
        ["org_id", "teacher_id", "client_token"],
    )
    item = _by_token(org_id, teacher.id, client_token)
    if new_id is None:  # a submit at the same moment made it
        return item, False
    for starts_at in starts:
        db.session.add(ColleagueSessionDate(org_id=org_id, session_id=item.id, starts_at=starts_at))
    db.session.flush()
    payload = {
        "colleague_session_id": item.id,
        "title": plain_excerpt(item.title, 160),
        "person_name": teacher.name,
    }
    for admin_id in admin_ids(org_id):
        if admin_id != teacher.id:
            notify(
                org_id,
                admin_id,
                "colleague_session_proposed",
                payload,
                now,
                dedupe_key=f"colleague_session_proposed:{item.id}",
            )
    return item, True


def _by_token(org_id: int, teacher_id: int, client_token: str) -> ColleagueSession | None:
    return db.session.scalars(
        select(ColleagueSession).where(
            ColleagueSession.org_id == org_id,
            ColleagueSession.teacher_id == teacher_id,
            ColleagueSession.client_token == client_token,
        )
    ).first()


def _move(item: ColleagueSession, to: SessionStatus, now: datetime, **values) -> bool:
    """Proposed → ``to``, once: of two requests at the same moment only one moves it."""
    result = db.session.execute(
        update(ColleagueSession)
        .where(
            ColleagueSession.org_id == item.org_id,
            ColleagueSession.id == item.id,
            ColleagueSession.status == SessionStatus.proposed,
        )
        .values(status=to, updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(item)
    return result.rowcount == 1


def withdraw_session(item: ColleagueSession, now: datetime) -> bool:
    """The teacher takes a proposal back (only while the admin has not decided)."""
    return _move(item, SessionStatus.withdrawn, now)


def decide_session(
    item: ColleagueSession, actor_id: int, approve: bool, note: str, now: datetime
) -> bool:
    """The admin approves or rejects a proposal; the teacher is told either way.

    On approval every date still to come becomes an offer "from a colleague": in work
    time, no exam, free, at our own workplace, with the session's place, places and time.
    Returns False when the proposal was decided or withdrawn already (nothing changes);
    raises SessionRefused("no_dates") on approval when every date has passed.
    """
    note = " ".join((note or "").split())[:300]
    if approve and item.status == SessionStatus.proposed and not _date_to_come(item, now):
        raise SessionRefused("no_dates")
    status = SessionStatus.approved if approve else SessionStatus.rejected
    if not _move(item, status, now, decided_by_id=actor_id, decided_at=now, decision_note=note):
        return False
    if approve:
        _make_offers(item, now)
    record_audit(
        item.org_id,
        actor_id,
        f"colleague_session.{status}",
        item,
        subject_user_id=item.teacher_id,
    )
    notify(
        item.org_id,
        item.teacher_id,
        f"colleague_session_{status}",
        {"colleague_session_id": item.id, "title": plain_excerpt(item.title, 160), "note": note},
        now,
        dedupe_key=f"colleague_session_decided:{item.id}",
    )
    return True


def _date_to_come(item: ColleagueSession, now: datetime) -> bool:
    return (
        db.session.scalar(
            select(ColleagueSessionDate.id)
            .where(
                ColleagueSessionDate.org_id == item.org_id,
                ColleagueSessionDate.session_id == item.id,
                ColleagueSessionDate.starts_at > now,
            )
            .limit(1)
        )
        is not None
    )


def _make_offers(item: ColleagueSession, now: datetime) -> None:
    dates = db.session.scalars(
        select(ColleagueSessionDate)
        .where(
            ColleagueSessionDate.org_id == item.org_id,
            ColleagueSessionDate.session_id == item.id,
            ColleagueSessionDate.offer_id.is_(None),
        )
        .order_by(ColleagueSessionDate.starts_at)
    ).all()
    for date in dates:
        if date.starts_at <= now:
            continue  # a date that has passed while it waited: nobody can sign up for it
        offer = Offer(
            org_id=item.org_id,
            title=item.title,
            description=item.what_you_learn,
            format=OfferFormat.colleague,
            duration_minutes=item.duration_minutes,
            in_work_time=True,
            cost_covered=True,
            has_exam=False,
            on_site=True,
            place=item.place or None,
            capacity=item.capacity,
            starts_at=date.starts_at,
            created_by_id=item.teacher_id,
            created_at=now,
            updated_at=now,
        )
        db.session.add(offer)
        db.session.flush()
        date.offer_id = offer.id
    db.session.flush()


# --- after the session ------------------------------------------------------------------


@dataclass
class FollowedUp:
    org_id: int
    dates: int = 0  # dates followed up now
    messages: int = 0
    skipped: bool = False  # another scheduler holds the organisation's lock
    error: str = ""


def follow_up_all(now: datetime) -> list[FollowedUp]:
    """Every company's sessions that have ended: ask the teacher and the participants to
    log it (in an app context; one transaction per organisation)."""
    org_ids = list(
        db.session.scalars(
            select(Organisation.id)
            .where(Organisation.kind == OrgKind.company)
            .order_by(Organisation.id)
        )
    )
    db.session.rollback()
    results = []
    for org_id in org_ids:
        try:
            results.append(follow_up_org(org_id, now))
        except Exception as error:  # noqa: BLE001 - one organisation must not stop the others
            db.session.rollback()
            log.exception("colleague session follow-up of organisation %s failed", org_id)
            results.append(FollowedUp(org_id, error=repr(error)))
    return results


def follow_up_org(org_id: int, now: datetime) -> FollowedUp:
    """One organisation's ended dates, each once (``followed_up_at``); commits."""
    result = FollowedUp(org_id)
    with org_context((org_id,), None):
        if not _try_lock(org_id):
            db.session.rollback()
            result.skipped = True
            return result
        rows = db.session.execute(
            select(ColleagueSessionDate, ColleagueSession)
            .join(ColleagueSession, ColleagueSession.id == ColleagueSessionDate.session_id)
            .where(
                ColleagueSessionDate.org_id == org_id,
                ColleagueSessionDate.offer_id.is_not(None),
                ColleagueSessionDate.followed_up_at.is_(None),
                ColleagueSessionDate.starts_at <= now,
                ColleagueSession.status == SessionStatus.approved,
            )
            .order_by(ColleagueSessionDate.starts_at)
        ).all()
        for date, session in rows:
            if ends_at(date.starts_at, session.duration_minutes) > now:
                continue
            if not _mark_followed_up(org_id, date.id, now):
                continue
            result.dates += 1
            result.messages += _tell(org_id, date, session, now)
        db.session.commit()
    return result


def _mark_followed_up(org_id: int, date_id: int, now: datetime) -> bool:
    done = db.session.execute(
        update(ColleagueSessionDate)
        .where(
            ColleagueSessionDate.org_id == org_id,
            ColleagueSessionDate.id == date_id,
            ColleagueSessionDate.followed_up_at.is_(None),
        )
        .values(followed_up_at=now)
        .execution_options(synchronize_session=False)
    )
    return done.rowcount == 1


def _tell(org_id: int, date: ColleagueSessionDate, session: ColleagueSession, now) -> int:
    title = plain_excerpt(session.title, 160)
    sent = notify(
        org_id,
        session.teacher_id,
        "colleague_session_taught",
        {"colleague_session_date_id": date.id, "title": title},
        now,
        dedupe_key=f"colleague_session_taught:{date.id}",
    )
    teacher_name = db.session.scalar(select(User.name).where(User.id == session.teacher_id))
    participants = db.session.scalars(
        select(OfferSignup.user_id).where(
            OfferSignup.org_id == org_id,
            OfferSignup.offer_id == date.offer_id,
            OfferSignup.status.in_(PARTICIPANT_STATUSES),
        )
    ).all()
    payload = {
        "offer_id": date.offer_id,
        "title": title,
        "teacher_name": teacher_name or "",
        "can_confirm": session.skill_id is not None,
    }
    for user_id in participants:
        if user_id == session.teacher_id:
            continue
        sent += notify(
            org_id,
            user_id,
            "colleague_session_learned",
            payload,
            now,
            dedupe_key=f"colleague_session_learned:{date.id}",
        )
    return int(sent)


def _try_lock(org_id: int) -> bool:
    if db.session.get_bind().dialect.name != "postgresql":
        return True  # SQLite: one writer at a time; followed_up_at keeps it once
    return bool(
        db.session.execute(
            text("SELECT pg_try_advisory_xact_lock(:ns, :id)"),
            {"ns": FOLLOW_UP_LOCK, "id": org_id},
        ).scalar_one()
    )
