"""The learning check pages from the person's side: intro, questions, store, retake, delete."""

from __future__ import annotations

import re
from html import unescape

from app.activity.models import ActivityEvent
from app.development.checks import QUESTIONS
from tests.conftest import login, post_form

from .helpers_check import (
    ALL_SKIPPED,
    FACTOR_RE,
    check_url,
    checked_answers,
    english,
    fields,
    stored_checks,
    stored_factors,
    take_check,
)

SOME = {"time": "full", "exams": "bad", "money": "cannot", "why": "help"}
OTHER = {"online": "people", "contract": "temporary"}


def _activity(dbs, person) -> int:
    dbs.expire_all()
    return dbs.query(ActivityEvent).filter_by(user_id=person.id, kind="learning_check_done").count()


def _signed_in(client, make):
    org = make.org()
    person = make.member(org).user
    login(client, person)
    english(client)
    return org, person


def test_check_page_has_a_short_private_intro_and_every_question_as_tap_choices(client, make):
    org, _person = _signed_in(client, make)
    html = client.get(check_url(org)).get_data(as_text=True)

    assert "Only you see your answers" in html
    assert "3 minutes" in html
    assert "You can skip any question" in html
    # A plain form: works without JavaScript.
    assert re.search(
        rf'<form id="check-questions"[^>]*method="post" action="{check_url(org)}"', html
    )
    assert html.count('<fieldset class="field tap-choices') == len(QUESTIONS)
    assert html.count("<legend>") == len(QUESTIONS)
    for question in QUESTIONS:
        assert str(question.text) in unescape(html)
        for answer in [*question.answers]:
            assert f'name="q_{question.key}" type="radio" value="{answer.key}"' in html
        assert f'name="q_{question.key}" type="radio" value="skip"' in html
    assert unescape(html).count("I'd rather not say") == len(QUESTIONS)
    assert "You don't have to answer this." in unescape(html)  # the question about life


