"""Appointing and retiring ambassadors (B1). Services flush; routes commit.

The ambassador *role* on the membership is what gives the rights (and what the admin's
roles page changes too); the profile holds what colleagues see (intro, story, languages,
availability, channels) and the facility time granted. Appointing gives both, retiring
takes the role away and marks the profile retired. Their conversations stay with the
employees.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, select

from ..accounts.models import User
from ..audit.services import record_audit
from ..extensions import db
from ..orgs.models import Membership, MembershipRole, Role
from ..orgs.services import set_roles
from .models import AmbassadorProfile


def appoint_ambassador(
    membership: Membership,
    actor_id: int | None,
    now: datetime,
    agreement_id: int | None = None,
    **details,
) -> AmbassadorProfile:
    """Give ``membership`` (with ``role_rows`` loaded) the ambassador role and an active
    profile (a retired profile comes back with its texts). ``details`` are profile fields
    (intro, story, languages, ...)."""
    profile = db.session.scalars(
        select(AmbassadorProfile).where(
            AmbassadorProfile.org_id == membership.org_id,
            AmbassadorProfile.user_id == membership.user_id,
        )
    ).first()
    if profile is None:
        profile = AmbassadorProfile(org_id=membership.org_id, user_id=membership.user_id)
        db.session.add(profile)
    profile.retired_at = None
    profile.appointed_at = now
    profile.appointed_by_id = actor_id
    profile.agreement_id = agreement_id
    for name, value in details.items():
        setattr(profile, name, value)
    roles = {r.role for r in membership.role_rows} | {str(Role.ambassador)}
    set_roles(membership, roles, actor_id)
    db.session.flush()
    record_audit(
        membership.org_id,
        actor_id,
        "ambassador.appointed",
        profile,
        subject_user_id=membership.user_id,
    )
    return profile


def retire_ambassador(membership: Membership, actor_id: int | None, now: datetime) -> None:
    """Take the ambassador role away from ``membership`` (with ``role_rows`` loaded) and
    mark the profile retired (if there is one)."""
    profile = db.session.scalars(
        select(AmbassadorProfile).where(
            AmbassadorProfile.org_id == membership.org_id,
            AmbassadorProfile.user_id == membership.user_id,
        )
    ).first()
    if profile is not None and profile.retired_at is None:
        profile.retired_at = now
    roles = {r.role for r in membership.role_rows} - {str(Role.ambassador)}
    set_roles(membership, roles, actor_id)
    db.session.flush()
    record_audit(
        membership.org_id,
        actor_id,
        "ambassador.retired",
        profile,
        subject_user_id=membership.user_id,
    )


def active_ambassadors(org_id: int) -> Select:
    """(User, AmbassadorProfile or None) of everyone who is an ambassador now: an active
    membership with the ambassador role. Someone given the role on the roles page has no
    profile yet; they are listed with their name only."""
    return (
        select(User, AmbassadorProfile)
        .join(Membership, and_(Membership.user_id == User.id, Membership.org_id == org_id))
        .join(
            MembershipRole,
            and_(
                MembershipRole.membership_id == Membership.id,
                MembershipRole.role == str(Role.ambassador),
            ),
        )
        .outerjoin(
            AmbassadorProfile,
            and_(AmbassadorProfile.org_id == org_id, AmbassadorProfile.user_id == User.id),
        )
        .where(Membership.active.is_(True))
        .order_by(User.name, User.id)
    )
