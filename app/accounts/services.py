"""Sign-in: magic links, passwords and PINs, one-time sign-in codes, sessions."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from sqlalchemy.orm import aliased, selectinload
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from ..extensions import db
from ..mail import render_mail
from ..orgs.models import Membership, Organisation
from ..outbox.services import queue_mail
from ..tenancy import current_org_ids, org_context
from .models import CredentialKind, SignInToken, TokenPurpose, User

PASSWORD_MIN = 8
PASSWORD_MAX = 256
PIN_MIN = 6
# Sign-in codes avoid letters and digits that look alike (0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


class SignInError(Exception):
    """A sign-in attempt that failed; ``reason`` is for logs and tests, never for the page."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="sign-in-link")


def load_user_from_session(session_id: str) -> User | None:
    """Flask-Login loader: the cookie holds ``id:session_version``; an old version is refused."""
    try:
        user_id, version = (int(part) for part in session_id.split(":", 1))
    except ValueError:
        return None
    user = db.session.get(User, user_id)
    if user is None or user.session_version != version:
        return None
    return user


def active_memberships(user_id: int, include_former: bool = False) -> list[Membership]:
    """The person's active memberships in every organisation (for sign-in and the switcher);
    with ``include_former`` also those switched off (where their own data still is).

    Reading one's own memberships across organisations is the one cross-organisation read a
    person may do; on PostgreSQL the policy allows it through ``app.user_id``.
    """
    which = () if include_former else (Membership.active.is_(True),)
    statement = (
        select(Membership)
        .join(Organisation, Organisation.id == Membership.org_id)
        .where(Membership.user_id == user_id, *which)
        .options(selectinload(Membership.organisation), selectinload(Membership.role_rows))
        .order_by(Organisation.name)
        .execution_options(skip_org_filter=True)
    )
    with org_context(current_org_ids() or (), user_id):
        return list(db.session.scalars(statement))


def active_membership_count(user_id: int) -> int:
    """How many organisations the person is active in (decides whether to offer the switcher)."""
    statement = (
        select(func.count(Membership.id))
        .where(Membership.user_id == user_id, Membership.active.is_(True))
        .execution_options(skip_org_filter=True)
    )
    with org_context(current_org_ids() or (), user_id):
        return db.session.scalar(statement) or 0


def find_user_by_login(login: str) -> User | None:
    login = login.strip()
    if "@" in login:
        return db.session.scalars(select(User).where(User.email == normalise_email(login))).first()
    return db.session.scalars(
        select(User).where(func.lower(User.username) == login.lower())
    ).first()


def has_active_membership(user_id: int, org_id: int | None = None) -> bool:
    statement = (
        select(Membership.id)
        .where(Membership.user_id == user_id, Membership.active.is_(True))
        .execution_options(skip_org_filter=True)
    )
    if org_id is not None:
        statement = statement.where(Membership.org_id == org_id)
    with org_context(current_org_ids() or (), user_id):
        return db.session.scalars(statement.limit(1)).first() is not None


def _new_token(
    user: User,
    purpose: TokenPurpose,
    lifetime: timedelta,
    now: datetime,
    org_id: int | None,
    created_by_id: int | None = None,
    secret: str | None = None,
) -> str:
    secret = secret or secrets.token_urlsafe(32)
    db.session.add(
        SignInToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=_hash_token(secret),
            landing_org_id=org_id,
            created_at=now,
            expires_at=now + lifetime,
            created_by_id=created_by_id,
        )
    )
    return secret


def create_magic_link_token(
    user: User, now: datetime, org_id: int | None = None, lifetime: timedelta | None = None
) -> str:
    """A signed, single-use link token (15 minutes unless ``lifetime`` says otherwise)."""
    lifetime = lifetime or timedelta(minutes=current_app.config["MAGIC_LINK_MINUTES"])
    secret = _new_token(user, TokenPurpose.magic_link, lifetime, now, org_id)
    return _serializer().dumps(secret)


