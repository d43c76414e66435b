"""Read models for the skills passport: each page is a fixed number of queries.

Every query is filtered on the person (``user_id``) or on the confirmer in the data layer:
someone else's passport is never loaded, not only hidden.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, exists, func, select

from ..accounts.models import User
from ..extensions import db
from ..orgs.models import Membership, MembershipRole, Role
from .skills_models import ConfirmationStatus, ConfirmerRole, PersonSkill, Skill, SkillConfirmation

VOCABULARY_LIMIT = 1000
CONFIRMATIONS_LIMIT = 200


@dataclass
class ConfirmerView:
    """One request about one skill, as its owner sees it (names are for the owner only)."""

    id: int
    name: str
    role: ConfirmerRole
    status: ConfirmationStatus
    outside: bool  # a named expert outside the organisation
    requested_at: datetime
    answered_at: datetime | None


@dataclass
class PassportSkill:
    id: int
    skill_id: int
    name: str
    note: str
    confirmed_at: datetime | None
    badge_uid: str | None
    requests: list[ConfirmerView] = field(default_factory=list)

    def with_status(self, status: ConfirmationStatus) -> list[ConfirmerView]:
        return [r for r in self.requests if r.status == status]

    @property
    def confirmed_by(self) -> list[ConfirmerView]:
        return sorted(
            self.with_status(ConfirmationStatus.confirmed),
            key=lambda r: r.answered_at or r.requested_at,
        )

    @property
    def waiting_for(self) -> list[ConfirmerView]:
        return self.with_status(ConfirmationStatus.pending)


def _status(row, now: datetime) -> ConfirmationStatus:
    if row.status == ConfirmationStatus.pending and row.expires_at <= now:
        return ConfirmationStatus.expired
    return ConfirmationStatus(row.status)


def _requests_of(org_id: int, user_id: int, now: datetime, person_skill_id: int | None = None):
    """The person's requests (not the ones taken back), with the confirmer's name."""
    statement = (
        select(
            SkillConfirmation.id,
            SkillConfirmation.person_skill_id,
            SkillConfirmation.confirmer_role,
            SkillConfirmation.confirmer_id,
            SkillConfirmation.status,
            SkillConfirmation.expert_name,
            SkillConfirmation.requested_at,
            SkillConfirmation.expires_at,
            SkillConfirmation.answered_at,
            User.name.label("member_name"),
        )
        .outerjoin(User, User.id == SkillConfirmation.confirmer_id)
        .where(
            SkillConfirmation.org_id == org_id,
            SkillConfirmation.user_id == user_id,
            SkillConfirmation.status != ConfirmationStatus.withdrawn,
        )
        .order_by(SkillConfirmation.requested_at, SkillConfirmation.id)
    )
    if person_skill_id is not None:
        statement = statement.where(SkillConfirmation.person_skill_id == person_skill_id)
    for row in db.session.execute(statement):
        yield (
            row.person_skill_id,
            ConfirmerView(
                id=row.id,
                name=row.member_name or row.expert_name or "",
                role=ConfirmerRole(row.confirmer_role),
                status=_status(row, now),
                outside=row.confirmer_id is None,
                requested_at=row.requested_at,
                answered_at=row.answered_at,
            ),
        )


def my_passport(org_id: int, user_id: int, now: datetime) -> list[PassportSkill]:
    """The person's skills, confirmed ones first, each with its requests (two queries)."""
    rows = db.session.execute(
        select(
            PersonSkill.id,
            PersonSkill.skill_id,
            Skill.name,
            PersonSkill.note,
            PersonSkill.confirmed_at,
            PersonSkill.badge_uid,
        )
        .join(Skill, Skill.id == PersonSkill.skill_id)
        .where(PersonSkill.org_id == org_id, PersonSkill.user_id == user_id)
        .order_by(PersonSkill.confirmed_at.is_(None), func.lower(Skill.name), PersonSkill.id)
    )
    skills = {
        row.id: PassportSkill(
            id=row.id,
            skill_id=row.skill_id,
            name=row.name,
            note=row.note or "",
            confirmed_at=row.confirmed_at,
            badge_uid=row.badge_uid,
        )
        for row in rows
    }
    if skills:
        for person_skill_id, view in _requests_of(org_id, user_id, now):
            if person_skill_id in skills:
                skills[person_skill_id].requests.append(view)
    return list(skills.values())


def my_skill(
    org_id: int, user_id: int, person_skill_id: int, now: datetime
) -> PassportSkill | None:
    """One skill of the person's passport with its requests; None when not theirs."""
    row = db.session.execute(
        select(
            PersonSkill.id,
            PersonSkill.skill_id,
            Skill.name,
            PersonSkill.note,
            PersonSkill.confirmed_at,
            PersonSkill.badge_uid,
        )
        .join(Skill, Skill.id == PersonSkill.skill_id)
        .where(
            PersonSkill.org_id == org_id,
            PersonSkill.user_id == user_id,
            PersonSkill.id == person_skill_id,
        )
    ).first()
    if row is None:
        return None
    item = PassportSkill(
        id=row.id,
        skill_id=row.skill_id,
        name=row.name,
        note=row.note or "",
        confirmed_at=row.confirmed_at,
        badge_uid=row.badge_uid,
    )
    item.requests = [view for _id, view in _requests_of(org_id, user_id, now, person_skill_id)]
    return item


