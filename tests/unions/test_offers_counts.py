"""The union sees how many people per company signed up, never who (U4, PRODUCT §4.5).

Each company's cell is hidden below that company's own minimum group size; when the
total (places taken, which people see anyway as "N places left") would give a single
hidden cell away, the next-smallest cell is hidden too. The page runs the same number of
SQL statements for 2 and for 20 companies.
"""

from __future__ import annotations

import re

from app.offers.models import SignupStatus
from app.unions.models import AgreementStatus
from tests.conftest import login

from .helpers_offers import (
    agreeing_company,
    english,
    learning_day,
    share,
    sign_up,
    union_with_coordinator,
)

ROW_RE = re.compile(r'<tr><th scope="row">([^<]+)</th><td>(.*?)</td></tr>', re.S)
HIDDEN = '<span class="suppressed">too few to show</span>'


def _cells(html: str) -> dict[str, str]:
    """Company name → what its cell shows ("3", or "hidden")."""
    return {
        name: "hidden" if HIDDEN in cell else cell.strip() for name, cell in ROW_RE.findall(html)
    }


def _page(client, union) -> str:
    response = client.get(f"/o/{union.slug}/union/offers")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _signed_in(client, coordinator):
    login(client, coordinator)
    english(client)


def test_each_company_is_hidden_below_its_own_minimum_group_size(client, make, dbs):
    union, coordinator = union_with_coordinator(make)
    companies = {}
    for name, k, people in (("A", 3, 3), ("B", 5, 4), ("C", 5, 1), ("D", 4, 4)):
        company, _ = agreeing_company(make, union, name=f"Bedrijf {name}", min_group_size=k)
        companies[name] = (company, people)
    offer = learning_day(make, union, capacity=50)
    share(dbs, offer, *(c for c, _p in companies.values()))
    for company, people in companies.values():
        sign_up(dbs, company, offer, people, make=make)
    _signed_in(client, coordinator)

    page = _page(client, union)

    # k people: shown; k-1 (B, k=5, 4 people): hidden, while D shows 4 (its k is 4).
    assert _cells(page) == {
        "Bedrijf A": "3",
        "Bedrijf B": "hidden",
        "Bedrijf C": "hidden",
        "Bedrijf D": "4",
    }
    assert "Places taken: 12 of 50." in page and "38 places left" in page
    for name, _cell in ROW_RE.findall(page):
        assert "Person" not in name  # never who


def test_a_total_that_would_reveal_one_hidden_company_hides_the_next_smallest_too(
    client, make, dbs
):
    union, coordinator = union_with_coordinator(make)
    rows = (("A", 2), ("B", 5), ("C", 7))
    made = []
    for name, people in rows:
        company, _ = agreeing_company(make, union, name=f"Bedrijf {name}", min_group_size=3)
        made.append((company, people))
    offer = learning_day(make, union, capacity=30)
    share(dbs, offer, *(c for c, _p in made))
    for company, people in made:
        sign_up(dbs, company, offer, people, make=make)
    _signed_in(client, coordinator)

    page = _page(client, union)

    # 14 taken - 7 - 5 would be A's 2: B (next smallest) is hidden as well.
    assert "Places taken: 14 of 30." in page
    assert _cells(page) == {"Bedrijf A": "hidden", "Bedrijf B": "hidden", "Bedrijf C": "7"}


def test_one_hidden_company_and_nothing_to_hide_with_it_hides_the_total_too(client, make, dbs):
    union, coordinator = union_with_coordinator(make)
    company, _ = agreeing_company(make, union, name="Bedrijf Alleen", min_group_size=5)
    offer = learning_day(make, union, capacity=20)
    share(dbs, offer, company)
    sign_up(dbs, company, offer, 1, make=make)
    _signed_in(client, coordinator)

    page = _page(client, union)

    # "1 of 20 places taken" or "19 places left" would give the hidden cell away.
    assert _cells(page) == {"Bedrijf Alleen": "hidden"}
    assert f"Places taken: {HIDDEN}. Places in total: 20." in page
    assert "1 of 20" not in page and "19 places left" not in page
    assert "place left" not in page and "Full" not in page


def test_a_second_company_without_sign_ups_does_not_protect_the_first(client, make, dbs):
    union, coordinator = union_with_coordinator(make)
    made = [
        agreeing_company(make, union, name=f"Bedrijf {name}", min_group_size=3)[0] for name in "AB"
    ]
    offer = learning_day(make, union, capacity=2)
    share(dbs, offer, *made)
    sign_up(dbs, made[0], offer, 2, make=make)
    _signed_in(client, coordinator)

    page = _page(client, union)

    assert _cells(page) == {"Bedrijf A": "hidden", "Bedrijf B": "hidden"}
    assert f"Places taken: {HIDDEN}. Places in total: 2." in page
    assert "Full" not in page and "2 of 2" not in page


def test_without_a_limit_a_small_total_is_hidden_too(client, make, dbs):
    union, coordinator = union_with_coordinator(make)
    company, _ = agreeing_company(make, union, name="Bedrijf A", min_group_size=5)
    offer = learning_day(make, union, capacity=None, title="Cursus zonder maximum")
    share(dbs, offer, company)
    sign_up(dbs, company, offer, 2, make=make)
    sign_up(dbs, company, offer, 6, status=SignupStatus.interested, make=make)
    _signed_in(client, coordinator)

    page = _page(client, union)

    assert _cells(page) == {"Bedrijf A": "hidden"}
    assert f"Signed up, all companies together: {HIDDEN}" in page


def test_sign_ups_of_a_company_whose_agreement_ended_are_counted_together(client, make, dbs):
    union, coordinator = union_with_coordinator(make)
    active, _ = agreeing_company(make, union, name="Bedrijf Actief", min_group_size=3)
    ended, _ = agreeing_company(
        make, union, status=AgreementStatus.ended, name="Bedrijf Gestopt", min_group_size=3
    )
    offer = learning_day(make, union, capacity=40)
    share(dbs, offer, active)
    sign_up(dbs, active, offer, 6, make=make)
    sign_up(dbs, ended, offer, 4, make=make)
    _signed_in(client, coordinator)

    page = _page(client, union)

    assert "Bedrijf Gestopt" not in page
    assert _cells(page) == {"Bedrijf Actief": "6", "Companies without an active agreement": "4"}
    assert "Places taken: 10 of 40." in page


def _arrange_companies(make, dbs, union, how_many: int, offers) -> None:
    for number in range(how_many):
        company, _ = agreeing_company(make, union, name=f"Bedrijf {number:02d}")
        share(dbs, offers[number % len(offers)], company)
        sign_up(dbs, company, offers[number % len(offers)], 1 + number % 3, make=make)


def test_the_page_runs_the_same_number_of_queries_for_2_and_20_companies(
    app, make, dbs, count_queries
):
    counts = []
    for how_many in (2, 20):
        union, coordinator = union_with_coordinator(make, slug=f"bond-{how_many}")
        offers = [
            learning_day(make, union, title=f"Leerdag {n}", capacity=None if n == 2 else 25)
            for n in range(3)
        ]
        _arrange_companies(make, dbs, union, how_many, offers)
        client = app.test_client()
        login(client, coordinator)
        client.get(f"/o/{union.slug}/union/offers")  # warm up (session, translations)
        with count_queries() as counter:
            response = client.get(f"/o/{union.slug}/union/offers")
        assert response.status_code == 200
        assert f"Bedrijf {how_many - 1:02d}" in response.get_data(as_text=True)
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
