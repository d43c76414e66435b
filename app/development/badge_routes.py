"""Public pages of the skills passport, usable without signing in:

- Open Badges 2.0 hosted verification under the organisation (``/o/<slug>/badges/...``):
  the issuer profile, a BadgeClass and its image per skill, an Assertion per confirmed
  skill. ``public_in_org`` keeps each request inside that one organisation's rows.
- The single-use link an outside expert gets by e-mail (``/skill-confirmation/<token>``).
  Opening it (GET) changes nothing, so a mail scanner cannot use it up; only the buttons
  (POST) answer.

These routes sit outside the development blueprint's URL prefix, so they have their own
blueprints; the development blueprint registers them with itself.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, g, render_template, request
from flask_babel import gettext as _

from ..db_types import utcnow
from ..extensions import db, limiter
from ..orgs.models import Organisation
from ..permissions import public_in_org
from ..tenancy import org_context
from .badges import (
    JSON_LD,
    badge_class,
    badge_svg,
    hosted_assertion,
    issuer_profile,
    skill_has_badges,
    skill_id_from_ref,
)
from .skill_forms import AnswerForm
from .skill_queries import expert_request_view
from .skills import (
    REQUEST_DAYS,
    SkillRefused,
    answer_request,
    effective_status,
    org_id_from_token,
    request_by_token,
)
from .skills_models import ConfirmationStatus

badges_bp = Blueprint("badges", __name__, url_prefix="/o/<org_slug>/badges")
skill_link_bp = Blueprint("skill_link", __name__)

# Per client address: plenty for a person, too few to try links at random.
LINK_RATE_LIMIT = "30 per 10 minutes"


# --- Open Badges --------------------------------------------------------------------------

NOT_FOUND = {"error": "not found", "description": "No such badge here, or it is no longer valid."}


def _badge_json(document: dict[str, Any], status: int = 200) -> Response:
    """JSON-LD by default; plain JSON when that is all the client accepts (spec: Setting
    Content-Type)."""
    mimetype = request.accept_mimetypes.best_match([JSON_LD, "application/json"], default=JSON_LD)
    response = Response(json.dumps(document, ensure_ascii=False), status=status, mimetype=mimetype)
    # Verifiers running in a browser fetch these documents from other sites.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@badges_bp.get("/issuer")
@public_in_org
def issuer():
    """The organisation as an Open Badges issuer profile."""
    return _badge_json(issuer_profile(g.org))


def _skill_with_badges(ref: str):
    skill_id = skill_id_from_ref(g.org.id, ref)
    return None if skill_id is None else skill_has_badges(g.org.id, skill_id)


@badges_bp.get("/skills/<badge_class_ref>", endpoint="badge_class")
@public_in_org
def badge_class_route(badge_class_ref: str):
    """The BadgeClass of a skill, public once someone in the organisation holds its badge."""
    skill = _skill_with_badges(badge_class_ref)
    if skill is None:
        return _badge_json(NOT_FOUND, 404)
    return _badge_json(badge_class(g.org, skill))


@badges_bp.get("/skills/<badge_class_ref>/image.svg")
@public_in_org
def badge_image(badge_class_ref: str):
    if _skill_with_badges(badge_class_ref) is None:
        return _badge_json(NOT_FOUND, 404)
    return Response(badge_svg(g.org.colour), mimetype="image/svg+xml")


@badges_bp.get("/<badge_uid>")
@public_in_org
def assertion(badge_uid: str):
    """The hosted Assertion of one confirmed skill: the source of truth for verifiers.

    A removed skill, an unknown uid or another organisation's uid answers 404.
    """
    document = hosted_assertion(g.org, badge_uid[:36])
    if document is None:
        return _badge_json(NOT_FOUND, 404)
    return _badge_json(document)


# --- the outside expert's link --------------------------------------------------------------


def _invalid_link() -> tuple[str, int]:
    # Opening a broken link is a page like any other (200); sending an answer with it is
    # a bad request.
    status = 400 if request.method == "POST" else 200
    return render_template("development/skills/expert_link_invalid.html"), status


def _expert_page(token: str, org: Organisation, confirmation, message=None) -> str:
    now = utcnow()
    return render_template(
        "development/skills/expert_request.html",
        token=token,
        org_name=org.name,
        view=expert_request_view(confirmation),
        status=effective_status(confirmation, now),
        statuses=ConfirmationStatus,
        form=AnswerForm(formdata=None),
        message=message,
        days=REQUEST_DAYS,
    )


def _with_request(token: str, action):
    """Run ``action(org, confirmation)`` inside the organisation the token names, or show
    the "link not valid" page for an unknown, changed or malformed token."""
    org_id = org_id_from_token(token)
    if org_id is None or len(token) > 200:
        return _invalid_link()
    with org_context((org_id,), None):
        org = db.session.get(Organisation, org_id)
        confirmation = request_by_token(token) if org is not None else None
        if confirmation is None:
            return _invalid_link()
        return action(org, confirmation)


@skill_link_bp.get("/skill-confirmation/<token>")
@limiter.limit(LINK_RATE_LIMIT)
def expert_request(token: str):
    """Who asks, for which skill, and two buttons. Opening the page changes nothing."""
    return _with_request(token, lambda org, confirmation: _expert_page(token, org, confirmation))


@skill_link_bp.post("/skill-confirmation/<token>")
@limiter.limit(LINK_RATE_LIMIT)
def expert_answer(token: str):
    """Confirm or decline, once."""

    def answer(org: Organisation, confirmation):
        form = AnswerForm()
        if not form.validate_on_submit():
            return _expert_page(
                token, org, confirmation, ("error", _("Choose: confirm or not."))
            ), 400
        try:
            answer_request(
                org.id,
                confirmation,
                form.answer.data == "confirm",
                confirmation.expert_name or "",
                utcnow(),
            )
        except SkillRefused:
            return _expert_page(token, org, confirmation), 409
        db.session.commit()
        message = (
            _("Thank you! You confirmed this skill.")
            if form.answer.data == "confirm"
            else _("Thank you for your answer.")
        )
        return _expert_page(token, org, confirmation, ("success", message))

    return _with_request(token, answer)
