"""Anonymous reports for the company admin (B6): conversations per quarter by topic and by
outcome, every small cell hidden (acceptance 3), the same queries for 10 and 300
conversations (acceptance 5), and never another company's numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from app.ambassadors.models import Outcome, Topic
from tests.conftest import login
from tests.development.helpers_goals import english

from .helpers_aggregates import add_conversations, cell, employees, text_of

NOW = datetime(2026, 8, 12, 10, 0, tzinfo=UTC)  # the third quarter: April-June is over
MAY = date(2026, 5, 4)
AUGUST = date(2026, 8, 3)  # this quarter: not shown until it is over
FEBRUARY = date(2026, 2, 10)
HIDDEN = "too few to show"


@pytest.fixture()
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _url(org) -> str:
    return f"/o/{org.slug}/ambassadors/reports"


def _admin(client, make, org):
    login(client, make.admin(org).user)
    english(client)


def _talks(people, topic, day=MAY, outcome=None, each: int = 1):
    """Rows for ``add_conversations``: each person has ``each`` conversations."""
    return [(p, None, day, topic, outcome) for p in people for _ in range(each)]


def test_a_cell_with_four_people_is_hidden_when_k_is_five(client, make, dbs, frozen):
    org = make.org(min_group_size=5)
    people = employees(make, org, 17)
    add_conversations(
        dbs,
        org,
        _talks(people[:4], Topic.course, each=2)  # 8 conversations, but only 4 people
        + _talks(people[4:9], Topic.future)  # 5 people
        + _talks(people[9:15], Topic.money)  # 6 people
        + _talks(people[15:], Topic.diploma),  # 2 people
    )
    _admin(client, make, org)

    page = text_of(client.get(_url(org)))

    assert cell(page, "topic", "course", "2026-2") == HIDDEN
    assert cell(page, "topic", "diploma", "2026-2") == HIDDEN
    assert cell(page, "topic", "future", "2026-2") == "5"
    assert cell(page, "topic", "money", "2026-2") == "6"
    assert cell(page, "topic", "total", "2026-2") == "21"
    # Nothing is recorded yet for these talks: 17 people behind "no result yet".
    assert cell(page, "outcome", "none", "2026-2") == "21"
    assert cell(page, "outcome", "started_course", "2026-2") == HIDDEN
    assert "at least 5 different people" in page


def test_a_total_that_would_reveal_a_hidden_cell_hides_the_next_smallest(client, make, dbs, frozen):
    org = make.org(min_group_size=5)
    people = employees(make, org, 16)
    add_conversations(
        dbs,
        org,
        _talks(people[:4], Topic.course)  # 4 people: hidden
        + _talks(people[4:9], Topic.future)  # 5 people: enough, but the smallest shown
        + _talks(people[9:], Topic.money),  # 7 people
    )
    _admin(client, make, org)

    page = text_of(client.get(_url(org)))

    assert cell(page, "topic", "course", "2026-2") == HIDDEN
    # 16 - 7 would be 9 = course + future: still nobody's number on its own.
    assert cell(page, "topic", "future", "2026-2") == HIDDEN
    assert cell(page, "topic", "money", "2026-2") == "7"
    assert cell(page, "topic", "total", "2026-2") == "16"


def test_outcomes_per_quarter_and_only_the_last_four_quarters(client, make, dbs, frozen):
    org = make.org(min_group_size=3)
    people = employees(make, org, 9)
    add_conversations(
        dbs,
        org,
        _talks(people[:3], Topic.course, FEBRUARY, Outcome.started_course)
        + _talks(people[3:6], Topic.course, FEBRUARY, Outcome.set_goal)
        + _talks(people[6:], Topic.future, FEBRUARY, Outcome.referred)
        + _talks(people, Topic.money, date(2025, 3, 1)),  # five quarters ago
    )
    _admin(client, make, org)

    page = text_of(client.get(_url(org)))

    quarters = [part.split('"')[0] for part in page.split('data-quarter="')[1:]]
    assert quarters == ["2026-2", "2026-1", "2025-4", "2025-3"]
    assert "April to June 2026" in page and "January to March 2026" in page
    assert cell(page, "outcome", "started_course", "2026-1") == "3"
    assert cell(page, "outcome", "set_goal", "2026-1") == "3"
    assert cell(page, "outcome", "referred", "2026-1") == "3"
    assert cell(page, "outcome", "total", "2026-1") == "9"
    # March 2025 is not in it; nobody in April to June: one sentence, no tables of hidden cells.
    for quarter in ("2025-3", "2026-2"):
        section = page.split(f'data-quarter="{quarter}"')[1].split("data-quarter=")[0]
        assert "Too few people talked to an ambassador in this quarter" in section
        assert "data-table" not in section


def test_this_quarter_is_not_shown_until_it_is_over(client, make, dbs, frozen):
    org = make.org(min_group_size=3)
    people = employees(make, org, 8)
    add_conversations(dbs, org, _talks(people[:5], Topic.course))
    _admin(client, make, org)
    before = text_of(client.get(_url(org)))

    # The admin sees a colleague walk to the ambassador, and five more this quarter.
    add_conversations(dbs, org, _talks(people, Topic.future, AUGUST))
    after = text_of(client.get(_url(org)))

    assert before == after  # no cell went up by one
    assert 'data-quarter="2026-3"' not in after
    assert cell(after, "topic", "course", "2026-2") == "5"
    assert cell(after, "topic", "future", "2026-2") == HIDDEN
    assert "We only show quarters that are over." in after
    assert "Numbers of this quarter show after 30 September 2026." in after


def test_the_quarter_follows_the_organisations_time_zone(client, make, dbs):
    org = make.org(timezone="Europe/Amsterdam")
    # 31 March 23:30 UTC is already 1 April in Amsterdam: January to March is over.
    with time_machine.travel(datetime(2026, 3, 31, 23, 30, tzinfo=UTC), tick=False):
        _admin(client, make, org)
        page = text_of(client.get(_url(org)))
    quarters = [part.split('"')[0] for part in page.split('data-quarter="')[1:]]
    assert quarters == ["2026-1", "2025-4", "2025-3", "2025-2"]
    assert "Numbers of this quarter show after 30 June 2026." in page


def test_a_company_admin_never_sees_another_companys_numbers(client, make, dbs, frozen):
    mine = make.org(min_group_size=3)
    other = make.org(min_group_size=3)
    add_conversations(dbs, mine, _talks(employees(make, mine, 3), Topic.course))
    add_conversations(dbs, other, _talks(employees(make, other, 7), Topic.diploma, each=2))
    _admin(client, make, mine)

    page = text_of(client.get(_url(mine)))

    assert cell(page, "topic", "course", "2026-2") == "3"
    assert cell(page, "topic", "diploma", "2026-2") == HIDDEN
    assert cell(page, "topic", "total", "2026-2") == "3"
    assert "14" not in page.split('data-quarter="2026-2"')[1].split("</section>")[0]


def test_the_report_shows_no_names_and_no_words_of_the_employees(client, make, dbs, frozen):
    org = make.org(min_group_size=3)
    people = employees(make, org, 3, prefix="Zwaluw")
    add_conversations(dbs, org, _talks(people, Topic.other))
    _admin(client, make, org)

    page = text_of(client.get(_url(org)))

    assert "Zwaluw" not in page
    assert cell(page, "topic", "other", "2026-2") == "3"


def test_the_report_runs_the_same_queries_for_10_and_300_conversations(
    client, make, dbs, count_queries, frozen
):
    org = make.org(min_group_size=5)
    people = employees(make, org, 30)
    add_conversations(dbs, org, _talks(people[:10], Topic.course))
    _admin(client, make, org)
    with count_queries() as few:
        assert client.get(_url(org)).status_code == 200

    topics = list(Topic)
    outcomes = [*Outcome, None]
    rows = []
    for i in range(290):
        day = [MAY, FEBRUARY, date(2025, 11, 3), date(2025, 8, 20)][i % 4]
        rows.append((people[i % 30], None, day, topics[i % len(topics)], outcomes[i % 6]))
    add_conversations(dbs, org, rows)
    with count_queries() as many:
        page = text_of(client.get(_url(org)))

    assert cell(page, "topic", "total", "2026-2") == str(10 + 73)
    assert 'data-quarter="2026-3"' not in page
    assert few.count == many.count, (few.statements, many.statements)
