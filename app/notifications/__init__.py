"""In-app notifications: `notify(...)` from any feature; a bell and a list for the person."""

from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/o/<org_slug>/notifications")
