"""The union's cross-firm dashboard (U3) and its view of one company's report, from the
coordinator's side: companies side by side, each suppressed with its own k (acceptance
3), only companies with an active agreement that shares the figures (PRODUCT §4.6), and
ending an agreement hides the company on the very next request (acceptance 2)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import update

from app.ambassadors.models import Outcome, Topic
from app.orgs.models import OrgKind, Role
from app.unions.models import AgreementStatus, LearningAgreement
from tests.ambassadors.helpers import make_agreement, make_ambassador
from tests.ambassadors.helpers_aggregates import (
    add_conversations,
    cell,
    company_row,
    employees,
    facility_entry,
    row_cell,
    text_of,
)
from tests.conftest import login
from tests.development.helpers_goals import english, normalised

NOW = datetime(2026, 7, 14, 10, 0, tzinfo=UTC)  # the third quarter: April-June is over
MAY = date(2026, 5, 4)
JULY = date(2026, 7, 6)  # this quarter and this month: never shown yet
FEBRUARY = date(2026, 2, 10)
HIDDEN = "too few to show"


@pytest.fixture()
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _url(union, path: str = "") -> str:
    return f"/o/{union.slug}/union/dashboard{path}"


def _coordinator(client, make, union, role=Role.coordinator):
    login(client, make.member(union, roles=(role,)).user)
    english(client)


def _talks(people, outcome, day=MAY, topic=Topic.course):
    return [(p, None, day, topic, outcome) for p in people]


@pytest.fixture()
def world(make, dbs):
    """A union with agreements: Alpha (k=3) and Bakker (k=5) share everything; Chemie
    shares nothing but the fact of the agreement; Delta only proposed; Eiland works with
    another union; Fabriek's agreement ended."""
    union = make.org(kind=OrgKind.union, name="FNV Leren")
    other_union = make.org(kind=OrgKind.union, name="CNV Leren")
    alpha = make.org(name="Alpha Logistiek", min_group_size=3)
    bakker = make.org(name="Bakker Brood", min_group_size=5)
    chemie = make.org(name="Chemie Noord", min_group_size=3)
    delta = make.org(name="Delta Proposed", min_group_size=3)
    eiland = make.org(name="Eiland Elsewhere", min_group_size=3)
    fabriek = make.org(name="Fabriek Ended", min_group_size=3)
    agreements = {
        "alpha": make_agreement(make, union, alpha, facility_hours_per_month=8),
        "bakker": make_agreement(make, union, bakker, facility_hours_per_month=4),
        "chemie": make_agreement(
            make, union, chemie, shares_conversation_reports=False, shares_facility_time=False
        ),
        "delta": make_agreement(make, union, delta, status=AgreementStatus.proposed),
        "eiland": make_agreement(make, other_union, eiland),
        "fabriek": make_agreement(make, union, fabriek, status=AgreementStatus.ended),
    }
    companies = {
        "alpha": alpha,
        "bakker": bakker,
        "chemie": chemie,
        "delta": delta,
        "eiland": eiland,
        "fabriek": fabriek,
    }
    ambassadors = {}
    for name, count in [("alpha", 2), ("bakker", 1), ("chemie", 3), ("delta", 1), ("fabriek", 1)]:
        ambassadors[name] = [make_ambassador(make, companies[name]).user for _ in range(count)]
    # Alpha (k=3): 3 people started a course, 5 set a goal, 2 + 1 in smaller cells.
    alpha_people = employees(make, alpha, 11)
    add_conversations(
        dbs,
        alpha,
        _talks(alpha_people[:3], Outcome.started_course)
        + _talks(alpha_people[3:8], Outcome.set_goal)
        + _talks(alpha_people[8:10], Outcome.referred)
        + _talks(alpha_people[10:], Outcome.stopped)
        + _talks(alpha_people[:4], Outcome.set_goal, FEBRUARY),
    )
    # Bakker (k=5): the same 3 who started a course, 2 referred, 6 set a goal.
    bakker_people = employees(make, bakker, 11)
    add_conversations(
        dbs,
        bakker,
        _talks(bakker_people[:3], Outcome.started_course)
        + _talks(bakker_people[3:5], Outcome.referred)
        + _talks(bakker_people[5:], Outcome.set_goal),
    )
    for name in ("chemie", "delta", "eiland", "fabriek"):
        add_conversations(dbs, companies[name], _talks(employees(make, companies[name], 9), None))
    facility_entry(make, alpha, ambassadors["alpha"][0], minutes=6 * 60, worked_on=MAY)
    facility_entry(make, alpha, ambassadors["alpha"][1], minutes=4 * 60, worked_on=MAY)
    facility_entry(make, alpha, ambassadors["alpha"][1], minutes=7 * 60, worked_on=date(2026, 4, 2))
    facility_entry(make, chemie, ambassadors["chemie"][0], minutes=13 * 60, worked_on=MAY)
    return {"union": union, "companies": companies, "agreements": agreements}


