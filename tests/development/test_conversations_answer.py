"""The person confirms a development conversation or says it did not take place (E6);
coverage for the KPI counts people with a recorded or confirmed one in 12 months."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.activity.models import ActivityEvent
from app.development.conversations import conversation_coverage, coverage_since
from app.development.models import DevelopmentConversation
from app.notifications.models import Notification
from app.tenancy import org_context
from tests.conftest import csrf_token, login

from .helpers_budget import HX, count, english, frozen  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("frozen")


def _mine(org) -> str:
    return f"/o/{org.slug}/development/conversations/mine"


def _answer(client, org, conversation_id, answer, headers=None):
    return client.post(
        f"/o/{org.slug}/development/conversations/{conversation_id}/answer",
        data={"csrf_token": csrf_token(client, _mine(org)), "answer": answer},
        headers=headers or {},
    )


@pytest.fixture()
def recorded(make, dbs):
    """Mona (manager) recorded a conversation with Anna on 1 May 2026."""
    org = make.org()
    team = make.team(org)
    manager = make.member(org, roles=("employee", "manager"), team=team, name="Mona").user
    anna = make.member(org, team=team, name="Anna").user
    item = DevelopmentConversation(
        org_id=org.id, user_id=anna.id, manager_id=manager.id, held_on=date(2026, 5, 1)
    )
    dbs.add(item)
    dbs.commit()
    return org, manager, anna, item


def _status(dbs, item) -> str:
    dbs.expire_all()
    return str(dbs.get(DevelopmentConversation, item.id).status)


def test_the_person_sees_their_conversation_and_confirms_with_one_tap(client, dbs, recorded):
    org, manager, anna, item = recorded
    login(client, anna)
    english(client)
    page = client.get(_mine(org)).get_data(as_text=True)
    assert "May 1, 2026" in page and "with Mona" in page
    assert "Only the date is stored, not what you talked about." in page

    response = _answer(client, org, item.id, "yes")
    assert response.status_code == 302 and response.location.endswith(_mine(org))
    assert _status(dbs, item) == "confirmed"
    kinds = dbs.scalars(select(ActivityEvent.kind)).all()
    assert kinds == ["development_conversation"]
    assert "You confirmed that you talked." in client.get(_mine(org)).get_data(as_text=True)

    _answer(client, org, item.id, "yes")  # a double tap counts once
    assert count(dbs, ActivityEvent) == 1


def test_with_htmx_only_the_item_comes_back(client, dbs, recorded):
    org, _manager, anna, item = recorded
    login(client, anna)
    english(client)
    response = _answer(client, org, item.id, "yes", headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body and f'id="conversation-{item.id}"' in body
    assert "Thank you. Your answer is saved." in body
    assert 'value="no"' in body and 'value="yes"' not in body


def test_did_not_take_place_tells_the_manager_and_does_not_count(client, dbs, recorded):
    org, manager, anna, item = recorded
    login(client, anna)
    english(client)
    _answer(client, org, item.id, "no")
    _answer(client, org, item.id, "no")
    assert _status(dbs, item) == "disputed"
    assert count(dbs, ActivityEvent) == 0
    [note] = dbs.scalars(select(Notification)).all()
    assert (note.user_id, note.kind) == (manager.id, "development_conversation_disputed")
    assert note.payload["person_name"] == "Anna"

    login(client, manager)
    english(client)
    bell = client.get(f"/o/{org.slug}/notifications/").get_data(as_text=True)
    assert "Anna says the development conversation on May 1, 2026 did not take place." in bell


def test_changing_the_answer_later_counts_the_confirmation_once(client, dbs, recorded):
    org, _manager, anna, item = recorded
    login(client, anna)
    for answer in ("yes", "no", "yes"):
        _answer(client, org, item.id, answer)
    assert _status(dbs, item) == "confirmed"
    assert count(dbs, ActivityEvent) == 1


@pytest.mark.parametrize("who", ["manager", "admin", "colleague"])
def test_only_the_person_may_answer(client, make, dbs, recorded, who):
    org, manager, _anna, item = recorded
    other = {
        "manager": manager,
        "admin": make.admin(org).user,
        "colleague": make.member(org).user,
    }[who]
    login(client, other)
    assert _answer(client, org, item.id, "yes").status_code == 404
    assert _answer(client, org, item.id, "yes", headers=HX).status_code == 404
    assert _status(dbs, item) == "recorded"
    assert "May 1, 2026" not in client.get(_mine(org)).get_data(as_text=True)


def test_a_wrong_answer_changes_nothing(client, dbs, recorded):
    org, _manager, anna, item = recorded
    login(client, anna)
    assert _answer(client, org, item.id, "maybe").status_code == 302
    assert _status(dbs, item) == "recorded"


def test_my_page_runs_the_same_queries_for_5_and_200_conversations(
    client, make, dbs, count_queries
):
    org = make.org()
    person = make.member(org).user
    manager = make.member(org, roles=("employee", "manager")).user

    def add(start: int, n: int) -> None:
        for i in range(start, start + n):
            dbs.add(
                DevelopmentConversation(
                    org_id=org.id,
                    user_id=person.id,
                    manager_id=manager.id,
                    held_on=date(2026, 5, 1) - timedelta(days=i),
                )
            )
        dbs.commit()

    login(client, person)
    add(0, 5)
    with count_queries() as few:
        assert client.get(_mine(org)).status_code == 200
    add(5, 195)
    with count_queries() as many:
        page = client.get(_mine(org)).get_data(as_text=True)
    assert page.count('class="card conversation"') == 200
    assert many.count == few.count


# --- coverage for the KPI ------------------------------------------------------------------


def test_coverage_counts_365_days_back_but_not_366(app, make, dbs):
    today = date(2026, 5, 4)
    since = coverage_since(today)
    org = make.org()
    team, other_team = make.team(org), make.team(org)
    on_day_365 = make.member(org, team=team).user
    on_day_366 = make.member(org, team=team).user
    disputed = make.member(org, team=team).user
    confirmed = make.member(org, team=other_team).user
    gone = make.member(org, team=team, active=False).user
    make.member(org, team=team)  # never had one
    make.member(make.org())  # someone of another organisation is never counted
    rows = [
        (on_day_365, today - timedelta(days=365), "recorded"),
        (on_day_366, today - timedelta(days=366), "confirmed"),
        (disputed, today - timedelta(days=10), "disputed"),
        (confirmed, today - timedelta(days=1), "confirmed"),
        (gone, today - timedelta(days=1), "confirmed"),
    ]
    for user, held_on, status in rows:
        dbs.add(
            DevelopmentConversation(org_id=org.id, user_id=user.id, held_on=held_on, status=status)
        )
    dbs.commit()
    with app.app_context(), org_context((org.id,)):
        assert since == date(2025, 5, 4)
        # Team: the 365-day one only, of 4 active people (the inactive one is not counted).
        assert conversation_coverage(org.id, [team.id], since) == (1, 4)
        assert conversation_coverage(org.id, [team.id, other_team.id], since) == (2, 5)
        assert conversation_coverage(org.id, None, since) == (2, 5)
        assert conversation_coverage(org.id, [], since) == (0, 0)


def test_coverage_is_one_query(app, make, dbs, count_queries):
    org = make.org()
    for _ in range(3):
        make.member(org)
    with app.app_context(), org_context((org.id,)):
        with count_queries() as counter:
            conversation_coverage(org.id, None, date(2025, 5, 4))
    assert counter.count == 1
