"""Who is calling the API: ``Authorization: Bearer <token>``, checked on every request.

The token's organisation becomes the request's organisation context, exactly as a page
under ``/o/<org_slug>/`` sets it for a signed-in member, so the ORM net and row-level
security scope every query. A session cookie counts for nothing here. A revoked token is
refused from the next request on (the look-up runs every time). Requests are limited
per token (``API_RATELIMIT``, e.g. "120 per minute"), across all endpoints. A made-up
token would have a budget of its own, so refused requests (401) are also counted per
address (``REFUSED_RATELIMIT``): past it, that address waits, whatever token it sends.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import current_app, g, request
from sqlalchemy import select

from ..db_types import utcnow
from ..extensions import db, limiter
from ..manager_kpis.models import TokenScope
from ..orgs.models import Organisation, OrgKind
from ..tenancy import set_org_context
from . import bp
from .problems import problem, unauthorized
from .tokens import find_active_token, hash_token, note_use, token_org_id

DEFAULT_RATELIMIT = "120 per minute"
REFUSED_RATELIMIT = "30 per minute"


def bearer_token() -> str | None:
    """The token of the Authorization header, or None when there is none."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _rate_limit_key() -> str:
    """Per token (a hash of what was sent, so no database is needed); per address without."""
    token = bearer_token()
    if token:
        return "api-token:" + hash_token(token)
    return "api-ip:" + (request.remote_addr or "unknown")


def _rate_limit() -> str:
    return current_app.config.get("API_RATELIMIT") or DEFAULT_RATELIMIT


limiter.shared_limit(_rate_limit, scope="api", key_func=_rate_limit_key)(bp)
limiter.shared_limit(
    lambda: REFUSED_RATELIMIT,
    scope="api-refused",
    key_func=lambda: "api-refused:" + (request.remote_addr or "unknown"),
    deduct_when=lambda response: response.status_code == 401,
)(bp)


def public(view: Callable) -> Callable:
    """Route decorator: no token needed (the OpenAPI document)."""
    view.api_public = True
    return view


@bp.before_request
def authenticate():
    """Set the token's organisation as the request's context, or answer 401."""
    # The web's session (if a browser sends one) is not a credential here.
    set_org_context((), None)
    g.pop("org", None)
    g.membership = None
    g.roles = frozenset()
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or getattr(view, "api_public", False):
        return None
    token = bearer_token()
    if token is None:
        return unauthorized()
    org_id = token_org_id(token)
    if org_id is None:
        return unauthorized("This API token is not valid.")
    set_org_context((org_id,), None)
    use = find_active_token(token, org_id)
    if use is None:
        set_org_context((), None)
        return unauthorized("This API token is not valid, or it was revoked.")
    org = db.session.scalars(select(Organisation).where(Organisation.id == org_id)).first()
    if org is None or org.kind != OrgKind.company:
        set_org_context((), None)
        return unauthorized("This API token is not valid, or it was revoked.")
    if note_use(use, utcnow()):
        db.session.commit()  # at most once a minute per token
    g.org = org
    g.api_token = use
    return None


@bp.after_request
def not_cached(response):
    """Answers are about one organisation and change: no cache keeps them."""
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def requires_write(view: Callable) -> Callable:
    """Route decorator: a token with the write scope; a read token gets 403."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if g.api_token.scope != TokenScope.write:
            return problem(403)
        return view(*args, **kwargs)

    wrapped.api_scope = TokenScope.write
    return wrapped
