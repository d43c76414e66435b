"""The learning check (E4): store my answers with their factor profile, or delete them.

Services flush; routes commit. Everything here acts on the person's own check only.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import delete, insert, select

from ..activity.models import ActivityKind
from ..activity.services import record_activity
from ..db_utils import insert_or_get
from ..extensions import db
from .checks import clean_answers, factor_weights
from .models import LearningCheck, LearningCheckFactor


def save_check(
    org_id: int, user_id: int, answers: Mapping[str, object], now: datetime
) -> tuple[LearningCheck, bool]:
    """Store the person's answers, replacing an earlier check, and recompute the profile.

    One check per person and organisation (a unique key), its factor rows deleted and
    written again in the same transaction: a double submit leaves one check with the same
    rows. Returns the check and whether anything changed; the activity event is recorded
    only then, so a double submit counts once.
    """
    cleaned = clean_answers(answers)
    check_id, created = insert_or_get(
        LearningCheck,
        {"org_id": org_id, "user_id": user_id, "answers": cleaned, "completed_at": now},
        ["org_id", "user_id"],
    )
    # Lock the row: two submits at once take turns rewriting the factor rows.
    check = db.session.scalars(
        select(LearningCheck)
        .where(LearningCheck.id == check_id, LearningCheck.user_id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    changed = created or dict(check.answers or {}) != cleaned
    check.answers = cleaned
    check.completed_at = now
    db.session.execute(
        delete(LearningCheckFactor).where(
            LearningCheckFactor.check_id == check.id, LearningCheckFactor.user_id == user_id
        )
    )
    rows = [
        {
            "org_id": org_id,
            "check_id": check.id,
            "user_id": user_id,
            "factor": str(factor),
            "weight": weight,
        }
        for factor, weight in factor_weights(cleaned).items()
    ]
    if rows:
        db.session.execute(insert(LearningCheckFactor), rows)
    db.session.flush()
    if changed:
        record_activity(org_id, user_id, ActivityKind.learning_check_done, None, now)
    return check, changed


def delete_check(org_id: int, user_id: int) -> bool:
    """Delete the person's answers and their factor profile; True when there was a check."""
    db.session.execute(
        delete(LearningCheckFactor).where(
            LearningCheckFactor.org_id == org_id, LearningCheckFactor.user_id == user_id
        )
    )
    result = db.session.execute(
        delete(LearningCheck).where(
            LearningCheck.org_id == org_id, LearningCheck.user_id == user_id
        )
    )
    return result.rowcount > 0
