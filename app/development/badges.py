"""Open Badges 2.0 documents for confirmed skills (hosted verification).

Spec: https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/index.html
- Issuer Profile: id, type, name, url and email (required for issuers).
- BadgeClass: id, type, name, description, image, criteria, issuer.
- Assertion: id (its own URL, where it is hosted), type, recipient (IdentityObject),
  badge, verification {"type": "HostedBadge"}, issuedOn (ISO 8601 with a time zone).
The recipient is a salted SHA-256 hash of the person's e-mail address. The salt is an
HMAC of the app's secret and the badge's uid, so the hosted document never changes by
itself and nobody can reverse the hash without guessing the address.
Evidence names only the confirmers' roles, never their names.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parseaddr
from typing import Any

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import exists, select

from ..accounts.models import User
from ..extensions import db
from ..orgs.models import Organisation
from .skills_models import ConfirmationStatus, ConfirmerRole, PersonSkill, Skill, SkillConfirmation

OB_CONTEXT = "https://w3id.org/openbadges/v2"
JSON_LD = "application/ld+json"


def absolute(path: str) -> str:
    """Badge documents name each other by absolute URL on this installation."""
    return current_app.config["BASE_URL"].rstrip("/") + path


def badge_salt(badge_uid: str) -> str:
    """A salt that is the same every time for this badge and unguessable without the key."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"open-badge-salt:{badge_uid}".encode(), hashlib.sha256).hexdigest()[:32]


def hashed_identity(email: str, salt: str) -> str:
    """IdentityHash per the spec: "sha256$" + hex SHA-256 of the address and the salt."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def issuer_url(org: Organisation) -> str:
    return absolute(url_for("badges.issuer", org_slug=org.slug))


def badge_class_ref(org_id: int, skill_id: int, secret: str | None = None) -> str:
    """The public name of a skill's BadgeClass: its id and a short signature, so nobody can
    list an organisation's badge classes by counting ids."""
    key = str(secret or current_app.config["SECRET_KEY"]).encode()
    signature = hmac.new(key, f"badge-class:{org_id}:{skill_id}".encode(), hashlib.sha256)
    return f"{skill_id}-{signature.hexdigest()[:16]}"


def skill_id_from_ref(org_id: int, ref: str) -> int | None:
    """The skill id of a BadgeClass name made by ``badge_class_ref``, or None."""
    number, _, _signature = ref.partition("-")
    if not number.isdigit() or len(number) > 10 or int(number) > 2**31 - 1:
        return None
    skill_id = int(number)
    if not hmac.compare_digest(ref, badge_class_ref(org_id, skill_id)):
        return None
    return skill_id


def badge_class_url(org: Organisation, skill_id: int) -> str:
    ref = badge_class_ref(org.id, skill_id)
    return absolute(url_for("badges.badge_class", org_slug=org.slug, badge_class_ref=ref))


def assertion_url(org: Organisation, badge_uid: str) -> str:
    return absolute(url_for("badges.assertion", org_slug=org.slug, badge_uid=badge_uid))


def _contact_email() -> str:
    return parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1] or "noreply@localhost"


def issuer_profile(org: Organisation) -> dict[str, Any]:
    """The organisation as an Open Badges issuer."""
    return {
        "@context": OB_CONTEXT,
        "type": "Issuer",
        "id": issuer_url(org),
        "name": org.name,
        "url": absolute(url_for("main.org_home", org_slug=org.slug)),
        # The spec requires a contact address for issuers; organisations have none of
        # their own here, so it is the installation's sender address.
        "email": _contact_email(),
    }


def badge_class(org: Organisation, skill: Skill) -> dict[str, Any]:
    """The skill as a BadgeClass: what the badge means and how it is earned."""
    with force_locale(org.locale or "nl"):
        description = skill.description or _(
            "%(skill)s: a skill shown at work and confirmed by others at %(org)s.",
            skill=skill.name,
            org=org.name,
        )
        criteria = _("Confirmed by a colleague, ambassador or expert at %(org)s.", org=org.name)
    return {
        "@context": OB_CONTEXT,
        "type": "BadgeClass",
        "id": badge_class_url(org, skill.id),
        "name": skill.name,
        "description": description,
        "image": absolute(
            url_for(
                "badges.badge_image",
                org_slug=org.slug,
                badge_class_ref=badge_class_ref(org.id, skill.id),
            )
        ),
        "criteria": {"narrative": criteria},
        "issuer": issuer_url(org),
    }


def skill_has_badges(org_id: int, skill_id: int) -> Skill | None:
    """The skill when at least one person holds its badge (else its BadgeClass is not public)."""
    return db.session.scalars(
        select(Skill).where(
            Skill.org_id == org_id,
            Skill.id == skill_id,
            exists().where(
                PersonSkill.skill_id == Skill.id,
                PersonSkill.org_id == org_id,
                PersonSkill.badge_uid.is_not(None),
            ),
        )
    ).first()


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def role_words() -> dict[ConfirmerRole, str]:
    return {
        ConfirmerRole.colleague: _("a colleague"),
        ConfirmerRole.ambassador: _("a learning ambassador"),
        ConfirmerRole.expert: _("an expert"),
    }


