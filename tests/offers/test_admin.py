"""Admins add and change offers, see who signed up and record completion (F1, F3)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.activity.models import ActivityEvent
from app.audit.models import AuditEvent
from app.notifications.models import Notification
from app.offers.models import Offer, OfferFormat, OfferSignup, OfferVisibility, SignupStatus
from tests.conftest import csrf_token, login

from .helpers import english

GOOD = {
    "title": "Forklift licence",
    "format": "on_the_job",
    "duration_minutes": "90",
    "in_work_time": "y",
    "cost_covered": "y",
    "language": "nl",
    "place": "Hall 3",
    "url": "https://example.org/forklift",
    "description": "Learn to drive **safely**.",
    "active": "y",
}


def _post_new(client, org, data):
    url = f"/o/{org.slug}/offers/new"
    return client.post(url, data={"csrf_token": csrf_token(client, url), **data})


def test_admin_adds_an_offer_and_a_double_submit_makes_one(client, make, dbs):
    org = make.org()
    admin = make.admin(org)
    login(client, admin.user)
    data = {**GOOD, "client_token": "a" * 32}
    first = _post_new(client, org, data)
    second = _post_new(client, org, data)
    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    dbs.expire_all()
    [offer] = dbs.scalars(select(Offer)).all()
    assert offer.org_id == org.id and offer.created_by_id == admin.user_id
    assert offer.format == OfferFormat.on_the_job and offer.duration_minutes == 90
    assert offer.in_work_time and offer.cost_covered and not offer.has_exam and not offer.on_site
    assert dbs.scalars(select(AuditEvent.action)).all() == ["offer.created"]
    # A new form gets a new token: a second offer with the same title is allowed.
    assert _post_new(client, org, {**GOOD, "client_token": "b" * 32}).status_code == 302
    assert dbs.scalar(select(func.count(Offer.id))) == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("url", "javascript:alert(1)", "starts with https://"),
        ("url", "ftp://example.org/x", "starts with https://"),
        ("url", "https://", "starts with https://"),
        ("title", "x" * 161, "at most 160 characters"),
        ("title", "", "Give the offer a title"),
        ("duration_minutes", "", "time in minutes"),
        ("duration_minutes", "0", "minutes above 0"),
        ("format", "teleport", "Not a valid choice"),
    ],
)
def test_invalid_offer_is_refused_with_a_message_and_keeps_the_text(
    client, make, dbs, field, value, message
):
    org = make.org()
    login(client, make.admin(org).user)
    english(client)
    response = _post_new(client, org, {**GOOD, field: value, "client_token": "c" * 32})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in body
    assert 'value="Hall 3"' in body  # what the admin typed stays in the form
    assert dbs.scalar(select(func.count(Offer.id))) == 0


def test_admin_edits_and_switches_off_an_offer(client, make, dbs):
    org = make.org()
    login(client, make.admin(org).user)
    item = make.offer(org, title="Old title")
    url = f"/o/{org.slug}/offers/{item.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'value="Old title"' in page
    data = {**GOOD, "title": "New title", "duration_minutes": "30"}
    data.pop("active")
    response = client.post(url, data={"csrf_token": csrf_token(client, url), **data})
    assert response.status_code == 302
    dbs.expire_all()
    saved = dbs.get(Offer, item.id)
    assert (saved.title, saved.duration_minutes, saved.active) == ("New title", 30, False)
    assert dbs.scalars(select(AuditEvent.action)).all() == ["offer.deactivated"]
    login(client, make.member(org).user)
    assert client.get(f"/o/{org.slug}/offers/{item.id}").status_code == 404


def test_shared_offer_cannot_be_edited_by_the_receiving_admin(client, make, dbs):
    org = make.org()
    shared = make.offer(make.org(), title="Union course")
    dbs.add(OfferVisibility(org_id=org.id, offer_id=shared.id))
    dbs.commit()
    login(client, make.admin(org).user)
    assert client.get(f"/o/{org.slug}/offers/{shared.id}").status_code == 200
    assert client.get(f"/o/{org.slug}/offers/{shared.id}/edit").status_code == 404


@pytest.mark.parametrize(
    "path", ["new", "{id}/edit", "{id}/signups", "{id}/signups/{signup}/complete"]
)
def test_admin_pages_are_forbidden_for_employees(client, make, dbs, path):
    org = make.org()
    item = make.offer(org)
    person = make.member(org)
    signup = OfferSignup(
        org_id=org.id, offer_id=item.id, user_id=person.user_id, status=SignupStatus.signed_up
    )
    dbs.add(signup)
    dbs.commit()
    login(client, person.user)
    url = f"/o/{org.slug}/offers/" + path.format(id=item.id, signup=signup.id)
    if path.endswith("complete"):
        response = client.post(url, data={"csrf_token": csrf_token(client, f"/o/{org.slug}/")})
    else:
        response = client.get(url)
    assert response.status_code == 403
    dbs.expire_all()
    assert dbs.get(OfferSignup, signup.id).status == SignupStatus.signed_up


def test_admin_sees_sign_ups_and_records_completion(client, make, dbs):
    org = make.org()
    admin = make.admin(org)
    item = make.offer(org, title="Forklift")
    people = {
        "Anna": SignupStatus.signed_up,
        "Bram": SignupStatus.interested,
        "Cem": SignupStatus.cancelled,
    }
    rows = {}
    for name, status in people.items():
        person = make.member(org, name=name)
        rows[name] = OfferSignup(
            org_id=org.id, offer_id=item.id, user_id=person.user_id, status=status
        )
        dbs.add(rows[name])
    other_org_person = make.member(make.org(), name="Outsider Olaf")
    dbs.add(
        OfferSignup(
            org_id=other_org_person.org_id,
            offer_id=item.id,
            user_id=other_org_person.user_id,
            status=SignupStatus.signed_up,
        )
    )
    dbs.commit()
    login(client, admin.user)
    english(client)
    url = f"/o/{org.slug}/offers/{item.id}/signups"
    body = client.get(url).get_data(as_text=True)
    assert "Anna" in body and "Bram" in body and "Cem" in body
    assert "Outsider Olaf" not in body
    assert body.count("Record as finished") == 2

    complete = f"{url}/{rows['Anna'].id}/complete"
    for _ in range(2):
        response = client.post(complete, data={"csrf_token": csrf_token(client, url)})
        assert response.status_code == 302
    dbs.expire_all()
    anna = dbs.get(OfferSignup, rows["Anna"].id)
    assert anna.status == SignupStatus.completed and anna.completed_at is not None
    events = dbs.scalars(select(ActivityEvent).where(ActivityEvent.kind == "offer_completed"))
    assert [e.user_id for e in events] == [anna.user_id]
    [note] = dbs.scalars(select(Notification).where(Notification.user_id == anna.user_id)).all()
    assert note.kind == "offer_completed" and note.payload["offer_id"] == item.id
    audit = dbs.scalars(select(AuditEvent)).all()
    assert [(a.action, a.subject_user_id) for a in audit] == [
        ("offer.completion_recorded", anna.user_id)
    ]
    assert "Yes" in client.get(url).get_data(as_text=True)


def test_participant_sees_well_done_in_notifications(client, make, dbs):
    org = make.org()
    admin = make.admin(org)
    person = make.member(org)
    item = make.offer(org, title="Forklift")
    signup = OfferSignup(
        org_id=org.id, offer_id=item.id, user_id=person.user_id, status=SignupStatus.signed_up
    )
    dbs.add(signup)
    dbs.commit()
    login(client, admin.user)
    url = f"/o/{org.slug}/offers/{item.id}/signups"
    client.post(f"{url}/{signup.id}/complete", data={"csrf_token": csrf_token(client, url)})
    login(client, person.user)
    english(client)
    body = client.get(f"/o/{org.slug}/notifications/").get_data(as_text=True)
    assert "Well done! You finished:" in body
    assert f'href="/o/{org.slug}/offers/{item.id}"' in body


def test_completion_of_a_sign_up_of_another_offer_is_not_found(client, make, dbs):
    org = make.org()
    first, second = make.offer(org), make.offer(org)
    person = make.member(org)
    signup = OfferSignup(
        org_id=org.id, offer_id=first.id, user_id=person.user_id, status=SignupStatus.signed_up
    )
    dbs.add(signup)
    dbs.commit()
    login(client, make.admin(org).user)
    url = f"/o/{org.slug}/offers/{second.id}/signups/{signup.id}/complete"
    response = client.post(url, data={"csrf_token": csrf_token(client, f"/o/{org.slug}/")})
    assert response.status_code == 404


def test_offer_form_with_nul_characters_is_refused_not_a_server_error(client, make, dbs):
    org = make.org()
    login(client, make.admin(org).user)
    data = {**GOOD, "title": "Fork\x00lift", "client_token": "d" * 32}
    assert _post_new(client, org, data).status_code == 400
    assert dbs.scalar(select(func.count(Offer.id))) == 0


def test_admin_gives_an_offer_a_price_in_euros_and_sees_it_again_when_editing(client, make, dbs):
    org = make.org()
    login(client, make.admin(org).user)
    english(client)
    data = {**GOOD, "cost_covered": "", "cost": "29,50", "client_token": "p" * 32}
    assert _post_new(client, org, data).status_code == 302
    dbs.expire_all()
    offer = dbs.scalars(select(Offer)).one()
    assert (offer.cost_cents, offer.cost_covered) == (2950, False)
    edit = client.get(f"/o/{org.slug}/offers/{offer.id}/edit").get_data(as_text=True)
    assert 'value="29.50"' in edit  # English page: a decimal point


def test_a_price_that_is_not_money_is_refused_and_nothing_is_saved(client, make, dbs):
    org = make.org()
    login(client, make.admin(org).user)
    english(client)
    response = _post_new(client, org, {**GOOD, "cost": "1.000,00", "client_token": "q" * 32})
    assert response.status_code == 400
    assert "for example 750 or 750,50" in response.get_data(as_text=True)
    assert dbs.scalar(select(func.count(Offer.id))) == 0
