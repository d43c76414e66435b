"""Skills passport (E3): add and remove skills, ask for confirmation, answer a request.

Services flush; routes commit. Every write is keyed on a unique constraint, so a double
submit or a second tap changes nothing twice.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from ..accounts.models import User
from ..activity.models import ActivityKind
from ..activity.services import record_activity
from ..db_utils import insert_or_get, insert_or_ignore
from ..extensions import db
from ..notifications.services import mark_read_by_key, notify
from ..orgs.models import Membership, MembershipRole, Organisation, Role
from ..outbox.services import queue_mail
from .skills_models import (
    ConfirmationStatus,
    ConfirmerRole,
    PersonSkill,
    Skill,
    SkillConfirmation,
)

REQUEST_DAYS = 90  # like feedback requests (PRODUCT N5)
SKILL_NAME_MAX = 120
NOTE_MAX = 300


class SkillRefused(Exception):
    """A change that is not possible; ``reason`` says which (the route words it)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def skill_key(name: str) -> str:
    """The vocabulary key: case folded, single spaces ("Reach  Truck" -> "reach truck")."""
    return " ".join(name.split()).casefold()


def tidy_name(name: str) -> str:
    """The name as typed, without extra spaces."""
    return " ".join((name or "").split())


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_link_token(org_id: int) -> str:
    """A single-use secret for an outside expert's link.

    It starts with the organisation's id, so the public page can open that organisation's
    rows (and only them) before it looks the request up by the hash of the whole token.
    """
    return f"{org_id}.{secrets.token_urlsafe(32)}"


def org_id_from_token(token: str) -> int | None:
    head, dot, rest = (token or "").partition(".")
    if not dot or not rest or not head.isdigit() or len(head) > 9:
        return None
    return int(head)


# --- the passport ----------------------------------------------------------------------


def vocabulary_skill_id(org_id: int, name: str, actor_id: int | None, now: datetime) -> int:
    """The id of the skill ``name`` in the organisation's one vocabulary; a new name joins
    it (by key, so "Reach truck" and "reach  truck" are one skill). ``name`` is tidied."""
    skill_id, _created = insert_or_get(
        Skill,
        {
            "org_id": org_id,
            "name": name[:SKILL_NAME_MAX],
            "name_key": skill_key(name)[:SKILL_NAME_MAX],
            "description": "",
            "created_by_id": actor_id,
            "created_at": now,
        },
        ["org_id", "name_key"],
    )
    return skill_id


def add_skill(
    org_id: int, user_id: int, name: str, note: str | None, now: datetime
) -> tuple[PersonSkill, bool]:
    """Put a skill in the person's passport; a new name joins the organisation's vocabulary.

    Returns the passport row and whether it is new (the same skill twice is one row).
    """
    name = tidy_name(name)
    if not name:
        raise SkillRefused("empty")
    skill_id = vocabulary_skill_id(org_id, name, user_id, now)
    new_id = insert_or_ignore(
        PersonSkill,
        {
            "org_id": org_id,
            "user_id": user_id,
            "skill_id": skill_id,
            "note": (note or "").strip()[:NOTE_MAX],
            "created_at": now,
        },
        ["org_id", "user_id", "skill_id"],
    )
    person_skill = db.session.scalars(
        select(PersonSkill).where(
            PersonSkill.org_id == org_id,
            PersonSkill.user_id == user_id,
            PersonSkill.skill_id == skill_id,
        )
    ).one()
    if new_id is not None:
        record_activity(org_id, user_id, ActivityKind.skill_added, person_skill, now)
    return person_skill, new_id is not None