def test_result_without_a_check_shows_the_intro_not_an_error(client, make):
    org, _person = _signed_in(client, make)
    response = client.get(check_url(org, "/result"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "You have not done the learning check yet." in html
    assert f'href="{check_url(org)}#check-questions"' in html


def test_sending_without_javascript_stores_and_redirects_to_the_result(client, make, dbs):
    org, person = _signed_in(client, make)

    response = take_check(client, org, SOME)

    assert response.status_code == 302
    assert response.location.endswith(check_url(org, "/result"))
    [check] = stored_checks(dbs, org, person)
    assert check.answers == SOME
    assert stored_factors(dbs, org, person) == {
        "B-TIME": 2,
        "B-FEAR": 2,
        "B-MONEY": 2,
        "D-LOYAL": 2,
    }
    assert _activity(dbs, person) == 1


def test_sending_with_htmx_redirects_the_whole_page(client, make, dbs):
    org, person = _signed_in(client, make)

    response = take_check(client, org, SOME, headers={"HX-Request": "true"})

    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == check_url(org, "/result")
    assert stored_factors(dbs, org, person)["B-TIME"] == 2


def test_a_wrong_answer_gives_a_message_next_to_the_question_and_stores_nothing(client, make, dbs):
    org, person = _signed_in(client, make)

    response = take_check(client, org, {"time": "full", "money": "lots-of-it"})

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<html" in html
    assert 'id="q_money-error"' in html
    assert "Choose one of the answers, or skip this question." in html
    assert checked_answers(html) == {"q_time": "full"}  # what was chosen stays chosen
    assert stored_checks(dbs, org, person) == []
    assert _activity(dbs, person) == 0


def test_a_wrong_answer_with_htmx_returns_only_the_form(client, make, dbs):
    org, person = _signed_in(client, make)

    response = take_check(client, org, {"life": "maybe"}, headers={"HX-Request": "true"})

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<html" not in html
    assert html.lstrip().startswith('<form id="check-questions"')
    assert 'id="q_life-error"' in html
    assert stored_checks(dbs, org, person) == []


def test_skipped_and_open_questions_are_left_out(client, make, dbs):
    org, person = _signed_in(client, make)
    answers = {**ALL_SKIPPED, "time": "work_time"}
    del answers["money"]  # not even "skip": left open

    take_check(client, org, answers)

    [check] = stored_checks(dbs, org, person)
    assert check.answers == {"time": "work_time"}
    assert stored_factors(dbs, org, person) == {"D-TIME": 2, "B-TIME": 1}


def test_all_skipped_still_gives_a_friendly_result(client, make, dbs):
    org, person = _signed_in(client, make)

    response = take_check(client, org, ALL_SKIPPED, follow_redirects=True)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "You did not answer the questions. That is fine." in html
    assert "Your next steps" in html
    assert FACTOR_RE.findall(html) == []
    assert [c.answers for c in stored_checks(dbs, org, person)] == [{}]


def test_retake_replaces_the_answers_and_the_profile(client, make, dbs):
    org, person = _signed_in(client, make)
    take_check(client, org, SOME)
    first = stored_checks(dbs, org, person)[0]

    take_check(client, org, OTHER)

    [check] = stored_checks(dbs, org, person)
    assert check.id == first.id
    assert check.answers == OTHER
    assert stored_factors(dbs, org, person) == {"B-ONLINE": 2, "B-TEMP": 2}
    assert _activity(dbs, person) == 2


def test_double_submit_keeps_one_check_and_counts_once(client, make, dbs):
    org, person = _signed_in(client, make)
    data = fields(SOME)
    token_page = check_url(org)

    first = post_form(client, check_url(org), data, token_from=token_page)
    second = post_form(client, check_url(org), data, token_from=token_page)

    assert first.status_code == second.status_code == 302
    assert len(stored_checks(dbs, org, person)) == 1
    assert stored_factors(dbs, org, person) == {
        "B-TIME": 2,
        "B-FEAR": 2,
        "B-MONEY": 2,
        "D-LOYAL": 2,
    }
    assert _activity(dbs, person) == 1


def test_the_check_page_shows_my_earlier_answers_to_change(client, make):
    org, _person = _signed_in(client, make)
    take_check(client, org, {"time": "full", "contract": "temporary"})

    html = client.get(check_url(org)).get_data(as_text=True)

    assert checked_answers(html) == {"q_time": "full", "q_contract": "temporary"}
    assert "You did the check on" in html
    assert "Delete my answers" in html


def test_delete_my_answers_removes_the_check_and_its_profile(client, make, dbs):
    org, person = _signed_in(client, make)
    colleague = make.member(org).user
    take_check(client, org, SOME)
    login(client, colleague)
    take_check(client, org, OTHER)
    login(client, person)

    response = post_form(
        client, check_url(org, "/delete"), token_from=check_url(org), follow_redirects=True
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Your answers are deleted." in html
    assert stored_checks(dbs, org, person) == []
    assert stored_factors(dbs, org, person) == {}
    # Only mine: the colleague's check stays.
    assert len(stored_checks(dbs, org, colleague)) == 1
    assert stored_factors(dbs, org, colleague) == {"B-ONLINE": 2, "B-TEMP": 2}
    result = client.get(check_url(org, "/result")).get_data(as_text=True)
    assert "You have not done the learning check yet." in result


def test_delete_without_a_check_changes_nothing(client, make, dbs):
    org, person = _signed_in(client, make)
    response = post_form(client, check_url(org, "/delete"), token_from=check_url(org))
    assert response.status_code == 302
    assert stored_checks(dbs, org, person) == []


def test_a_check_in_one_organisation_is_not_the_check_in_another(client, make, dbs):
    org, person = _signed_in(client, make)
    other = make.org()
    make.member(other, user=person)
    take_check(client, org, SOME)

    html = client.get(check_url(other, "/result")).get_data(as_text=True)

    assert "You have not done the learning check yet." in html
    assert stored_checks(dbs, other, person) == []
