"""Personal development (E1-E6) and "my data" (P2). Private to the person unless shared."""

from flask import Blueprint

bp = Blueprint("development", __name__, url_prefix="/o/<org_slug>/development")