def remove_skill(org_id: int, person_skill: PersonSkill) -> None:
    """Take a skill out of the passport, with its requests and answers.

    Its badge stops verifying at once (the assertion URL answers 404), open requests
    disappear from the confirmer's list and an expert's link says it is no longer valid.
    """
    db.session.execute(
        delete(SkillConfirmation)
        .where(
            SkillConfirmation.org_id == org_id,
            SkillConfirmation.person_skill_id == person_skill.id,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.delete(person_skill)
    db.session.flush()


# --- asking ------------------------------------------------------------------------------


def is_active_member(org_id: int, user_id: int) -> bool:
    return (
        db.session.scalar(
            select(Membership.id).where(
                Membership.org_id == org_id,
                Membership.user_id == user_id,
                Membership.active.is_(True),
            )
        )
        is not None
    )


def is_ambassador(org_id: int, user_id: int) -> bool:
    return (
        db.session.scalar(
            select(MembershipRole.id)
            .join(Membership, Membership.id == MembershipRole.membership_id)
            .where(
                Membership.org_id == org_id,
                Membership.user_id == user_id,
                Membership.active.is_(True),
                MembershipRole.role == str(Role.ambassador),
            )
        )
        is not None
    )


@dataclass(frozen=True)
class AskResult:
    confirmation: SkillConfirmation
    sent: bool  # False when an open request to this person existed already


def _existing_request(person_skill_id: int, **who) -> SkillConfirmation | None:
    statement = select(SkillConfirmation).where(
        SkillConfirmation.person_skill_id == person_skill_id
    )
    for name, value in who.items():
        statement = statement.where(getattr(SkillConfirmation, name) == value)
    return db.session.scalars(statement).first()


def _reopen_or_refuse(existing: SkillConfirmation, now: datetime) -> bool:
    """Whether an earlier request to the same person may be sent again (it was taken back
    or expired); an open or answered one is refused or kept as it is."""
    status = effective_status(existing, now)
    if status == ConfirmationStatus.pending:
        return False
    if status == ConfirmationStatus.confirmed:
        raise SkillRefused("already_confirmed")
    if status == ConfirmationStatus.declined:
        raise SkillRefused("declined_before")
    return True


def ask_member(
    org_id: int,
    owner: User,
    person_skill: PersonSkill,
    skill_name: str,
    confirmer_id: int | None,
    role: ConfirmerRole,
    now: datetime,
) -> AskResult:
    """Ask a colleague of the same organisation to confirm a skill (told in the app).

    Only someone with the ambassador role may confirm as ambassador. Asking the same
    person again gives the open request back and tells no one twice.
    """
    if confirmer_id is None or confirmer_id == owner.id:
        raise SkillRefused("not_a_colleague")
    if not is_active_member(org_id, confirmer_id):
        raise SkillRefused("not_a_colleague")
    if role == ConfirmerRole.ambassador and not is_ambassador(org_id, confirmer_id):
        raise SkillRefused("not_an_ambassador")
    values = {
        "org_id": org_id,
        "person_skill_id": person_skill.id,
        "user_id": owner.id,
        "confirmer_id": confirmer_id,
        "confirmer_role": role,
        "status": ConfirmationStatus.pending,
        "requested_at": now,
        "expires_at": now + timedelta(days=REQUEST_DAYS),
    }
    new_id = insert_or_ignore(SkillConfirmation, values, ["person_skill_id", "confirmer_id"])
    confirmation = _existing_request(person_skill.id, confirmer_id=confirmer_id)
    if new_id is None:
        if not _reopen_or_refuse(confirmation, now):
            return AskResult(confirmation, False)
        _reopen(confirmation, role, now)
    notify(
        org_id,
        confirmer_id,
        "skill_confirmation_requested",
        {"requester": owner.name, "skill": skill_name, "confirmation_id": confirmation.id},
        now,
        dedupe_key=f"skill-request:{confirmation.id}:{int(now.timestamp())}",
    )
    return AskResult(confirmation, True)


def _reopen(confirmation: SkillConfirmation, role: ConfirmerRole, now: datetime) -> None:
    confirmation.status = ConfirmationStatus.pending
    confirmation.confirmer_role = role
    confirmation.requested_at = now
    confirmation.expires_at = now + timedelta(days=REQUEST_DAYS)
    confirmation.answered_at = None
    db.session.flush()


EXPERT_MAIL_PAUSE = timedelta(days=7)


def ask_expert(
    org: Organisation,
    owner: User,
    person_skill: PersonSkill,
    skill_name: str,
    expert_name: str,
    expert_email: str,
    link_for_token: Callable[[str], str],
    now: datetime,
) -> AskResult:
    """Ask a named expert outside the organisation by e-mail (through the outbox).

    The mail holds a single-use link that works for 90 days; only its hash is stored.
    Asking the same address again for this skill sends nothing new while it is open.
    """
    expert_name = tidy_name(expert_name)
    expert_email = expert_email.strip().lower()
    if not expert_name or not expert_email:
        raise SkillRefused("expert_missing")
    if owner.email and owner.email.strip().lower() == expert_email:
        raise SkillRefused("not_yourself")
    token = new_link_token(org.id)
    values = {
        "org_id": org.id,
        "person_skill_id": person_skill.id,
        "user_id": owner.id,
        "confirmer_id": None,
        "confirmer_role": ConfirmerRole.expert,
        "expert_name": expert_name,
        "expert_email": expert_email,
        "token_hash": hash_token(token),
        "status": ConfirmationStatus.pending,
        "requested_at": now,
        "expires_at": now + timedelta(days=REQUEST_DAYS),
    }
    new_id = insert_or_ignore(SkillConfirmation, values, ["person_skill_id", "expert_email"])
    confirmation = _existing_request(person_skill.id, expert_email=expert_email)
    if new_id is None:
        if not _reopen_or_refuse(confirmation, now):
            return AskResult(confirmation, False)
        # Taking a request back and asking again must not become a way to mail someone
        # outside the organisation over and over: once a week at most.
        if confirmation.requested_at > now - EXPERT_MAIL_PAUSE:
            raise SkillRefused("asked_recently")
        confirmation.expert_name = expert_name
        confirmation.token_hash = hash_token(token)  # the old link stops working
        _reopen(confirmation, ConfirmerRole.expert, now)
    queue_mail(
        # One e-mail per link: asking again (at most weekly) makes a new link.
        key=f"skill-confirmation:{confirmation.id}:{confirmation.token_hash[:16]}",
        to=expert_email,
        template="development/emails/skill_confirmation_request",
        locale=org.locale or "nl",
        kind="skill_confirmation_request",
        name=expert_name,
        person=owner.name,
        skill=skill_name,
        org_name=org.name,
        link=link_for_token(token),
        days=REQUEST_DAYS,
        now=now,
    )
    return AskResult(confirmation, True)


def withdraw_request(org_id: int, confirmation: SkillConfirmation, now: datetime) -> bool:
    """The person takes an open request back; an expert's link then says so."""
    result = db.session.execute(
        update(SkillConfirmation)
        .where(
            SkillConfirmation.org_id == org_id,
            SkillConfirmation.id == confirmation.id,
            SkillConfirmation.status == ConfirmationStatus.pending,
        )
        .values(status=ConfirmationStatus.withdrawn, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


# --- answering ---------------------------------------------------------------------------


def effective_status(confirmation: SkillConfirmation, now: datetime) -> ConfirmationStatus:
    """The status as the person sees it: an open request past its date has expired."""
    if confirmation.status == ConfirmationStatus.pending and confirmation.expires_at <= now:
        return ConfirmationStatus.expired
    return ConfirmationStatus(confirmation.status)


def answer_request(
    org_id: int,
    confirmation: SkillConfirmation,
    confirm: bool,
    confirmer_name: str,
    now: datetime,
) -> ConfirmationStatus:
    """Confirm or decline an open request (one tap); SkillRefused when it is not open.

    The first confirmation of a skill gives it its badge (``badge_uid``) and counts as
    ``skill_confirmed``; the owner is told about every confirmation.
    """
    status = effective_status(confirmation, now)
    if status != ConfirmationStatus.pending:
        raise SkillRefused(str(status))
    new_status = ConfirmationStatus.confirmed if confirm else ConfirmationStatus.declined
    result = db.session.execute(
        update(SkillConfirmation)
        .where(
            SkillConfirmation.org_id == org_id,
            SkillConfirmation.id == confirmation.id,
            SkillConfirmation.status == ConfirmationStatus.pending,
        )
        .values(status=new_status, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # a second tap, or someone else was first
        db.session.refresh(confirmation)
        raise SkillRefused(str(confirmation.status))
    db.session.refresh(confirmation)
    if confirmation.confirmer_id is not None:
        # The question is answered: its message stops counting as unread.
        mark_read_by_key(
            org_id, confirmation.confirmer_id, f"skill-request:{confirmation.id}:", now
        )
    if not confirm:
        return new_status
    _skill_confirmed(org_id, confirmation, confirmer_name, now)
    return new_status


def _skill_confirmed(
    org_id: int, confirmation: SkillConfirmation, confirmer_name: str, now: datetime
) -> None:
    """A confirmation was given: the first one gives the skill its badge and counts as
    ``skill_confirmed``; the owner is told about every one."""
    first = db.session.execute(
        update(PersonSkill)
        .where(
            PersonSkill.org_id == org_id,
            PersonSkill.id == confirmation.person_skill_id,
            PersonSkill.confirmed_at.is_(None),
        )
        .values(confirmed_at=now, badge_uid=str(uuid.uuid4()))
        .execution_options(synchronize_session=False)
    )
    person_skill = db.session.scalars(
        select(PersonSkill).where(
            PersonSkill.org_id == org_id, PersonSkill.id == confirmation.person_skill_id
        )
    ).one()
    db.session.refresh(person_skill)
    skill_name = db.session.scalar(select(Skill.name).where(Skill.id == person_skill.skill_id))
    if first.rowcount == 1:
        record_activity(
            org_id, confirmation.user_id, ActivityKind.skill_confirmed, person_skill, now
        )
    notify(
        org_id,
        confirmation.user_id,
        "skill_confirmed",
        {"confirmer": confirmer_name, "skill": skill_name, "person_skill_id": person_skill.id},
        now,
        dedupe_key=f"skill-confirmed:{confirmation.id}",
    )


def confirm_as_participant(
    org_id: int,
    owner_id: int,
    skill_id: int,
    confirmer_id: int,
    confirmer_name: str,
    now: datetime,
) -> bool:
    """A participant of a colleague's session confirms the teacher's skill in one tap (F6).

    The teacher chose the skill when offering the session, so it is put in their passport
    if it is not there yet. Once per participant: a second tap, or a participant who
    confirmed this skill before, changes nothing (returns False). An open request from
    the teacher to this participant counts as answered.
    """
    if confirmer_id == owner_id:
        raise SkillRefused("not_a_colleague")
    new_skill = insert_or_ignore(
        PersonSkill,
        {
            "org_id": org_id,
            "user_id": owner_id,
            "skill_id": skill_id,
            "note": "",
            "created_at": now,
        },
        ["org_id", "user_id", "skill_id"],
    )
    person_skill = db.session.scalars(
        select(PersonSkill).where(
            PersonSkill.org_id == org_id,
            PersonSkill.user_id == owner_id,
            PersonSkill.skill_id == skill_id,
        )
    ).one()
    if new_skill is not None:
        record_activity(org_id, owner_id, ActivityKind.skill_added, person_skill, now)
    values = {
        "org_id": org_id,
        "person_skill_id": person_skill.id,
        "user_id": owner_id,
        "confirmer_id": confirmer_id,
        "confirmer_role": ConfirmerRole.colleague,
        "status": ConfirmationStatus.confirmed,
        "requested_at": now,
        "expires_at": now,
        "answered_at": now,
    }
    new_id = insert_or_ignore(SkillConfirmation, values, ["person_skill_id", "confirmer_id"])
    confirmation = _existing_request(person_skill.id, confirmer_id=confirmer_id)
    if new_id is None:
        # Asked before: an answer that is not a confirmation becomes one (conditionally,
        # so two taps at once confirm once).
        result = db.session.execute(
            update(SkillConfirmation)
            .where(
                SkillConfirmation.org_id == org_id,
                SkillConfirmation.id == confirmation.id,
                SkillConfirmation.status != ConfirmationStatus.confirmed,
            )
            .values(status=ConfirmationStatus.confirmed, answered_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            return False
        db.session.refresh(confirmation)
        mark_read_by_key(org_id, confirmer_id, f"skill-request:{confirmation.id}:", now)
    _skill_confirmed(org_id, confirmation, confirmer_name, now)
    return True


def confirmed_by(org_id: int, owner_id: int, skill_id: int, confirmer_id: int) -> bool:
    """Whether ``confirmer_id`` confirmed this skill of ``owner_id`` already."""
    return (
        db.session.scalar(
            select(SkillConfirmation.id)
            .join(PersonSkill, PersonSkill.id == SkillConfirmation.person_skill_id)
            .where(
                SkillConfirmation.org_id == org_id,
                SkillConfirmation.confirmer_id == confirmer_id,
                SkillConfirmation.status == ConfirmationStatus.confirmed,
                PersonSkill.org_id == org_id,
                PersonSkill.user_id == owner_id,
                PersonSkill.skill_id == skill_id,
            )
        )
        is not None
    )


def request_by_token(token: str) -> SkillConfirmation | None:
    """The expert's request for this link, in the current organisation context."""
    return db.session.scalars(
        select(SkillConfirmation).where(
            SkillConfirmation.token_hash == hash_token(token),
            SkillConfirmation.confirmer_id.is_(None),
        )
    ).first()
