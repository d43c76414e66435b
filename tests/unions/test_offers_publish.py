"""A union publishes offers and learning days to the companies it has an agreement with (U4).

From the user's side: the coordinator fills in the form on the union's pages; a worker in
an agreeing company finds the learning day in the normal catalogue and signs up; a
company without an active agreement never sees it; ending the agreement takes it away.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.offers.models import Offer, OfferVisibility
from app.orgs.models import Role
from app.unions.models import AgreementStatus
from app.unions.union_offers import share_offers_with_company, withdraw_offers_from_company
from tests.conftest import csrf_token, login, post_form

from .helpers_offers import (
    PAST,
    agreeing_company,
    choose,
    english,
    event_form,
    learning_day,
    offer_url,
    share,
    signups,
    titles,
    union_with_coordinator,
)


def _publish(client, union, **overrides):
    url = f"/o/{union.slug}/union/offers/new"
    return post_form(client, url, event_form(**overrides), token_from=url)


def _union_offers(dbs) -> list[Offer]:
    dbs.expire_all()
    return list(dbs.scalars(select(Offer).order_by(Offer.id)))


def _visible_in(dbs, offer_id: int) -> list[int]:
    dbs.expire_all()
    return sorted(
        dbs.scalars(select(OfferVisibility.org_id).where(OfferVisibility.offer_id == offer_id))
    )


def test_a_published_learning_day_is_visible_and_bookable_only_where_an_agreement_is_active(
    app, client, make, dbs
):
    union, coordinator = union_with_coordinator(make)
    metal, _agreement = agreeing_company(make, union, name="Metaal Oost")
    proposed, _ = agreeing_company(make, union, status=AgreementStatus.proposed, name="Zorg")
    stranger = make.org(name="Bakkerij zonder akkoord")
    login(client, coordinator)
    english(client)

    response = _publish(client, union)

    assert response.status_code == 302
    assert response.location.endswith(f"/o/{union.slug}/union/offers")
    [offer] = _union_offers(dbs)
    assert offer.org_id == union.id
    # 09:30 on 12 June in Amsterdam is 07:30 UTC (summer time).
    assert offer.starts_at == datetime(2035, 6, 12, 7, 30, tzinfo=UTC)
    assert (offer.capacity, offer.place) == (20, "Vakbondshuis Utrecht")
    assert _visible_in(dbs, offer.id) == [metal.id]
    listing = client.get(f"/o/{union.slug}/union/offers").get_data(as_text=True)
    assert "People in 1 company with a learning agreement can see it." in listing
    assert "Leerdag: werken met de computer" in listing and "Metaal Oost" in listing
    assert "Zorg" not in listing and "Bakkerij" not in listing

    worker = make.member(metal, name="Wim")
    client_w = app.test_client()
    login(client_w, worker.user)
    english(client_w)
    catalogue = client_w.get(f"/o/{metal.slug}/offers/").get_data(as_text=True)
    assert titles(catalogue) == ["Leerdag: werken met de computer"]
    assert "From FNV Leren" in catalogue
    assert "Tuesday 12 June 2035, 09:30" in catalogue and "20 places left" in catalogue
    page = client_w.get(offer_url(metal, offer.id)).get_data(as_text=True)
    assert "Offered by" in page and "FNV Leren" in page and "Vakbondshuis Utrecht" in page
    assert choose(client_w, metal, offer.id, "signed_up").status_code == 302
    assert signups(dbs, offer.id) == [(metal.id, worker.user_id, "signed_up")]
    page = client_w.get(offer_url(metal, offer.id)).get_data(as_text=True)
    assert "You are signed up" in page and "19 places left" in page

    for company in (proposed, stranger):
        outsider = make.member(company)
        client_o = app.test_client()
        login(client_o, outsider.user)
        assert titles(client_o.get(f"/o/{company.slug}/offers/").get_data(as_text=True)) == []
        assert client_o.get(offer_url(company, offer.id)).status_code == 404
        url = f"{offer_url(company, offer.id)}/signup"
        token = csrf_token(client_o, f"/o/{company.slug}/offers/")
        refused = client_o.post(url, data={"csrf_token": token, "choice": "signed_up"})
        assert refused.status_code == 404
    assert len(signups(dbs, offer.id)) == 1


def test_ending_the_agreement_withdraws_the_offer_on_the_next_request(app, client, make, dbs):
    union, _coordinator = union_with_coordinator(make)
    company, agreement = agreeing_company(make, union)
    offer = learning_day(make, union, title="Leerdag rekenen")
    share(dbs, offer, company)
    worker = make.member(company)
    login(client, worker.user)
    english(client)
    assert choose(client, company, offer.id, "signed_up").status_code == 302
    assert titles(client.get(f"/o/{company.slug}/offers/").get_data(as_text=True)) == [
        "Leerdag rekenen"
    ]

    # What area 4's "end the agreement" does with the offers.
    agreement.status = AgreementStatus.ended
    dbs.commit()
    with app.app_context():
        withdraw_offers_from_company(agreement)
        db.session.commit()

    assert titles(client.get(f"/o/{company.slug}/offers/").get_data(as_text=True)) == []
    assert client.get(offer_url(company, offer.id)).status_code == 404
    # The person's own sign-up stays on their page, without the union's offer (which the
    # company may no longer read).
    mine = client.get(f"/o/{company.slug}/offers/mine").get_data(as_text=True)
    assert "An offer that is no longer shared with your organisation" in mine
    assert "You are signed up" in mine
    assert "Leerdag rekenen" not in mine and f"offers/{offer.id}" not in mine
    assert signups(dbs, offer.id) == [(company.id, worker.user_id, "signed_up")]


def test_a_new_agreement_receives_offers_published_before_it(app, client, make, dbs):
    union, coordinator = union_with_coordinator(make)
    login(client, coordinator)
    _publish(client, union)
    [offer] = _union_offers(dbs)
    assert _visible_in(dbs, offer.id) == []
    company, agreement = agreeing_company(make, union)

    with app.app_context():  # what area 4's approval does
        share_offers_with_company(agreement)
        db.session.commit()

    assert _visible_in(dbs, offer.id) == [company.id]


def test_a_double_submit_publishes_one_offer(client, make, dbs):
    union, coordinator = union_with_coordinator(make)
    agreeing_company(make, union)
    login(client, coordinator)
    assert _publish(client, union).status_code == 302
    assert _publish(client, union).status_code == 302
    [offer] = _union_offers(dbs)
    created = dbs.scalars(select(AuditEvent.action).where(AuditEvent.org_id == union.id)).all()
    assert created == ["offer.created"]
    assert len(_visible_in(dbs, offer.id)) == 1


def test_bad_input_gives_clear_messages_next_to_the_fields_and_saves_nothing(client, make, dbs):
    union, coordinator = union_with_coordinator(make)
    login(client, coordinator)
    english(client)
    cases = [
        ({"starts_time": ""}, "Fill in the start time too."),
        ({"starts_on": ""}, "Fill in the date too."),
        ({"starts_on": "31-02-2035"}, "Give a date like 31-12-2025."),
        ({"starts_time": "half tien"}, "Give a time like 09:30."),
        ({"capacity": "0"}, "Give a number of places from 1 to 10000."),
        ({"title": ""}, "Give the offer a title."),
    ]
    for overrides, message in cases:
        response = _publish(client, union, **overrides)
        body = response.get_data(as_text=True)
        assert response.status_code == 400, overrides
        assert message in body, overrides
        assert 'class="error"' in body
    assert _union_offers(dbs) == []


def test_an_offer_without_a_date_or_limit_is_fine(client, make, dbs):
    union, coordinator = union_with_coordinator(make)
    login(client, coordinator)
    assert _publish(client, union, starts_on="", starts_time="", capacity="").status_code == 302
    [offer] = _union_offers(dbs)
    assert (offer.starts_at, offer.capacity) == (None, None)


def test_the_coordinator_changes_and_switches_off_a_learning_day(app, client, make, dbs):
    union, coordinator = union_with_coordinator(make)
    company, _agreement = agreeing_company(make, union)
    offer = learning_day(make, union, title="Leerdag taal")
    share(dbs, offer, company)
    login(client, coordinator)
    english(client)
    edit = f"/o/{union.slug}/union/offers/{offer.id}/edit"

    form = client.get(edit).get_data(as_text=True)
    assert 'value="2035-06-12"' in form and 'value="09:30"' in form  # in the union's clock
    assert "At our own workplace" not in form

    data = event_form(title="Leerdag taal (nieuwe datum)", starts_on="19-06-2035", capacity="12")
    del data["client_token"]
    assert post_form(client, edit, data, token_from=edit).status_code == 302
    dbs.expire_all()
    changed = dbs.get(Offer, offer.id)
    assert changed.title == "Leerdag taal (nieuwe datum)"
    assert changed.starts_at == datetime(2035, 6, 19, 7, 30, tzinfo=UTC)
    assert changed.capacity == 12

    listing = f"/o/{union.slug}/union/offers"
    response = client.post(
        f"/o/{union.slug}/union/offers/{offer.id}/switch-off",
        data={"csrf_token": csrf_token(client, listing)},
    )
    assert response.status_code == 302
    assert "Switched off: companies do not see it" in client.get(listing).get_data(as_text=True)
    worker = make.member(company)
    client_w = app.test_client()
    login(client_w, worker.user)
    assert titles(client_w.get(f"/o/{company.slug}/offers/").get_data(as_text=True)) == []
    assert client_w.get(offer_url(company, offer.id)).status_code == 404
    actions = dbs.scalars(
        select(AuditEvent.action).where(AuditEvent.org_id == union.id).order_by(AuditEvent.id)
    ).all()
    assert actions == ["offer.updated", "offer.deactivated"]


def test_a_union_cannot_change_a_company_offer_or_another_unions_offer(client, make, dbs):
    union, coordinator = union_with_coordinator(make)
    other_union, _ = union_with_coordinator(make, name="CNV Leren", slug="cnv")
    company, _agreement = agreeing_company(make, union)
    theirs = [make.offer(company).id, learning_day(make, other_union).id]
    login(client, coordinator)
    for offer_id in theirs:
        edit = f"/o/{union.slug}/union/offers/{offer_id}/edit"
        assert client.get(edit).status_code == 404
        response = client.post(
            f"/o/{union.slug}/union/offers/{offer_id}/switch-off",
            data={"csrf_token": csrf_token(client, f"/o/{union.slug}/union/offers")},
        )
        assert response.status_code == 404
    dbs.expire_all()
    assert all(dbs.get(Offer, offer_id).active for offer_id in theirs)


def test_a_union_has_no_catalogue_of_its_own_to_sign_up_in(client, make):
    """Union members publish on the union's pages; signing up happens in a company."""
    union, coordinator = union_with_coordinator(make)
    rep = make.member(union, roles=(Role.rep,)).user
    offer = learning_day(make, union)
    for person in (coordinator, rep):
        login(client, person)
        assert client.get(f"/o/{union.slug}/offers/").status_code == 404
        assert client.get(offer_url(union, offer.id)).status_code == 404
        assert client.get(f"/o/{union.slug}/offers/new").status_code == 404
    login(client, rep)
    assert client.get(f"/o/{union.slug}/union/offers").status_code == 403


def test_a_past_learning_day_leaves_the_catalogue_and_cannot_be_booked(app, client, make, dbs):
    union, _coordinator = union_with_coordinator(make)
    company, _agreement = agreeing_company(make, union)
    offer = learning_day(make, union, title="Leerdag van vorig jaar", starts_at=PAST)
    share(dbs, offer, company)
    login(client, make.member(company).user)
    english(client)
    assert titles(client.get(f"/o/{company.slug}/offers/").get_data(as_text=True)) == []
    page = client.get(offer_url(company, offer.id)).get_data(as_text=True)
    assert "This has already started. You cannot sign up any more." in page
    assert 'value="signed_up"' not in page
    response = choose(client, company, offer.id, "signed_up", headers={"HX-Request": "true"})
    assert response.status_code == 409
    assert "This has already started, so you cannot sign up any more." in response.get_data(
        as_text=True
    )
    assert signups(dbs, offer.id) == []
