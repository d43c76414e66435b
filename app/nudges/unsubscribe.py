"""Opting out of a category of nudges (N5): the one-click link in every nudge e-mail and
the services the preferences page uses.

The link ``/u/<token>`` carries a signed (organisation, person, category). Opening it
(GET) only shows a button, so a mail scanner changes nothing. The POST works with the
token alone: no sign-in, no CSRF token (RFC 8058: a mail program posts
``List-Unsubscribe=One-Click`` for the person). Doing it twice is harmless.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, current_app, render_template, request
from flask_babel import force_locale
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select

from ..accounts.models import User
from ..db_types import utcnow
from ..db_utils import insert_or_ignore
from ..extensions import csrf, db
from ..orgs.models import Organisation
from ..tenancy import org_context
from .models import Category, NudgeOptOut
from .preferences_forms import CATEGORY_TEXT

SALT = "nudge-unsubscribe"
MAX_TOKEN_LENGTH = 200

bp = Blueprint("unsubscribe", __name__)


# --- Services ----------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(org_id: int, user_id: int, category: Category | str) -> str:
    return _serializer().dumps([org_id, user_id, str(Category(category))])


def read_token(token: str) -> tuple[int, int, Category] | None:
    """(org_id, user_id, category) from a token, or None when it is changed or malformed."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        value = _serializer().loads(token)
        org_id, user_id, category = value
        if type(org_id) is not int or type(user_id) is not int:
            return None
        return org_id, user_id, Category(category)
    except (BadSignature, ValueError, TypeError):
        return None


def opt_out(org_id: int, user_id: int, category: Category, via: str, now: datetime) -> bool:
    """Switch ``category`` off for the person; True when it was on. Call inside the
    organisation's context; the caller commits."""
    values = {
        "org_id": org_id,
        "user_id": user_id,
        "category": Category(category),
        "via": via,
        "created_at": now,
    }
    return insert_or_ignore(NudgeOptOut, values, ["org_id", "user_id", "category"]) is not None


def opt_in(org_id: int, user_id: int, category: Category) -> bool:
    """Switch ``category`` on again; True when it was off. The caller commits."""
    result = db.session.execute(
        delete(NudgeOptOut)
        .where(
            NudgeOptOut.org_id == org_id,
            NudgeOptOut.user_id == user_id,
            NudgeOptOut.category == Category(category),
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount > 0


def opted_out(org_id: int, user_id: int) -> set[Category]:
    """The categories the person switched off in the organisation."""
    return set(
        db.session.scalars(
            select(NudgeOptOut.category).where(
                NudgeOptOut.org_id == org_id, NudgeOptOut.user_id == user_id
            )
        )
    )


# --- The link ------------------------------------------------------------------------------


def _page(template: str, locale: str, status: int = 200, **context):
    with force_locale(locale if locale in ("nl", "en") else "nl"):
        return render_template(template, **context), status


def _with_token(token: str, action):
    """Run ``action(org, user, category)`` in the organisation the token names (so
    row-level security allows the write), or show "this link does not work"."""
    found = read_token(token)
    if found is None:
        # As the other e-mailed links: opening a broken one is a page like any other
        # (200); posting with it is a bad request.
        status = 400 if request.method == "POST" else 200
        return render_template("nudges/unsubscribe_invalid.html"), status
    org_id, user_id, category = found
    with org_context((org_id,), user_id):
        org = db.session.get(Organisation, org_id)
        user = db.session.get(User, user_id)
        if org is None or user is None:
            # The organisation or the account is gone: nothing will be sent any more.
            return render_template("nudges/unsubscribe_done.html", org_name=None), 200
        return action(org, user, category)


@bp.route("/u/<token>", methods=["GET", "POST"])
@csrf.exempt
def link(token: str):
    """GET: a page with one button, nothing changes. POST: opt out, with the token alone."""

    def confirm(org, user, category):
        label, hint = CATEGORY_TEXT[category]
        return _page(
            "nudges/unsubscribe.html",
            user.locale or org.locale,
            org_name=org.name,
            label=label,
            hint=hint,
            token=token,
        )

    def unsubscribe(org, user, category):
        opt_out(org.id, user.id, category, "link", utcnow())
        db.session.commit()
        return _page(
            "nudges/unsubscribe_done.html",
            user.locale or org.locale,
            org_name=org.name,
            label=CATEGORY_TEXT[category][0],
        )

    return _with_token(token, unsubscribe if request.method == "POST" else confirm)
