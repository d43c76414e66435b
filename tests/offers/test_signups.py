"""Sign up and "I'm interested" (F3), seen by the person and told to the admins."""

from __future__ import annotations

from sqlalchemy import func, select

from app.activity.models import ActivityEvent
from app.notifications.models import Notification
from app.offers.models import OfferSignup, SignupStatus
from tests.conftest import csrf_token, login

from .helpers import english

HX = {"HX-Request": "true"}


def _choose(client, org, offer_id, choice, headers=None):
    url = f"/o/{org.slug}/offers/{offer_id}"
    return client.post(
        f"{url}/signup",
        data={"csrf_token": csrf_token(client, url), "choice": choice},
        headers=headers or {},
    )


def _count(dbs, model, *where) -> int:
    return dbs.scalar(select(func.count()).select_from(model).where(*where))


def test_double_sign_up_makes_one_row_one_event_and_one_message_per_admin(client, make, dbs):
    org = make.org()
    admins = [make.admin(org).user_id for _ in range(2)]
    person = make.member(org, name="Sanne")
    item = make.offer(org, title="Forklift")
    login(client, person.user)
    for _ in range(2):
        assert _choose(client, org, item.id, "signed_up").status_code == 302
    dbs.expire_all()
    [signup] = dbs.scalars(select(OfferSignup)).all()
    assert (signup.user_id, signup.status) == (person.user_id, SignupStatus.signed_up)
    assert _count(dbs, ActivityEvent, ActivityEvent.kind == "offer_signed_up") == 1
    notes = dbs.scalars(select(Notification).where(Notification.kind == "offer_signup")).all()
    assert sorted(n.user_id for n in notes) == sorted(admins)
    assert notes[0].payload["person_name"] == "Sanne"
    assert notes[0].payload["offer_id"] == item.id


def test_interested_then_signed_up_then_cancel_updates_the_same_row(client, make, dbs):
    org = make.org()
    person = make.member(org)
    item = make.offer(org)
    login(client, person.user)
    english(client)
    _choose(client, org, item.id, "interested")
    page = client.get(f"/o/{org.slug}/offers/{item.id}").get_data(as_text=True)
    assert "You are interested" in page
    assert _count(dbs, Notification) == 0  # only a real sign-up tells the admins
    _choose(client, org, item.id, "signed_up")
    mine = client.get(f"/o/{org.slug}/offers/mine").get_data(as_text=True)
    assert "You are signed up" in mine
    _choose(client, org, item.id, "cancel")
    dbs.expire_all()
    [signup] = dbs.scalars(select(OfferSignup)).all()
    assert signup.status == SignupStatus.cancelled
    kinds = dbs.scalars(select(ActivityEvent.kind).order_by(ActivityEvent.id)).all()
    assert kinds == ["offer_interest", "offer_signed_up"]
    assert "Cancelled" in client.get(f"/o/{org.slug}/offers/mine").get_data(as_text=True)


def test_sign_up_with_htmx_returns_the_sign_up_box(client, make):
    org = make.org()
    item = make.offer(org)
    login(client, make.member(org).user)
    english(client)
    response = _choose(client, org, item.id, "signed_up", headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="signup-box"' in body and "You are signed up" in body
    assert 'value="cancel"' in body


def test_catalogue_shows_my_status_on_the_card(client, make):
    org = make.org()
    item = make.offer(org, title="Forklift")
    make.offer(org, title="Excel")
    login(client, make.member(org).user)
    english(client)
    _choose(client, org, item.id, "interested")
    body = client.get(f"/o/{org.slug}/offers/").get_data(as_text=True)
    assert body.count("You are interested") == 1


def test_a_wrong_choice_changes_nothing(client, make, dbs):
    org = make.org()
    item = make.offer(org)
    login(client, make.member(org).user)
    assert _choose(client, org, item.id, "completed").status_code == 302
    assert _count(dbs, OfferSignup) == 0


def test_completed_sign_up_cannot_be_changed_by_the_person(client, make, dbs):
    org = make.org()
    person = make.member(org)
    item = make.offer(org)
    dbs.add(
        OfferSignup(
            org_id=org.id, offer_id=item.id, user_id=person.user_id, status=SignupStatus.completed
        )
    )
    dbs.commit()
    login(client, person.user)
    english(client)
    _choose(client, org, item.id, "cancel")
    dbs.expire_all()
    assert dbs.scalars(select(OfferSignup.status)).one() == SignupStatus.completed
    assert "Well done" in client.get(f"/o/{org.slug}/offers/{item.id}").get_data(as_text=True)


def test_sign_up_for_a_switched_off_offer_is_not_found(client, make, dbs):
    org = make.org()
    item = make.offer(org, active=False)
    login(client, make.member(org).user)
    assert _choose(client, org, item.id, "signed_up").status_code == 404
    assert _count(dbs, OfferSignup) == 0


def test_admin_reads_the_sign_up_message_with_a_link_to_the_list(client, make, dbs):
    org = make.org()
    admin = make.admin(org).user
    item = make.offer(org, title="Forklift")
    login(client, make.member(org, name="Sanne").user)
    _choose(client, org, item.id, "signed_up")
    login(client, admin)
    english(client)
    body = client.get(f"/o/{org.slug}/notifications/").get_data(as_text=True)
    assert "Sanne signed up for:" in body
    assert f'href="/o/{org.slug}/offers/{item.id}/signups">Forklift</a>' in body


def test_offer_page_forms_post_without_javascript(client, make):
    """Every button on the offer page is a real form with an action and a CSRF token."""
    import re

    org = make.org()
    item = make.offer(org)
    make.member(org)
    login(client, make.member(org).user)
    body = client.get(f"/o/{org.slug}/offers/{item.id}").get_data(as_text=True)
    forms = re.findall(r"<form\b[^>]*>.*?</form>", body, flags=re.S)
    actions = {re.search(r'action="([^"]+)"', f).group(1) for f in forms}
    base = f"/o/{org.slug}/offers/{item.id}"
    assert {f"{base}/signup", f"{base}/want", f"{base}/recommend"} <= actions
    for form in forms:
        if 'method="post"' in form:
            assert 'name="csrf_token"' in form
    assert _choose(client, org, item.id, "interested").status_code == 302
    response = client.post(f"{base}/want", data={"csrf_token": csrf_token(client, base)})
    assert response.status_code == 302 and response.location.endswith(base)
