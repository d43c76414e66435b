"""One wish per person and offer across posts; shared offers for people in two organisations."""

from __future__ import annotations

from sqlalchemy import func, select

from app.offers.models import LearningWish, OfferSignup, OfferVisibility, SignupStatus
from tests.conftest import csrf_token, login

from .helpers import english


def _post(client, url: str, page: str, data: dict | None = None):
    return client.post(url, data={"csrf_token": csrf_token(client, page), **(data or {})})


def _want_post(client, org, post_id):
    feed = f"/o/{org.slug}/feed/"
    return _post(client, f"/o/{org.slug}/feed/posts/{post_id}/want", feed)


def _want_offer(client, org, offer_id):
    page = f"/o/{org.slug}/offers/{offer_id}"
    return _post(client, f"{page}/want", page)


def _wishes(dbs, **where) -> list[LearningWish]:
    dbs.expire_all()
    return list(dbs.scalars(select(LearningWish).filter_by(**where)))


def test_two_posts_about_the_same_offer_give_one_wish(client, make, dbs):
    org = make.org()
    item = make.offer(org, title="Forklift basics")
    first, second = make.post(org, offer_id=item.id), make.post(org, offer_id=item.id)
    colleague = make.member(org).user
    login(client, colleague)
    assert _want_post(client, org, first.id).status_code == 302
    assert _want_post(client, org, second.id).status_code == 302
    [wish] = _wishes(dbs, user_id=colleague.id)
    assert (wish.offer_id, wish.source_post_id) == (item.id, first.id)


def test_wanting_a_post_about_an_offer_i_already_want_keeps_one_wish(client, make, dbs):
    org = make.org()
    item = make.offer(org, title="Forklift basics")
    post = make.post(org, offer_id=item.id)
    colleague = make.member(org).user
    login(client, colleague)
    assert _want_offer(client, org, item.id).status_code == 302
    assert _want_post(client, org, post.id).status_code == 302
    assert _want_post(client, org, post.id).status_code == 302
    [wish] = _wishes(dbs, user_id=colleague.id)
    assert wish.offer_id == item.id


def _shared_offer(make, dbs):
    """An offer of ``home`` shared with ``guest``, and one person who works for both."""
    home, guest = make.org(), make.org()
    item = make.offer(home, title="Shared forklift course")
    dbs.add(OfferVisibility(org_id=guest.id, offer_id=item.id))
    dbs.commit()
    person = make.member(home, name="Both Orgs").user
    make.member(guest, user=person)
    return home, guest, item, person


def test_a_person_in_two_organisations_signs_up_in_each(client, make, dbs):
    home, guest, item, person = _shared_offer(make, dbs)
    login(client, person)
    english(client)
    for org in (home, guest):
        page = f"/o/{org.slug}/offers/{item.id}"
        response = _post(client, f"{page}/signup", page, {"choice": "signed_up"})
        assert response.status_code == 302
        assert "You are signed up." in client.get(page).get_data(as_text=True)
    dbs.expire_all()
    rows = dbs.execute(select(OfferSignup.org_id, OfferSignup.status)).all()
    assert sorted(rows) == sorted(
        [(home.id, SignupStatus.signed_up), (guest.id, SignupStatus.signed_up)]
    )


def test_no_signed_up_message_without_a_sign_up(client, make, dbs):
    home, guest, item, person = _shared_offer(make, dbs)
    dbs.add(
        OfferSignup(
            org_id=guest.id, offer_id=item.id, user_id=person.id, status=SignupStatus.completed
        )
    )
    dbs.commit()
    login(client, person)
    english(client)
    page = f"/o/{guest.slug}/offers/{item.id}"
    response = _post(client, f"{page}/signup", page, {"choice": "signed_up"})
    assert response.status_code == 302
    assert "You are signed up" not in client.get(page).get_data(as_text=True)


def test_a_person_in_two_organisations_wants_a_shared_offer_in_each(client, make, dbs):
    home, guest, item, person = _shared_offer(make, dbs)
    login(client, person)
    for org in (home, guest):
        assert _want_offer(client, org, item.id).status_code == 302
        post = make.post(org, offer_id=item.id)
        assert _want_post(client, org, post.id).status_code == 302
    assert sorted(w.org_id for w in _wishes(dbs, user_id=person.id)) == sorted([home.id, guest.id])
    assert dbs.scalar(select(func.count(OfferSignup.id))) == 0
