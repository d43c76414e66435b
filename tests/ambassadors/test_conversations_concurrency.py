"""The same next step sent twice at the same moment (a double tap on a slow phone) makes
one row. On PostgreSQL the second request waits for the talk's row lock and then finds the
first one's step; SQLite lets one writer at a time, so there is nothing to race there."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import select

from app.ambassadors import conversations as service
from app.ambassadors.models import AmbassadorConversation, NextStep
from app.db_types import utcnow
from app.extensions import db
from app.tenancy import org_context
from tests.backend import backend_name

from .helpers_conversations import arrange

pytestmark = pytest.mark.skipif(
    backend_name() != "postgresql",
    reason="needs PostgreSQL locks; SQLite serialises writers, so there is no race",
)
WAIT = 10


def test_the_second_submit_waits_for_the_first_and_finds_its_step(app, make, dbs):
    talk = arrange(make)
    first_written, let_first_commit = threading.Event(), threading.Event()
    second_started, second_done = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def submit(name, started=None, before_commit=None, done=None):
        with app.app_context(), org_context((talk.org.id,), talk.ambassador.id):
            try:
                conversation = db.session.scalars(
                    select(AmbassadorConversation).where(
                        AmbassadorConversation.id == talk.conversation.id
                    )
                ).one()
                if started is not None:
                    started.set()
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
                if before_commit is not None:
                    before_commit()
                db.session.commit()
                results[name] = created
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                results[name] = repr(error)
            finally:
                db.session.remove()
                if done is not None:
                    done.set()

    def hold_open():
        first_written.set()
        assert let_first_commit.wait(WAIT)

    one = threading.Thread(target=submit, args=("first", None, hold_open))
    one.start()
    assert first_written.wait(WAIT), results
    two = threading.Thread(target=submit, args=("second", second_started, None, second_done))
    two.start()
    assert second_started.wait(WAIT)
    assert not second_done.wait(1.0), f"the second submit did not wait: {results}"
    let_first_commit.set()
    one.join(WAIT)
    two.join(WAIT)

    assert results == {"first": True, "second": False}
    dbs.expire_all()
    assert dbs.scalars(select(NextStep.text)).all() == ["Bel de opleider"]
