"""Pooled demand (F5): "I would like to learn ..." counted per topic or offer, never who."""

from __future__ import annotations

from sqlalchemy import func, select

from app.activity.models import ActivityEvent
from app.offers.models import LearningWish
from app.orgs.models import Role
from tests.conftest import csrf_token, login

from .helpers import english

HX = {"HX-Request": "true"}


def _wish(client, org, text, headers=None):
    url = f"/o/{org.slug}/offers/"
    return client.post(
        f"{url}wishes/new",
        data={"csrf_token": csrf_token(client, url), "text": text},
        headers=headers or {},
    )


def _want(client, org, offer_id):
    url = f"/o/{org.slug}/offers/{offer_id}"
    return client.post(f"{url}/want", data={"csrf_token": csrf_token(client, url)})


def _people_wishing(client, make, org, count, text, name_prefix="Wisher"):
    for i in range(count):
        login(client, make.member(org, name=f"{name_prefix} {i}").user)
        assert _wish(client, org, text).status_code == 302


def _demand_page(client, make, org, role=Role.admin) -> str:
    login(client, make.member(org, roles=(Role.employee, role)).user)
    english(client)
    response = client.get(f"/o/{org.slug}/offers/wishes")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_topic_shows_only_from_k_distinct_people(client, make):
    org = make.org(min_group_size=5)
    _people_wishing(client, make, org, 4, "Forklift course")
    body = _demand_page(client, make, org)
    assert "forklift" not in body.lower()
    assert "No wishes to show yet." in body
    _people_wishing(client, make, org, 1, "  forklift   COURSE ", name_prefix="Late")
    body = _demand_page(client, make, org, role=Role.ambassador)
    assert "5 colleagues want to learn:" in body
    assert "Forklift course" in body or "forklift course" in body
    assert "Wisher" not in body and "Late" not in body


def test_the_same_person_twice_counts_once(client, make, dbs):
    org = make.org(min_group_size=3)
    _people_wishing(client, make, org, 1, "Excel")
    repeat = make.member(org).user
    login(client, repeat)
    for _ in range(3):
        assert _wish(client, org, "Excel").status_code == 302
    assert dbs.scalar(select(func.count(LearningWish.id))) == 2  # a double submit adds nothing
    # A second wish of the same person with other words of the same topic: still one person.
    dbs.add(LearningWish(org_id=org.id, user_id=repeat.id, text="EXCEL", topic_key="excel"))
    dbs.commit()
    assert "want to learn:" not in _demand_page(client, make, org)
    _people_wishing(client, make, org, 1, "excel", name_prefix="Third")
    assert "3 colleagues want to learn:" in _demand_page(client, make, org)


def test_small_groups_sum_into_one_line_only_when_that_sum_reaches_k(client, make):
    org = make.org(min_group_size=3)
    _people_wishing(client, make, org, 1, "Welding", name_prefix="A")
    _people_wishing(client, make, org, 1, "Baking", name_prefix="B")
    body = _demand_page(client, make, org)
    assert "Other wishes" not in body and "Welding" not in body
    _people_wishing(client, make, org, 1, "Knitting", name_prefix="C")
    body = _demand_page(client, make, org)
    assert "Other wishes: 3 colleagues, too few per topic to show." in body
    for topic in ("Welding", "Baking", "Knitting"):
        assert topic not in body


def test_wishes_for_an_offer_count_per_offer(client, make, dbs):
    org = make.org(min_group_size=3)
    item = make.offer(org, title="Safety at height")
    for _ in range(3):
        login(client, make.member(org).user)
        for _ in range(2):  # a double submit counts once
            assert _want(client, org, item.id).status_code == 302
    assert dbs.scalar(select(func.count(LearningWish.id))) == 3
    assert dbs.scalar(select(func.count(ActivityEvent.id))) == 3
    body = _demand_page(client, make, org)
    assert "3 colleagues want to learn:" in body
    assert f'href="/o/{org.slug}/offers/{item.id}">Safety at height</a>' in body


