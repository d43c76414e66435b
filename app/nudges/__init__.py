"""Nudges (N1-N7): campaigns, scheduler and outbox delivery. Features arrive in a later issue."""

from flask import Blueprint

bp = Blueprint("nudges", __name__, url_prefix="/o/<org_slug>/nudges")
