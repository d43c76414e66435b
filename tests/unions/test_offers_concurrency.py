"""Two people in two companies take the last place of a learning day at the same moment.

Runs on PostgreSQL: sign-ups for an offer with a capacity take an advisory lock on that
offer before they count the places (through ``offer_places_taken``, which counts every
company's sign-ups), so the second waits for the first and then finds the day full.
SQLite lets one writer at a time, so there is nothing to race there.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from app.db_types import utcnow
from app.extensions import db
from app.offers.catalogue import OfferFull, set_signup
from app.offers.models import Offer, SignupStatus
from app.tenancy import org_context
from tests.backend import backend_name
from tests.concurrency import WAIT, first_holds_second_waits
from tests.conftest import csrf_token, login

from .helpers_offers import agreeing_company, learning_day, offer_url, share, signups
from .helpers_offers import union_with_coordinator as _union

pytestmark = pytest.mark.skipif(
    backend_name() != "postgresql",
    reason="needs PostgreSQL locks; SQLite serialises writers, so there is no race",
)


def _arrange(make, dbs):
    union, _coordinator = _union(make)
    a, _ = agreeing_company(make, union, name="Metaal A")
    b, _ = agreeing_company(make, union, name="Zorg B")
    offer = learning_day(make, union, capacity=1)
    share(dbs, offer, a, b)
    return a, b, offer, make.member(a).user, make.member(b).user


def _taken(dbs, offer_id: int) -> list[int]:
    return [org for org, _person, status in signups(dbs, offer_id) if status == "signed_up"]


def test_the_second_sign_up_waits_for_the_first_and_finds_the_day_full(app, make, dbs):
    a, b, offer, anna, bea = _arrange(make, dbs)
    who = {"anna": (a, anna), "bea": (b, bea)}

    def sign_up(name, started, before_commit):
        company, person = who[name]
        with app.app_context(), org_context((company.id,), person.id):
            item = db.session.scalars(
                select(Offer).where(Offer.id == offer.id).execution_options(skip_org_filter=True)
            ).one()
            started()
            try:
                status = SignupStatus.signed_up
                set_signup(company.id, item, person.id, person.name, status, utcnow())
            except OfferFull:
                db.session.rollback()
                return "full"
            before_commit()
            db.session.commit()
            return "signed up"

    # Anna's sign-up is written but not committed: Bea's must wait for the offer's lock.
    results = first_holds_second_waits(sign_up, "anna", "bea")
    assert results == {"anna": "signed up", "bea": "full"}
    assert _taken(dbs, offer.id) == [a.id]


def test_two_browsers_in_two_companies_on_the_last_place_give_one_sign_up(app, make, dbs):
    a, b, offer, anna, bea = _arrange(make, dbs)
    barrier = threading.Barrier(2, timeout=WAIT)
    answers: dict[str, object] = {}

    def press(name, company, person) -> None:
        client = app.test_client()
        try:
            login(client, person)
            url = offer_url(company, offer.id)
            token = csrf_token(client, url)
            barrier.wait()
            response = client.post(
                f"{url}/signup",
                data={"csrf_token": token, "choice": "signed_up"},
                headers={"HX-Request": "true"},
            )
            answers[name] = response.status_code
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            answers[name] = repr(error)

    threads = [
        threading.Thread(target=press, args=("anna", a, anna)),
        threading.Thread(target=press, args=("bea", b, bea)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT * 2)
    assert sorted(answers.values()) == [200, 409], answers
    taken = _taken(dbs, offer.id)
    assert len(taken) == 1 and taken[0] in {a.id, b.id}
