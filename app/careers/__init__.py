"""Roles and future skills (R1-R3): role profiles, the career scan, the skill-gap overview."""

from flask import Blueprint

bp = Blueprint("careers", __name__, url_prefix="/o/<org_slug>/careers")
