"""Places on a union's learning day are counted across every company (U4, F3).

The last place taken by someone in company A makes the day full for company B too; a
double click signs up once; cancelling frees the place for the next person.
"""

from __future__ import annotations

from app.offers.models import SignupStatus
from tests.conftest import login

from .helpers_offers import (
    HX,
    agreeing_company,
    choose,
    english,
    learning_day,
    offer_url,
    share,
    sign_up,
    signups,
    union_with_coordinator,
)

FULL = "Sorry, this is full: all places are taken. You can still say you are interested."


def _arrange(make, dbs, capacity=2):
    union, _coordinator = union_with_coordinator(make)
    a, _ = agreeing_company(make, union, name="Metaal A")
    b, _ = agreeing_company(make, union, name="Zorg B")
    offer = learning_day(make, union, capacity=capacity)
    share(dbs, offer, a, b)
    return a, b, offer


def _client(app, person):
    client = app.test_client()
    login(client, person)
    english(client)
    return client


def test_the_last_place_taken_in_company_a_makes_it_full_for_company_b(app, make, dbs):
    a, b, offer = _arrange(make, dbs, capacity=2)
    anna, ahmed, bea = make.member(a).user, make.member(a).user, make.member(b).user

    assert choose(_client(app, anna), a, offer.id, "signed_up").status_code == 302
    client_b = _client(app, bea)
    page = client_b.get(offer_url(b, offer.id)).get_data(as_text=True)
    assert "1 place left" in page
    assert choose(_client(app, ahmed), a, offer.id, "signed_up").status_code == 302

    page = client_b.get(offer_url(b, offer.id)).get_data(as_text=True)
    assert "Full: all places are taken." in page
    assert 'value="signed_up"' not in page and 'value="interested"' in page
    catalogue = client_b.get(f"/o/{b.slug}/offers/").get_data(as_text=True)
    assert 'class="offer-places offer-full">Full<' in catalogue

    # Pressing "Sign me up" anyway (an old page, no JavaScript): a clear message, no row.
    response = choose(client_b, b, offer.id, "signed_up")
    assert response.status_code == 302
    assert FULL in client_b.get(response.location).get_data(as_text=True)
    response = choose(client_b, b, offer.id, "signed_up", headers=HX)
    assert response.status_code == 409
    assert FULL in response.get_data(as_text=True)
    assert [(org, status) for org, _person, status in signups(dbs, offer.id)] == [
        (a.id, "signed_up"),
        (a.id, "signed_up"),
    ]
    # Being interested takes no place, so that is still possible.
    assert choose(client_b, b, offer.id, "interested").status_code == 302
    assert signups(dbs, offer.id)[-1] == (b.id, bea.id, "interested")


def test_cancelling_frees_the_place_for_someone_in_another_company(app, make, dbs):
    a, b, offer = _arrange(make, dbs, capacity=1)
    anna, bea = make.member(a).user, make.member(b).user
    client_a, client_b = _client(app, anna), _client(app, bea)
    assert choose(client_a, a, offer.id, "signed_up").status_code == 302
    choose(client_b, b, offer.id, "signed_up")
    assert [org for org, _p, status in signups(dbs, offer.id) if status == "signed_up"] == [a.id]

    choose(client_a, a, offer.id, "cancel")
    assert "1 place left" in client_b.get(offer_url(b, offer.id)).get_data(as_text=True)
    response = choose(client_b, b, offer.id, "signed_up", headers=HX)
    assert response.status_code == 200 and "You are signed up" in response.get_data(as_text=True)
    assert signups(dbs, offer.id) == [
        (a.id, anna.id, "cancelled"),
        (b.id, bea.id, "signed_up"),
    ]


def test_a_double_click_on_the_last_place_makes_one_sign_up(app, make, dbs):
    a, _b, offer = _arrange(make, dbs, capacity=1)
    anna = make.member(a).user
    client = _client(app, anna)
    for _ in range(2):
        response = choose(client, a, offer.id, "signed_up", headers=HX)
        assert response.status_code == 200
        assert "You are signed up" in response.get_data(as_text=True)
        assert FULL not in response.get_data(as_text=True)  # my own place is not "full"
    assert signups(dbs, offer.id) == [(a.id, anna.id, "signed_up")]


def test_finished_places_count_and_cancelled_ones_do_not(app, make, dbs):
    a, b, offer = _arrange(make, dbs, capacity=3)
    sign_up(dbs, a, offer, 1, status=SignupStatus.completed, make=make)
    sign_up(dbs, b, offer, 1, status=SignupStatus.signed_up, make=make)
    sign_up(dbs, b, offer, 4, status=SignupStatus.cancelled, make=make)
    sign_up(dbs, b, offer, 2, status=SignupStatus.interested, make=make)
    client = _client(app, make.member(b).user)
    assert "1 place left" in client.get(offer_url(b, offer.id)).get_data(as_text=True)


def test_an_offer_without_a_limit_never_fills_up(app, make, dbs):
    a, _b, offer = _arrange(make, dbs, capacity=None)
    sign_up(dbs, a, offer, 30, make=make)
    client = _client(app, make.member(a).user)
    page = client.get(offer_url(a, offer.id)).get_data(as_text=True)
    assert "places left" not in page and "Full" not in page
    assert choose(client, a, offer.id, "signed_up").status_code == 302
    assert len(signups(dbs, offer.id)) == 31


def test_a_company_offer_with_a_limit_fills_up_the_same_way(app, make, dbs):
    """The same fields help a company's own sessions (F6 later)."""
    company = make.org()
    offer = make.offer(company, title="Sessie heftruck", capacity=1)
    first, second = make.member(company).user, make.member(company).user
    assert choose(_client(app, first), company, offer.id, "signed_up").status_code == 302
    response = choose(_client(app, second), company, offer.id, "signed_up", headers=HX)
    assert response.status_code == 409 and FULL in response.get_data(as_text=True)
    assert [p for _o, p, _s in signups(dbs, offer.id)] == [first.id]