def test_companies_side_by_side_each_with_its_own_k(client, make, world, frozen):
    alpha, bakker = world["companies"]["alpha"], world["companies"]["bakker"]
    _coordinator(client, make, world["union"])

    page = text_of(client.get(_url(world["union"])))

    a = company_row(page, alpha.id, "outcomes-heading")
    b = company_row(page, bakker.id, "outcomes-heading")
    # Three people started a course in both: Alpha (k=3) shows it, Bakker (k=5) does not.
    assert row_cell(a, "started_course") == "3"
    assert row_cell(b, "started_course") == HIDDEN
    assert row_cell(a, "set_goal") == "5"
    assert row_cell(b, "set_goal") == "6"
    # Alpha: 2 referred and 1 stopped are both below 3, so they protect each other.
    assert row_cell(a, "referred") == HIDDEN and row_cell(a, "stopped") == HIDDEN
    assert row_cell(a, "total") == "11" and row_cell(b, "total") == "11"
    assert "at least 3 people" in company_row(page, alpha.id, "companies-heading")
    assert "at least 5 people" in company_row(page, bakker.id, "companies-heading")


def test_a_total_that_would_give_a_cell_away_hides_the_next_smallest(
    client, make, dbs, world, frozen
):
    bakker = world["companies"]["bakker"]
    _coordinator(client, make, world["union"])
    page = text_of(client.get(_url(world["union"])))
    # Bakker (k=5): started 3 and referred 2 hide each other; 11 - 6 gives only their sum.
    b = company_row(page, bakker.id, "outcomes-heading")
    assert row_cell(b, "referred") == HIDDEN
    assert row_cell(b, "set_goal") == "6"

    # One more person referred: now only "started a course" (3) is small, and the total
    # would give it away, so "referred" (5 people) is hidden as well.
    more = employees(make, bakker, 1, prefix="Extra")
    add_conversations(
        dbs,
        bakker,
        _talks(more + employees(make, bakker, 2, prefix="Third"), Outcome.referred),
    )
    page = text_of(client.get(_url(world["union"])))
    b = company_row(page, bakker.id, "outcomes-heading")
    assert row_cell(b, "started_course") == HIDDEN
    assert row_cell(b, "referred") == HIDDEN
    assert row_cell(b, "set_goal") == "6"
    assert row_cell(b, "total") == "14"


def test_ambassadors_conversations_per_quarter_and_facility_hours(client, make, world, frozen):
    alpha, bakker = world["companies"]["alpha"], world["companies"]["bakker"]
    _coordinator(client, make, world["union"])

    page = text_of(client.get(_url(world["union"])))

    a = company_row(page, alpha.id, "companies-heading")
    assert row_cell(a, "ambassadors") == "2"
    assert row_cell(a, "quarter-2026-2") == "11"
    assert row_cell(a, "quarter-2026-1") == "4"
    assert row_cell(a, "quarter-2025-4") == HIDDEN  # nobody: nothing to show
    assert "trend-h8" in a and "trend-h3" in a  # 11 is the top, 4 about a third
    assert row_cell(company_row(page, bakker.id, "companies-heading"), "ambassadors") == "1"
    may = text_of(client.get(_url(world["union"], "?month=2026-05")))
    f = company_row(may, alpha.id, "facility-heading")
    # Two ambassadors wrote hours down, Alpha's k is 3: their sum is working time of two.
    assert row_cell(f, "facility-used") == HIDDEN
    assert row_cell(f, "facility-agreed") == "16 hours"  # 8 hours x 2 ambassadors
    assert "<meter" not in f


