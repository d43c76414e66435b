"""A form token is unique per person AND organisation: a person in two organisations who
happens to send the same token in both gets a goal or log entry in each (review: a 500)."""

from __future__ import annotations

from sqlalchemy import select

from app.development.models import Goal, LearningLogEntry
from tests.conftest import login

from .helpers_skills import send, url


def test_the_same_token_in_two_organisations_makes_one_row_in_each(client, make, dbs):
    first, second = make.org(), make.org()
    me = make.member(first).user
    make.member(second, user=me)
    login(client, me)
    for org in (first, second):
        goal = send(
            client, org, url(org, "goals/new"), {"title": "Lassen", "client_token": "t" * 20}
        )
        entry = send(
            client,
            org,
            url(org, "log"),
            {
                "title": "Lassen",
                "kind": "informal",
                "hours": "1",
                "time": "work",
                "learned_on": "2026-01-05",
                "client_token": "u" * 20,
            },
        )
        assert (goal.status_code, entry.status_code) == (302, 302)
    dbs.expire_all()
    assert sorted(dbs.scalars(select(Goal.org_id))) == sorted([first.id, second.id])
    assert sorted(dbs.scalars(select(LearningLogEntry.org_id))) == sorted([first.id, second.id])
