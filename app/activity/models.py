"""ActivityEvent: who did what, when, in which organisation (counts only; never content)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..tenancy import OrgScoped


class ActivityKind(enum.StrEnum):
    success_posted = "success_posted"
    applause_given = "applause_given"
    comment_posted = "comment_posted"
    feedback_given = "feedback_given"
    feedback_requested = "feedback_requested"
    feedback_shared = "feedback_shared"
    offer_interest = "offer_interest"
    offer_signed_up = "offer_signed_up"
    offer_completed = "offer_completed"
    offer_recommended = "offer_recommended"
    wish_made = "wish_made"
    # Personal development (issue 4)
    goal_created = "goal_created"
    goal_step_done = "goal_step_done"
    goal_done = "goal_done"
    learning_logged = "learning_logged"
    skill_added = "skill_added"
    skill_confirmed = "skill_confirmed"
    learning_check_done = "learning_check_done"
    development_conversation = "development_conversation"
    development_conversation_recorded = "development_conversation_recorded"  # by the manager
    # A talk with an ambassador was asked for. Never stored as an event (who asked is
    # part of the talk, PRODUCT §4.1): a nudge's conversion kind, counted from the talks
    # themselves through app.nudges.private_queries.talk_requests.
    ambassador_talk_booked = "ambassador_talk_booked"


class ActivityEvent(OrgScoped, db.Model):
    __tablename__ = "activity_events"
    __table_args__ = (
        Index("ix_activity_events_org_id_kind_created_at", "org_id", "kind", "created_at"),
        Index("ix_activity_events_org_id_user_id_created_at", "org_id", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
