"""Changing people, roles and teams in one organisation. Services flush; routes commit."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import delete, func, select

from ..accounts.models import User
from ..accounts.services import (
    SignInCardRefused,
    create_magic_link_token,
    create_signin_code,
    end_all_sessions,
    normalise_email,
)
from ..audit.services import record_audit
from ..extensions import db
from ..outbox.services import queue_mail
from ..tenancy import org_context
from .fte import FULL_TIME
from .models import Membership, MembershipRole, Organisation, OrgKind, Role, Team


class MembershipExists(Exception):
    """The person is already a member of this organisation."""


class OrganisationExists(Exception):
    """The slug is in use."""


SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")


def create_organisation(
    slug: str, name: str, kind: str, admin_name: str, admin_email: str, locale: str = "nl"
) -> Organisation:
    """A new organisation with its first admin (operator action)."""
    if not SLUG_RE.match(slug):
        raise ValueError("a slug has lower-case letters, digits and dashes only")
    if db.session.scalars(select(Organisation.id).where(Organisation.slug == slug)).first():
        raise OrganisationExists(slug)
    org = Organisation(slug=slug, name=name.strip(), kind=OrgKind(kind), locale=locale)
    db.session.add(org)
    db.session.flush()
    with org_context((org.id,)):
        user = find_or_create_user(admin_name, email=admin_email)
        roles = (Role.admin,) if org.kind == OrgKind.union else (Role.employee, Role.admin)
        add_member(org, user, roles)
        db.session.flush()
    return org


class UsernameTaken(Exception):
    """Another person already has this username."""


class ExistingAccount(Exception):
    """The e-mail address belongs to an existing account; its username is not ours to set."""


def find_or_create_user(name: str, email: str | None = None, username: str | None = None) -> User:
    """The global person with this e-mail or username, or a new one."""
    user = None
    if email:
        email = normalise_email(email)
        user = db.session.scalars(select(User).where(User.email == email)).first()
    if user is None and username:
        user = db.session.scalars(
            select(User).where(func.lower(User.username) == username.lower())
        ).first()
    if user is None:
        user = User(name=name.strip(), email=email or None, username=username or None)
        db.session.add(user)
        db.session.flush()
    return user


def invite_person(
    org: Organisation,
    name: str,
    email: str | None,
    username: str | None,
    roles: Iterable[Role | str],
    team_id: int | None,
    job_title: str | None,
    actor_id: int | None,
) -> Membership:
    """Add a person (new or known) to ``org``; checks everything before writing anything."""
    email = normalise_email(email) if email else None
    by_email = (
        db.session.scalars(select(User).where(User.email == email)).first() if email else None
    )
    if username:
        owner = db.session.scalars(
            select(User).where(func.lower(User.username) == username.lower())
        ).first()
        if owner is not None and (by_email is None or owner.id != by_email.id):
            raise UsernameTaken(username)
        if by_email is not None and owner is None:
            # Giving an existing account a username would let this organisation's admin
            # make a sign-in card for it; the person's own sign-in stays theirs.
            raise ExistingAccount(by_email.id)
    existing = by_email
    if (
        existing is not None
        and db.session.scalars(
            select(Membership.id).where(
                Membership.org_id == org.id, Membership.user_id == existing.id
            )
        ).first()
    ):
        raise MembershipExists(existing.id)
    user = existing or find_or_create_user(name, email=email, username=username)
    team = (
        db.session.scalars(select(Team).where(Team.id == team_id, Team.org_id == org.id)).first()
        if team_id
        else None
    )
    return add_member(org, user, roles or [Role.employee], team, job_title, actor_id)


def add_member(
    org: Organisation,
    user: User,
    roles: Iterable[Role | str] = (Role.employee,),
    team: Team | None = None,
    job_title: str | None = None,
    actor_id: int | None = None,
    fte: Decimal | None = None,
) -> Membership:
    """Give ``user`` a membership in ``org`` with these roles and team (full time unless
    ``fte`` says otherwise)."""
    existing = db.session.scalars(
        select(Membership).where(Membership.org_id == org.id, Membership.user_id == user.id)
    ).first()
    if existing is not None:
        raise MembershipExists(user.id)
    membership = Membership(
        org_id=org.id,
        user_id=user.id,
        team_id=team.id if team else None,
        job_title=job_title,
        fte=fte if fte is not None else FULL_TIME,
    )
    membership.role_rows = [MembershipRole(org_id=org.id, role=str(Role(r))) for r in set(roles)]
    db.session.add(membership)
    db.session.flush()
    record_audit(org.id, actor_id, "member.added", membership, subject_user_id=user.id)
    return membership


def set_roles(membership: Membership, roles: Iterable[Role | str], actor_id: int | None) -> None:
    """Replace the membership's roles; every person keeps at least the employee role."""
    wanted = {str(Role(r)) for r in roles} or {str(Role.employee)}
    current = {r.role for r in membership.role_rows}
    if wanted == current:
        return
    db.session.execute(
        delete(MembershipRole).where(
            MembershipRole.membership_id == membership.id, MembershipRole.role.not_in(wanted)
        )
    )
    for role in wanted - current:
        db.session.add(
            MembershipRole(org_id=membership.org_id, membership_id=membership.id, role=role)
        )
    db.session.flush()
    db.session.expire(membership, ["role_rows"])
    record_audit(
        membership.org_id,
        actor_id,
        "member.roles_changed",
        membership,
        subject_user_id=membership.user_id,
    )


