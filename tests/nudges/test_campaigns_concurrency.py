"""Two submits of the same new-campaign form at the same moment make one campaign: the
second waits for the first's lock and then finds it (PostgreSQL; SQLite has one writer)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.nudges.campaigns import CampaignValues, create_campaign
from app.nudges.models import NudgeCampaign
from app.orgs.models import Organisation
from app.tenancy import org_context
from tests.backend import backend_name
from tests.concurrency import first_holds_second_waits

pytestmark = pytest.mark.skipif(
    backend_name() != "postgresql",
    reason="needs PostgreSQL locks; SQLite serialises writers, so there is no race",
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_the_second_submit_waits_and_finds_the_first_campaign(app, make, dbs):
    org = make.org()
    admin = make.admin(org).user

    def submit(name, started, before_commit):
        with app.app_context(), org_context((org.id,), admin.id):
            started()
            campaign, created = create_campaign(
                db.session.get(Organisation, org.id),
                db.session.get(User, admin.id).id,
                CampaignValues(nudge_type="meet_ambassador", name="Meet Fatima", cron="0 9 * * 1"),
                NOW,
            )
            before_commit()
            db.session.commit()
            result = ("made" if created else "found", campaign.id)
            db.session.remove()
            return result

    results = first_holds_second_waits(submit)

    dbs.expire_all()
    ids = list(dbs.scalars(select(NudgeCampaign.id).where(NudgeCampaign.org_id == org.id)))
    assert len(ids) == 1
    assert results == {"first": ("made", ids[0]), "second": ("found", ids[0])}
