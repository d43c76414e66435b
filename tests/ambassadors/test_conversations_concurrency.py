"""The same next step sent twice at the same moment (a double tap on a slow phone) makes
one row. On PostgreSQL the second request waits for the talk's row lock and then finds the
first one's step; SQLite lets one writer at a time, so there is nothing to race there."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.ambassadors import conversations as service
from app.ambassadors.models import AmbassadorConversation, NextStep
from app.db_types import utcnow
from app.extensions import db
from app.tenancy import org_context
from tests.backend import backend_name
from tests.concurrency import first_holds_second_waits

from .helpers_conversations import arrange

pytestmark = pytest.mark.skipif(
    backend_name() != "postgresql",
    reason="needs PostgreSQL locks; SQLite serialises writers, so there is no race",
)


def test_the_second_submit_waits_for_the_first_and_finds_its_step(app, make, dbs):
    talk = arrange(make)

    def submit(name, started, before_commit):
        with app.app_context(), org_context((talk.org.id,), talk.ambassador.id):
            conversation = db.session.scalars(
                select(AmbassadorConversation).where(
                    AmbassadorConversation.id == talk.conversation.id
                )
            ).one()
            started()
            _step, created = service.add_next_step(
                conversation,
                "Bel de opleider",
                None,
                None,
                None,
                talk.ambassador.id,
                talk.ambassador.name,
                date.today(),
                utcnow(),
            )
            before_commit()
            db.session.commit()
            return created

    results = first_holds_second_waits(submit)

    assert results == {"first": True, "second": False}
    dbs.expire_all()
    assert dbs.scalars(select(NextStep.text)).all() == ["Bel de opleider"]
