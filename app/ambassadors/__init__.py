"""Learning ambassadors (B1-B6). Features arrive in a later issue."""

from flask import Blueprint

bp = Blueprint("ambassadors", __name__, url_prefix="/o/<org_slug>/ambassadors")
