"""Acceptance 5 for the cross-firm pages: the union dashboard and the union's view of a
company's report run the same number of SQL statements for 2 and 20 companies and for
10 and 300 conversations (every figure is one grouped query for all companies)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from app.ambassadors.models import Outcome, Topic
from app.orgs.models import OrgKind, Role
from tests.ambassadors.helpers import make_agreement, make_ambassador
from tests.ambassadors.helpers_aggregates import (
    add_conversations,
    company_row,
    employees,
    facility_entry,
    row_cell,
    text_of,
)
from tests.conftest import login
from tests.development.helpers_goals import english

NOW = datetime(2026, 7, 14, 10, 0, tzinfo=UTC)  # April-June 2026 is the newest quarter shown
DAYS = [date(2026, 5, 4), date(2026, 2, 10), date(2025, 11, 3), date(2025, 8, 20)]


@pytest.fixture()
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _company(make, dbs, union, index: int, conversations: int):
    company = make.org(name=f"Company {index:02d}", min_group_size=3 + index % 3)
    agreement = make_agreement(
        make,
        union,
        company,
        shares_conversation_reports=index % 4 != 3,
        shares_facility_time=index % 5 != 4,
    )
    ambassador = make_ambassador(make, company).user
    facility_entry(make, company, ambassador, minutes=60 + index, worked_on=DAYS[0])
    _conversations(make, dbs, company, ambassador, conversations)
    return company, agreement


def _conversations(make, dbs, company, ambassador, count: int, people: int = 12) -> None:
    staff = employees(make, company, people, prefix=f"Staff {count}")
    topics, outcomes = list(Topic), [*Outcome, None]
    add_conversations(
        dbs,
        company,
        [
            (
                staff[i % people],
                ambassador.id,
                DAYS[i % 4],
                topics[i % len(topics)],
                outcomes[i % len(outcomes)],
            )
            for i in range(count)
        ],
    )


def test_the_dashboard_runs_the_same_queries_for_2_and_20_companies_and_10_and_300_talks(
    client, make, dbs, count_queries, frozen
):
    union = make.org(kind=OrgKind.union)
    first, _ = _company(make, dbs, union, 0, 5)
    _company(make, dbs, union, 1, 5)
    login(client, make.member(union, roles=(Role.coordinator,)).user)
    english(client)
    url = f"/o/{union.slug}/union/dashboard"
    client.get(url)

    with count_queries() as small:
        assert client.get(url).status_code == 200

    ambassador = make_ambassador(make, first).user
    _conversations(make, dbs, first, ambassador, 290, people=40)
    with count_queries() as many_talks:
        page = text_of(client.get(url))
    # May: 2 of the first 5 and 73 of the 290 (every fourth one).
    assert row_cell(company_row(page, first.id, "companies-heading"), "quarter-2026-2") == "75"

    for index in range(2, 20):
        _company(make, dbs, union, index, 15)
    with count_queries() as many_companies:
        page = text_of(client.get(url))
    assert page.count('<tr data-company="') == 20 * 3  # three tables, one row per company

    assert small.count == many_talks.count == many_companies.count, (
        small.statements,
        many_companies.statements,
    )


def test_the_union_view_of_a_report_runs_the_same_queries_for_10_and_300_talks(
    client, make, dbs, count_queries, frozen
):
    union = make.org(kind=OrgKind.union)
    company, agreement = _company(make, dbs, union, 0, 10)
    login(client, make.member(union, roles=(Role.admin,)).user)
    url = f"/o/{union.slug}/union/dashboard/{agreement.id}"
    client.get(url)

    with count_queries() as few:
        assert client.get(url).status_code == 200
    _conversations(make, dbs, company, make_ambassador(make, company).user, 290, people=40)
    with count_queries() as many:
        assert client.get(url).status_code == 200

    assert few.count == many.count, (few.statements, many.statements)