def test_withdrawn_wishes_stop_counting(client, make, dbs):
    org = make.org(min_group_size=3)
    _people_wishing(client, make, org, 2, "Excel")
    person = make.member(org).user
    login(client, person)
    english(client)
    _wish(client, org, "Excel")
    mine = client.get(f"/o/{org.slug}/offers/mine").get_data(as_text=True)
    assert "Excel" in mine
    assert "3 colleagues" in _demand_page(client, make, org)
    wish_id = dbs.scalar(select(LearningWish.id).where(LearningWish.user_id == person.id))
    login(client, person)
    url = f"/o/{org.slug}/offers/wishes/{wish_id}/withdraw"
    response = client.post(url, data={"csrf_token": csrf_token(client, f"/o/{org.slug}/")})
    assert response.status_code == 302
    assert "want to learn:" not in _demand_page(client, make, org)


def test_someone_elses_wish_cannot_be_withdrawn(client, make, dbs):
    org = make.org()
    owner = make.member(org).user
    login(client, owner)
    _wish(client, org, "Excel")
    wish_id = dbs.scalar(select(LearningWish.id))
    login(client, make.admin(org).user)
    url = f"/o/{org.slug}/offers/wishes/{wish_id}/withdraw"
    response = client.post(url, data={"csrf_token": csrf_token(client, f"/o/{org.slug}/")})
    assert response.status_code == 404
    dbs.expire_all()
    assert dbs.get(LearningWish, wish_id).withdrawn_at is None


def test_too_long_wish_is_refused_and_kept(client, make, dbs):
    org = make.org()
    login(client, make.member(org).user)
    english(client)
    text = "Ik wil graag leren lassen met een robot. " * 6
    for headers in ({}, HX):
        response = _wish(client, org, text, headers=headers)
        body = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "Use at most 200 characters." in body
        assert text.strip() in body
    assert dbs.scalar(select(func.count(LearningWish.id))) == 0


def test_wish_with_htmx_returns_the_form_with_thanks(client, make):
    org = make.org()
    login(client, make.member(org).user)
    english(client)
    response = _wish(client, org, "Excel", headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body and 'id="wish-box"' in body and "Thank you" in body


def test_pooled_demand_page_is_for_admins_and_ambassadors(client, make):
    org = make.org()
    for role, status in ((Role.employee, 403), (Role.manager, 403), (Role.ambassador, 200)):
        login(client, make.member(org, roles=(Role.employee, role)).user)
        assert client.get(f"/o/{org.slug}/offers/wishes").status_code == status


def test_pooled_demand_runs_the_same_number_of_queries_for_few_and_many_wishes(
    client, make, dbs, count_queries
):
    org = make.org(min_group_size=3)
    people = [make.member(org).user_id for _ in range(12)]
    offers = [make.offer(org, title=f"Offer {i}").id for i in range(3)]

    def add(count, start):
        for i in range(start, start + count):
            # Each person wishes each offer at most once (a unique key); topics repeat.
            offer_id = offers[i % 3] if i < len(people) and i % 2 else None
            topic = f"topic {i % 7}"
            dbs.add(
                LearningWish(
                    org_id=org.id,
                    user_id=people[i % len(people)],
                    text=topic,
                    topic_key=topic,
                    offer_id=offer_id,
                )
            )
        dbs.commit()

    admin = make.admin(org).user
    add(10, 0)
    login(client, admin)
    with count_queries() as small:
        assert client.get(f"/o/{org.slug}/offers/wishes").status_code == 200
    add(190, 10)
    with count_queries() as large:
        assert client.get(f"/o/{org.slug}/offers/wishes").status_code == 200
    assert small.count == large.count, (small.statements, large.statements)


def test_nul_characters_are_refused_not_a_server_error(client, make, dbs):
    org = make.org()
    login(client, make.member(org).user)
    assert _wish(client, org, "Ex\x00cel").status_code == 400
    assert dbs.scalar(select(func.count(LearningWish.id))) == 0
