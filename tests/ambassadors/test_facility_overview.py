"""The admin's facility-time overview (B5): hours used and granted per ambassador and
month, hours only (never what the time was spent on), the same queries for 2 and 20
ambassadors."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import delete, update

from app.ambassadors.models import AmbassadorProfile, FacilityActivity
from app.db_types import utcnow
from app.orgs.models import MembershipRole, Role
from tests.conftest import login
from tests.development.helpers_goals import english

from .helpers import make_ambassador
from .helpers_aggregates import facility_entry, text_of

NOW = datetime(2026, 5, 12, 10, 0, tzinfo=UTC)


@pytest.fixture()
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _url(org, query: str = "") -> str:
    return f"/o/{org.slug}/ambassadors/facility-time/overview{query}"


def _row(page: str, user_id: int) -> dict[str, str]:
    match = re.search(rf'<tr data-user="{user_id}">(.*?)</tr>', page, re.S)
    assert match, f"no row for user {user_id}"
    row = match.group(1)
    cells = dict(re.findall(r'data-cell="([a-z-]+)">(.*?)</td>', row, re.S))
    cells["row"] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
    return cells


def _admin(client, make, org):
    login(client, make.admin(org).user)
    english(client)


def test_hours_used_and_granted_per_ambassador_this_month(client, make, dbs, frozen):
    org = make.org()
    anna = make_ambassador(
        make, org, facility_minutes_per_month=8 * 60, user_kwargs={"name": "Anna"}
    )
    bram = make_ambassador(
        make, org, facility_minutes_per_month=4 * 60, user_kwargs={"name": "Bram"}
    )
    cor = make_ambassador(make, org, facility_minutes_per_month=0, user_kwargs={"name": "Cor"})
    for person, minutes, day in [
        (anna.user, 120, date(2026, 5, 4)),
        (anna.user, 90, date(2026, 5, 11)),
        (bram.user, 300, date(2026, 5, 2)),
        (bram.user, 600, date(2026, 4, 30)),  # April
    ]:
        facility_entry(make, org, person, minutes=minutes, worked_on=day)
    _admin(client, make, org)

    page = text_of(client.get(_url(org)))

    assert "May 2026" in page
    assert _row(page, anna.user_id)["used"] == "3.5 hours"
    assert _row(page, anna.user_id)["granted"] == "8 hours"
    assert "within" in _row(page, anna.user_id)["row"]
    assert _row(page, bram.user_id)["used"] == "5 hours"
    assert "1 hour over" in _row(page, bram.user_id)["row"]
    assert _row(page, cor.user_id)["used"] == "0 hours"
    assert _row(page, cor.user_id)["granted"] == "not set"
    assert re.search(r'data-cell="total-used">8.5 hours<', page)
    assert re.search(r'data-cell="total-granted">12 hours<', page)
    names = re.findall(r'<tr data-user="\d+">\s*<th scope="row">(\w+)', page)
    assert names == ["Anna", "Bram", "Cor"]

    april = text_of(client.get(_url(org, "?month=2026-04")))
    assert _row(april, bram.user_id)["used"] == "10 hours"
    assert _row(april, anna.user_id)["used"] == "0 hours"


def test_only_hours_never_what_the_time_was_spent_on(client, make, dbs, frozen):
    org = make.org()
    anna = make_ambassador(make, org)
    for activity in FacilityActivity:
        facility_entry(make, org, anna.user, activity=activity, worked_on=date(2026, 5, 4))
    _admin(client, make, org)

    page = text_of(client.get(_url(org)))
    main = page.split('<main id="main"', 1)[1].split("</main>", 1)[0]

    assert _row(page, anna.user_id)["used"] == "6 hours"
    for word in ("Conversations", "Training", "Events", "Preparation", "4 May"):
        assert word not in main


def _take_role(dbs, membership) -> None:
    dbs.execute(
        delete(MembershipRole).where(
            MembershipRole.membership_id == membership.id,
            MembershipRole.role == str(Role.ambassador),
        )
    )
    dbs.execute(
        update(AmbassadorProfile)
        .where(AmbassadorProfile.user_id == membership.user_id)
        .values(retired_at=utcnow())
    )
    dbs.commit()


def test_a_retired_ambassador_with_hours_this_month_is_still_listed(client, make, dbs, frozen):
    org = make.org()
    anna = make_ambassador(make, org, facility_minutes_per_month=8 * 60)
    facility_entry(make, org, anna.user, minutes=120, worked_on=date(2026, 5, 4))
    facility_entry(make, org, anna.user, minutes=120, worked_on=date(2026, 4, 4))
    _take_role(dbs, anna)
    gone_without_hours = make_ambassador(make, org)
    facility_entry(make, org, gone_without_hours.user, minutes=60, worked_on=date(2026, 4, 4))
    _take_role(dbs, gone_without_hours)
    _admin(client, make, org)

    page = text_of(client.get(_url(org)))

    assert _row(page, anna.user_id)["used"] == "2 hours"
    assert _row(page, anna.user_id)["granted"] == "–"
    assert "no longer ambassador" in _row(page, anna.user_id)["row"]
    assert f'data-user="{gone_without_hours.user_id}"' not in page
    assert re.search(r'data-cell="total-granted">0 hours<', page)


def test_another_companys_ambassadors_are_not_in_it(client, make, dbs, frozen):
    org = make.org()
    other = make.org()
    theirs = make_ambassador(make, other, user_kwargs={"name": "Zwaluw"})
    facility_entry(make, other, theirs.user, minutes=600, worked_on=date(2026, 5, 4))
    # The same person is an ambassador in both: only this company's hours count here.
    both = make_ambassador(make, other)
    facility_entry(make, other, both.user, minutes=300, worked_on=date(2026, 5, 4))
    here = make.member(org, roles=(Role.employee, Role.ambassador), user=both.user)
    facility_entry(make, org, here.user, minutes=60, worked_on=date(2026, 5, 4))
    _admin(client, make, org)

    page = text_of(client.get(_url(org)))

    assert "Zwaluw" not in page
    assert _row(page, both.user_id)["used"] == "1 hour"
    assert re.search(r'data-cell="total-used">1 hour<', page)


def test_no_ambassadors_yet(client, make, dbs, frozen):
    org = make.org()
    _admin(client, make, org)
    assert "There are no ambassadors yet." in text_of(client.get(_url(org)))


def test_the_overview_runs_the_same_queries_for_2_and_20_ambassadors(
    client, make, dbs, count_queries, frozen
):
    org = make.org()
    _admin(client, make, org)
    for _ in range(2):
        facility_entry(make, org, make_ambassador(make, org).user, worked_on=date(2026, 5, 4))
    with count_queries() as few:
        assert client.get(_url(org)).status_code == 200

    for i in range(18):
        person = make_ambassador(make, org).user
        for day in range(1, 11):
            facility_entry(make, org, person, minutes=30 + i, worked_on=date(2026, 5, day))
    with count_queries() as many:
        page = text_of(client.get(_url(org)))

    assert page.count('<tr data-user="') == 20
    assert few.count == many.count, (few.statements, many.statements)