def update_member(
    membership: Membership,
    team_id: int | None,
    job_title: str | None,
    actor_id: int | None,
    fte: Decimal | None = None,
) -> None:
    """Change team, job and (unless None) part-time factor; one audit event if any changed."""
    fte = membership.fte if fte is None else fte
    before = (membership.team_id, membership.job_title, membership.fte)
    if before == (team_id, job_title or None, fte):
        return
    membership.team_id = team_id
    membership.job_title = job_title or None
    membership.fte = fte
    record_audit(
        membership.org_id,
        actor_id,
        "member.updated",
        membership,
        subject_user_id=membership.user_id,
    )


def make_signin_card(
    org: Organisation, membership: Membership, user: User, actor_id: int, now: datetime
) -> str:
    """A new one-time sign-in code for a person without e-mail (older codes stop working).

    Raises SignInCardRefused when the person is switched off, has e-mail, has no username
    or also belongs to another organisation.
    """
    if not membership.active:
        raise SignInCardRefused(user.id)
    code = create_signin_code(user, now, org.id, actor_id)
    record_audit(org.id, actor_id, "member.signin_card_made", membership, subject_user_id=user.id)
    return code


INVITE_DAYS = 7


def queue_invitation(
    org: Organisation,
    user: User,
    inviter_name: str,
    link_for_token: Callable[[str], str],
    now: datetime,
) -> None:
    """Put an invitation with a sign-in link (valid for a week, once) in the outbox."""
    token = create_magic_link_token(user, now, org_id=org.id, lifetime=timedelta(days=INVITE_DAYS))
    queue_mail(
        key=f"invite:{org.id}:{user.id}:{token[-24:]}",
        to=user.email,
        template="orgs/emails/invitation",
        locale=user.locale or org.locale,
        kind="invitation",
        name=user.name,
        org_name=org.name,
        inviter=inviter_name,
        link=link_for_token(token),
        days=INVITE_DAYS,
    )


def disable_member(membership: Membership, user: User, actor_id: int | None, now: datetime) -> None:
    """Stop a person's access to this organisation and end their sessions everywhere."""
    membership.active = False
    membership.disabled_at = now
    end_all_sessions(user)
    record_audit(
        membership.org_id,
        actor_id,
        "member.disabled",
        membership,
        subject_user_id=membership.user_id,
    )


def enable_member(membership: Membership, actor_id: int | None) -> None:
    membership.active = True
    membership.disabled_at = None
    record_audit(
        membership.org_id,
        actor_id,
        "member.enabled",
        membership,
        subject_user_id=membership.user_id,
    )


def create_team(org: Organisation, name: str, parent_id: int | None, actor_id: int | None) -> Team:
    team = Team(org_id=org.id, name=name.strip(), parent_id=parent_id)
    db.session.add(team)
    db.session.flush()
    record_audit(org.id, actor_id, "team.created", team)
    return team


def update_team(team: Team, name: str, parent_id: int | None, actor_id: int | None) -> None:
    team.name = name.strip()
    team.parent_id = parent_id
    record_audit(team.org_id, actor_id, "team.updated", team)


def team_name_taken(org_id: int, name: str, except_id: int | None = None) -> bool:
    statement = select(Team.id).where(
        Team.org_id == org_id, func.lower(Team.name) == name.strip().lower()
    )
    if except_id is not None:
        statement = statement.where(Team.id != except_id)
    return db.session.scalars(statement).first() is not None


def would_create_cycle(team: Team, parent_id: int | None, parents: dict[int, int | None]) -> bool:
    """Would ``parent_id`` as parent of ``team`` make a loop? ``parents`` maps id to parent."""
    seen = set()
    current = parent_id
    while current is not None and current not in seen:
        if current == team.id:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


LOGO_MAX_BYTES = 200 * 1024
_LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


class LogoProblem(Exception):
    """The logo file was refused; ``reason`` is "too_large" or "wrong_type"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def set_logo(org: Organisation, data: bytes, actor_id: int | None) -> None:
    """Store a PNG or JPEG logo, recognised by its content (never by its file name)."""
    if len(data) > LOGO_MAX_BYTES:
        raise LogoProblem("too_large")
    mimetype = next((t for magic, t in _LOGO_TYPES.items() if data.startswith(magic)), None)
    if mimetype is None:
        raise LogoProblem("wrong_type")
    org.logo = data
    org.logo_mimetype = mimetype
    record_audit(org.id, actor_id, "organisation.logo_changed", org)


def remove_logo(org: Organisation, actor_id: int | None) -> None:
    org.logo = None
    org.logo_mimetype = None
    record_audit(org.id, actor_id, "organisation.logo_removed", org)


def update_settings(org: Organisation, actor_id: int | None, **values) -> None:
    for name, value in values.items():
        setattr(org, name, value)
    record_audit(org.id, actor_id, "organisation.settings_changed", org)
