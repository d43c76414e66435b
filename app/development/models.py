"""Personal development (E1-E6): goals, learning log, learning check, budget, conversations.

Everything here belongs to one person (``user_id``) and is private to them unless they
share it. Skills and the passport are in ``skills_models.py``.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..tenancy import OrgScoped


def str_enum(cls: type[enum.Enum], name: str) -> Enum:
    """A portable enum column that stores the members' values."""
    return Enum(
        cls, name=name, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]
    )


# --- E1 goals -----------------------------------------------------------------------


class GoalStatus(enum.StrEnum):
    open = "open"
    done = "done"
    dropped = "dropped"


class Goal(OrgScoped, db.Model):
    """A learning goal in the person's own words; shared with the manager or the
    ambassadors only when the person ticks that box (per goal)."""

    __tablename__ = "goals"
    __table_args__ = (
        UniqueConstraint("org_id", "user_id", "client_token"),
        Index("ix_goals_org_id_user_id_status", "org_id", "user_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    why: Mapped[str] = mapped_column(Text, default="")
    target_date: Mapped[date | None] = mapped_column(Date)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id", ondelete="SET NULL"))
    wish_id: Mapped[int | None] = mapped_column(
        ForeignKey("learning_wishes.id", ondelete="SET NULL")
    )
    status: Mapped[GoalStatus] = mapped_column(
        str_enum(GoalStatus, "goal_status"), default=GoalStatus.open
    )
    shared_with_manager: Mapped[bool] = mapped_column(default=False)
    shared_with_ambassadors: Mapped[bool] = mapped_column(default=False)
    # A random token from the form: a double submit finds the same goal.
    client_token: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    steps: Mapped[list[GoalStep]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="GoalStep.position",
        back_populates="goal",
    )


class GoalStep(OrgScoped, db.Model):
    """A small step towards a goal, with an optional date."""

    __tablename__ = "goal_steps"
    __table_args__ = (Index("ix_goal_steps_org_id_goal_id", "org_id", "goal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    # The goal's owner again, so every private row can be checked against the person.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date | None] = mapped_column(Date)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    goal: Mapped[Goal] = relationship(lazy="raise", back_populates="steps")


# --- E2 learning log ----------------------------------------------------------------


class LearningKind(enum.StrEnum):
    formal = "formal"  # a course or training with a diploma or certificate
    non_formal = "non_formal"  # a course or workshop without a diploma
    informal = "informal"  # learning while working, from a colleague, by trying


class LearningLogEntry(OrgScoped, db.Model):
    """Something the person learned: what, how, how long, in whose time, and proof."""

    __tablename__ = "learning_log_entries"
    __table_args__ = (
        UniqueConstraint("org_id", "user_id", "client_token"),
        Index(
            "ix_learning_log_entries_org_id_user_id_learned_on", "org_id", "user_id", "learned_on"
        ),
        Index("ix_learning_log_entries_org_id_learned_on", "org_id", "learned_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[LearningKind] = mapped_column(str_enum(LearningKind, "learning_kind"))
    minutes: Mapped[int] = mapped_column(Integer)  # hours on the form, minutes here
    in_work_time: Mapped[bool] = mapped_column(default=True)
    learned_on: Mapped[date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    offer_signup_id: Mapped[int | None] = mapped_column(
        ForeignKey("offer_signups.id", ondelete="SET NULL")
    )
    goal_step_id: Mapped[int | None] = mapped_column(
        ForeignKey("goal_steps.id", ondelete="SET NULL")
    )
    # Evidence file: stored under the instance folder with a random name, served only to
    # the owner. ``evidence_name`` is the cleaned original name, for display only.
    evidence_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    evidence_name: Mapped[str | None] = mapped_column(String(120))
    evidence_mimetype: Mapped[str | None] = mapped_column(String(60))
    evidence_size: Mapped[int | None] = mapped_column(Integer)
    client_token: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --- E4 learning check --------------------------------------------------------------


class LearningCheck(OrgScoped, db.Model):
    """A person's answers to the learning check: one current set per person and
    organisation (taking it again replaces it). Readable by the person only."""

    __tablename__ = "learning_checks"
    __table_args__ = (UniqueConstraint("org_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # {question_key: answer_key}; the questions and their factors are code (checks.py).
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LearningCheckFactor(OrgScoped, db.Model):
    """The factor profile from a learning check: one row per factor that applies.

    Nudges and offer suggestions pick by factor; aggregates count distinct people per
    factor, shown only at or above the organisation's minimum group size.
    """

    __tablename__ = "learning_check_factors"
    __table_args__ = (
        UniqueConstraint("check_id", "factor"),
        Index("ix_learning_check_factors_org_id_factor", "org_id", "factor"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(
        ForeignKey("learning_checks.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    factor: Mapped[str] = mapped_column(String(12))  # an app.evidence.Factor value
    weight: Mapped[int] = mapped_column(Integer, default=1)


# --- E5 learning budget -------------------------------------------------------------


class BudgetPolicy(OrgScoped, db.Model):
    """The yearly learning budget per person: for the whole organisation (``team_key`` 0)
    or for one team (``team_key`` = team id), which then wins over the organisation's."""

    __tablename__ = "budget_policies"
    __table_args__ = (UniqueConstraint("org_id", "year", "team_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    team_key: Mapped[int] = mapped_column(Integer, default=0)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    amount_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BudgetStatus(enum.StrEnum):
    committed = "committed"  # signed up: the money is set aside
    spent = "spent"  # completed
    released = "released"  # cancelled: the money is free again


class BudgetEntry(OrgScoped, db.Model):
    """Money from a person's yearly budget for one sign-up."""

    __tablename__ = "budget_entries"
    __table_args__ = (
        UniqueConstraint("signup_id"),
        Index("ix_budget_entries_org_id_user_id_year", "org_id", "user_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    signup_id: Mapped[int] = mapped_column(ForeignKey("offer_signups.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    amount_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    status: Mapped[BudgetStatus] = mapped_column(str_enum(BudgetStatus, "budget_status"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --- E6 development conversation ----------------------------------------------------


class ConversationStatus(enum.StrEnum):
    recorded = "recorded"  # the manager says it took place
    confirmed = "confirmed"  # the person agrees
    disputed = "disputed"  # the person says it did not take place


class DevelopmentConversation(OrgScoped, db.Model):
    """That a development conversation took place, and when. Never what was said."""

    __tablename__ = "development_conversations"
    __table_args__ = (
        UniqueConstraint("org_id", "user_id", "held_on"),
        Index("ix_development_conversations_org_id_held_on", "org_id", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    held_on: Mapped[date] = mapped_column(Date)
    status: Mapped[ConversationStatus] = mapped_column(
        str_enum(ConversationStatus, "conversation_status"), default=ConversationStatus.recorded
    )
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
