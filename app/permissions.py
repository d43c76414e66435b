"""Roles and the checks routes and templates use."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, g
from flask_login import current_user

from .orgs.models import Role


def current_roles() -> frozenset[Role]:
    """Roles of the current person in the current organisation (fixed when the request began)."""
    return g.get("roles", frozenset())


def has_role(*roles: Role | str) -> bool:
    """True when the current person has any of the roles in the current organisation."""
    mine = current_roles()
    return any(Role(r) in mine for r in roles)


def can_admin() -> bool:
    """Company or union admin of the current organisation."""
    return has_role(Role.admin)


def require_roles(*roles: Role | str) -> Callable:
    """Route decorator: the current membership needs one of ``roles``; others get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated or g.get("membership") is None:
                abort(404)
            if not has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = tuple(Role(r) for r in roles)
        return wrapped

    return decorator


def require_member(view: Callable) -> Callable:
    """Route decorator: any active member of the current organisation."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated or g.get("membership") is None:
            abort(404)
        return view(*args, **kwargs)

    wrapped.required_roles = ()
    return wrapped


def public_in_org(view: Callable) -> Callable:
    """Route decorator: a public page under /o/<org_slug>/ (no sign-in, no membership).

    The request still runs inside that organisation's context, so it reads only its rows;
    use it only for what must be public (e.g. Open Badges verification URLs).
    """
    view.public_in_org = True
    view.required_roles = ()
    return view


def allow_former_member(view: Callable) -> Callable:
    """Route decorator (with ``require_member``): someone whose membership was switched off
    may still use this page about themselves — download their data, take their badges
    along, delete their account (P2). Nothing else of the organisation opens for them."""
    view.former_member_allowed = True
    return view


def only_in(kind: str) -> Callable:
    """Route decorator (outermost, above ``require_roles``): the page exists only in a
    company or only in a union; in the other kind of organisation it is a 404, as for a
    page that does not exist. ``kind`` is an ``OrgKind`` value."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            org = g.get("org")
            if org is None or org.kind != kind:
                abort(404)
            return view(*args, **kwargs)

        wrapped.org_kind = kind
        return wrapped

    return decorator
