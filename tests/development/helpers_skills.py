"""Helpers shared by the skills passport and Open Badges tests."""

from __future__ import annotations

import html
import re
import uuid
from datetime import UTC, datetime, timedelta

from app.db_types import utcnow
from app.development.skills import skill_key
from app.development.skills_models import (
    ConfirmationStatus,
    ConfirmerRole,
    PersonSkill,
    Skill,
    SkillConfirmation,
)
from app.extensions import db
from app.outbox.services import drain
from tests.conftest import csrf_token

HX = {"HX-Request": "true"}
EXPERT_LINK_RE = re.compile(r"(http://localhost/skill-confirmation/[A-Za-z0-9_.\-]+)")


def url(org, path: str = "") -> str:
    return f"/o/{org.slug}/development/{path}"


def text_of(response) -> str:
    """The page as text, with HTML entities turned back into characters."""
    return html.unescape(response.get_data(as_text=True))


def english(client) -> None:
    client.post("/language", data={"locale": "en", "csrf_token": csrf_token(client)})


def send(client, org, path: str, data: dict | None = None, headers: dict | None = None, **kw):
    """POST to a URL with a valid CSRF token of this client's session."""
    data = dict(data or {})
    data["csrf_token"] = csrf_token(client, url(org, "skills"))
    return client.post(path, data=data, headers=headers or {}, **kw)


def add(client, org, name: str, note: str = "", headers: dict | None = None):
    return send(client, org, url(org, "skills"), {"name": name, "note": note}, headers)


def ask_colleague(client, org, person_skill_id: int, confirmer_id: int, role: str = "colleague"):
    return send(
        client,
        org,
        url(org, f"skills/{person_skill_id}/ask"),
        {"who": "member", "confirmer_id": str(confirmer_id), "role": role},
    )


def ask_outside(client, org, person_skill_id: int, name: str, email: str):
    return send(
        client,
        org,
        url(org, f"skills/{person_skill_id}/ask"),
        {"who": "outside", "expert_name": name, "expert_email": email},
    )


def answer(client, org, confirmation_id: int, value: str, headers: dict | None = None):
    return send(
        client, org, url(org, f"confirmations/{confirmation_id}"), {"answer": value}, headers
    )


def _session(make):
    return make.OrganisationFactory._meta.sqlalchemy_session


def skill(make, org, name: str) -> Skill:
    """The organisation's skill with this name (added to its vocabulary when new)."""
    from sqlalchemy import select

    session = _session(make)
    item = session.scalar(
        select(Skill).where(Skill.org_id == org.id, Skill.name_key == skill_key(name))
    )
    if item is None:
        item = Skill(org_id=org.id, name=name, name_key=skill_key(name))
        session.add(item)
        session.commit()
    return item


def person_skill(make, org, owner, name: str = "Heftruck rijden", note: str = "") -> PersonSkill:
    """A skill in ``owner``'s passport, not confirmed."""
    session = _session(make)
    item = PersonSkill(
        org_id=org.id, user_id=owner.id, skill_id=skill(make, org, name).id, note=note
    )
    session.add(item)
    session.commit()
    return item


def confirmation(
    make,
    org,
    item: PersonSkill,
    confirmer=None,
    role: ConfirmerRole = ConfirmerRole.colleague,
    status: ConfirmationStatus = ConfirmationStatus.pending,
    requested_at: datetime | None = None,
    **extra,
) -> SkillConfirmation:
    """A request about ``item`` to ``confirmer`` (a User), in ``status``."""
    session = _session(make)
    requested_at = requested_at or utcnow()
    row = SkillConfirmation(
        org_id=org.id,
        person_skill_id=item.id,
        user_id=item.user_id,
        confirmer_id=confirmer.id if confirmer is not None else None,
        confirmer_role=role,
        status=status,
        requested_at=requested_at,
        expires_at=requested_at + timedelta(days=90),
        answered_at=requested_at if status != ConfirmationStatus.pending else None,
        **extra,
    )
    session.add(row)
    session.commit()
    return row


def confirmed_skill(
    make, org, owner, name: str = "Heftruck rijden", confirmer=None, role=ConfirmerRole.colleague
):
    """A skill of ``owner`` that ``confirmer`` (a new colleague by default) confirmed."""
    session = _session(make)
    item = person_skill(make, org, owner, name)
    confirmer = confirmer or make.member(org).user
    when = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    confirmation(make, org, item, confirmer, role, ConfirmationStatus.confirmed, requested_at=when)
    item.confirmed_at = when
    item.badge_uid = str(uuid.uuid4())
    session.commit()
    return item


def send_outbox(app, now=None):
    with app.app_context():
        result = drain(now or utcnow())
        db.session.remove()
    return result
