"""Learning ambassadors (B1-B5): profiles, conversations, notes, next steps, follow-ups and
facility time.

Conversations, next steps and follow-ups are readable only by the employee and the
ambassador (``SharedByTwo``); private notes only by the ambassador who wrote them
(``AuthorOnly``). Both the ORM net in ``app/tenancy.py`` and, on PostgreSQL, row-level
security check the person, not only the organisation. Counts for reports go through
``app/ambassadors/report_queries.py`` only.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime, utcnow
from ..development.models import str_enum
from ..extensions import db
from ..tenancy import AuthorOnly, OrgScoped, SharedByTwo


class Channel(enum.StrEnum):
    in_person = "in_person"
    phone = "phone"
    video = "video"


class Topic(enum.StrEnum):
    """The short list of topics an employee can pick when booking (or their own words)."""

    course = "course"  # a course or training
    future = "future"  # my future at work
    basic_skills = "basic_skills"  # reading, writing, numbers, computers
    money = "money"  # paying for learning, the learning budget
    diploma = "diploma"  # a certificate or diploma
    other = "other"  # something else (own words)


class ConversationStatus(enum.StrEnum):
    requested = "requested"  # the employee asked; the ambassador has not planned it yet
    planned = "planned"  # the ambassador set a moment
    held = "held"  # the talk took place
    cancelled = "cancelled"


class Outcome(enum.StrEnum):
    started_course = "started_course"
    set_goal = "set_goal"
    referred = "referred"  # e.g. debt help, a language course elsewhere
    no_action = "no_action"
    stopped = "stopped"


class FollowUpKind(enum.StrEnum):
    reminder = "reminder"  # day 2 after a next step was agreed
    week_2 = "week_2"  # check-in two weeks after a course started
    week_6 = "week_6"  # check-in six weeks after a course started


class FacilityActivity(enum.StrEnum):
    conversations = "conversations"
    training = "training"
    events = "events"
    preparation = "preparation"


class AmbassadorProfile(OrgScoped, db.Model):
    """An appointed ambassador (B1). ``retired_at`` set means retired; the directory and
    booking only show active ones. ``agreement_id`` is set for a union rep who acts as
    ambassador under a learning agreement (U2)."""

    __tablename__ = "ambassador_profiles"
    __table_args__ = (
        UniqueConstraint("org_id", "user_id"),
        Index("ix_ambassador_profiles_org_id_retired_at", "org_id", "retired_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    intro: Mapped[str] = mapped_column(Text, default="")
    story: Mapped[str] = mapped_column(Text, default="")  # "my learning story"
    languages: Mapped[str] = mapped_column(String(200), default="")
    availability: Mapped[str] = mapped_column(String(300), default="")
    in_person: Mapped[bool] = mapped_column(default=True)
    phone: Mapped[bool] = mapped_column(default=True)
    video: Mapped[bool] = mapped_column(default=False)
    # Facility time granted by the employer, in minutes per month (hours on the forms).
    facility_minutes_per_month: Mapped[int] = mapped_column(Integer, default=0)
    agreement_id: Mapped[int | None] = mapped_column(
        ForeignKey("learning_agreements.id", ondelete="SET NULL"), index=True
    )
    appointed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    appointed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def channels(self) -> list[Channel]:
        return [c for c in Channel if getattr(self, c.value)]


class AmbassadorConversation(OrgScoped, SharedByTwo, db.Model):
    """A talk an employee booked with an ambassador (B2, B3). Only those two read it."""

    __tablename__ = "ambassador_conversations"
    __table_args__ = (
        UniqueConstraint("employee_id", "client_token"),
        Index("ix_ambassador_conversations_org_id_ambassador_id", "org_id", "ambassador_id"),
        Index("ix_ambassador_conversations_org_id_employee_id", "org_id", "employee_id"),
        Index("ix_ambassador_conversations_org_id_booked_on", "org_id", "booked_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, "conversation_channel"))
    topic: Mapped[Topic | None] = mapped_column(str_enum(Topic, "conversation_topic"))
    topic_text: Mapped[str] = mapped_column(String(300), default="")  # own words
    status: Mapped[ConversationStatus] = mapped_column(
        str_enum(ConversationStatus, "conversation_status"), default=ConversationStatus.requested
    )
    booked_on: Mapped[date] = mapped_column(Date)  # in the organisation's time zone
    planned_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(200), default="")
    held_on: Mapped[date | None] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="")  # visible to both
    outcome: Mapped[Outcome | None] = mapped_column(str_enum(Outcome, "conversation_outcome"))
    outcome_on: Mapped[date | None] = mapped_column(Date)
    # A random token from the booking form: a double click finds the same row.
    client_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ConversationNote(OrgScoped, AuthorOnly, db.Model):
    """A private note: only the ambassador who wrote it ever reads it."""

    __tablename__ = "ambassador_notes"
    __table_args__ = (
        Index("ix_ambassador_notes_org_id_conversation_id", "org_id", "conversation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("ambassador_conversations.id", ondelete="CASCADE")
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NextStep(OrgScoped, SharedByTwo, db.Model):
    """An agreed next step (text, date, optional offer or goal), visible to both."""

    __tablename__ = "ambassador_next_steps"
    __table_args__ = (
        Index("ix_ambassador_next_steps_org_id_conversation_id", "org_id", "conversation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("ambassador_conversations.id", ondelete="CASCADE")
    )
    # employee_id and ambassador_id (SharedByTwo) are copied from the conversation so
    # that row-level security can check the person.
    text: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date | None] = mapped_column(Date)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id", ondelete="SET NULL"))
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goals.id", ondelete="SET NULL"))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FollowUp(OrgScoped, SharedByTwo, db.Model):
    """A due follow-up (B4): one row per conversation and kind, so planning it twice is
    harmless. The nudges issue sends reminders from these rows."""

    __tablename__ = "ambassador_follow_ups"
    __table_args__ = (
        UniqueConstraint("conversation_id", "kind"),
        Index("ix_ambassador_follow_ups_org_id_due_on", "org_id", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("ambassador_conversations.id", ondelete="CASCADE")
    )
    kind: Mapped[FollowUpKind] = mapped_column(str_enum(FollowUpKind, "follow_up_kind"))
    due_on: Mapped[date] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[Outcome | None] = mapped_column(str_enum(Outcome, "follow_up_outcome"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FacilityTimeEntry(OrgScoped, db.Model):
    """Hours an ambassador spent on ambassador work (B5). Hours and activity only."""

    __tablename__ = "facility_time_entries"
    __table_args__ = (
        UniqueConstraint("user_id", "client_token"),
        Index(
            "ix_facility_time_entries_org_id_user_id_worked_on", "org_id", "user_id", "worked_on"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    activity: Mapped[FacilityActivity] = mapped_column(
        str_enum(FacilityActivity, "facility_activity")
    )
    minutes: Mapped[int] = mapped_column(Integer)
    worked_on: Mapped[date] = mapped_column(Date)
    client_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
