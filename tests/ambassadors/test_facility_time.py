"""Facility time (B5) from the ambassador's side: log hours by activity in a few taps
(a Dutch comma is fine), see the month used against granted, correct a mistake."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from app.ambassadors.models import FacilityActivity, FacilityTimeEntry
from app.orgs.models import Role
from tests.conftest import csrf_token, login
from tests.development.helpers_goals import client_token, english, normalised

from .helpers import make_ambassador
from .helpers_aggregates import HX, facility_entry, text_of

NOW = datetime(2026, 5, 12, 10, 0, tzinfo=UTC)


@pytest.fixture()
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _url(org, path: str = "") -> str:
    return f"/o/{org.slug}/ambassadors/facility-time{path}"


def _count(dbs, *where) -> int:
    return dbs.scalar(select(func.count()).select_from(FacilityTimeEntry).where(*where))


def _signed_in_ambassador(client, make, org, **profile):
    membership = make_ambassador(make, org, **profile)
    login(client, membership.user)
    english(client)
    return membership.user


def _log(client, org, headers=None, **fields):
    page = client.get(_url(org)).get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(client, _url(org)),
        "client_token": client_token(page),
        "activity": "conversations",
        "hours": "1,5",
        "worked_on": NOW.date().isoformat(),
    }
    data.update(fields)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(_url(org), data=data, headers=headers or {})


def _dd(page: str, attribute: str) -> str:
    import re

    match = re.search(rf"<dd {attribute}>(.*?)</dd>", page, re.S)
    assert match, attribute
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_log_hours_without_javascript(client, make, dbs, frozen):
    org = make.org()
    me = _signed_in_ambassador(client, make, org)
    page = text_of(client.get(_url(org)))
    assert "Talking with colleagues about learning." in page
    assert "A course or training for your work as ambassador." in page
    assert "A learning day, an information meeting, a stand." in page
    assert "Planning, finding courses, reading up, e-mails." in page
    assert f'value="{NOW.date().isoformat()}"' in page  # today, already filled in
    assert 'inputmode="decimal"' in page

    response = _log(client, org, activity="training", hours="1,5")

    assert response.status_code == 302 and response.location.endswith(_url(org))
    entry = dbs.scalars(select(FacilityTimeEntry)).one()
    assert (entry.org_id, entry.user_id, entry.activity, entry.minutes, entry.worked_on) == (
        org.id,
        me.id,
        FacilityActivity.training,
        90,
        NOW.date(),
    )
    page = text_of(client.get(_url(org)))
    assert "Saved. Thank you for your work as ambassador." in page
    assert _dd(page, 'data-activity="training"') == "1.5 hours"
    assert _dd(page, 'data-total="used"') == "1.5 hours"


def test_log_hours_with_htmx_gives_the_new_month_back(client, make, dbs, frozen):
    org = make.org()
    _signed_in_ambassador(client, make, org)

    response = _log(client, org, headers=HX, hours="2", activity="events")

    assert response.status_code == 200
    page = text_of(response)
    assert page.lstrip().startswith('<div id="facility-time">')
    assert "Saved. Thank you for your work as ambassador." in page
    assert _dd(page, 'data-activity="events"') == "2 hours"
    assert response.headers["HX-Replace-Url"] == _url(org)


def test_a_double_submit_makes_one_entry(client, make, dbs, frozen):
    org = make.org()
    _signed_in_ambassador(client, make, org)
    page = client.get(_url(org)).get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(client, _url(org)),
        "client_token": client_token(page),
        "activity": "conversations",
        "hours": "1",
        "worked_on": NOW.date().isoformat(),
    }

    first = client.post(_url(org), data=data)
    second = client.post(_url(org), data=data)

    assert first.status_code == second.status_code == 302
    assert _count(dbs) == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"hours": "0"}, "Give a number of hours above 0."),
        ({"hours": "0,0"}, "Give a number of hours above 0."),
        ({"hours": "24,5"}, "Give at most 24 hours for one day."),
        ({"hours": "veel"}, "Give the hours as a number, for example 1,5 or 2."),
        ({"hours": "-1"}, "Give the hours as a number, for example 1,5 or 2."),
        ({"hours": ""}, "Fill in the hours, for example 1,5."),
        ({"activity": None}, "Choose what you did."),
        ({"activity": "gossip"}, "Not a valid choice."),
        ({"worked_on": "2026-05-13"}, "The date cannot be in the future."),
        ({"worked_on": "13-13-2026"}, "Give a date like 31-12-2025."),
    ],
)
def test_bad_input_gives_a_clear_message_and_saves_nothing(
    client, make, dbs, frozen, fields, message
):
    org = make.org()
    _signed_in_ambassador(client, make, org)

    response = _log(client, org, **fields)

    assert response.status_code == 400
    assert message in text_of(response)
    assert _count(dbs) == 0


def test_24_hours_on_one_day_is_the_most(client, make, dbs, frozen):
    org = make.org()
    _signed_in_ambassador(client, make, org)
    assert _log(client, org, hours="24").status_code == 302
    assert dbs.scalar(select(FacilityTimeEntry.minutes)) == 24 * 60


def test_the_date_is_today_where_the_organisation_is(client, make, dbs):
    org = make.org(timezone="Europe/Amsterdam")
    # 31 May 23:30 UTC is already 1 June in Amsterdam.
    with time_machine.travel(datetime(2026, 5, 31, 23, 30, tzinfo=UTC), tick=False):
        _signed_in_ambassador(client, make, org)
        page = text_of(client.get(_url(org)))
        assert 'value="2026-06-01"' in page
        assert "Your hours in June 2026" in page
        assert _log(client, org, worked_on="2026-06-01").status_code == 302


def test_the_month_shows_hours_per_activity_and_used_against_granted(client, make, dbs, frozen):
    org = make.org()
    me = _signed_in_ambassador(client, make, org, facility_minutes_per_month=8 * 60)
    for activity, minutes, day in [
        (FacilityActivity.conversations, 120, date(2026, 5, 4)),
        (FacilityActivity.conversations, 90, date(2026, 5, 11)),
        (FacilityActivity.preparation, 30, date(2026, 5, 1)),
        (FacilityActivity.training, 240, date(2026, 4, 30)),  # April
    ]:
        facility_entry(make, org, me, activity=activity, minutes=minutes, worked_on=day)
    other = make_ambassador(make, org).user
    facility_entry(make, org, other, minutes=600, worked_on=date(2026, 5, 5))

    page = text_of(client.get(_url(org)))

    assert "Your hours in May 2026" in page
    assert _dd(page, 'data-activity="conversations"') == "3.5 hours"
    assert _dd(page, 'data-activity="preparation"') == "0.5 hours"
    assert _dd(page, 'data-activity="training"') == "0 hours"
    assert _dd(page, 'data-total="used"') == "4 hours"
    assert _dd(page, 'data-total="granted"') == "8 hours"
    assert "4 hours left this month." in page
    assert "more than your employer granted" not in page
    assert "?month=2026-04" in page and "?month=2026-06" not in page  # no next month yet

    april = text_of(client.get(_url(org, "?month=2026-04")))
    assert "Your hours in April 2026" in april
    assert _dd(april, 'data-activity="training"') == "4 hours"
    assert _dd(april, 'data-total="used"') == "4 hours"
    assert "?month=2026-05" in april and "?month=2026-03" in april


def test_going_over_the_granted_hours_says_so_clearly(client, make, dbs, frozen):
    org = make.org()
    me = _signed_in_ambassador(client, make, org, facility_minutes_per_month=4 * 60)
    facility_entry(make, org, me, minutes=5 * 60, worked_on=date(2026, 5, 2))

    page = text_of(client.get(_url(org)))

    assert (
        "You used 1 hour more than your employer granted for this month. "
        "Talk about it with your admin" in page
    )


def test_without_granted_hours_the_page_says_to_ask_the_admin(client, make, dbs, frozen):
    org = make.org()
    _signed_in_ambassador(client, make, org, facility_minutes_per_month=0)
    page = text_of(client.get(_url(org)))
    assert _dd(page, 'data-total="granted"') == "No hours set yet"
    assert "Your admin has not set how many hours you get per month." in page


@pytest.mark.parametrize("month", ["garbage", "2026-13", "2026-06", "1999-12", "2026-5"])
def test_an_odd_month_in_the_address_shows_this_month(client, make, dbs, frozen, month):
    org = make.org()
    _signed_in_ambassador(client, make, org)
    page = text_of(client.get(_url(org, f"?month={month}")))
    assert "Your hours in May 2026" in page


def test_delete_my_own_entry(client, make, dbs, frozen):
    org = make.org()
    me = _signed_in_ambassador(client, make, org)
    entry = facility_entry(make, org, me, worked_on=date(2026, 4, 3))
    page = text_of(client.get(_url(org, "?month=2026-04")))
    assert f"/facility-time/{entry.id}/delete" in page

    response = client.post(
        _url(org, f"/{entry.id}/delete"), data={"csrf_token": csrf_token(client, _url(org))}
    )

    assert response.status_code == 302 and response.location.endswith("?month=2026-04")
    assert _count(dbs) == 0
    assert "The hours are deleted." in text_of(client.get(response.location))


@pytest.mark.parametrize("who", ["other ambassador", "admin", "admin and ambassador"])
def test_someone_elses_entry_is_a_404_like_a_missing_one(client, make, dbs, frozen, who):
    org = make.org()
    owner = make_ambassador(make, org).user
    entry = facility_entry(make, org, owner)
    roles = {
        "other ambassador": (Role.employee, Role.ambassador),
        "admin": (Role.employee, Role.admin),
        "admin and ambassador": (Role.employee, Role.admin, Role.ambassador),
    }[who]
    login(client, make.member(org, roles=roles).user)
    token = csrf_token(client, "/login")

    foreign_path, missing_path = _url(org, f"/{entry.id}/delete"), _url(org, "/999999/delete")
    foreign = client.post(foreign_path, data={"csrf_token": token})
    missing = client.post(missing_path, data={"csrf_token": token})

    assert foreign.status_code == missing.status_code == 404
    assert normalised(foreign, foreign_path) == normalised(missing, missing_path)
    assert _count(dbs) == 1


def test_my_month_never_shows_other_peoples_entries(client, make, dbs, frozen):
    org = make.org()
    me = _signed_in_ambassador(client, make, org)
    other = make_ambassador(make, org).user
    theirs = facility_entry(make, org, other, worked_on=date(2026, 5, 3))
    elsewhere = make.org()
    me_elsewhere = make.member(elsewhere, roles=(Role.employee, Role.ambassador), user=me)
    mine_elsewhere = facility_entry(make, elsewhere, me_elsewhere.user, worked_on=date(2026, 5, 3))

    page = text_of(client.get(_url(org)))

    assert f"/{theirs.id}/delete" not in page and f"/{mine_elsewhere.id}/delete" not in page
    assert "Nothing written down for this month." in page
    assert _dd(page, 'data-total="used"') == "0 hours"


def test_an_admin_who_is_not_an_ambassador_is_sent_to_the_overview(client, make, dbs, frozen):
    org = make.org()
    login(client, make.admin(org).user)
    response = client.get(_url(org))
    assert response.status_code == 302
    assert response.location.endswith(_url(org, "/overview"))


def test_a_colleague_who_is_not_an_ambassador_may_not_log(client, make, dbs, frozen):
    org = make.org()
    login(client, make.member(org).user)
    assert client.get(_url(org)).status_code == 403
    response = client.post(
        _url(org),
        data={
            "csrf_token": csrf_token(client, "/login"),
            "client_token": "abcdefgh12",
            "activity": "conversations",
            "hours": "1",
            "worked_on": NOW.date().isoformat(),
        },
    )
    assert response.status_code == 403
    assert _count(dbs) == 0
