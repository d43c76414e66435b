"""The "my development" overview page."""

from __future__ import annotations

from flask import g, render_template
from flask_login import current_user

from ..db_types import utcnow
from ..permissions import require_member
from ..timeutil import org_today
from . import bp
from .hub import development_summary


@bp.get("/")
@require_member
def index():
    """My goals, log, skills, learning check, budget and data, each one tap away."""
    summary = development_summary(g.org.id, current_user.id, org_today(g.org, utcnow()))
    return render_template("development/index.html", summary=summary)
