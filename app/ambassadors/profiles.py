"""Ambassador profiles for the admin's pages and the ambassador's own page (B1).
Services flush; routes commit. Appointing and retiring are in ``services.py``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..audit.services import record_audit
from ..db_utils import insert_or_ignore
from ..extensions import db
from ..orgs.models import Membership, MembershipRole, Role
from .models import AmbassadorProfile

PROFILE_CHANGED = "ambassador.profile_changed"


@dataclass(frozen=True)
class Candidate:
    user_id: int
    name: str
    has_role: bool  # an ambassador already (roles page) who has no profile yet


@dataclass(frozen=True)
class RetiredRow:
    profile: AmbassadorProfile
    name: str
    still_member: bool


def _has_ambassador_role():
    return exists().where(
        MembershipRole.membership_id == Membership.id,
        MembershipRole.role == str(Role.ambassador),
    )


def appoint_candidates(org_id: int) -> list[Candidate]:
    """Active members who are not an ambassador with an active profile: everyone who can
    be appointed (also those given the role on the roles page, to fill in their profile)."""
    has_role = _has_ambassador_role()
    rows = db.session.execute(
        select(User.id, User.name, has_role.label("has_role"))
        .join(Membership, and_(Membership.user_id == User.id, Membership.org_id == org_id))
        .outerjoin(
            AmbassadorProfile,
            and_(
                AmbassadorProfile.org_id == org_id,
                AmbassadorProfile.user_id == User.id,
                AmbassadorProfile.retired_at.is_(None),
            ),
        )
        .where(Membership.active.is_(True), ~and_(has_role, AmbassadorProfile.id.is_not(None)))
        .order_by(User.name, User.id)
    ).all()
    return [Candidate(*row) for row in rows]


def retired_ambassadors(org_id: int, current_ids: set[int]) -> list[RetiredRow]:
    """Profiles of people who were ambassadors here and are not now (one query)."""
    rows = db.session.execute(
        select(AmbassadorProfile, User.name, Membership.active)
        .join(User, User.id == AmbassadorProfile.user_id)
        .outerjoin(Membership, and_(Membership.user_id == User.id, Membership.org_id == org_id))
        .where(AmbassadorProfile.org_id == org_id, AmbassadorProfile.retired_at.is_not(None))
        .order_by(AmbassadorProfile.retired_at.desc(), User.name)
    ).all()
    return [
        RetiredRow(profile, name, bool(active))
        for profile, name, active in rows
        if profile.user_id not in current_ids
    ]


def membership_with_roles(org_id: int, user_id: int) -> Membership | None:
    return db.session.scalars(
        select(Membership)
        .where(Membership.org_id == org_id, Membership.user_id == user_id)
        .options(selectinload(Membership.role_rows))
    ).first()


def own_profile(org_id: int, user_id: int) -> AmbassadorProfile | None:
    return db.session.scalars(
        select(AmbassadorProfile).where(
            AmbassadorProfile.org_id == org_id, AmbassadorProfile.user_id == user_id
        )
    ).first()


def update_profile(profile: AmbassadorProfile, values: dict, actor_id: int) -> bool:
    """The admin changes a profile (texts, ways to talk, hours granted). Audited when
    something changed (that it changed, not what)."""
    changed = {k: v for k, v in values.items() if getattr(profile, k) != v}
    for name, value in changed.items():
        setattr(profile, name, value)
    if changed:
        db.session.flush()
        record_audit(
            profile.org_id, actor_id, PROFILE_CHANGED, profile, subject_user_id=profile.user_id
        )
    return bool(changed)


def save_own_profile(org_id: int, user_id: int, values: dict, now: datetime) -> AmbassadorProfile:
    """An ambassador keeps their own profile up (not the hours granted). Someone given
    the role on the roles page gets a profile the first time they save."""
    profile = own_profile(org_id, user_id)
    if profile is None:
        # A double submit of a first save makes one profile (unique org and person).
        insert_or_ignore(
            AmbassadorProfile,
            {"org_id": org_id, "user_id": user_id, "appointed_at": now},
            ["org_id", "user_id"],
        )
        profile = own_profile(org_id, user_id)
    for name, value in values.items():
        setattr(profile, name, value)
    db.session.flush()
    return profile
