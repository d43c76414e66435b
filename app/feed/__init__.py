"""Learning successes feed (D1-D4)."""

from flask import Blueprint

bp = Blueprint("feed", __name__, url_prefix="/o/<org_slug>/feed")
