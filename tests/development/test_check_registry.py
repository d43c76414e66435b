"""The learning check's questions map every answer to factor IDs of EVIDENCE.md (E4, acc. 4)."""

from __future__ import annotations

import pytest

from app.activity.models import ActivityEvent
from app.development.checks import QUESTIONS, SKIP, factor_weights
from app.evidence import Factor
from tests.conftest import login

from .helpers_check import check_url, stored_checks, stored_factors, take_check

# The IDs in /work/shared/EVIDENCE.md (drivers, then barriers). That file is not in CI, so
# the list is copied here: app.evidence.Factor must name exactly these.
EVIDENCE_IDS = [
    "D-NORM", "D-PEER", "D-MGR", "D-SELF", "D-ATT", "D-OUT", "D-TIME", "D-INT", "D-LOYAL",
    "D-URG", "D-HRM", "D-TASK", "D-AMB", "D-COACH",
    "B-SECURE", "B-SHORT", "B-FEAR", "B-TIME", "B-MONEY", "B-KNOW", "B-THEORY", "B-MGRFB",
    "B-HR", "B-DIGI", "B-TEMP", "B-LIFE", "B-ONLINE",
]  # fmt: skip

# Drivers and barriers the check must be able to find (the issue and the brief name them).
MUST_COVER = {
    "B-TIME", "D-TIME", "B-MONEY", "B-FEAR", "B-THEORY", "D-ATT", "B-ONLINE", "B-KNOW",
    "B-SECURE", "D-URG", "D-NORM", "D-PEER", "B-HR", "D-AMB", "B-MGRFB", "B-LIFE", "B-TEMP",
    "D-SELF", "D-INT", "D-LOYAL",
}  # fmt: skip

ANSWERS = [
    pytest.param(question, answer, id=f"{question.key}:{answer.key}")
    for question in QUESTIONS
    for answer in question.answers
]


def test_factor_enum_lists_exactly_the_ids_of_evidence_md():
    assert [factor.value for factor in Factor] == EVIDENCE_IDS
    assert [f.is_barrier for f in Factor] == [i.startswith("B-") for i in EVIDENCE_IDS]


def test_eight_to_twelve_questions_with_two_to_four_answers_each():
    assert 8 <= len(QUESTIONS) <= 12
    assert len({q.key for q in QUESTIONS}) == len(QUESTIONS)
    for question in QUESTIONS:
        keys = [a.key for a in question.answers]
        assert 2 <= len(keys) <= 4, question.key
        assert len(set(keys)) == len(keys), question.key
        assert SKIP not in keys, f"{question.key}: 'skip' is the built-in 'rather not say'"


def test_the_check_covers_the_main_drivers_and_barriers():
    found = {f.value for q in QUESTIONS for a in q.answers for f, _w in a.factors}
    assert MUST_COVER <= found, sorted(MUST_COVER - found)


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.key)
def test_every_question_can_give_at_least_one_factor(question):
    assert any(answer.factors for answer in question.answers)


@pytest.mark.parametrize(("question", "answer"), ANSWERS)
def test_every_answer_maps_to_valid_factor_ids(question, answer):
    for factor, weight in answer.factors:
        assert isinstance(factor, Factor)
        assert factor.value in EVIDENCE_IDS
        assert weight in (1, 2)
    assert len({f for f, _w in answer.factors}) == len(answer.factors)


@pytest.mark.parametrize(("question", "answer"), ANSWERS)
def test_posting_an_answer_stores_its_factor_rows(client, make, dbs, question, answer):
    org = make.org()
    person = make.member(org).user
    login(client, person)

    response = take_check(client, org, {question.key: answer.key})

    assert response.status_code == 302
    assert response.location.endswith(check_url(org, "/result"))
    expected = {factor.value: weight for factor, weight in answer.factors}
    assert stored_factors(dbs, org, person) == expected
    [check] = stored_checks(dbs, org, person)
    assert check.answers == {question.key: answer.key}


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.key)
def test_skipping_a_question_stores_no_answer_and_no_factor(client, make, dbs, question):
    org = make.org()
    person = make.member(org).user
    login(client, person)

    assert take_check(client, org, {question.key: SKIP}).status_code == 302

    [check] = stored_checks(dbs, org, person)
    assert check.answers == {}
    assert stored_factors(dbs, org, person) == {}
    kinds = dbs.query(ActivityEvent.kind).filter_by(user_id=person.id).all()
    assert kinds == [("learning_check_done",)]


def test_weights_add_up_over_questions():
    weights = factor_weights({"how": "shown", "colleagues": "many", "talk": "colleague"})
    assert weights == {
        Factor.dislikes_theory: 1,
        Factor.peer_support: 3,
        Factor.social_norm: 2,
        Factor.ambassador: 1,
    }


def test_unknown_questions_and_answers_are_ignored():
    assert factor_weights({"nope": "x", "time": "never", "money": "cannot"}) == {Factor.cost: 2}
