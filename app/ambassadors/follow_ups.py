"""Follow-ups of a conversation (B4): rows with a due date the nudges can send from.

- the first agreed next step: a ``reminder`` two days later;
- the outcome "started a course": check-ins at week 2 (+14 days) and week 6 (+42 days)
  from the day the outcome was recorded.

One row per conversation and kind (UNIQUE), inserted with ON CONFLICT DO NOTHING, so a
double submit, a retry or recording the same outcome twice never makes a second one.
Days are the organisation's calendar days. Services flush; routes commit.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import update

from ..db_utils import insert_or_ignore
from ..extensions import db
from .models import AmbassadorConversation, FollowUp, FollowUpKind, Outcome

REMINDER_DAYS = 2
WEEK_2_DAYS = 14
WEEK_6_DAYS = 42


def schedule(conversation: AmbassadorConversation, kind: FollowUpKind, due_on: date) -> bool:
    """A follow-up of ``kind`` due on ``due_on``, unless the conversation has one already."""
    new_id = insert_or_ignore(
        FollowUp,
        {
            "org_id": conversation.org_id,
            "conversation_id": conversation.id,
            "employee_id": conversation.employee_id,
            "ambassador_id": conversation.ambassador_id,
            "kind": kind,
            "due_on": due_on,
        },
        ["conversation_id", "kind"],
    )
    return new_id is not None


def after_next_step(conversation: AmbassadorConversation, today: date) -> bool:
    """The reminder two days after the first agreed next step."""
    return schedule(conversation, FollowUpKind.reminder, today + timedelta(days=REMINDER_DAYS))


def after_outcome(conversation: AmbassadorConversation, outcome: Outcome, day: date) -> None:
    """A started course gets check-ins at week 2 and week 6 from ``day``."""
    if outcome == Outcome.started_course:
        schedule(conversation, FollowUpKind.week_2, day + timedelta(days=WEEK_2_DAYS))
        schedule(conversation, FollowUpKind.week_6, day + timedelta(days=WEEK_6_DAYS))


def close_open(conversation: AmbassadorConversation, now: datetime) -> int:
    """Mark the open follow-ups of a cancelled conversation done (no outcome): nobody
    should be reminded of a talk that did not happen. Returns how many."""
    result = db.session.execute(
        update(FollowUp)
        .where(
            FollowUp.org_id == conversation.org_id,
            FollowUp.conversation_id == conversation.id,
            FollowUp.done_at.is_(None),
        )
        .values(done_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
