"""The catalogue (F1) and its barrier filters (F2), through HTTP."""

from __future__ import annotations

import pytest

from app.offers.models import OfferFormat, OfferVisibility
from tests.conftest import login

from .helpers import english, titles

# title: (format, minutes, in work time, cost covered, exam, on site)
OFFERS = {
    "Forklift": (OfferFormat.on_the_job, 90, True, True, False, True),
    "Excel evening": (OfferFormat.classroom, 180, False, True, False, False),
    "First aid": (OfferFormat.classroom, 480, True, True, True, False),
    "Dutch online": (OfferFormat.online, 60, True, False, False, False),
    "Safety minute": (OfferFormat.micro, 5, True, True, False, False),
    "Welding certificate": (OfferFormat.coaching, 2400, False, False, True, True),
}


@pytest.fixture()
def catalogue_org(make):
    org = make.org()
    for title, (fmt, minutes, work, free, exam, site) in OFFERS.items():
        make.offer(
            org,
            title=title,
            format=fmt,
            duration_minutes=minutes,
            in_work_time=work,
            cost_covered=free,
            has_exam=exam,
            on_site=site,
        )
    return org


def _expected(keep) -> set[str]:
    return {title for title, facts in OFFERS.items() if keep(*facts)}


@pytest.mark.parametrize(
    ("query", "keep"),
    [
        ("short=y", lambda f, m, w, c, e, s: m <= 120),
        ("work_time=y", lambda f, m, w, c, e, s: w),
        ("free=y", lambda f, m, w, c, e, s: c),
        ("no_exam=y", lambda f, m, w, c, e, s: not e),
        ("near=y", lambda f, m, w, c, e, s: s),
        ("work_time=y&no_exam=y", lambda f, m, w, c, e, s: w and not e),
        ("short=y&free=y&near=y", lambda f, m, w, c, e, s: m <= 120 and c and s),
    ],
)
def test_each_filter_shows_exactly_the_matching_offers(client, make, catalogue_org, query, keep):
    login(client, make.member(catalogue_org).user)
    response = client.get(f"/o/{catalogue_org.slug}/offers/?{query}")
    assert response.status_code == 200
    assert set(titles(response.get_data(as_text=True))) == _expected(keep)


def test_in_person_formats_first_then_short_first(client, make, catalogue_org):
    login(client, make.member(catalogue_org).user)
    shown = titles(client.get(f"/o/{catalogue_org.slug}/offers/").get_data(as_text=True))
    assert shown == [
        "Forklift",
        "Excel evening",
        "First aid",
        "Welding certificate",
        "Safety minute",
        "Dutch online",
    ]


def test_filter_as_htmx_returns_only_the_results_with_a_count(client, make, catalogue_org):
    login(client, make.member(catalogue_org).user)
    english(client)
    response = client.get(
        f"/o/{catalogue_org.slug}/offers/?work_time=y&no_exam=y", headers={"HX-Request": "true"}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body and "<form" not in body
    assert "3 offers" in body
    assert set(titles(body)) == {"Forklift", "Safety minute", "Dutch online"}
    assert "HX-Request" in response.headers.get("Vary", "")


def test_page_without_javascript_has_a_get_form_with_labelled_toggles(client, make, catalogue_org):
    login(client, make.member(catalogue_org).user)
    english(client)
    body = client.get(f"/o/{catalogue_org.slug}/offers/?near=y").get_data(as_text=True)
    assert "<html" in body
    assert f'method="get" action="/o/{catalogue_org.slug}/offers/"' in body
    for name in ("short", "work_time", "free", "no_exam", "near"):
        assert f'<label for="{name}"' in body
        assert f'name="{name}"' in body
    assert '<input checked class="toggle-input" id="near" name="near" type="checkbox"' in body
    assert '<input class="toggle-input" id="short" name="short" type="checkbox"' in body
    assert 'type="submit"' in body and "Show offers" in body
    assert "2 offers" in body


def test_empty_result_suggests_the_learning_ambassador(client, make):
    org = make.org()
    make.offer(org, title="Long course", duration_minutes=600)
    login(client, make.member(org).user)
    english(client)
    body = client.get(f"/o/{org.slug}/offers/?short=y").get_data(as_text=True)
    assert "0 offers" in body
    assert "learning ambassador" in body


def test_shared_offers_show_other_organisations_and_switched_off_do_not(client, make, dbs):
    org = make.org()
    union = make.org(name="Union")
    other = make.org()
    make.offer(org, title="Our own")
    make.offer(org, title="Switched off", active=False)
    shared = make.offer(union, title="Shared by the union")
    make.offer(union, title="Union only")
    make.offer(other, title="Other company")
    dbs.add(OfferVisibility(org_id=org.id, offer_id=shared.id))
    dbs.commit()
    login(client, make.member(org).user)
    shown = set(titles(client.get(f"/o/{org.slug}/offers/").get_data(as_text=True)))
    assert shown == {"Our own", "Shared by the union"}
    assert client.get(f"/o/{org.slug}/offers/{shared.id}").status_code == 200


def test_admin_sees_switched_off_offers_in_their_own_list(client, make):
    org = make.org()
    off = make.offer(org, title="Old course", active=False)
    login(client, make.admin(org).user)
    body = client.get(f"/o/{org.slug}/offers/").get_data(as_text=True)
    assert titles(body) == []
    assert f"/o/{org.slug}/offers/{off.id}" in body


def test_catalogue_runs_the_same_number_of_queries_for_10_and_200_offers(
    client, make, dbs, count_queries
):
    org = make.org()
    person = make.member(org)
    union = make.org()
    formats = list(OfferFormat)

    def add(start, count):
        for i in range(start, start + count):
            owner = union if i % 5 == 0 else org
            item = make.offer(owner, title=f"Offer {i}", format=formats[i % len(formats)])
            if owner is union:
                dbs.add(OfferVisibility(org_id=org.id, offer_id=item.id))
                dbs.commit()

    add(0, 10)
    login(client, person.user)
    url = f"/o/{org.slug}/offers/?free=y"
    with count_queries() as small:
        assert client.get(url).status_code == 200
    add(10, 190)
    with count_queries() as large:
        response = client.get(url)
    assert len(titles(response.get_data(as_text=True))) == 200
    assert small.count == large.count, (small.statements, large.statements)
