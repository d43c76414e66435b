"""Managers see counts of feedback in their team, never content; small groups are hidden."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.feedback.models import Feedback
from app.feedback.queries import team_feedback_counts
from app.orgs.models import Role
from app.tenancy import org_context
from tests.conftest import login

from .common import english, text_of, url

NOW = datetime.now(UTC)


def _feedback(dbs, org, giver, recipient, days_ago=1, text="Counted words"):
    dbs.add(
        Feedback(
            org_id=org.id,
            giver_id=giver.id,
            recipient_id=recipient.id,
            went_well=text,
            client_token=f"{giver.id}-{recipient.id}-{days_ago}-{text}",
            created_at=NOW - timedelta(days=days_ago),
        )
    )
    dbs.commit()


def _counts(app, org, team, since):
    with app.app_context(), org_context((org.id,)):
        return team_feedback_counts(org.id, team.id, since)


def test_counts_are_suppressed_below_the_smallest_group(app, make, dbs):
    org = make.org(min_group_size=3)
    team = make.team(org)
    other_team = make.team(org)
    a, b, c = (make.member(org, team=team).user for _ in range(3))
    outside = make.member(org, team=other_team).user
    since = NOW - timedelta(days=90)

    _feedback(dbs, org, a, b)
    _feedback(dbs, org, b, a)
    _feedback(dbs, org, outside, a)
    assert _counts(app, org, team, since) is None  # only a and b of the team took part

    _feedback(dbs, org, c, outside)
    _feedback(dbs, org, a, c, days_ago=120)  # before the period: not counted
    counts = _counts(app, org, team, since)
    assert (counts.given, counts.received, counts.exchanged, counts.people) == (3, 3, 4, 3)


def test_the_manager_sees_numbers_for_their_team_only(client, make, dbs):
    org = make.org(min_group_size=3)
    team = make.team(org, name="Warehouse")
    other_team = make.team(org, name="Office")
    people = [make.member(org, team=team).user for _ in range(3)]
    for giver, recipient in zip(people, people[1:] + people[:1], strict=True):
        _feedback(dbs, org, giver, recipient, text="Never on the team page")
    manager = make.member(org, roles=(Role.employee, Role.manager), team=team).user
    login(client, manager)
    english(client)

    page = text_of(client.get(url(org, "team")))

    assert "Warehouse" in page and "Office" not in page
    assert "<td>3</td>" in page and "Never on the team page" not in page

    admin = make.admin(org).user
    login(client, admin)
    english(client)
    page = text_of(client.get(url(org, "team")))
    assert "Warehouse" in page and "Office" in page and "Too few to show" in page
    assert other_team.name in page


def test_a_manager_without_a_team_is_told_so(client, make):
    org = make.org()
    login(client, make.member(org, roles=(Role.employee, Role.manager)).user)
    english(client)
    assert "You are not in a team yet." in text_of(client.get(url(org, "team")))
