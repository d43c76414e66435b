"""Start page, organisation home, theme and health check."""

from __future__ import annotations

import re

from flask import Response, abort, g, jsonify, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select, text

from ..ambassadors.access import acts_as_ambassador
from ..ambassadors.conversation_queries import home_talks
from ..db_types import utcnow
from ..extensions import db
from ..orgs.models import Organisation
from ..permissions import require_member
from ..timeutil import org_today
from . import bp


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    return render_template("main/index.html")


@bp.get("/healthz")
def healthz():
    """Health check for load balancers: the app runs and the database answers."""
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
    except Exception:  # noqa: BLE001  (any database failure means unhealthy)
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.get("/o/<org_slug>/")
@require_member
def org_home():
    # Check-ins and next steps of talks with an ambassador (B4): only the person's own.
    talks = home_talks(g.org, current_user.id, org_today(g.org, utcnow()), acts_as_ambassador())
    return render_template("main/org_home.html", org=g.org, home_talks=talks)


@bp.get("/o/<org_slug>/logo")
@require_member
def org_logo():
    row = db.session.execute(
        select(Organisation.logo, Organisation.logo_mimetype).where(Organisation.id == g.org.id)
    ).one()
    if not row.logo:
        abort(404)
    response = Response(row.logo, mimetype=row.logo_mimetype)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def _text_colour(hex_colour: str) -> str:
    """Black or white text, whichever contrasts more with the background (WCAG luminance)."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#ffffff"


@bp.get("/o/<org_slug>/theme.css")
@require_member
def org_theme():
    colour = g.org.colour if _HEX.match(g.org.colour or "") else "#1d5c8c"
    css = f":root {{ --org-colour: {colour}; --org-text: {_text_colour(colour)}; }}\n"
    return Response(css, mimetype="text/css")
