"""Two submits of the learning check at the same moment leave one check with one profile.

Runs on PostgreSQL: the check row is unique per person and organisation and locked
(SELECT ... FOR UPDATE) before its factor rows are rewritten, so the second submit waits
for the first and then replaces its rows. SQLite lets one writer at a time anyway.
"""

from __future__ import annotations

import threading

import pytest

from app.activity.models import ActivityEvent
from app.db_types import utcnow
from app.development.check_services import save_check
from app.extensions import db
from app.tenancy import org_context
from tests.backend import backend_name
from tests.concurrency import WAIT, first_holds_second_waits
from tests.conftest import csrf_token, login

from .helpers_check import check_url, fields, seed_check, stored_checks, stored_factors

pytestmark = pytest.mark.skipif(
    backend_name() != "postgresql",
    reason="needs PostgreSQL row locks; SQLite serialises writers, so there is no race",
)
FIRST = {"time": "full", "exams": "bad"}
SECOND = {"money": "cannot"}


@pytest.mark.parametrize("earlier", [False, True], ids=["first-check", "retake"])
def test_a_second_save_waits_for_the_first_and_then_replaces_it(app, make, dbs, earlier):
    org = make.org()
    person = make.member(org).user
    if earlier:
        seed_check(dbs, org, person, {"D-INT": 2}, {"why": "hobby"})
    answers = {"first": FIRST, "second": SECOND}

    def save(name, started, before_commit):
        with app.app_context(), org_context((org.id,), person.id):
            started()
            save_check(org.id, person.id, answers[name], utcnow())
            before_commit()
            db.session.commit()
            return "saved"

    results = first_holds_second_waits(save)

    assert results == {"first": "saved", "second": "saved"}
    [check] = stored_checks(dbs, org, person)
    assert check.answers == SECOND
    assert stored_factors(dbs, org, person) == {"B-MONEY": 2}


def test_two_submits_at_once_store_one_check_and_count_once(app, make, dbs):
    org = make.org()
    person = make.member(org).user
    barrier = threading.Barrier(2, timeout=WAIT)
    statuses: list[int | str] = []

    def press() -> None:
        client = app.test_client()
        try:
            login(client, person)
            token = csrf_token(client, check_url(org))
            barrier.wait()
            response = client.post(check_url(org), data={**fields(FIRST), "csrf_token": token})
            statuses.append(response.status_code)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            statuses.append(repr(error))

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT * 2)

    assert statuses == [302, 302]
    assert len(stored_checks(dbs, org, person)) == 1
    assert stored_factors(dbs, org, person) == {"B-TIME": 2, "B-FEAR": 2}
    dbs.expire_all()
    events = dbs.query(ActivityEvent).filter_by(user_id=person.id).count()
    assert events == 1
