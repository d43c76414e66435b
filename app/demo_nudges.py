"""Demo nudge campaigns (issue 6) at Metaalbedrijf Van Dijk, so the demo's scheduler has
work at once: started in the past, their first period is due as soon as it runs.

Only types that are registered are seeded; a campaign is found by organisation, type and
name, so seeding twice changes nothing (and a type added later is seeded next time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from .accounts.models import User
from .extensions import db
from .nudges.models import CampaignChannel, CampaignStatus, NudgeCampaign, ScheduleKind
from .nudges.registry import get_type
from .orgs.models import Organisation
from .tenancy import org_context

ADMIN_EMAIL = "anna.admin@vandijk.example"


@dataclass(frozen=True)
class DemoCampaign:
    nudge_type: str
    name: str
    channel: CampaignChannel
    kind: ScheduleKind
    cron: str | None = None
    interval_hours: int | None = None
    started_days_ago: int = 40  # before the latest fire time of any schedule below


CAMPAIGNS = (
    DemoCampaign(
        "meet_ambassador",
        "Maak kennis met je leerambassadeur",
        CampaignChannel.both,
        ScheduleKind.cron,
        cron="0 10 * * 2",  # Tuesdays at 10:00: its last Tuesday is planned at once
    ),
    DemoCampaign(
        "team_digest",
        "Wekelijks overzicht van je team",
        CampaignChannel.both,
        ScheduleKind.cron,
        cron="0 9 * * 1",
    ),
    DemoCampaign(
        "social_norm",
        "Zoveel collega's leerden iets deze maand",
        CampaignChannel.both,
        ScheduleKind.cron,
        cron="0 9 1 * *",
    ),
)


def seed_nudges(org: Organisation, now: datetime) -> int:
    """Add the demo campaigns of registered types that are not there yet; returns how many."""
    added = 0
    with org_context((org.id,)):
        have = {
            (row.nudge_type, row.name)
            for row in db.session.execute(
                select(NudgeCampaign.nudge_type, NudgeCampaign.name).where(
                    NudgeCampaign.org_id == org.id
                )
            )
        }
        admin_id = db.session.scalar(select(User.id).where(User.email == ADMIN_EMAIL))
        hour = now.replace(minute=0, second=0, microsecond=0)
        for plan in CAMPAIGNS:
            if get_type(plan.nudge_type) is None or (plan.nudge_type, plan.name) in have:
                continue
            started = hour - timedelta(days=plan.started_days_ago)
            db.session.add(
                NudgeCampaign(
                    org_id=org.id,
                    nudge_type=plan.nudge_type,
                    name=plan.name,
                    status=CampaignStatus.active,
                    schedule_kind=plan.kind,
                    cron=plan.cron,
                    interval_hours=plan.interval_hours,
                    channel=plan.channel,
                    holdout_percent=10,
                    team_ids=[],
                    roles=[],
                    factors=[],
                    created_by_id=admin_id,
                    created_at=started,
                    updated_at=started,
                    started_at=started,
                )
            )
            added += 1
        db.session.flush()
    return added
