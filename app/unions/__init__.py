"""Union learning reps across firms (U1-U4): agreements, caseload, cross-firm dashboard."""

from flask import Blueprint

bp = Blueprint("unions", __name__, url_prefix="/o/<org_slug>/union")
