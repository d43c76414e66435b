"""Learning offers (F1-F5): catalogue, filters, sign-ups and pooled demand."""

from flask import Blueprint

bp = Blueprint("offers", __name__, url_prefix="/o/<org_slug>/offers")
