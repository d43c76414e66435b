"""The learning log (E2) from the person's side: log something in a few taps, see this
year's hours, pre-fill from a finished offer or a done step, change and delete."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from app.activity.models import ActivityEvent
from app.development.models import LearningKind, LearningLogEntry
from app.offers.models import OfferFormat, OfferSignup, SignupStatus
from tests.conftest import login

from .helpers_goals import HX, client_token, english, make_entry, make_goal, send, text_of, url

NOW = datetime(2026, 5, 12, 10, 0, tzinfo=UTC)


def _count(dbs, model, *where) -> int:
    return dbs.scalar(select(func.count()).select_from(model).where(*where))


def _log(client, org, headers=None, query: str = "", **fields):
    """Fill in the quick form as a phone would: one form token per page."""
    page = client.get(url(org, "log" + query)).get_data(as_text=True)
    data = {
        "client_token": client_token(page),
        "title": "Working with the new scanner",
        "kind": "informal",
        "hours": "1,5",
        "time": "work",
        "learned_on": NOW.date().isoformat(),
    }
    data.update(fields)
    return send(
        client,
        org,
        url(org, "log"),
        {k: v for k, v in data.items() if v is not None},
        headers=headers,
    )


@pytest.fixture()
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_log_something_without_javascript(client, make, dbs, frozen):
    org = make.org()
    me = make.member(org).user
    login(client, me)
    english(client)
    page = text_of(client.get(url(org, "log")))
    assert "A course with a diploma or certificate." in page
    assert "A course or workshop without a diploma." in page
    assert "Learning while working, from a colleague or by trying." in page
    assert f'value="{NOW.date().isoformat()}"' in page  # today, already filled in
    assert 'inputmode="decimal"' in page

    response = _log(client, org, notes="Piet showed me.")

    assert response.status_code == 302 and response.location.endswith(url(org, "log"))
    entry = dbs.scalars(select(LearningLogEntry)).one()
    assert (entry.user_id, entry.title, entry.kind, entry.minutes) == (
        me.id,
        "Working with the new scanner",
        LearningKind.informal,
        90,
    )
    assert (
        entry.in_work_time and entry.learned_on == NOW.date() and entry.notes == "Piet showed me."
    )
    assert entry.evidence_key is None
    assert _count(dbs, ActivityEvent, ActivityEvent.kind == "learning_logged") == 1
    shown = text_of(client.get(url(org, "log")))
    assert "Well done! It is in your learning log." in shown
    assert "Working with the new scanner" in shown
    assert "1.5 hours" in shown


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [("1,5", 90), ("0.5", 30), ("2", 120), (" 0,25 ", 15), ("200", 12000), ("0,01", 1)],
)
def test_hours_are_read_with_a_dutch_comma_or_a_point(client, make, dbs, frozen, typed, minutes):
    org = make.org()
    login(client, make.member(org).user)
    assert _log(client, org, hours=typed).status_code == 302
    assert dbs.scalar(select(LearningLogEntry.minutes)) == minutes


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Fill in the hours, for example 1,5."),
        ("abc", "Give the hours as a number, for example 1,5 or 2."),
        ("-1", "Give the hours as a number, for example 1,5 or 2."),
        ("1,5,5", "Give the hours as a number, for example 1,5 or 2."),
        ("1e3", "Give the hours as a number, for example 1,5 or 2."),
        ("0", "Give a number of hours above 0."),
        ("0,001", "Give the hours as a number, for example 1,5 or 2."),
        ("200,5", "Give at most 200 hours."),
    ],
)
def test_wrong_hours_are_refused_and_the_text_stays(client, make, dbs, frozen, typed, message):
    org = make.org()
    login(client, make.member(org).user)
    english(client)
    response = _log(client, org, hours=typed, title="Reading the manual")
    body = text_of(response)
    assert response.status_code == 400
    assert message in body
    assert 'value="Reading the manual"' in body
    assert _count(dbs, LearningLogEntry) == 0


def test_other_mistakes_each_get_a_message(client, make, dbs, frozen):
    org = make.org()
    login(client, make.member(org).user)
    english(client)
    response = _log(client, org, title="", kind=None, time=None, learned_on="2026-13-45")
    body = text_of(response)
    assert response.status_code == 400
    for message in (
        "Write in a few words what you learned.",
        "Choose how you learned it.",
        "Choose work time or your own time.",
        "Give a date like 31-12-2025.",
    ):
        assert message in body
    assert _count(dbs, LearningLogEntry) == 0


def test_the_date_is_today_where_the_organisation_is_and_never_in_the_future(client, make, dbs):
    org = make.org(timezone="Pacific/Auckland")
    me = make.member(org).user
    # 20:00 UTC on 12 May is already 13 May in New Zealand.
    with time_machine.travel(datetime(2026, 5, 12, 20, 0, tzinfo=UTC), tick=False):
        login(client, me)
        english(client)
        page = client.get(url(org, "log")).get_data(as_text=True)
        assert 'value="2026-05-13"' in page
        assert _log(client, org, learned_on="2026-05-13").status_code == 302
        future = _log(client, org, learned_on="2026-05-14", title="Tomorrow")
    assert future.status_code == 400
    assert "The date cannot be in the future." in text_of(future)
    assert 'value="Tomorrow"' in text_of(future)
    assert dbs.scalar(select(LearningLogEntry.learned_on)) == date(2026, 5, 13)


def test_a_double_submit_makes_one_entry(client, make, dbs, frozen):
    org = make.org()
    login(client, make.member(org).user)
    page = client.get(url(org, "log")).get_data(as_text=True)
    data = {
        "client_token": client_token(page),
        "title": "Twice",
        "kind": "formal",
        "hours": "1",
        "time": "own",
        "learned_on": "2026-05-01",
    }
    first = send(client, org, url(org, "log"), data)
    second = send(client, org, url(org, "log"), data, headers=HX)
    assert first.status_code == 302 and second.status_code == 200
    assert _count(dbs, LearningLogEntry) == 1
    assert _count(dbs, ActivityEvent, ActivityEvent.kind == "learning_logged") == 1


def test_htmx_gets_the_log_back_with_a_fresh_form(client, make, dbs, frozen):
    org = make.org()
    login(client, make.member(org).user)
    english(client)
    first_page = client.get(url(org, "log")).get_data(as_text=True)
    response = _log(client, org, headers=HX, title="Safety briefing", time="own", hours="0,5")
    body = text_of(response)
    assert response.status_code == 200
    assert "<html" not in body and body.lstrip().startswith('<div id="learning-log">')
    assert "Well done! It is in your learning log." in body
    assert "Safety briefing" in body
    assert client_token(body) != client_token(first_page)  # the next entry is a new one
    assert 'name="title" required type="text" value=""' in body
    assert response.headers["HX-Replace-Url"] == url(org, "log")  # no pre-fill on a reload
    refused = _log(client, org, headers=HX, title="")
    assert refused.status_code == 400 and "<html" not in refused.get_data(as_text=True)
    assert "HX-Replace-Url" not in refused.headers


def test_this_years_hours_are_summed_for_work_time_and_own_time(client, make, dbs, frozen):
    org = make.org()
    me = make.member(org).user
    other = make.member(org).user
    make_entry(dbs, org, me.id, minutes=90, in_work_time=True, learned_on=date(2026, 1, 1))
    make_entry(dbs, org, me.id, minutes=30, in_work_time=True, learned_on=date(2026, 5, 1))
    make_entry(dbs, org, me.id, minutes=45, in_work_time=False, learned_on=date(2026, 3, 3))
    make_entry(dbs, org, me.id, "Last year", minutes=60, learned_on=date(2025, 12, 31))
    make_entry(dbs, org, other.id, minutes=600, in_work_time=False, learned_on=date(2026, 2, 2))
    login(client, me)
    english(client)
    page = text_of(client.get(url(org, "log")))
    totals = page[page.index("This year (2026)") :]
    assert "In work time</dt><dd>2 hours" in totals
    assert "In my own time</dt><dd>0.75 hours" in totals
    assert "1 hour, in work time" in page  # last year's entry: listed, not counted


def test_dutch_pages_show_hours_with_a_comma(client, make, dbs, frozen):
    org = make.org()
    me = make.member(org).user
    entry = make_entry(dbs, org, me.id, minutes=90)
    login(client, me)
    page = client.get(url(org, f"log/{entry.id}")).get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert 'value="1,5"' in page


def test_older_entries_are_one_tap_away(client, make, dbs, frozen):
    org = make.org()
    me = make.member(org).user
    for day in range(1, 26):
        make_entry(dbs, org, me.id, f"Entry {day:02d}", learned_on=date(2026, 4, day))
    login(client, me)
    english(client)
    first = text_of(client.get(url(org, "log")))
    assert "Entry 25" in first and "Entry 06" in first and "Entry 05" not in first
    assert first.index("Entry 25") < first.index("Entry 06")  # newest first
    assert url(org, "log?page=2") in first and "Older entries" in first
    second = text_of(client.get(url(org, "log?page=2")))
    assert "Entry 05" in second and "Entry 01" in second and "Entry 06" not in second
    assert "Newer entries" in second


@pytest.mark.parametrize(
    ("offer_values", "kind"),
    [
        ({"has_exam": True, "format": OfferFormat.classroom}, "formal"),
        ({"format": OfferFormat.on_the_job}, "informal"),
        ({"format": OfferFormat.colleague}, "informal"),
        ({"format": OfferFormat.online}, "non_formal"),
    ],
)
def test_a_finished_offer_fills_in_the_form(client, make, dbs, frozen, offer_values, kind):
    org = make.org()
    me = make.member(org).user
    offer = make.offer(org, title="Reach truck course", duration_minutes=150, **offer_values)
    signup = OfferSignup(
        org_id=org.id,
        offer_id=offer.id,
        user_id=me.id,
        status=SignupStatus.completed,
        completed_at=NOW - timedelta(days=2),
    )
    dbs.add(signup)
    dbs.commit()
    login(client, me)
    english(client)

    for query in (f"?signup_id={signup.id}", f"?offer_id={offer.id}"):
        page = client.get(url(org, "log" + query)).get_data(as_text=True)
        assert 'value="Reach truck course"' in page
        assert 'value="2.5"' in page
        position = ["formal", "non_formal", "informal"].index(kind)
        assert f'checked id="kind-{position}"' in page
        assert f'name="offer_signup_id" type="hidden" value="{signup.id}"' in page
        assert 'value="2026-05-10"' in page  # the day it was finished

    response = _log(client, org, query=f"?signup_id={signup.id}", offer_signup_id=str(signup.id))
    assert response.status_code == 302
    assert dbs.scalar(select(LearningLogEntry.offer_signup_id)) == signup.id


def test_a_sign_up_i_just_did_fills_in_the_form_with_today(client, make, dbs, frozen):
    """Signed up and done it: log it right away, before an admin marks it finished."""
    org = make.org()
    me = make.member(org).user
    offer = make.offer(
        org, title="Scanner in 30 minutes", duration_minutes=30, format=OfferFormat.micro
    )
    signup = OfferSignup(
        org_id=org.id, offer_id=offer.id, user_id=me.id, status=SignupStatus.signed_up
    )
    dbs.add(signup)
    dbs.commit()
    login(client, me)
    english(client)

    for query in (f"?signup_id={signup.id}", f"?offer_id={offer.id}"):
        page = client.get(url(org, "log" + query)).get_data(as_text=True)
        assert 'value="Scanner in 30 minutes"' in page
        assert 'value="0.5"' in page
        assert 'checked id="kind-1"' in page  # non-formal
        assert f'name="offer_signup_id" type="hidden" value="{signup.id}"' in page
        assert f'value="{NOW.date().isoformat()}"' in page  # today

    response = _log(client, org, query=f"?signup_id={signup.id}", offer_signup_id=str(signup.id))
    assert response.status_code == 302
    assert dbs.scalar(select(LearningLogEntry.offer_signup_id)) == signup.id
    dbs.expire_all()
    assert (
        dbs.get(OfferSignup, signup.id).status == SignupStatus.signed_up
    )  # logging is not finishing


@pytest.mark.parametrize("my_status", [SignupStatus.interested, SignupStatus.cancelled])
def test_someone_elses_or_an_interested_or_cancelled_sign_up_fills_in_nothing(
    client, make, dbs, frozen, my_status
):
    org = make.org()
    me = make.member(org).user
    other = make.member(org).user
    offer = make.offer(org, title="Secret course title")
    theirs = OfferSignup(
        org_id=org.id, offer_id=offer.id, user_id=other.id, status=SignupStatus.completed
    )
    theirs_open = OfferSignup(
        org_id=org.id, offer_id=offer.id, user_id=make.member(org).user.id, status="signed_up"
    )
    mine = OfferSignup(org_id=org.id, offer_id=offer.id, user_id=me.id, status=my_status)
    dbs.add_all([theirs, theirs_open, mine])
    dbs.commit()
    login(client, me)
    for query in (
        f"?signup_id={theirs.id}",
        f"?signup_id={theirs_open.id}",
        f"?signup_id={mine.id}",
        f"?offer_id={offer.id}",
        "?signup_id=999999",
        "?signup_id=abc",
    ):
        response = client.get(url(org, "log" + query))
        assert response.status_code == 200
        assert "Secret course title" not in text_of(response)
    # A hidden field changed by hand links nothing that is not mine and signed up or finished.
    for signup in (theirs, theirs_open, mine):
        assert _log(client, org, offer_signup_id=str(signup.id)).status_code == 302
    links = dbs.scalars(select(LearningLogEntry.offer_signup_id))
    assert list(links) == [None, None, None]


def test_a_done_goal_step_fills_in_the_form(client, make, dbs, frozen):
    org = make.org()
    me = make.member(org).user
    other = make.member(org).user
    make_goal(dbs, org, me.id, steps=["Ask Piet about the scanner"])
    make_goal(dbs, org, other.id, steps=["Their private step"])
    from app.development.models import GoalStep

    mine, theirs = dbs.scalars(select(GoalStep.id).order_by(GoalStep.id)).all()
    login(client, me)
    page = client.get(url(org, f"log?step_id={mine}")).get_data(as_text=True)
    assert 'value="Ask Piet about the scanner"' in page
    assert 'checked id="kind-2"' in page  # informal
    assert f'name="goal_step_id" type="hidden" value="{mine}"' in page
    other_page = client.get(url(org, f"log?step_id={theirs}"))
    assert other_page.status_code == 200 and "Their private step" not in text_of(other_page)
    _log(client, org, query=f"?step_id={mine}", goal_step_id=str(mine))
    _log(client, org, goal_step_id=str(theirs))
    links = dbs.scalars(select(LearningLogEntry.goal_step_id).order_by(LearningLogEntry.id))
    assert list(links) == [mine, None]


def test_a_title_in_the_address_fills_in_the_form(client, make, frozen):
    org = make.org()
    login(client, make.member(org).user)
    page = client.get(url(org, "log?title=Welding%20basics")).get_data(as_text=True)
    assert 'value="Welding basics"' in page


def test_changing_and_deleting_an_entry(client, make, dbs, frozen):
    org = make.org()
    me = make.member(org).user
    entry = make_entry(dbs, org, me.id, "Old words", minutes=60)
    login(client, me)
    english(client)
    form = client.get(url(org, f"log/{entry.id}"))
    assert form.status_code == 200 and 'value="Old words"' in form.get_data(as_text=True)
    changed = send(
        client,
        org,
        url(org, f"log/{entry.id}"),
        {
            "title": "New words",
            "kind": "formal",
            "hours": "3",
            "time": "own",
            "learned_on": "2026-05-02",
        },
    )
    assert changed.status_code == 302
    dbs.expire_all()
    row = dbs.get(LearningLogEntry, entry.id)
    assert (row.title, row.kind, row.minutes, row.in_work_time, row.learned_on) == (
        "New words",
        LearningKind.formal,
        180,
        False,
        date(2026, 5, 2),
    )
    refused = send(client, org, url(org, f"log/{entry.id}"), {"title": "x", "hours": "0"})
    assert refused.status_code == 400 and "Give a number of hours above 0." in text_of(refused)

    deleted = send(client, org, url(org, f"log/{entry.id}/delete"))
    assert deleted.status_code == 302
    assert _count(dbs, LearningLogEntry) == 0
    assert client.get(url(org, f"log/{entry.id}")).status_code == 404


def test_signed_up_and_completed_sign_ups_on_my_offers_link_to_the_log(client, make, dbs):
    org = make.org()
    me = make.member(org).user
    done = make.offer(org, title="Finished one")
    busy = make.offer(org, title="Still busy")
    maybe = make.offer(org, title="Only interested")
    stopped = make.offer(org, title="Cancelled one")
    dbs.add_all(
        [
            OfferSignup(org_id=org.id, offer_id=done.id, user_id=me.id, status="completed"),
            OfferSignup(org_id=org.id, offer_id=busy.id, user_id=me.id, status="signed_up"),
            OfferSignup(org_id=org.id, offer_id=maybe.id, user_id=me.id, status="interested"),
            OfferSignup(org_id=org.id, offer_id=stopped.id, user_id=me.id, status="cancelled"),
        ]
    )
    dbs.commit()
    login(client, me)
    english(client)
    page = text_of(client.get(f"/o/{org.slug}/offers/mine"))
    assert url(org, f"log?offer_id={done.id}") in page
    assert url(org, f"log?offer_id={busy.id}") in page
    words = re.sub(r"<[^>]+>", "", page)
    assert "I did it — log it: Still busy" in words
    assert "Log it in my learning log: Finished one" in words
    assert url(org, f"log?offer_id={maybe.id}") not in page
    assert url(org, f"log?offer_id={stopped.id}") not in page


def test_the_offer_page_offers_to_log_it_once_i_am_signed_up(client, make, dbs):
    org = make.org()
    me = make.member(org).user
    offer = make.offer(org, title="Forklift basics")
    login(client, me)
    english(client)
    page = f"/o/{org.slug}/offers/{offer.id}"
    assert url(org, "log?signup_id=") not in client.get(page).get_data(as_text=True)
    interested = send(client, org, f"{page}/signup", {"choice": "interested"}, headers=HX)
    assert url(org, "log?signup_id=") not in interested.get_data(as_text=True)

    # Signing up with htmx gives the sign-up box back, with the link in it.
    box = text_of(send(client, org, f"{page}/signup", {"choice": "signed_up"}, headers=HX))
    signup = dbs.scalars(select(OfferSignup)).one()
    assert signup.status == SignupStatus.signed_up
    assert 'id="signup-box"' in box and "<html" not in box
    assert f'<a href="{url(org, f"log?signup_id={signup.id}")}">I did it — log it</a>' in box
    assert url(org, f"log?signup_id={signup.id}") in client.get(page).get_data(as_text=True)

    cancelled = send(client, org, f"{page}/signup", {"choice": "cancel"}, headers=HX)
    assert url(org, "log?signup_id=") not in cancelled.get_data(as_text=True)


def test_the_log_page_runs_the_same_queries_for_5_and_200_entries(
    client, make, dbs, count_queries, frozen
):
    org = make.org()
    few, many = make.member(org).user, make.member(org).user
    for person, number in ((few, 5), (many, 200)):
        for i in range(number):
            make_entry(dbs, org, person.id, f"Entry {i}", in_work_time=bool(i % 2))
    counts = []
    for person in (few, many):
        login(client, person)
        client.get(url(org, "log"))
        with count_queries() as counter:
            response = client.get(url(org, "log"))
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
