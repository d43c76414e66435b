"""Who may open a conversation, its notes, next steps and follow-ups (PRODUCT §4.1).

The one place routes load these objects. A conversation is the employee's and the
ambassador's: the employee always (their own), the ambassador while they hold the
ambassador role in this organisation. Everyone else, the manager, the admin, another
ambassador or the union, gets the same 404 as for a missing record, and the attempt is
written to the audit log (action ``conversation.refused``; the id asked for, nothing else).
The ORM net (``SharedByTwo`` / ``AuthorOnly``) and PostgreSQL row-level security check the
person again underneath.
"""

from __future__ import annotations

from typing import NoReturn, TypeVar

from flask import abort, g
from flask_login import current_user
from sqlalchemy import and_, false, or_, select

from ..audit.services import record_audit
from ..extensions import db
from ..orgs.models import Role
from .models import AmbassadorConversation, ConversationNote, FollowUp, NextStep

REFUSED = "conversation.refused"

T = TypeVar("T", AmbassadorConversation, NextStep, FollowUp)


def acts_as_ambassador() -> bool:
    """The signed-in person holds the ambassador role in the current organisation."""
    return Role.ambassador in g.get("roles", frozenset())


def refuse(object_type: str, object_id: int) -> NoReturn:
    """Record the attempt in the organisation's audit log and answer 404."""
    record_audit(g.org.id, current_user.id, REFUSED, object_type=object_type, object_id=object_id)
    db.session.commit()
    abort(404)


def _pair_or_404(model: type[T], object_id: int, *options, ambassador_only: bool = False) -> T:
    me = current_user.id
    as_ambassador = model.ambassador_id == me if acts_as_ambassador() else false()
    who = as_ambassador if ambassador_only else or_(model.employee_id == me, as_ambassador)
    statement = select(model).where(model.id == object_id, model.org_id == g.org.id, who)
    if options:
        statement = statement.options(*options)
    found = db.session.scalars(statement).one_or_none()
    if found is None:
        refuse(model.__tablename__, object_id)
    return found


def conversation_or_404(conversation_id: int, *options) -> AmbassadorConversation:
    """A conversation of the signed-in person, as its employee or its ambassador."""
    return _pair_or_404(AmbassadorConversation, conversation_id, *options)


def ambassador_conversation_or_404(conversation_id: int, *options) -> AmbassadorConversation:
    """A conversation the signed-in person holds as its ambassador (planning, notes,
    outcomes): the employee reads it, but these actions are the ambassador's."""
    return _pair_or_404(AmbassadorConversation, conversation_id, *options, ambassador_only=True)


def next_step_or_404(next_step_id: int) -> NextStep:
    return _pair_or_404(NextStep, next_step_id)


def follow_up_or_404(follow_up_id: int, *, ambassador_only: bool = False) -> FollowUp:
    return _pair_or_404(FollowUp, follow_up_id, ambassador_only=ambassador_only)


def note_or_404(note_id: int) -> ConversationNote:
    """A private note: only the ambassador who wrote it, while still an ambassador here."""
    me = current_user.id
    statement = select(ConversationNote).where(
        ConversationNote.id == note_id,
        ConversationNote.org_id == g.org.id,
        and_(ConversationNote.author_id == me, acts_as_ambassador()),
    )
    found = db.session.scalars(statement).one_or_none()
    if found is None:
        refuse(ConversationNote.__tablename__, note_id)
    return found
