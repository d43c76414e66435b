"""Shared arrangements for the conversation tests (B3, B4): talks with content that must
never leak, next steps, follow-ups and private notes (owner session, no app)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from app.ambassadors.models import (
    AmbassadorConversation,
    ConversationNote,
    ConversationStatus,
    FollowUp,
    FollowUpKind,
    NextStep,
)
from app.notifications.models import Notification
from app.orgs.models import Membership, MembershipRole, Role
from tests.conftest import csrf_token, login

from .helpers import make_ambassador, make_conversation, session_of

HX = {"HX-Request": "true"}
CANARY = "CANARY-TALK-5e1d"


def url(org, path: str = "") -> str:
    return f"/o/{org.slug}/ambassadors/{path}"


def talk_url(org, conversation_id: int, action: str = "") -> str:
    return url(org, f"conversations/{conversation_id}" + (f"/{action}" if action else ""))


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def send(client, org, path: str, data: dict | None = None, headers: dict | None = None, **kw):
    """POST with a valid CSRF token (read from the organisation's home page)."""
    data = dict(data or {})
    data["csrf_token"] = csrf_token(client, f"/o/{org.slug}/")
    return client.post(path, data=data, headers=headers or {}, **kw)


def english(client) -> None:
    client.post("/language", data={"locale": "en", "csrf_token": csrf_token(client)})


def give_ambassador_role(session, org, user_id: int) -> None:
    """Add the ambassador role to the person's membership in ``org`` (if they have one)."""
    membership = session.scalar(
        select(Membership).where(Membership.org_id == org.id, Membership.user_id == user_id)
    )
    if membership is None:
        return
    has_role = session.scalar(
        select(MembershipRole.id).where(
            MembershipRole.membership_id == membership.id,
            MembershipRole.role == str(Role.ambassador),
        )
    )
    if has_role is None:
        session.add(
            MembershipRole(org_id=org.id, membership_id=membership.id, role=str(Role.ambassador))
        )
        session.commit()


def add_next_step(make, conversation, text: str, **values) -> NextStep:
    step = NextStep(
        org_id=conversation.org_id,
        conversation_id=conversation.id,
        employee_id=conversation.employee_id,
        ambassador_id=conversation.ambassador_id,
        text=text,
        **values,
    )
    session = session_of(make)
    session.add(step)
    session.commit()
    return step


def add_follow_up(make, conversation, kind=FollowUpKind.reminder, due_on=None, **values):
    item = FollowUp(
        org_id=conversation.org_id,
        conversation_id=conversation.id,
        employee_id=conversation.employee_id,
        ambassador_id=conversation.ambassador_id,
        kind=kind,
        due_on=due_on or date.today(),
        **values,
    )
    session = session_of(make)
    session.add(item)
    session.commit()
    return item


def add_note(make, conversation, body: str) -> ConversationNote:
    note = ConversationNote(
        org_id=conversation.org_id,
        conversation_id=conversation.id,
        author_id=conversation.ambassador_id,
        body=body,
    )
    session = session_of(make)
    session.add(note)
    session.commit()
    return note


def full_talk(make, org, employee_id: int, ambassador_id: int, mark: str = CANARY):
    """A held talk with ``mark`` in its topic words, summary, a next step, a private note,
    and an open follow-up: (conversation, next step, note, follow-up)."""
    conversation = make_conversation(
        make,
        org,
        employee_id,
        ambassador_id,
        topic_text=f"{mark} topic",
        summary=f"{mark} summary",
        status=ConversationStatus.held,
        held_on=date.today(),
    )
    step = add_next_step(make, conversation, f"{mark} next step")
    note = add_note(make, conversation, f"{mark} private note")
    follow_up = add_follow_up(make, conversation)
    return conversation, step, note, follow_up


def first_admin_id(make, org) -> int | None:
    from tests.development.helpers_goals import first_admin_id as first

    return first(session_of(make), org)


def ambassador_for(make, org, person=None) -> int:
    """``person`` (given the ambassador role), else the organisation's first admin (the one
    who crawls in the isolation test; given the role too), else a new ambassador."""
    session = session_of(make)
    if person is not None:
        give_ambassador_role(session, org, person.id)
        return person.id
    admin_id = first_admin_id(make, org)
    if admin_id is not None:
        give_ambassador_role(session, org, admin_id)
        return admin_id
    return make_ambassador(make, org).user_id


# --- one talk seen from both sides (the page tests) ---------------------------------------


@dataclass
class Talk:
    org: Any
    employee: Any
    ambassador: Any
    conversation: AmbassadorConversation

    @property
    def url(self) -> str:
        return talk_url(self.org, self.conversation.id)

    def action(self, name: str) -> str:
        return talk_url(self.org, self.conversation.id, name)


def arrange(make, timezone="Europe/Amsterdam", **values) -> Talk:
    org = make.org(timezone=timezone)
    employee = make.member(org, name="Eva Employee").user
    ambassador = make_ambassador(make, org, user_kwargs={"name": "Amir Ambassador"}).user
    values.setdefault("topic_text", f"{CANARY} topic")
    values.setdefault("booked_on", date(2026, 5, 1))
    conversation = make_conversation(make, org, employee.id, ambassador.id, **values)
    return Talk(org, employee, ambassador, conversation)


def as_(client, person) -> None:
    login(client, person)
    english(client)


def reload(dbs, model, object_id):
    dbs.expire_all()
    return dbs.get(model, object_id)


def follow_ups(dbs, conversation_id) -> dict[str, date]:
    dbs.expire_all()
    rows = dbs.scalars(select(FollowUp).where(FollowUp.conversation_id == conversation_id))
    return {str(f.kind): f.due_on for f in rows}


def notifications(dbs, user_id) -> list[Notification]:
    dbs.expire_all()
    return list(
        dbs.scalars(
            select(Notification).where(Notification.user_id == user_id).order_by(Notification.id)
        )
    )
