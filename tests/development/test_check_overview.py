"""Learning check counts for the admin: distinct people per factor, never fewer than k."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.development.check_queries import factor_profile, people_with_factor
from app.development.checks import factors_the_check_can_give
from app.evidence import Factor
from app.extensions import db
from app.tenancy import org_context
from tests.conftest import login

from .helpers_check import check_url, english, seed_check, take_check


def cell(html: str, factor: str) -> str:
    """The text of the count cell of ``factor`` in the overview table."""
    match = re.search(rf'<tr data-factor="{factor}">.*?<td>(.*?)</td>', html, re.S)
    assert match, f"no row for {factor}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def total(html: str) -> str:
    match = re.search(r'<strong class="check-total">(.*?)</strong>', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def _admin(client, make, org):
    admin = make.admin(org, name="Ada Admin").user
    login(client, admin)
    english(client)
    return admin


def _people_with(make, dbs, org, n, factors, prefix="Taker"):
    people = []
    for i in range(n):
        person = make.member(org, name=f"{prefix} {i:03}").user
        seed_check(dbs, org, person, factors, {"time": "full"})
        people.append(person)
    return people


@pytest.mark.parametrize(("with_factor", "shown"), [(4, "too few to show"), (5, "5")])
def test_counts_below_the_group_size_are_not_shown(client, make, dbs, with_factor, shown):
    org = make.org(min_group_size=5)
    _people_with(make, dbs, org, with_factor, {"B-TIME": 2, "D-INT": 1})
    _people_with(make, dbs, org, 10 - with_factor, {"D-INT": 1, "D-PEER": 1}, prefix="Other")
    _admin(client, make, org)

    html = client.get(check_url(org, "/overview")).get_data(as_text=True)

    assert cell(html, "B-TIME") == shown
    assert total(html) == "10"
    assert cell(html, "B-MONEY") == "too few to show"


@pytest.mark.parametrize(("without", "shown"), [(4, "too few to show"), (5, "5")])
def test_a_count_is_hidden_when_too_few_people_lack_the_factor(client, make, dbs, without, shown):
    """Review finding: "6 took it, 6 have D-INT" told that each of the six has it."""
    org = make.org(min_group_size=5)
    _people_with(make, dbs, org, 5, {"D-PEER": 1, "D-INT": 1})
    _people_with(make, dbs, org, without, {"D-INT": 1}, prefix="Other")
    _admin(client, make, org)

    html = client.get(check_url(org, "/overview")).get_data(as_text=True)

    assert cell(html, "D-PEER") == shown  # 5 have it; ``without`` of the others lack it
    assert cell(html, "D-INT") == "too few to show"  # everyone has it


def test_the_total_is_withheld_below_the_group_size_too(client, make, dbs):
    org = make.org(min_group_size=5)
    _people_with(make, dbs, org, 4, {"B-TIME": 2})
    _admin(client, make, org)

    html = client.get(check_url(org, "/overview")).get_data(as_text=True)

    assert total(html) == "too few to show"
    assert cell(html, "B-TIME") == "too few to show"
    assert ">4<" not in html


def test_counts_are_distinct_people_of_this_organisation_and_follow_a_retake(client, make, dbs):
    org = make.org(min_group_size=3)
    other = make.org(min_group_size=3)
    _people_with(make, dbs, other, 5, {"B-TIME": 2})
    takers = [make.member(org).user for _ in range(6)]
    for index, person in enumerate(takers):
        login(client, person)
        take_check(
            client, org, {"time": "full", "exams": "bad"} if index < 3 else {"exams": "fine"}
        )
    login(client, takers[0])
    take_check(client, org, {"exams": "bad"})  # a retake without the time answer
    _admin(client, make, org)

    html = client.get(check_url(org, "/overview")).get_data(as_text=True)

    assert total(html) == "6"
    assert cell(html, "B-FEAR") == "3"
    assert cell(html, "B-TIME") == "too few to show"  # 2 now, below 3


def test_the_overview_shows_no_names_and_labels_factors_in_plain_words(client, make, dbs):
    org = make.org(min_group_size=5)
    _people_with(make, dbs, org, 5, {"B-TIME": 2, "B-LIFE": 2})
    _admin(client, make, org)

    html = client.get(check_url(org, "/overview")).get_data(as_text=True)

    assert "Taker" not in html
    assert 'Little time <span class="small">(B-TIME)</span>' in html
    rows = re.findall(r'<tr data-factor="([A-Z-]+)">', html)
    assert rows == [f.value for f in factors_the_check_can_give()]
    assert "href=" not in html.split('<table class="data check-overview">')[1].split("</table>")[0]


@pytest.mark.parametrize("roles", [("employee",), ("employee", "manager"), ("ambassador",)])
def test_only_admins_see_the_overview(client, make, dbs, roles):
    org = make.org(min_group_size=3)
    _people_with(make, dbs, org, 5, {"B-TIME": 2})
    login(client, make.member(org, roles=roles).user)
    response = client.get(check_url(org, "/overview"))
    assert response.status_code == 403
    assert "B-TIME" not in response.get_data(as_text=True)


def test_overview_runs_the_same_queries_with_5_and_200_people(client, make, dbs, count_queries):
    org = make.org(min_group_size=5)
    _admin(client, make, org)
    _people_with(make, dbs, org, 5, {"B-TIME": 2, "D-NORM": 1})
    url = check_url(org, "/overview")
    with count_queries() as small:
        assert client.get(url).status_code == 200
    _people_with(make, dbs, org, 190, {"B-TIME": 2, "B-FEAR": 1}, prefix="More")
    _people_with(make, dbs, org, 5, {"D-SELF": 1}, prefix="Sure")
    with count_queries() as large:
        html = client.get(url).get_data(as_text=True)
    assert cell(html, "B-TIME") == "195"
    assert cell(html, "B-FEAR") == "190"
    assert total(html) == "200"
    assert small.count == large.count, (small.statements, large.statements)


def test_factor_profile_and_people_with_factor_for_nudges(app, make, dbs):
    org = make.org()
    other = make.org()
    busy = [make.member(org).user for _ in range(3)]
    calm = make.member(org).user
    for person in busy:
        seed_check(dbs, org, person, {"B-TIME": 2, "D-INT": 1})
    seed_check(dbs, org, calm, {"D-INT": 1})
    elsewhere = make.member(other).user
    seed_check(dbs, other, elsewhere, {"B-TIME": 2})
    never = make.member(org).user

    with app.app_context(), org_context([org.id]):
        assert factor_profile(org.id, busy[0].id) == {Factor.no_time, Factor.intrinsic_interest}
        assert factor_profile(org.id, never.id) == frozenset()
        assert factor_profile(org.id, elsewhere.id) == frozenset()
        ids = set(db.session.scalars(people_with_factor(org.id, Factor.no_time)))
        assert ids == {p.id for p in busy}
        # Usable as a subquery: one SQL statement picks the audience.
        names = set(
            db.session.scalars(
                select(User.name).where(
                    User.id.in_(people_with_factor(org.id, Factor.intrinsic_interest))
                )
            )
        )
        assert names == {p.name for p in [*busy, calm]}