def test_hours_used_show_only_when_k_different_ambassadors_wrote_hours_down(
    client, make, world, frozen
):
    alpha, bakker = world["companies"]["alpha"], world["companies"]["bakker"]
    union = world["union"]
    # Bakker (k=5) has one ambassador: many entries are still one person's working time.
    lone = make_ambassador(make, bakker).user
    for day in (4, 5, 6, 7, 8, 11):
        facility_entry(make, bakker, lone, minutes=60, worked_on=date(2026, 5, day))
    _coordinator(client, make, union)

    page = text_of(client.get(_url(union, "?month=2026-05")))

    b = company_row(page, bakker.id, "facility-heading")
    assert row_cell(b, "facility-used") == HIDDEN and "6 hours" not in b
    assert row_cell(b, "facility-agreed") == "8 hours"  # the employer's terms stay
    assert row_cell(company_row(page, alpha.id, "facility-heading"), "facility-used") == HIDDEN

    # A third Alpha ambassador writes hours down in May: now 3 people are behind the sum.
    third = make_ambassador(make, alpha).user
    facility_entry(make, alpha, third, minutes=2 * 60, worked_on=MAY)
    page = text_of(client.get(_url(union, "?month=2026-05")))
    f = company_row(page, alpha.id, "facility-heading")
    assert row_cell(f, "facility-used") == "12 hours"
    assert row_cell(f, "facility-agreed") == "24 hours"  # 8 hours x 3 ambassadors
    assert "<meter" in f
    april = text_of(client.get(_url(union, "?month=2026-04")))
    assert row_cell(company_row(april, alpha.id, "facility-heading"), "facility-used") == HIDDEN


def test_this_quarter_and_this_month_are_not_shown_until_they_are_over(
    client, make, dbs, world, frozen
):
    alpha = world["companies"]["alpha"]
    union = world["union"]
    ambassadors = [make_ambassador(make, alpha).user for _ in range(3)]
    for person in ambassadors:
        facility_entry(make, alpha, person, minutes=60, worked_on=JULY)
    _coordinator(client, make, union)

    before = text_of(client.get(_url(union)))
    # A colleague is seen walking to the ambassador: the talk is booked today.
    add_conversations(dbs, alpha, _talks(employees(make, alpha, 1, "Seen"), None, JULY))
    after = text_of(client.get(_url(union)))

    assert before == after  # nothing on the page went up by one
    assert 'data-cell="quarter-2026-3"' not in after
    assert [q.split('"')[0] for q in after.split('data-cell="quarter-')[1:5]] == [
        "2025-3",
        "2025-4",
        "2026-1",
        "2026-2",
    ]
    assert "Numbers of this quarter show after 30 September 2026." in after
    assert "What came of the conversations in April to June 2026" in after
    # The month is June (over); July's three ambassadors show only from August.
    assert "Facility hours in June 2026" in after
    assert "Hours of this month show after 31 July 2026." in after
    assert "?month=2026-07" not in after  # no "next month" into this month
    for asked in ("?month=2026-07", "?quarter=2026-3"):
        page = text_of(client.get(_url(union, asked)))
        assert "Facility hours in June 2026" in page
        assert "What came of the conversations in April to June 2026" in page
        assert 'data-cell="quarter-2026-3"' not in page

    report = text_of(client.get(_url(union, f"/{world['agreements']['alpha'].id}")))
    assert 'data-quarter="2026-3"' not in report
    assert cell(report, "topic", "total", "2026-2") == "11"
    assert "Numbers of this quarter show after 30 September 2026." in report


def test_a_quarter_is_over_only_when_it_is_over_for_the_company_too(client, make, dbs):
    union = make.org(kind=OrgKind.union, timezone="Europe/Amsterdam")
    company = make.org(name="Werf Azoren", min_group_size=3, timezone="Atlantic/Azores")
    agreement = make_agreement(make, union, company)
    # 1 July 00:30 in Amsterdam is still 30 June 21:30 on the Azores: the quarter runs on.
    with time_machine.travel(datetime(2026, 6, 30, 22, 30, tzinfo=UTC), tick=False):
        _coordinator(client, make, union)
        page = text_of(client.get(_url(union)))
        report = text_of(client.get(_url(union, f"/{agreement.id}")))
    assert 'data-cell="quarter-2026-2"' not in page
    assert "Numbers of this quarter show after 30 June 2026." in page
    assert 'data-quarter="2026-2"' not in report and 'data-quarter="2026-1"' in report


def test_only_companies_with_an_active_agreement_of_this_union(client, make, world, frozen):
    _coordinator(client, make, world["union"])
    page = text_of(client.get(_url(world["union"])))
    for name in ("Alpha Logistiek", "Bakker Brood", "Chemie Noord"):
        assert name in page
    for name in ("Delta Proposed", "Eiland Elsewhere", "Fabriek Ended"):
        assert name not in page
    for name in ("delta", "eiland", "fabriek"):
        assert f'data-company="{world["companies"][name].id}"' not in page


