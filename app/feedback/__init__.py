"""Peer feedback, recognition and moderation (C1-C4)."""

from flask import Blueprint

bp = Blueprint("feedback", __name__, url_prefix="/o/<org_slug>/feedback")
