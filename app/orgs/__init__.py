"""Organisations, teams and people: admin pages (A1, A2, A4)."""

from flask import Blueprint

bp = Blueprint("orgs", __name__, url_prefix="/o/<org_slug>/admin")
