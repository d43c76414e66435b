"""Learning budget (E5): sign-ups commit, cancels release, completion spends — exact cents.

Everything through the pages a person and an admin use; the database is read only to check.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from app.activity.models import ActivityEvent
from app.audit.models import AuditEvent
from app.development.models import BudgetEntry
from app.notifications.models import Notification
from app.offers.models import OfferSignup, SignupStatus
from tests.conftest import csrf_token, login

from .helpers_budget import (
    HX,
    budget_url,
    choose,
    count,
    english,
    entries,
    frozen,  # noqa: F401 (fixture)
    offer_url,
    paid_offer,
    set_budget,
)

pytestmark = pytest.mark.usefixtures("frozen")


def _signed_in(client, make, org, **kwargs):
    person = make.member(org, **kwargs).user
    login(client, person)
    english(client)
    return person


def _signups(dbs) -> list[tuple[int, str]]:
    dbs.expire_all()
    return [(s.offer_id, str(s.status)) for s in dbs.scalars(select(OfferSignup))]


def test_sign_up_commits_the_exact_cost_and_the_page_shows_what_is_left(client, make, dbs):
    org = make.org()
    set_budget(dbs, org, 75050)  # € 750,50
    item = paid_offer(make, org, 45025, title="Heftruckcertificaat")
    _signed_in(client, make, org)

    page = client.get(offer_url(org, item.id)).get_data(as_text=True)
    assert "Costs €450.25 from your learning budget — €750.50 left." in page

    assert choose(client, org, item.id, "signed_up").status_code == 302
    [(signup_id, year, cents, status)] = entries(dbs)
    assert (year, cents, status) == (2026, 45025, "committed")

    page = client.get(budget_url(org)).get_data(as_text=True)
    assert "Your budget for 2026" in page
    assert "€750.50" in page  # the amount
    assert "€450.25" in page  # set aside
    assert "€300.25" in page  # left: 750.50 - 450.25, no rounding
    assert "Heftruckcertificaat" in page and "Set aside" in page


def test_double_sign_up_commits_once(client, make, dbs):
    org = make.org()
    set_budget(dbs, org, 100000)
    item = paid_offer(make, org, 40000)
    _signed_in(client, make, org)
    for _ in range(2):
        assert choose(client, org, item.id, "signed_up").status_code == 302
    assert [e[1:] for e in entries(dbs)] == [(2026, 40000, "committed")]


def test_more_than_what_is_left_is_refused_and_nothing_changes(client, make, dbs):
    org = make.org()
    make.admin(org)
    set_budget(dbs, org, 30000)
    item = paid_offer(make, org, 45000, title="Lassen")
    _signed_in(client, make, org)
    events_before = count(dbs, ActivityEvent)

    response = choose(client, org, item.id, "signed_up")
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert (
        "This costs €450.00. You have €300.00 left in your learning budget for 2026. "
        "Talk to your manager or admin."
    ) in page
    assert 'value="signed_up"' in page  # still the "Sign me up" button: not signed up

    assert _signups(dbs) == []
    assert entries(dbs) == []
    assert count(dbs, ActivityEvent) == events_before
    assert count(dbs, Notification) == 0
    assert count(dbs, AuditEvent) == 0


def test_refusal_after_interest_keeps_the_interest_and_htmx_gets_the_message(client, make, dbs):
    org = make.org()
    set_budget(dbs, org, 10000)
    item = paid_offer(make, org, 10001)  # one cent too much
    _signed_in(client, make, org)
    choose(client, org, item.id, "interested")
    events_before = count(dbs, ActivityEvent)

    response = choose(client, org, item.id, "signed_up", headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "<html" not in body and 'id="signup-box"' in body
    assert "This costs €100.01. You have €100.00 left" in body
    assert _signups(dbs) == [(item.id, "interested")]
    assert entries(dbs) == []
    assert count(dbs, ActivityEvent) == events_before


def test_exactly_what_is_left_may_be_committed(client, make, dbs):
    org = make.org()
    set_budget(dbs, org, 50000)
    first, second = paid_offer(make, org, 20000), paid_offer(make, org, 30000)
    _signed_in(client, make, org)
    choose(client, org, first.id, "signed_up")
    choose(client, org, second.id, "signed_up")
    assert [e[2:] for e in entries(dbs)] == [(20000, "committed"), (30000, "committed")]
    third = paid_offer(make, org, 1)
    choose(client, org, third.id, "signed_up")
    assert len(entries(dbs)) == 2  # not one cent more


def test_cancel_releases_and_signing_up_again_commits_again_on_the_same_row(client, make, dbs):
    org = make.org()
    set_budget(dbs, org, 50000)
    item = paid_offer(make, org, 40000)
    other = paid_offer(make, org, 40000)
    _signed_in(client, make, org)
    choose(client, org, item.id, "signed_up")
    choose(client, org, item.id, "cancel")
    [(signup_id, _year, _cents, status)] = entries(dbs)
    assert status == "released"
    assert "€500.00" in client.get(budget_url(org)).get_data(as_text=True)

    # The released money pays for another offer ...
    choose(client, org, other.id, "signed_up")
    # ... so the first one no longer fits, and the released row stays released.
    choose(client, org, item.id, "signed_up")
    rows = {e[0]: e[3] for e in entries(dbs)}
    assert rows[signup_id] == "released"
    choose(client, org, other.id, "cancel")
    choose(client, org, item.id, "signed_up")
    rows = entries(dbs)
    assert len(rows) == 2  # the first sign-up's row was reused, not a new one
    assert {e[0]: e[3] for e in rows}[signup_id] == "committed"


def test_completion_spends_the_committed_money(client, make, dbs):
    org = make.org()
    admin = make.admin(org).user
    set_budget(dbs, org, 100000)
    item = paid_offer(make, org, 25000)
    person = _signed_in(client, make, org)
    choose(client, org, item.id, "signed_up")
    signup_id = dbs.scalar(select(OfferSignup.id).where(OfferSignup.user_id == person.id))

    login(client, admin)
    url = f"/o/{org.slug}/offers/{item.id}/signups"
    client.post(f"{url}/{signup_id}/complete", data={"csrf_token": csrf_token(client, url)})
    assert [e[2:] for e in entries(dbs)] == [(25000, "spent")]

    login(client, person)
    page = client.get(budget_url(org)).get_data(as_text=True)
    assert "Spent" in page and "€250.00" in page and "€750.00" in page


def test_completion_of_an_offer_the_employer_now_pays_gives_the_money_back(client, make, dbs):
    """The admin made the offer free after the person signed up: nothing is spent."""
    org = make.org()
    admin = make.admin(org).user
    set_budget(dbs, org, 100000)
    item = paid_offer(make, org, 25000)
    person = _signed_in(client, make, org)
    choose(client, org, item.id, "signed_up")
    signup_id = dbs.scalar(select(OfferSignup.id).where(OfferSignup.user_id == person.id))
    item.cost_covered = True
    dbs.commit()
    login(client, admin)
    url = f"/o/{org.slug}/offers/{item.id}/signups"
    client.post(f"{url}/{signup_id}/complete", data={"csrf_token": csrf_token(client, url)})
    assert [e[2:] for e in entries(dbs)] == [(25000, "released")]


def test_completion_without_a_sign_up_still_spends_from_this_years_budget(client, make, dbs):
    """Only "interested" and then finished: the money was spent all the same."""
    org = make.org()
    admin = make.admin(org).user
    set_budget(dbs, org, 10000)
    item = paid_offer(make, org, 25000)
    person = _signed_in(client, make, org)
    choose(client, org, item.id, "interested")
    signup_id = dbs.scalar(select(OfferSignup.id).where(OfferSignup.user_id == person.id))
    login(client, admin)
    url = f"/o/{org.slug}/offers/{item.id}/signups"
    client.post(f"{url}/{signup_id}/complete", data={"csrf_token": csrf_token(client, url)})
    assert [e[1:] for e in entries(dbs)] == [(2026, 25000, "spent")]


def test_team_amount_wins_over_the_organisation_amount(client, make, dbs):
    org = make.org()
    team = make.team(org)
    set_budget(dbs, org, 50000)
    set_budget(dbs, org, 100000, team=team)
    item = paid_offer(make, org, 80000)

    in_team = _signed_in(client, make, org, team=team)
    choose(client, org, item.id, "signed_up")
    assert "€200.00" in client.get(budget_url(org)).get_data(as_text=True)  # 1000 - 800

    _signed_in(client, make, org)  # no team: the organisation's 500
    choose(client, org, item.id, "signed_up")
    dbs.expire_all()
    assert [s.user_id for s in dbs.scalars(select(OfferSignup))] == [in_team.id]


def test_a_team_budget_alone_does_not_apply_to_other_teams(client, make, dbs):
    org = make.org()
    team, other_team = make.team(org), make.team(org)
    set_budget(dbs, org, 10000, team=team)
    item = paid_offer(make, org, 80000)
    _signed_in(client, make, org, team=other_team)
    page = client.get(offer_url(org, item.id)).get_data(as_text=True)
    assert "from your learning budget" not in page
    choose(client, org, item.id, "signed_up")
    assert _signups(dbs) == [(item.id, "signed_up")] and entries(dbs) == []


def test_next_years_budget_is_separate(client, make, dbs):
    org = make.org()
    set_budget(dbs, org, 30000, year=2026)
    set_budget(dbs, org, 100000, year=2027)
    this_year = paid_offer(make, org, 25000, title="Course of 2026")
    next_year = paid_offer(make, org, 90000, title="Course of 2027")
    person = _signed_in(client, make, org)
    choose(client, org, this_year.id, "signed_up")
    page = client.get(budget_url(org)).get_data(as_text=True)
    assert "Next year (2027) your budget is €1,000.00." in page
    choose(client, org, next_year.id, "signed_up")  # 900 does not fit in 2026's 50 left
    assert [e[1:] for e in entries(dbs)] == [(2026, 25000, "committed")]

    # New Year's Eve, 23:30 UTC, is already 1 January 2027 in Amsterdam.
    with time_machine.travel(datetime(2026, 12, 31, 23, 30, tzinfo=UTC), tick=False):
        login(client, person)  # a new sign-in: the one from May has timed out
        choose(client, org, next_year.id, "signed_up")
        assert [e[1:] for e in entries(dbs)] == [
            (2026, 25000, "committed"),
            (2027, 90000, "committed"),
        ]
        page = client.get(budget_url(org)).get_data(as_text=True)
    assert "Your budget for 2027" in page and "€100.00" in page  # 1000 - 900
    assert "Course of 2027" in page and "Course of 2026" not in page


def test_offers_the_employer_pays_do_not_touch_the_budget(client, make, dbs):
    org = make.org()
    set_budget(dbs, org, 10000)
    item = paid_offer(make, org, 45000, covered=True)
    _signed_in(client, make, org)
    page = client.get(offer_url(org, item.id)).get_data(as_text=True)
    assert "from your learning budget" not in page
    choose(client, org, item.id, "signed_up")
    assert _signups(dbs) == [(item.id, "signed_up")]
    assert entries(dbs) == []


def test_free_offers_do_not_touch_the_budget(client, make, dbs):
    org = make.org()
    set_budget(dbs, org, 0)
    item = make.offer(org, cost_covered=False, cost_cents=None)
    _signed_in(client, make, org)
    choose(client, org, item.id, "signed_up")
    assert _signups(dbs) == [(item.id, "signed_up")] and entries(dbs) == []


def test_without_a_budget_nothing_is_committed_and_nothing_is_blocked(client, make, dbs):
    org = make.org()
    set_budget(dbs, org, 100000, year=2025)  # last year's does not count
    item = paid_offer(make, org, 45000)
    _signed_in(client, make, org)
    choose(client, org, item.id, "signed_up")
    assert _signups(dbs) == [(item.id, "signed_up")]
    assert entries(dbs) == []
    page = client.get(budget_url(org)).get_data(as_text=True)
    assert "There is no learning budget for you in 2026." in page


def test_a_budget_of_zero_refuses_every_paid_offer(client, make, dbs):
    org = make.org()
    set_budget(dbs, org, 0)
    item = paid_offer(make, org, 1)
    _signed_in(client, make, org)
    response = choose(client, org, item.id, "signed_up")
    assert "You have €0.00 left" in client.get(response.location).get_data(as_text=True)
    assert _signups(dbs) == []


def test_budget_page_runs_the_same_queries_for_5_and_200_entries(client, make, dbs, count_queries):
    org = make.org()
    set_budget(dbs, org, 100_000_000)
    person = _signed_in(client, make, org)

    def add_entries(n: int) -> None:
        for i in range(n):
            item = paid_offer(make, org, 100 + i, title=f"Course {i}")
            signup = OfferSignup(
                org_id=org.id,
                offer_id=item.id,
                user_id=person.id,
                status=SignupStatus.signed_up,
            )
            dbs.add(signup)
            dbs.flush()
            dbs.add(
                BudgetEntry(
                    org_id=org.id,
                    user_id=person.id,
                    signup_id=signup.id,
                    year=2026,
                    amount_cents=100 + i,
                    status="committed",
                )
            )
        dbs.commit()

    add_entries(5)
    with count_queries() as few:
        assert client.get(budget_url(org)).status_code == 200
    add_entries(195)
    with count_queries() as many:
        page = client.get(budget_url(org)).get_data(as_text=True)
    assert page.count(">Set aside<") == 200
    assert many.count == few.count
