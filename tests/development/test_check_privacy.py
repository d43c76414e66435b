"""My learning check answers are mine only (PRODUCT §4.2): no URL shows them to anyone else."""

from __future__ import annotations

from html import unescape

import pytest

from tests.conftest import login, post_form

from .helpers_check import (
    FACTOR_RE,
    check_url,
    checked_answers,
    english,
    stored_checks,
    stored_factors,
    take_check,
)

MINE = {"life": "yes", "contract": "temporary", "exams": "bad"}
MY_LINES = ("A lot is going on in your life", "You have a temporary contract")
VIEWERS = {
    "colleague": ("employee",),
    "ambassador": ("employee", "ambassador"),
    "manager": ("employee", "manager"),
    "admin": ("employee", "admin"),
}


@pytest.fixture()
def my_check(client, make):
    org = make.org(min_group_size=3)
    team = make.team(org)
    me = make.member(org, team=team).user
    login(client, me)
    english(client)
    take_check(client, org, MINE)
    return org, team, me


def _shows_nothing_of_mine(html: str) -> None:
    text = unescape(html)
    for line in MY_LINES:
        assert line not in text
    assert checked_answers(html) == {}
    assert "B-LIFE" not in FACTOR_RE.findall(html)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_nobody_else_in_the_organisation_sees_my_answers(client, make, dbs, my_check, viewer):
    org, team, me = my_check
    other = make.member(org, roles=VIEWERS[viewer], team=team).user
    login(client, other)
    english(client)

    for page in ("", "/result"):
        response = client.get(check_url(org, page))
        assert response.status_code == 200
        _shows_nothing_of_mine(response.get_data(as_text=True))
    # The result page always shows the viewer's own (here: none yet).
    result = client.get(check_url(org, "/result")).get_data(as_text=True)
    assert "You have not done the learning check yet." in result
    # Their "delete my answers" deletes theirs, never mine.
    post_form(client, check_url(org, "/delete"), token_from=check_url(org))
    assert len(stored_checks(dbs, org, me)) == 1
    assert stored_factors(dbs, org, me) == {"B-LIFE": 2, "B-TEMP": 2, "B-FEAR": 2}


def test_a_colleague_with_a_check_of_their_own_sees_only_theirs(client, make, my_check):
    org, _team, _me = my_check
    colleague = make.member(org).user
    login(client, colleague)
    english(client)
    take_check(client, org, {"why": "hobby"})

    result = client.get(check_url(org, "/result")).get_data(as_text=True)
    page = client.get(check_url(org)).get_data(as_text=True)

    assert FACTOR_RE.findall(result) == ["D-INT"]
    assert checked_answers(page) == {"q_why": "hobby"}
    for line in MY_LINES:
        assert line not in unescape(result)


def test_the_admin_overview_shows_no_individual(client, make, my_check):
    org, _team, me = my_check
    admin = make.admin(org).user
    login(client, admin)
    english(client)

    html = client.get(check_url(org, "/overview")).get_data(as_text=True)

    assert me.name not in html
    assert "too few to show" in html
    assert ">1<" not in html


@pytest.mark.parametrize("page", ["", "/result", "/overview"])
def test_another_organisation_gets_not_found(client, make, dbs, my_check, page):
    org, _team, me = my_check
    outsider = make.admin(make.org()).user
    login(client, outsider)

    assert client.get(check_url(org, page)).status_code == 404
    response = post_form(client, check_url(org, "/delete"), token_from="/login")
    assert response.status_code == 404
    assert len(stored_checks(dbs, org, me)) == 1
