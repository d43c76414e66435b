"""The manager records that a development conversation took place (E6): for their own
people only, one row per person and date, content never stored."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.development.models import DevelopmentConversation
from app.notifications.models import Notification
from tests.conftest import csrf_token, login

from .helpers_budget import count, english, frozen  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("frozen")
TODAY = date(2026, 5, 4)  # NOW in Amsterdam


def _url(org) -> str:
    return f"/o/{org.slug}/development/conversations"


def _record(client, org, person_id, held_on: date | str = TODAY):
    url = _url(org)
    held = held_on.isoformat() if isinstance(held_on, date) else held_on
    return client.post(
        url,
        data={"csrf_token": csrf_token(client, url), "person_id": str(person_id), "held_on": held},
    )


@pytest.fixture()
def teams(make):
    """A manager of Production with Anna (Production) and Bram (Packing, under Production);
    Cees works in Sales; Dirk has no team."""
    org = make.org()
    production = make.team(org, name="Production")
    packing = make.team(org, name="Packing", parent_id=production.id)
    sales = make.team(org, name="Sales")
    people = {
        "manager": make.member(org, roles=("employee", "manager"), team=production, name="Mona"),
        "anna": make.member(org, team=production, name="Anna"),
        "bram": make.member(org, team=packing, name="Bram"),
        "cees": make.member(org, team=sales, name="Cees"),
        "dirk": make.member(org, name="Dirk"),
        "admin": make.admin(org, name="Ada"),
    }
    return org, {key: m.user for key, m in people.items()}


def _rows(dbs) -> list[tuple[int, int, date, str]]:
    dbs.expire_all()
    return [
        (c.user_id, c.manager_id, c.held_on, str(c.status))
        for c in dbs.scalars(select(DevelopmentConversation).order_by(DevelopmentConversation.id))
    ]


def test_manager_sees_the_people_of_their_team_and_the_teams_under_it(client, teams):
    org, p = teams
    login(client, p["manager"])
    english(client)
    page = client.get(_url(org)).get_data(as_text=True)
    assert "Anna" in page and "Bram" in page
    assert "Cees" not in page and "Dirk" not in page and "Ada" not in page
    assert "Mona" not in page.split("<main")[1]  # not herself (the header may name her)
    assert "What you talked about is not stored here" in page


def test_admin_sees_everyone_but_themselves(client, teams):
    org, p = teams
    login(client, p["admin"])
    english(client)
    page = client.get(_url(org)).get_data(as_text=True)
    for name in ("Anna", "Bram", "Cees", "Dirk", "Mona"):
        assert name in page


def test_recording_tells_the_person_and_is_audited(client, teams, dbs):
    org, p = teams
    login(client, p["manager"])
    english(client)
    response = _record(client, org, p["anna"].id, TODAY - timedelta(days=3))
    assert response.status_code == 302
    assert _rows(dbs) == [(p["anna"].id, p["manager"].id, date(2026, 5, 1), "recorded")]
    [note] = dbs.scalars(select(Notification)).all()
    assert (note.user_id, note.kind) == (p["anna"].id, "development_conversation_recorded")
    assert note.payload == {"held_on": "2026-05-01", "manager_name": "Mona"}
    [audit] = dbs.scalars(select(AuditEvent)).all()
    assert (audit.action, audit.actor_id, audit.subject_user_id) == (
        "development_conversation.recorded",
        p["manager"].id,
        p["anna"].id,
    )
    page = client.get(response.location).get_data(as_text=True)
    assert "Saved. We asked the person to confirm that you talked." in page
    assert "May 1, 2026" in page and "Waiting for the person" in page

    login(client, p["anna"])
    english(client)
    bell = client.get(f"/o/{org.slug}/notifications/").get_data(as_text=True)
    assert "Mona noted that you had a development conversation on May 1, 2026." in bell


def test_double_submit_makes_one_row_one_message_one_audit_entry(client, teams, dbs):
    org, p = teams
    login(client, p["manager"])
    english(client)
    _record(client, org, p["bram"].id)
    response = _record(client, org, p["bram"].id)
    assert response.status_code == 302
    assert len(_rows(dbs)) == 1
    assert count(dbs, Notification) == 1
    assert count(dbs, AuditEvent) == 1
    assert "already recorded" in client.get(response.location).get_data(as_text=True)


@pytest.mark.parametrize("who", ["cees", "dirk", "manager", "admin", "missing", "other-org"])
def test_no_recording_for_someone_outside_your_teams_or_yourself(client, make, teams, dbs, who):
    org, p = teams
    person_id = {
        "missing": 999_999,
        "other-org": make.member(make.org(), name="Outsider").user_id,
    }.get(who) or p[who].id
    login(client, p["manager"])
    response = _record(client, org, person_id)
    assert response.status_code == 404
    assert _rows(dbs) == [] and count(dbs, Notification) == 0 and count(dbs, AuditEvent) == 0


def test_admin_records_for_anyone_but_not_for_themselves(client, teams, dbs):
    org, p = teams
    login(client, p["admin"])
    assert _record(client, org, p["cees"].id).status_code == 302
    assert _record(client, org, p["admin"].id).status_code == 404
    assert [r[0] for r in _rows(dbs)] == [p["cees"].id]


@pytest.mark.parametrize(
    ("held_on", "message"),
    [
        (TODAY + timedelta(days=1), "This date is in the future."),
        (date(2025, 5, 3), "This date is more than a year ago."),
        ("4-5-2026x", "Not a valid date value."),
        ("", "Fill in the date of the conversation."),
    ],
)
def test_a_wrong_date_is_explained_and_nothing_is_saved(client, teams, dbs, held_on, message):
    org, p = teams
    login(client, p["manager"])
    english(client)
    response = _record(client, org, p["anna"].id, held_on)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _rows(dbs) == []


def test_today_and_exactly_one_year_ago_are_fine(client, teams, dbs):
    org, p = teams
    login(client, p["manager"])
    assert _record(client, org, p["anna"].id, TODAY).status_code == 302
    assert _record(client, org, p["anna"].id, date(2025, 5, 4)).status_code == 302
    assert len(_rows(dbs)) == 2


def test_no_person_chosen_is_explained(client, teams, dbs):
    org, p = teams
    login(client, p["manager"])
    english(client)
    response = _record(client, org, "")
    assert response.status_code == 400
    assert "Choose a person." in response.get_data(as_text=True)


def test_manager_without_a_team_sees_no_one(client, make, dbs):
    org = make.org()
    make.member(org, name="Anna")
    manager = make.member(org, roles=("employee", "manager")).user
    login(client, manager)
    english(client)
    page = client.get(_url(org)).get_data(as_text=True)
    assert "There is no one in your team yet." in page and "Anna" not in page


def test_last_conversation_and_its_status_per_person(client, teams, dbs):
    org, p = teams
    for held_on, status in ((date(2025, 11, 2), "confirmed"), (date(2026, 3, 9), "disputed")):
        dbs.add(
            DevelopmentConversation(
                org_id=org.id, user_id=p["anna"].id, held_on=held_on, status=status
            )
        )
    dbs.commit()
    login(client, p["manager"])
    english(client)
    page = client.get(_url(org)).get_data(as_text=True)
    anna_row = page.split("Anna</a>")[1].split("</tr>")[0]
    assert "Mar 9, 2026" in anna_row and "Did not take place, the person says" in anna_row
    bram_row = page.split("Bram</a>")[1].split("</tr>")[0]
    assert "none yet" in bram_row


def test_page_runs_the_same_queries_for_5_and_200_people(client, make, dbs, count_queries):
    org = make.org()
    team = make.team(org)
    manager = make.member(org, roles=("employee", "manager"), team=team).user

    def add_people(n: int) -> None:
        for _ in range(n):
            person = make.member(org, team=team).user
            dbs.add(
                DevelopmentConversation(org_id=org.id, user_id=person.id, held_on=date(2026, 1, 5))
            )
        dbs.commit()

    login(client, manager)
    add_people(5)
    with count_queries() as few:
        assert client.get(_url(org)).status_code == 200
    add_people(195)
    with count_queries() as many:
        page = client.get(_url(org)).get_data(as_text=True)
    assert page.count("<tr>") == 201  # the header and 200 people
    assert many.count == few.count
