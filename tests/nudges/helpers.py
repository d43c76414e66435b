"""Shared arrangements for the nudge tests (owner session, no request)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from app.nudges.models import CampaignChannel, CampaignStatus, NudgeCampaign, ScheduleKind
from app.outbox.models import OutboxMessage

# Monday 23 November 2026, 09:30 in Amsterdam.
MONDAY_MORNING = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)


def make_campaign(dbs, org, nudge_type: str, **values) -> NudgeCampaign:
    """An active campaign that fires every Monday at 9:00 (Amsterdam), started a week ago."""
    fields = {
        "org_id": org.id,
        "nudge_type": nudge_type,
        "name": f"{nudge_type} campaign",
        "status": CampaignStatus.active,
        "schedule_kind": ScheduleKind.cron,
        "cron": "0 9 * * 1",
        "channel": CampaignChannel.email,
        "holdout_percent": 0,
        "team_ids": [],
        "roles": [],
        "factors": [],
        "started_at": datetime(2026, 11, 16, 12, 0, tzinfo=UTC),
    }
    fields.update(values)
    campaign = NudgeCampaign(**fields)
    dbs.add(campaign)
    dbs.commit()
    return campaign


def nudge_rows(dbs, **filters) -> list[OutboxMessage]:
    dbs.expire_all()
    statement = select(OutboxMessage).where(OutboxMessage.nudge_type.is_not(None))
    for name, value in filters.items():
        statement = statement.where(getattr(OutboxMessage, name) == value)
    return list(dbs.scalars(statement.order_by(OutboxMessage.id)))
