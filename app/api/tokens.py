"""API tokens (P3): made and revoked by a company's admin, shown once, stored hashed.

A token reads ``lck_<organisation id>_<secret>``. The organisation id in it lets the
request look the token up inside that organisation's context, so row-level security
(PostgreSQL) and the ORM net apply to the look-up as to everything else; the secret (32
random bytes) is what makes it a credential. Only its SHA-256 hash is stored, with the
first characters of the secret (``prefix``) so the admin can tell tokens apart.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from ..audit.services import record_audit
from ..extensions import db
from ..manager_kpis.models import ApiToken, TokenScope

TOKEN_PREFIX = "lck_"
PREFIX_LENGTH = 8
NAME_MAX = 80
# At most one write per token a minute to note when it was last used.
LAST_USED_EVERY = timedelta(minutes=1)
_TOKEN = re.compile(r"^lck_([1-9][0-9]{0,9})_([A-Za-z0-9_-]{43})$")
_MAX_ID = 2**31 - 1


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_org_id(token: str) -> int | None:
    """The organisation a well-formed token names; None for anything else."""
    match = _TOKEN.match(token or "")
    if match is None:
        return None
    org_id = int(match.group(1))
    return org_id if org_id <= _MAX_ID else None


def create_token(
    org_id: int, actor_id: int, name: str, scope: TokenScope | str, now: datetime
) -> tuple[ApiToken, str]:
    """A new token of the organisation and its secret (to show once, never to store).
    Audit-logged; the caller commits."""
    secret = secrets.token_urlsafe(32)
    token = f"{TOKEN_PREFIX}{org_id}_{secret}"
    row = ApiToken(
        org_id=org_id,
        name=name.strip()[:NAME_MAX],
        prefix=secret[:PREFIX_LENGTH],
        token_hash=hash_token(token),
        scope=TokenScope(scope),
        created_by_id=actor_id,
        created_at=now,
    )
    db.session.add(row)
    db.session.flush()
    record_audit(org_id, actor_id, "api_token.created", row)
    return row, token


def revoke_token(row: ApiToken, actor_id: int, now: datetime) -> bool:
    """Revoke a token (refused from the next request on); False when it already was.
    Audit-logged; the caller commits."""
    if row.revoked_at is not None:
        return False
    row.revoked_at = now
    record_audit(row.org_id, actor_id, "api_token.revoked", row)
    return True


def token_list(org_id: int) -> list[ApiToken]:
    """The organisation's tokens, the ones in use first, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.org_id == org_id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id)
        )
    )


@dataclass(frozen=True)
class TokenUse:
    id: int
    org_id: int
    scope: TokenScope
    last_used_at: datetime | None


def find_active_token(token: str, org_id: int) -> TokenUse | None:
    """The token that is not revoked with this secret in ``org_id`` (the caller has set
    that organisation's context), or None."""
    row = db.session.execute(
        select(ApiToken.id, ApiToken.org_id, ApiToken.scope, ApiToken.last_used_at).where(
            ApiToken.org_id == org_id,
            ApiToken.token_hash == hash_token(token),
            ApiToken.revoked_at.is_(None),
        )
    ).first()
    if row is None:
        return None
    return TokenUse(row.id, row.org_id, TokenScope(row.scope), row.last_used_at)


def note_use(use: TokenUse, now: datetime) -> bool:
    """Write ``last_used_at`` when it is more than a minute old; True when written."""
    if use.last_used_at is not None and now - use.last_used_at < LAST_USED_EVERY:
        return False
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.id == use.id)
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    return True
