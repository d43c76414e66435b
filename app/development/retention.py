"""Retention (P2): remove learning-check answers and notifications older than each
organisation's settings. Run by ``flask data purge``; running it twice changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from ..extensions import db
from ..notifications.models import Notification
from ..orgs.models import Organisation
from .models import LearningCheck, LearningCheckFactor

RETENTION_MIN_DAYS = 30
RETENTION_MAX_DAYS = 3650


@dataclass(frozen=True)
class Purged:
    """What the purge removed in one organisation."""

    org_slug: str
    learning_checks: int
    notifications: int


def _bulk_delete(statement) -> int:
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    return result.rowcount or 0


def purge_organisation(org: Organisation, now: datetime) -> Purged:
    """Remove the organisation's expired rows; run inside ``org_context((org.id,), None)``.

    A row is expired when it is older than the setting: with 30 days, a check completed
    exactly 30 days ago stays and one completed 30 days and a moment ago goes. No setting
    (None) keeps everything.
    """
    checks = notifications = 0
    if org.check_retention_days is not None:
        cutoff = now - timedelta(days=org.check_retention_days)
        expired = select(LearningCheck.id).where(
            LearningCheck.org_id == org.id, LearningCheck.completed_at < cutoff
        )
        # Explicitly: SQLite here does not enforce the foreign key's ON DELETE CASCADE.
        _bulk_delete(
            delete(LearningCheckFactor).where(
                LearningCheckFactor.org_id == org.id, LearningCheckFactor.check_id.in_(expired)
            )
        )
        checks = _bulk_delete(
            delete(LearningCheck).where(
                LearningCheck.org_id == org.id, LearningCheck.completed_at < cutoff
            )
        )
    if org.notification_retention_days is not None:
        cutoff = now - timedelta(days=org.notification_retention_days)
        notifications = _bulk_delete(
            delete(Notification).where(
                Notification.org_id == org.id, Notification.created_at < cutoff
            )
        )
    return Purged(org.slug, checks, notifications)


def organisation_ids() -> list[int]:
    """Every organisation, in slug order (the purge handles them one by one)."""
    return list(db.session.scalars(select(Organisation.id).order_by(Organisation.slug)))