def test_a_company_that_does_not_share_shows_no_numbers(client, make, world, frozen):
    chemie = world["companies"]["chemie"]
    _coordinator(client, make, world["union"])
    page = text_of(client.get(_url(world["union"])))

    row = company_row(page, chemie.id, "companies-heading")
    assert row_cell(row, "ambassadors") == "3"  # the agreement itself is not secret
    assert row_cell(row, "conversations") == "not shared"
    assert row_cell(company_row(page, chemie.id, "outcomes-heading"), "outcomes") == "not shared"
    assert row_cell(company_row(page, chemie.id, "facility-heading"), "facility") == "not shared"
    assert "13 hours" not in page
    assert f"/union/dashboard/{world['agreements']['chemie'].id}" not in page


def test_ending_an_agreement_hides_the_company_on_the_next_request(
    client, make, dbs, world, frozen
):
    alpha = world["companies"]["alpha"]
    agreement = world["agreements"]["alpha"]
    _coordinator(client, make, world["union"])
    report = _url(world["union"], f"/{agreement.id}")
    assert "Alpha Logistiek" in text_of(client.get(_url(world["union"])))
    assert client.get(report).status_code == 200

    dbs.execute(
        update(LearningAgreement)
        .where(LearningAgreement.id == agreement.id)
        .values(status=AgreementStatus.ended, ended_at=NOW)
    )
    dbs.commit()

    page = text_of(client.get(_url(world["union"])))
    assert "Alpha Logistiek" not in page
    assert f'data-company="{alpha.id}"' not in page
    assert client.get(report).status_code == 404


def test_stopping_to_share_reports_hides_the_numbers_on_the_next_request(
    client, make, dbs, world, frozen
):
    alpha = world["companies"]["alpha"]
    agreement = world["agreements"]["alpha"]
    _coordinator(client, make, world["union"])
    dbs.execute(
        update(LearningAgreement)
        .where(LearningAgreement.id == agreement.id)
        .values(shares_conversation_reports=False)
    )
    dbs.commit()

    page = text_of(client.get(_url(world["union"])))

    row = company_row(page, alpha.id, "companies-heading")
    assert row_cell(row, "conversations") == "not shared"
    assert client.get(_url(world["union"], f"/{agreement.id}")).status_code == 404


def test_the_union_view_of_one_companys_report(client, make, world, frozen):
    _coordinator(client, make, world["union"], role=Role.admin)

    response = client.get(_url(world["union"], f"/{world['agreements']['alpha'].id}"))

    assert response.status_code == 200
    page = text_of(response)
    assert "Ambassador reports of Alpha Logistiek" in page
    assert "at least 3 different people" in page
    assert cell(page, "outcome", "started_course", "2026-2") == "3"
    assert cell(page, "topic", "course", "2026-1") == "4"
    assert "Bakker Brood" not in page


@pytest.mark.parametrize("name", ["chemie", "delta", "eiland", "fabriek"])
def test_a_report_the_union_may_not_see_is_a_404(client, make, world, frozen, name):
    _coordinator(client, make, world["union"])
    foreign_path = _url(world["union"], f"/{world['agreements'][name].id}")
    missing_path = _url(world["union"], "/999999")
    foreign, missing = client.get(foreign_path), client.get(missing_path)
    assert foreign.status_code == missing.status_code == 404
    assert normalised(foreign, foreign_path) == normalised(missing, missing_path)


def test_a_rep_sees_their_caseload_not_the_dashboard(client, make, world, frozen):
    login(client, make.member(world["union"], roles=(Role.rep,)).user)
    assert client.get(_url(world["union"])).status_code == 403
    assert (
        client.get(_url(world["union"], f"/{world['agreements']['alpha'].id}")).status_code == 403
    )


def test_a_union_without_agreements(client, make, frozen):
    union = make.org(kind=OrgKind.union)
    _coordinator(client, make, union)
    page = text_of(client.get(_url(union)))
    assert "No company has an active learning agreement with your union yet." in page


def test_the_chosen_quarter_and_month_stay_when_choosing_the_other(client, make, world, frozen):
    alpha = world["companies"]["alpha"]
    _coordinator(client, make, world["union"])

    page = text_of(client.get(_url(world["union"], "?quarter=2026-1&month=2026-04")))

    assert "What came of the conversations in January to March 2026" in page
    assert row_cell(company_row(page, alpha.id, "outcomes-heading"), "set_goal") == "4"
    assert "Facility hours in April 2026" in page
    assert "?month=2026-03&quarter=2026-1" in page or "?quarter=2026-1&month=2026-03" in page
    assert "?quarter=2026-2&month=2026-04" in page
    # A quarter outside the last four, or nonsense, shows this quarter.
    for odd in ("2025-1", "x"):
        odd_page = text_of(client.get(_url(world["union"], f"?quarter={odd}")))
        assert "What came of the conversations in April to June 2026" in odd_page
