"""The current organisation of a request: resolved from /o/<slug>/, checked against membership."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, abort, flash, g, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..db_types import utcnow
from ..extensions import db
from ..htmx import redirect_to
from ..tenancy import set_org_context
from .models import Membership, Organisation


def register_org_context(app: Flask) -> None:
    @app.url_value_preprocessor
    def pull_org_slug(endpoint, values) -> None:
        if values and "org_slug" in values:
            g.org_slug = values.pop("org_slug")

    @app.url_defaults
    def add_org_slug(endpoint, values) -> None:
        if "org_slug" in values or g.get("org") is None:
            return
        if app.url_map.is_endpoint_expecting(endpoint, "org_slug"):
            values["org_slug"] = g.org.slug

    @app.before_request
    def resolve_org():
        user_id = current_user.id if current_user.is_authenticated else None
        # Default for every request: no organisation's rows at all.
        set_org_context((), user_id)
        if user_id is not None:
            expired = _session_expired(app)
            if expired:
                logout_user()
                session.clear()
                flash(_("You were signed out because you were away for a while."), "info")
                return redirect_to(url_for("accounts.login", next=request.full_path))
        slug = g.get("org_slug")
        if slug is None:
            return None
        view = app.view_functions.get(request.endpoint or "")
        if getattr(view, "public_in_org", False):
            return _resolve_public_org(slug, user_id)
        if user_id is None:
            return redirect_to(url_for("accounts.login", next=request.full_path))
        org = db.session.scalars(select(Organisation).where(Organisation.slug == slug)).first()
        if org is None:
            abort(404)
        set_org_context((org.id,), user_id)
        membership = db.session.scalars(
            select(Membership)
            .where(Membership.org_id == org.id, Membership.user_id == user_id)
            .options(selectinload(Membership.role_rows))
        ).first()
        former_allowed = getattr(view, "former_member_allowed", False)
        if membership is None or not (membership.active or former_allowed):
            abort(404)
        g.org = org
        g.membership = membership
        # Kept as plain values so a rollback later in the request cannot expire them.
        # Someone who left keeps no role: only pages about themselves open for them.
        g.roles = membership.roles if membership.active else frozenset()
        session["last_org"] = org.slug
        return None


def _resolve_public_org(slug: str, user_id: int | None) -> None:
    """A public page of an organisation (e.g. an Open Badges verification URL): anyone may
    open it, but it still only reads that organisation's rows."""
    org = db.session.scalars(select(Organisation).where(Organisation.slug == slug)).first()
    if org is None:
        abort(404)
    set_org_context((org.id,), user_id)
    g.org = org
    g.membership = None
    g.roles = frozenset()


def _session_expired(app: Flask) -> bool:
    now = utcnow().timestamp()
    signed_in_at = session.get("signed_in_at", 0)
    seen_at = session.get("seen_at", signed_in_at)
    idle = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"]).total_seconds()
    absolute = timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"]).total_seconds()
    if now - seen_at > idle or now - signed_in_at > absolute:
        return True
    if now - seen_at > 60:
        session["seen_at"] = now
    return False