def _consume(token_hash: str, purpose: TokenPurpose, now: datetime) -> SignInToken:
    row = db.session.scalars(
        select(SignInToken).where(
            SignInToken.token_hash == token_hash, SignInToken.purpose == purpose
        )
    ).first()
    if row is None:
        raise SignInError("unknown")
    if row.used_at is not None:
        raise SignInError("used")
    if row.expires_at <= now:
        raise SignInError("expired")
    # Single use even when two requests race: only one UPDATE matches used_at IS NULL.
    result = db.session.execute(
        update(SignInToken)
        .where(SignInToken.id == row.id, SignInToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise SignInError("used")
    return row


def send_sign_in_link(
    email: str,
    org_slug: str | None,
    fallback_locale: str,
    link_for_token: Callable[[str], str],
    now: datetime,
) -> None:
    """Queue a sign-in link for an active person with this address; else do nothing visible.

    Unknown addresses get the same answer and about the same work (the mail is rendered
    and thrown away), so neither the page nor its timing tells whether an address exists.
    """
    user = find_user_by_login(email)
    minutes = current_app.config["MAGIC_LINK_MINUTES"]
    if user is None or not user.email or not has_active_membership(user.id):
        render_mail(
            "accounts/emails/magic_link",
            fallback_locale,
            link=link_for_token(secrets.token_urlsafe(32)),
            name=email,
            minutes=minutes,
        )
        return
    org_id = None
    if org_slug:
        org_id = db.session.scalars(
            select(Organisation.id).where(Organisation.slug == org_slug)
        ).first()
    token = create_magic_link_token(user, now, org_id=org_id)
    queue_mail(
        key=f"magic-link:{user.id}:{token[-24:]}",
        to=user.email,
        template="accounts/emails/magic_link",
        locale=user.locale or fallback_locale,
        kind="magic_link",
        link=link_for_token(token),
        name=user.name,
        minutes=minutes,
    )


def consume_magic_link(signed: str, now: datetime) -> tuple[User, int | None]:
    """Check and use up a magic link; returns the person and the organisation it was for."""
    try:
        secret = _serializer().loads(signed)
    except BadSignature as error:
        raise SignInError("unknown") from error
    row = _consume(_hash_token(secret), TokenPurpose.magic_link, now)
    user = db.session.get(User, row.user_id)
    if user is None or not has_active_membership(user.id):
        raise SignInError("disabled")
    return user, row.landing_org_id


class SignInCardRefused(Exception):
    """An admin may not make a sign-in card for this person (see ``signin_card_allowed``)."""


def signin_card_allowed(user: User, org_id: int) -> bool:
    """A card signs someone in without their e-mail, so only the admin of the one organisation
    the person belongs to may make it, and only for people without e-mail and with a username.
    (Otherwise an admin of one organisation could take over an account used in another.)"""
    if user.email or not user.username:
        return False
    statement = (
        select(Membership.id)
        .where(Membership.user_id == user.id, Membership.org_id != org_id)
        .execution_options(skip_org_filter=True)
        .limit(1)
    )
    # Reading the person's own memberships: allowed through app.user_id on PostgreSQL.
    with org_context(current_org_ids() or (), user.id):
        return db.session.scalars(statement).first() is None


def signin_cards_made_for(user_id: int, limit: int = 5) -> list:
    """The last sign-in cards an admin made for this person (when, by whom, used when).

    Shown on the person's own account page: a card lets whoever holds it sign in as the
    person, so the person must be able to see that one was made and used."""
    maker = aliased(User)
    return db.session.execute(
        select(SignInToken.created_at, SignInToken.used_at, maker.name.label("made_by"))
        .outerjoin(maker, maker.id == SignInToken.created_by_id)
        .where(SignInToken.user_id == user_id, SignInToken.purpose == TokenPurpose.signin_code)
        .order_by(SignInToken.created_at.desc(), SignInToken.id.desc())
        .limit(limit)
    ).all()


def create_signin_code(user: User, now: datetime, org_id: int, created_by_id: int) -> str:
    """A printable one-time code (for people without e-mail); older unused codes stop working."""
    if not signin_card_allowed(user, org_id):
        raise SignInCardRefused(user.id)
    db.session.execute(
        update(SignInToken)
        .where(
            SignInToken.user_id == user.id,
            SignInToken.purpose == TokenPurpose.signin_code,
            SignInToken.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    lifetime = timedelta(days=current_app.config["SIGNIN_CODE_DAYS"])
    _new_token(user, TokenPurpose.signin_code, lifetime, now, org_id, created_by_id, secret=code)
    return format_code(code)


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_code(code: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", code.upper())


def consume_signin_code(username: str, code: str, now: datetime) -> tuple[User, int | None]:
    user = find_user_by_login(username)
    if user is None or "@" in username:
        raise SignInError("unknown")
    row = _consume(_hash_token(normalise_code(code)), TokenPurpose.signin_code, now)
    if row.user_id != user.id:
        raise SignInError("unknown")
    if not has_active_membership(user.id):
        raise SignInError("disabled")
    return user, row.landing_org_id


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(line.strip().lower() for line in path.read_text().splitlines() if line.strip())


@dataclass(frozen=True)
class CredentialProblem:
    code: str  # "too_short", "too_long", "common", "pin_digits", "pin_simple", "like_name"


def check_new_credential(kind: CredentialKind, value: str, user: User) -> CredentialProblem | None:
    """Is this a good enough password or PIN? Returns the problem, or None."""
    if kind == CredentialKind.pin:
        if not value.isdigit():
            return CredentialProblem("pin_digits")
        if len(value) < PIN_MIN:
            return CredentialProblem("too_short")
        if len(value) > 12:
            return CredentialProblem("too_long")
        if len(set(value)) == 1 or value in "01234567890" or value in "09876543210":
            return CredentialProblem("pin_simple")
        return None
    if len(value) < PASSWORD_MIN:
        return CredentialProblem("too_short")
    if len(value) > PASSWORD_MAX:
        return CredentialProblem("too_long")
    lowered = value.lower()
    if lowered in _common_passwords():
        return CredentialProblem("common")
    names = {n.lower() for n in (user.username, user.email, user.name) if n}
    if lowered in names or any(lowered == n.split("@")[0] for n in names):
        return CredentialProblem("like_name")
    # zxcvbn knows common passwords, names, keyboard walks and dates (it reads 72 characters).
    user_inputs = [part for n in names for part in re.split(r"[@.\s]+", n) if part]
    if zxcvbn(value[:72], user_inputs=user_inputs)["score"] < 2:
        return CredentialProblem("common")
    return None


def set_credential(user: User, kind: CredentialKind, value: str) -> None:
    """Store a new password or PIN (scrypt) and end the person's other sessions."""
    user.password_hash = generate_password_hash(value, method="scrypt")
    user.credential_kind = kind
    user.session_version += 1


def check_credential(login: str, value: str) -> User:
    """Sign in with e-mail or username and password or PIN."""
    user = find_user_by_login(login)
    if user is None or not user.password_hash:
        # Same work whether or not the person exists, so timing tells nothing.
        check_password_hash(_dummy_hash(), value)
        raise SignInError("unknown")
    if not check_password_hash(user.password_hash, value):
        raise SignInError("wrong")
    if not has_active_membership(user.id):
        raise SignInError("disabled")
    return user


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16), method="scrypt")


def end_all_sessions(user: User) -> None:
    """Sign the person out everywhere: old session cookies no longer match."""
    user.session_version += 1


def mark_signed_in(user: User, now: datetime) -> None:
    user.last_sign_in_at = now
