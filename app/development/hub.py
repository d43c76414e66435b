"""The "my development" overview: a few numbers per area, in one SQL query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ..extensions import db
from .models import (
    ConversationStatus,
    DevelopmentConversation,
    Goal,
    GoalStatus,
    LearningCheck,
    LearningLogEntry,
)
from .skills_models import ConfirmationStatus, PersonSkill, SkillConfirmation


@dataclass(frozen=True)
class DevelopmentSummary:
    open_goals: int
    minutes_this_year: int
    skills: int
    confirmed_skills: int
    check_taken: bool
    confirmations_to_answer: int
    conversations_to_answer: int


def development_summary(org_id: int, user_id: int, today: date) -> DevelopmentSummary:
    """The person's own numbers for the overview page (never anyone else's)."""

    def count(model, *where):
        return (
            select(func.count())
            .select_from(model)
            .where(model.org_id == org_id, *where)
            .scalar_subquery()
        )

    year_start = date(today.year, 1, 1)
    row = db.session.execute(
        select(
            count(Goal, Goal.user_id == user_id, Goal.status == GoalStatus.open),
            select(func.coalesce(func.sum(LearningLogEntry.minutes), 0))
            .where(
                LearningLogEntry.org_id == org_id,
                LearningLogEntry.user_id == user_id,
                LearningLogEntry.learned_on >= year_start,
            )
            .scalar_subquery(),
            count(PersonSkill, PersonSkill.user_id == user_id),
            count(
                PersonSkill, PersonSkill.user_id == user_id, PersonSkill.confirmed_at.is_not(None)
            ),
            count(LearningCheck, LearningCheck.user_id == user_id),
            count(
                SkillConfirmation,
                SkillConfirmation.confirmer_id == user_id,
                SkillConfirmation.status == ConfirmationStatus.pending,
            ),
            count(
                DevelopmentConversation,
                DevelopmentConversation.user_id == user_id,
                DevelopmentConversation.status == ConversationStatus.recorded,
            ),
        )
    ).one()
    return DevelopmentSummary(
        open_goals=row[0],
        minutes_this_year=row[1],
        skills=row[2],
        confirmed_skills=row[3],
        check_taken=row[4] > 0,
        confirmations_to_answer=row[5],
        conversations_to_answer=row[6],
    )
