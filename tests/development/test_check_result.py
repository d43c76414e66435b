"""My learning check result: a friendly summary and next steps that fit my profile."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from app.development.checks import first_step_title
from app.evidence import Factor
from app.offers.models import OfferFormat, OfferSignup, OfferVisibility, SignupStatus
from tests.conftest import login

from .helpers_check import FACTOR_RE, check_url, english, seed_check, take_check

SUGGESTION_RE = re.compile(
    r'<p class="offer-title"><a href="/o/[^/]+/offers/(\d+)">([^<]+)</a></p>'
)


def suggestions(html: str) -> list[str]:
    """Titles of the offers the result page suggests, in order."""
    return [title for _id, title in SUGGESTION_RE.findall(html)]


def _person(client, make, org=None, **kwargs):
    org = org or make.org()
    person = make.member(org, **kwargs).user
    login(client, person)
    english(client)
    return org, person


def _offer(make, org, title, minutes, **kwargs):
    values = {"format": OfferFormat.classroom, "in_work_time": True, "cost_covered": True}
    values.update(kwargs)
    return make.offer(org, title=title, duration_minutes=minutes, **values)


def test_little_time_suggests_the_short_offer_in_work_time_before_long_ones(client, make):
    org, _person_ = _person(client, make)
    _offer(make, org, "Evening course", 120, in_work_time=False)
    _offer(make, org, "Long day at work", 480)
    _offer(make, org, "Ten minutes at work", 10, format=OfferFormat.micro)
    _offer(make, org, "Half an hour at work", 30, format=OfferFormat.on_the_job)

    html = take_check(client, org, {"time": "full"}, follow_redirects=True).get_data(as_text=True)

    assert suggestions(html) == ["Half an hour at work", "Ten minutes at work"]


def test_a_short_offer_in_work_time_comes_first_even_among_few(client, make):
    org, _person_ = _person(client, make)
    _offer(make, org, "Long day at work", 480)
    _offer(make, org, "Evening course", 45, in_work_time=False)
    _offer(make, org, "Quick at work", 20)

    html = take_check(client, org, {"time": "full"}, follow_redirects=True).get_data(as_text=True)

    assert suggestions(html)[0] == "Quick at work"
    assert len(suggestions(html)) == 2


def test_at_most_two_offers_with_their_facts_and_a_link_to_sign_up(client, make):
    org, _person_ = _person(client, make)
    offers = [_offer(make, org, f"Offer {n}", 15 + n) for n in range(5)]

    html = take_check(client, org, {"time": "full"}, follow_redirects=True).get_data(as_text=True)

    assert suggestions(html) == ["Offer 0", "Offer 1"]
    assert f'href="/o/{org.slug}/offers/{offers[0].id}"' in html
    assert "15 minutes" in html
    assert "In work time" in html and "Free for you" in html and "No exam" in html
    assert "Look and sign up" in html


def test_fear_of_exams_leaves_out_offers_with_an_exam(client, make):
    org, _person_ = _person(client, make)
    _offer(make, org, "With exam", 10, has_exam=True)
    _offer(make, org, "No exam", 200)

    html = take_check(client, org, {"exams": "bad"}, follow_redirects=True).get_data(as_text=True)

    assert suggestions(html) == ["No exam"]


def test_money_worries_leave_out_offers_that_cost_money(client, make):
    org, _person_ = _person(client, make)
    _offer(make, org, "Costs money", 10, cost_covered=False)
    _offer(make, org, "Paid for", 200)

    html = take_check(client, org, {"money": "cannot"}, follow_redirects=True)

    assert suggestions(html.get_data(as_text=True)) == ["Paid for"]


def test_preferring_people_leaves_out_online_offers(client, make):
    org, _person_ = _person(client, make)
    _offer(make, org, "Online", 10, format=OfferFormat.online)
    _offer(make, org, "In person", 200, format=OfferFormat.classroom)

    html = take_check(client, org, {"online": "people"}, follow_redirects=True)

    assert suggestions(html.get_data(as_text=True)) == ["In person"]


def test_learning_by_doing_prefers_practical_formats(client, make):
    org, _person_ = _person(client, make)
    _offer(make, org, "Classroom", 10, format=OfferFormat.classroom)
    _offer(make, org, "Online", 10, format=OfferFormat.online)
    _offer(make, org, "On the job", 200, format=OfferFormat.on_the_job)

    html = take_check(client, org, {"how": "doing"}, follow_redirects=True)

    assert suggestions(html.get_data(as_text=True)) == ["On the job"]


def test_suggestions_include_shared_offers_but_not_switched_off_or_foreign_ones(client, make, dbs):
    org, person = _person(client, make)
    other = make.org()
    shared = _offer(make, other, "Shared with us", 20)
    dbs.add(OfferVisibility(org_id=org.id, offer_id=shared.id))
    dbs.commit()
    _offer(make, other, "Not shared", 5)
    _offer(make, org, "Switched off", 5, active=False)
    done = _offer(make, org, "Already signed up", 5)
    dbs.add(
        OfferSignup(
            org_id=org.id, offer_id=done.id, user_id=person.id, status=SignupStatus.signed_up
        )
    )
    dbs.commit()

    html = take_check(client, org, {"time": "full"}, follow_redirects=True)

    assert suggestions(html.get_data(as_text=True)) == ["Shared with us"]


def test_no_fitting_offer_says_so_plainly(client, make):
    org, _person_ = _person(client, make)
    _offer(make, org, "Evening exam", 300, in_work_time=False, has_exam=True)

    html = take_check(client, org, {"time": "full", "exams": "bad"}, follow_redirects=True)

    text = html.get_data(as_text=True)
    assert suggestions(text) == []
    assert "We did not find an offer that fits you yet." in text
    assert f'href="/o/{org.slug}/offers/"' in text


def test_summary_says_what_helps_and_what_can_get_in_the_way(client, make):
    org, _person_ = _person(client, make)

    response = take_check(
        client, org, {"why": "help", "time": "full", "exams": "bad"}, follow_redirects=True
    )

    html = unescape(response.get_data(as_text=True))
    helps, hurdles = html.split("What can get in the way")
    assert "What helps you" in helps
    assert "You like to help your colleagues." in helps
    assert "Your week is already full. Short learning in work time can help." in hurdles
    assert "There is a lot of learning without an exam." in hurdles
    assert "It is nobody's fault" in hurdles
    assert sorted(FACTOR_RE.findall(html)) == ["B-FEAR", "B-TIME", "D-LOYAL"]


def test_ambassador_step_names_this_organisations_ambassadors(client, make):
    org, _person_ = _person(client, make)
    make.member(org, roles=["employee", "ambassador"], name="Ayla Ambassador")
    make.member(org, roles=["employee", "ambassador"], name="Former Ambassador", active=False)
    make.member(make.org(), roles=["ambassador"], name="Elsewhere Ambassador")
    make.member(org, roles=["manager"], name="Mo Manager")

    html = take_check(client, org, {"know": "no"}, follow_redirects=True).get_data(as_text=True)

    assert "Talk to a learning ambassador" in html
    assert "Ayla Ambassador" in html
    for name in ("Former Ambassador", "Elsewhere Ambassador", "Mo Manager"):
        assert name not in html


def test_ambassador_step_without_ambassadors_says_so(client, make):
    org, _person_ = _person(client, make)

    html = take_check(client, org, {"life": "yes"}, follow_redirects=True).get_data(as_text=True)

    assert "Talk to a learning ambassador" in html
    assert "There is no learning ambassador here yet." in html


def test_no_ambassador_step_when_nothing_points_to_it(client, make):
    org, _person_ = _person(client, make)
    make.member(org, roles=["employee", "ambassador"], name="Ayla Ambassador")

    html = take_check(client, org, {"why": "hobby"}, follow_redirects=True).get_data(as_text=True)

    assert "Talk to a learning ambassador" not in html
    assert "Ayla Ambassador" not in html


def test_small_first_step_opens_the_goal_form_prefilled(client, make):
    org, _person_ = _person(client, make)

    html = take_check(client, org, {"time": "full"}, follow_redirects=True).get_data(as_text=True)

    links = re.findall(r'<a class="button" href="([^"]+)">Make this my goal</a>', html)
    assert len(links) == 1
    url = urlsplit(unescape(links[0]))
    assert url.path == f"/o/{org.slug}/development/goals/new"
    assert parse_qs(url.query)["title"] == ["Learn something new for 15 minutes at work"]
    goal_form = client.get(unescape(links[0]))
    assert goal_form.status_code == 200
    assert "Learn something new for 15 minutes at work" in unescape(
        goal_form.get_data(as_text=True)
    )


def test_first_step_follows_the_profile():
    with_time = frozenset({Factor.no_time, Factor.intrinsic_interest})
    assert first_step_title(with_time) == "Learn something new for 15 minutes at work"
    assert first_step_title(frozenset({Factor.intrinsic_interest})) == (
        "Learn more about something I like"
    )
    assert first_step_title(frozenset()) == "Learn one new thing this month"


def test_result_links_to_retake_and_to_delete(client, make):
    org, _person_ = _person(client, make)
    html = take_check(client, org, {"time": "full"}, follow_redirects=True).get_data(as_text=True)
    assert f'href="{check_url(org)}"' in html
    assert f'action="{check_url(org, "/delete")}"' in html
    assert "Only you see this page." in html


def test_result_runs_the_same_queries_with_5_and_200_offers_and_ambassadors(
    client, make, dbs, count_queries
):
    org, person = _person(client, make)
    seed_check(dbs, org, person, {"B-TIME": 2, "B-KNOW": 2, "D-INT": 2}, {"time": "full"})

    def add(start, n):
        for i in range(start, start + n):
            _offer(make, org, f"Offer {i:03}", 10 + i)
            make.member(org, roles=["employee", "ambassador"], name=f"Ambassador {i:03}")

    add(0, 5)
    url = check_url(org, "/result")
    with count_queries() as small:
        assert client.get(url).status_code == 200
    add(5, 195)
    with count_queries() as large:
        html = client.get(url).get_data(as_text=True)
    assert suggestions(html) == ["Offer 000", "Offer 001"]
    assert "Ambassador 000" in html
    assert small.count == large.count, (small.statements, large.statements)
