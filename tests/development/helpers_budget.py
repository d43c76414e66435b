"""Helpers shared by the learning budget and development conversation tests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from app.development.models import BudgetEntry, BudgetPolicy
from tests.conftest import csrf_token, post_form

# 4 May 2026, noon in Amsterdam: every budget test runs at this moment unless it travels.
NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
HX = {"HX-Request": "true"}


@pytest.fixture()
def frozen():
    """Time stands still at NOW (sign in inside it, so the session is fresh)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def english(client) -> None:
    post_form(client, "/language", {"locale": "en"})


def set_budget(dbs, org, euros_cents: int, year: int = 2026, team=None) -> BudgetPolicy:
    """A yearly amount per person for the organisation (or one team)."""
    policy = BudgetPolicy(
        org_id=org.id,
        year=year,
        team_key=team.id if team is not None else 0,
        team_id=team.id if team is not None else None,
        amount_cents=euros_cents,
    )
    dbs.add(policy)
    dbs.commit()
    return policy


def paid_offer(make, org, cost_cents: int, covered: bool = False, **kwargs):
    """An offer that costs money; paid from the person's budget unless ``covered``."""
    return make.offer(org, cost_cents=cost_cents, cost_covered=covered, **kwargs)


def offer_url(org, offer_id: int) -> str:
    return f"/o/{org.slug}/offers/{offer_id}"


def choose(client, org, offer_id: int, choice: str, headers=None):
    """Press a sign-up button on the offer page ("interested", "signed_up", "cancel")."""
    url = offer_url(org, offer_id)
    return client.post(
        f"{url}/signup",
        data={"csrf_token": csrf_token(client, url), "choice": choice},
        headers=headers or {},
    )


def budget_url(org, page: str = "") -> str:
    return f"/o/{org.slug}/development/budget{page}"


def entries(dbs) -> list[tuple[int, int, int, str]]:
    """Every budget entry as (signup_id, year, amount_cents, status), oldest first."""
    dbs.expire_all()
    return [
        (e.signup_id, e.year, e.amount_cents, str(e.status))
        for e in dbs.scalars(select(BudgetEntry).order_by(BudgetEntry.id))
    ]


def count(dbs, model, *where) -> int:
    dbs.expire_all()
    return dbs.scalar(select(func.count()).select_from(model).where(*where))