def evidence_narrative(org: Organisation, roles: list[ConfirmerRole]) -> str:
    """Who confirmed it, by role only: "Confirmed at Van Dijk by: a colleague, an expert." """
    with force_locale(org.locale or "nl"):
        words = role_words()
        return _(
            "Confirmed at %(org)s by: %(roles)s.",
            org=org.name,
            roles=", ".join(words[role] for role in roles),
        )


@dataclass(frozen=True)
class BadgeRow:
    person_skill_id: int
    badge_uid: str
    confirmed_at: datetime
    skill: Skill
    email: str | None


def _badge_rows(org_id: int, *where) -> list[BadgeRow]:
    rows = db.session.execute(
        select(PersonSkill.id, PersonSkill.badge_uid, PersonSkill.confirmed_at, Skill, User.email)
        .join(Skill, Skill.id == PersonSkill.skill_id)
        .join(User, User.id == PersonSkill.user_id)
        .where(
            PersonSkill.org_id == org_id,
            PersonSkill.badge_uid.is_not(None),
            PersonSkill.confirmed_at.is_not(None),
            *where,
        )
        .order_by(PersonSkill.confirmed_at, PersonSkill.id)
    )
    return [BadgeRow(r[0], r[1], r[2], r[3], r[4]) for r in rows]


def _confirmed_roles(org_id: int, person_skill_ids: list[int]) -> dict[int, list[ConfirmerRole]]:
    if not person_skill_ids:
        return {}
    rows = db.session.execute(
        select(SkillConfirmation.person_skill_id, SkillConfirmation.confirmer_role)
        .where(
            SkillConfirmation.org_id == org_id,
            SkillConfirmation.person_skill_id.in_(person_skill_ids),
            SkillConfirmation.status == ConfirmationStatus.confirmed,
        )
        .order_by(SkillConfirmation.answered_at, SkillConfirmation.id)
    )
    roles: dict[int, list[ConfirmerRole]] = {}
    for person_skill_id, role in rows:
        roles.setdefault(person_skill_id, []).append(ConfirmerRole(role))
    return roles


def assertion(org: Organisation, row: BadgeRow, roles: list[ConfirmerRole]) -> dict[str, Any]:
    """The hosted Assertion of one confirmed skill (needs the person's e-mail address)."""
    salt = badge_salt(row.badge_uid)
    document: dict[str, Any] = {
        "@context": OB_CONTEXT,
        "type": "Assertion",
        "id": assertion_url(org, row.badge_uid),
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": salt,
            "identity": hashed_identity(row.email or "", salt),
        },
        "badge": badge_class_url(org, row.skill.id),
        "verification": {"type": "HostedBadge"},
        "issuedOn": iso(row.confirmed_at),
    }
    if roles:
        document["evidence"] = [{"type": "Evidence", "narrative": evidence_narrative(org, roles)}]
    return document


def hosted_assertion(org: Organisation, badge_uid: str) -> dict[str, Any] | None:
    """The public Assertion for ``badge_uid`` in this organisation; None when there is none
    (unknown, removed, or the person has no e-mail address to name as recipient)."""
    rows = _badge_rows(org.id, PersonSkill.badge_uid == badge_uid, User.email.is_not(None))
    if not rows:
        return None
    row = rows[0]
    return assertion(
        org, row, _confirmed_roles(org.id, [row.person_skill_id]).get(row.person_skill_id, [])
    )


@dataclass(frozen=True)
class BadgeExport:
    """Everything a person needs to take their badges along."""

    issuer: dict[str, Any]
    badge_classes: list[dict[str, Any]]
    assertions: list[dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "badgeClasses": self.badge_classes,
            "assertions": self.assertions,
        }


def my_badges(org: Organisation, user: User) -> BadgeExport:
    """The person's confirmed skills as Open Badges (empty without an e-mail address)."""
    if not user.email:
        return BadgeExport(issuer_profile(org), [], [])
    rows = _badge_rows(org.id, PersonSkill.user_id == user.id)
    roles = _confirmed_roles(org.id, [row.person_skill_id for row in rows])
    return BadgeExport(
        issuer=issuer_profile(org),
        badge_classes=[badge_class(org, row.skill) for row in rows],
        assertions=[assertion(org, row, roles.get(row.person_skill_id, [])) for row in rows],
    )


def badge_svg(colour: str) -> str:
    """A small, plain badge image in the organisation's colour (no text, no user data)."""
    fill = colour if _is_hex_colour(colour) else "#1d5c8c"
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">'
        "<title>Skill badge</title>"
        f'<circle cx="128" cy="128" r="120" fill="{fill}"/>'
        '<circle cx="128" cy="128" r="96" fill="none" stroke="#ffffff" stroke-width="8"/>'
        '<path d="M84 132 l30 30 l60 -66" fill="none" stroke="#ffffff" stroke-width="18" '
        'stroke-linecap="round" stroke-linejoin="round"/>'
        "</svg>"
    )


def _is_hex_colour(value: str | None) -> bool:
    return (
        isinstance(value, str)
        and len(value) == 7
        and value.startswith("#")
        and all(c in "0123456789abcdefABCDEF" for c in value[1:])
    )