def vocabulary(org_id: int, min_people: int) -> list[str]:
    """Skill names to suggest while typing: those at least ``min_people`` people have.

    A name one person typed can say something about them ("debt counselling"), so it is
    suggested to others only once it is common in the organisation.
    """
    return list(
        db.session.scalars(
            select(Skill.name)
            .join(PersonSkill, PersonSkill.skill_id == Skill.id)
            .where(Skill.org_id == org_id, PersonSkill.org_id == org_id)
            .group_by(Skill.id, Skill.name)
            .having(func.count(func.distinct(PersonSkill.user_id)) >= min_people)
            .order_by(func.lower(Skill.name))
            .limit(VOCABULARY_LIMIT)
        )
    )


@dataclass(frozen=True)
class Colleague:
    id: int
    name: str
    ambassador: bool


def colleagues(org_id: int, me: int) -> list[Colleague]:
    """Active members except ``me``, sorted by name, and whether each is an ambassador."""
    is_ambassador = (
        exists()
        .where(
            MembershipRole.membership_id == Membership.id,
            MembershipRole.role == str(Role.ambassador),
        )
        .correlate(Membership)
    )
    rows = db.session.execute(
        select(User.id, User.name, is_ambassador.label("ambassador"))
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.org_id == org_id, Membership.active.is_(True), User.id != me)
        .order_by(func.lower(User.name), User.id)
    )
    return [Colleague(row.id, row.name, bool(row.ambassador)) for row in rows]


@dataclass
class RequestToMe:
    """A request to confirm someone's skill, as the confirmer sees it."""

    id: int
    requester_name: str
    skill_name: str
    role: ConfirmerRole
    status: ConfirmationStatus
    requested_at: datetime
    expires_at: datetime
    answered_at: datetime | None

    @property
    def open(self) -> bool:
        return self.status == ConfirmationStatus.pending


def _request_to_me_query(org_id: int, me: int):
    return (
        select(
            SkillConfirmation.id,
            SkillConfirmation.confirmer_role,
            SkillConfirmation.status,
            SkillConfirmation.requested_at,
            SkillConfirmation.expires_at,
            SkillConfirmation.answered_at,
            User.name.label("requester_name"),
            Skill.name.label("skill_name"),
        )
        .join(PersonSkill, PersonSkill.id == SkillConfirmation.person_skill_id)
        .join(Skill, Skill.id == PersonSkill.skill_id)
        .join(User, User.id == SkillConfirmation.user_id)
        .where(
            SkillConfirmation.org_id == org_id,
            SkillConfirmation.confirmer_id == me,
            SkillConfirmation.status != ConfirmationStatus.withdrawn,
        )
    )


def _request_to_me(row, now: datetime) -> RequestToMe:
    return RequestToMe(
        id=row.id,
        requester_name=row.requester_name,
        skill_name=row.skill_name,
        role=ConfirmerRole(row.confirmer_role),
        status=_status(row, now),
        requested_at=row.requested_at,
        expires_at=row.expires_at,
        answered_at=row.answered_at,
    )


def requests_to_me(org_id: int, me: int, now: datetime) -> list[RequestToMe]:
    """Requests to ``me``: open ones first (oldest first), then the answered (one query)."""
    is_open = and_(
        SkillConfirmation.status == ConfirmationStatus.pending, SkillConfirmation.expires_at > now
    )
    rows = db.session.execute(
        _request_to_me_query(org_id, me)
        .order_by(
            case((is_open, 0), else_=1),
            case((is_open, SkillConfirmation.requested_at), else_=None),
            func.coalesce(SkillConfirmation.answered_at, SkillConfirmation.expires_at).desc(),
            SkillConfirmation.id.desc(),
        )
        .limit(CONFIRMATIONS_LIMIT)
    )
    return [_request_to_me(row, now) for row in rows]


def request_to_me(org_id: int, me: int, confirmation_id: int, now: datetime) -> RequestToMe | None:
    row = db.session.execute(
        _request_to_me_query(org_id, me).where(SkillConfirmation.id == confirmation_id)
    ).first()
    return _request_to_me(row, now) if row is not None else None


@dataclass(frozen=True)
class ExpertRequest:
    """What an outside expert's page shows: who asks, which skill, where."""

    requester_name: str
    skill_name: str
    expert_name: str


def expert_request_view(confirmation: SkillConfirmation) -> ExpertRequest:
    row = db.session.execute(
        select(User.name, Skill.name)
        .select_from(PersonSkill)
        .join(Skill, Skill.id == PersonSkill.skill_id)
        .join(User, User.id == PersonSkill.user_id)
        .where(PersonSkill.id == confirmation.person_skill_id)
    ).one()
    return ExpertRequest(
        requester_name=row[0], skill_name=row[1], expert_name=confirmation.expert_name or ""
    )
