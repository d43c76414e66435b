"""Helpers shared by the learning check tests."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.development.checks import QUESTIONS
from app.development.models import LearningCheck, LearningCheckFactor
from tests.conftest import post_form


def check_url(org, page: str = "") -> str:
    return f"/o/{org.slug}/development/check{page}"


def english(client) -> None:
    post_form(client, "/language", {"locale": "en"})


def fields(answers: dict[str, str]) -> dict[str, str]:
    """Form fields for {question_key: answer_key}."""
    return {f"q_{key}": value for key, value in answers.items()}


def take_check(client, org, answers: dict[str, str], **kwargs):
    """Send the check with these answers (a valid CSRF token from the check page)."""
    return post_form(client, check_url(org), fields(answers), token_from=check_url(org), **kwargs)


def stored_factors(dbs, org, user) -> dict[str, int]:
    """{factor: weight} stored for ``user`` in ``org`` (read on the owner connection)."""
    dbs.expire_all()
    rows = dbs.execute(
        select(LearningCheckFactor.factor, LearningCheckFactor.weight).where(
            LearningCheckFactor.org_id == org.id, LearningCheckFactor.user_id == user.id
        )
    ).all()
    return dict(rows)


def stored_checks(dbs, org, user) -> list[LearningCheck]:
    dbs.expire_all()
    return list(
        dbs.scalars(
            select(LearningCheck).where(
                LearningCheck.org_id == org.id, LearningCheck.user_id == user.id
            )
        )
    )


def seed_check(dbs, org, user, factors: dict[str, int], answers: dict | None = None):
    """A stored check with this factor profile, made directly (fast, for big numbers)."""
    check = LearningCheck(org_id=org.id, user_id=user.id, answers=answers or {})
    dbs.add(check)
    dbs.flush()
    for factor, weight in factors.items():
        dbs.add(
            LearningCheckFactor(
                org_id=org.id, check_id=check.id, user_id=user.id, factor=factor, weight=weight
            )
        )
    dbs.commit()
    return check


ALL_SKIPPED = {q.key: "skip" for q in QUESTIONS}
FACTOR_RE = re.compile(r'data-factor="([A-Z-]+)"')
INPUT_RE = re.compile(r"<input ([^>]*)>")


def checked_answers(html: str) -> dict[str, str]:
    """{field name: value} of the radio buttons the page shows as chosen."""
    chosen = {}
    for attributes in INPUT_RE.findall(html):
        if 'type="radio"' in attributes and re.search(r"(^|\s)checked(\s|$|=)", attributes):
            name = re.search(r'name="([^"]+)"', attributes).group(1)
            chosen[name] = re.search(r'value="([^"]*)"', attributes).group(1)
    return chosen
