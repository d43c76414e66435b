"""A conversation between an employee and an ambassador (B3, B4). Services flush; routes
commit.

Routes load every object through ``access.py`` first; these functions trust that the
signed-in person is the employee or the ambassador of the conversation. The other person
is told in the app; the message carries ids and names only, never the topic, the summary,
a note or a next step (PRODUCT §4.1). Nothing here writes an audit row: the admin's audit
log must not show who talks to an ambassador.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time

from sqlalchemy import func, select

from ..extensions import db
from ..notifications.services import notify
from ..timeutil import org_zone
from . import follow_ups
from .models import (
    AmbassadorConversation,
    ConversationNote,
    ConversationStatus,
    FollowUp,
    NextStep,
    Outcome,
)

OPEN = (ConversationStatus.requested, ConversationStatus.planned)


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _one_line(text: str, limit: int) -> str:
    return " ".join((text or "").split())[:limit]


def _tell_other(
    conversation: AmbassadorConversation, actor_id: int, actor_name: str, kind: str, key: str, now
) -> bool:
    """Tell the other person of the conversation (ids and the actor's name only)."""
    other = (
        conversation.ambassador_id
        if actor_id == conversation.employee_id
        else conversation.employee_id
    )
    if other is None or other == actor_id:
        return False
    return notify(
        conversation.org_id,
        other,
        kind,
        {"conversation_id": conversation.id, "name": actor_name},
        now,
        dedupe_key=f"{kind}:{key}",
    )


# --- planning, recording, cancelling -------------------------------------------------------


def planned_moment(org, day: date, at: time) -> datetime:
    """The UTC moment of ``day`` at ``at`` on the organisation's clock."""
    return datetime.combine(day, at, tzinfo=org_zone(org)).astimezone(UTC)


def plan(
    conversation: AmbassadorConversation,
    moment: datetime,
    place: str,
    actor_name: str,
    now: datetime,
) -> bool:
    """The ambassador sets (or moves) the moment and the place; the employee is told.
    Only a requested or planned talk can be planned. Returns whether anything changed."""
    if conversation.status not in OPEN:
        return False
    place = _one_line(place, 200)
    if (
        conversation.status == ConversationStatus.planned
        and conversation.planned_for == moment
        and conversation.place == place
    ):
        return False
    conversation.status = ConversationStatus.planned
    conversation.planned_for = moment
    conversation.place = place
    conversation.updated_at = now
    db.session.flush()
    _tell_other(
        conversation,
        conversation.ambassador_id,
        actor_name,
        "ambassador_talk_planned",
        f"{conversation.id}:{moment.isoformat()}:{_short_hash(place)}",
        now,
    )
    return True


def set_outcome(conversation: AmbassadorConversation, outcome: Outcome | None, today: date) -> bool:
    """Record what came out of the talk (``today``: the organisation's date). A started
    course gets its week 2 and week 6 check-ins. Returns whether it changed."""
    if outcome == conversation.outcome:
        return False
    conversation.outcome = outcome
    conversation.outcome_on = today if outcome is not None else None
    db.session.flush()
    if outcome is not None:
        follow_ups.after_outcome(conversation, outcome, today)
    return True


def record(
    conversation: AmbassadorConversation,
    held_on: date,
    summary: str,
    outcome: Outcome | None,
    actor_name: str,
    today: date,
    now: datetime,
) -> bool:
    """The talk took place on ``held_on``: a short summary both read, and (if known) the
    outcome. Recording again corrects it. A cancelled talk cannot be recorded."""
    if conversation.status == ConversationStatus.cancelled:
        return False
    first_time = conversation.status != ConversationStatus.held
    conversation.status = ConversationStatus.held
    conversation.held_on = held_on
    conversation.summary = (summary or "").strip()
    conversation.updated_at = now
    db.session.flush()
    if outcome is not None:
        set_outcome(conversation, outcome, today)
    if first_time:
        _tell_other(
            conversation,
            conversation.ambassador_id,
            actor_name,
            "ambassador_talk_held",
            str(conversation.id),
            now,
        )
    return True


def cancel(
    conversation: AmbassadorConversation, actor_id: int, actor_name: str, now: datetime
) -> bool:
    """Either of the two cancels a talk that has not taken place; the other is told, and
    its open follow-ups are closed so nobody is reminded of it."""
    if conversation.status not in OPEN:
        return False
    conversation.status = ConversationStatus.cancelled
    conversation.cancelled_at = now
    conversation.updated_at = now
    db.session.flush()
    follow_ups.close_open(conversation, now)
    _tell_other(
        conversation, actor_id, actor_name, "ambassador_talk_cancelled", str(conversation.id), now
    )
    return True


# --- private notes --------------------------------------------------------------------------


def add_note(
    conversation: AmbassadorConversation, author_id: int, body: str, now: datetime
) -> tuple[ConversationNote, bool]:
    """A private note of the ambassador. The same text twice on one talk is kept once (a
    double submit)."""
    body = (body or "").strip()
    same = db.session.scalars(
        select(ConversationNote).where(
            ConversationNote.org_id == conversation.org_id,
            ConversationNote.conversation_id == conversation.id,
            ConversationNote.author_id == author_id,
            ConversationNote.body == body,
        )
    ).first()
    if same is not None:
        return same, False
    note = ConversationNote(
        org_id=conversation.org_id,
        conversation_id=conversation.id,
        author_id=author_id,
        body=body,
        created_at=now,
    )
    db.session.add(note)
    db.session.flush()
    return note, True


def delete_note(note: ConversationNote) -> None:
    db.session.delete(note)
    db.session.flush()


# --- next steps -----------------------------------------------------------------------------


def _lock(conversation: AmbassadorConversation) -> None:
    """Serialise next steps of one talk (PostgreSQL: row lock; SQLite writes one at a
    time anyway), so two submits of the same step cannot both miss each other."""
    db.session.execute(
        select(AmbassadorConversation.id)
        .where(
            AmbassadorConversation.org_id == conversation.org_id,
            AmbassadorConversation.id == conversation.id,
        )
        .with_for_update()
    )


def add_next_step(
    conversation: AmbassadorConversation,
    text: str,
    due_on: date | None,
    offer_id: int | None,
    goal_id: int | None,
    actor_id: int,
    actor_name: str,
    today: date,
    now: datetime,
) -> tuple[NextStep, bool]:
    """An agreed next step, visible to both. The same text as an open step of this talk
    gives that step back (a double submit adds it once). The first step of a talk plans
    the day-2 reminder; the other person is told."""
    text = _one_line(text, 300)
    _lock(conversation)
    same = db.session.scalars(
        select(NextStep).where(
            NextStep.org_id == conversation.org_id,
            NextStep.conversation_id == conversation.id,
            NextStep.done_at.is_(None),
            func.lower(NextStep.text) == text.lower(),
        )
    ).first()
    if same is not None:
        return same, False
    step = NextStep(
        org_id=conversation.org_id,
        conversation_id=conversation.id,
        employee_id=conversation.employee_id,
        ambassador_id=conversation.ambassador_id,
        text=text,
        due_on=due_on,
        offer_id=offer_id,
        goal_id=goal_id,
        created_at=now,
    )
    db.session.add(step)
    db.session.flush()
    follow_ups.after_next_step(conversation, today)
    _tell_other(conversation, actor_id, actor_name, "ambassador_next_step_added", str(step.id), now)
    return step, True


def set_next_step_done(
    conversation: AmbassadorConversation,
    step: NextStep,
    done: bool,
    actor_id: int,
    actor_name: str,
    now: datetime,
) -> bool:
    """Tick a next step off (or undo it). The first time it is done the other is told."""
    if done == (step.done_at is not None):
        return False
    step.done_at = now if done else None
    db.session.flush()
    if done:
        _tell_other(
            conversation, actor_id, actor_name, "ambassador_next_step_done", str(step.id), now
        )
    return True


# --- follow-ups -----------------------------------------------------------------------------


def record_follow_up(
    conversation: AmbassadorConversation,
    follow_up: FollowUp,
    outcome: Outcome,
    today: date,
    now: datetime,
) -> bool:
    """The ambassador checked in: the follow-up is done with this outcome, and the
    conversation's outcome follows (a started course gets its check-ins)."""
    changed = follow_up.done_at is None or follow_up.outcome != outcome
    if follow_up.done_at is None:
        follow_up.done_at = now
    follow_up.outcome = outcome
    db.session.flush()
    changed = set_outcome(conversation, outcome, today) or changed
    return changed
