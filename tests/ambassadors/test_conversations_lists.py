"""The ambassador's caseload and the employee's talks (B3, B4): what comes first, paging,
only one's own talks, and the same number of SQL statements for 10 and 300 talks and for
2 and 20 organisations (ACCEPTANCE 5)."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from app.accounts.models import User
from app.ambassadors.conversation_queries import caseload_rows
from app.ambassadors.models import (
    AmbassadorConversation,
    Channel,
    ConversationStatus,
    FollowUp,
    FollowUpKind,
    NextStep,
)
from app.tenancy import org_context
from tests.conftest import login

from .helpers import make_ambassador, make_conversation
from .helpers_conversations import add_follow_up, add_next_step, as_, give_ambassador_role, text_of

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
TODAY = date(2026, 5, 4)


@pytest.fixture()
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def caseload_url(org, page: int | None = None) -> str:
    return f"/o/{org.slug}/ambassadors/caseload" + (f"?page={page}" if page else "")


def test_the_caseload_puts_due_check_ins_first_then_requests_plans_and_open_steps(
    client, make, frozen
):
    org = make.org()
    ambassador = make_ambassador(make, org, user_kwargs={"name": "Amir"}).user
    other_ambassador = make_ambassador(make, org).user

    def talk(name, **values):
        employee = make.member(org, name=name).user
        return make_conversation(make, org, employee.id, ambassador.id, **values)

    closed = talk("Fay Finished", status=ConversationStatus.held, held_on=date(2026, 4, 1))
    add_next_step(make, closed, "Klaar", done_at=NOW)
    talk("Carl Cancelled", status=ConversationStatus.cancelled, booked_on=date(2026, 4, 2))
    open_steps = talk("Olle Open", status=ConversationStatus.held, held_on=date(2026, 4, 20))
    add_next_step(make, open_steps, "Bel de opleider")
    later = talk("Lea Later", status=ConversationStatus.held, held_on=date(2026, 4, 21))
    add_follow_up(make, later, kind=FollowUpKind.week_2, due_on=date(2026, 5, 10))
    talk("Pim Planned", status=ConversationStatus.planned, planned_for=NOW + timedelta(days=2))
    talk("Pia Planned", status=ConversationStatus.planned, planned_for=NOW + timedelta(days=1))
    talk("Rob Request", booked_on=date(2026, 5, 2))
    talk("Ria Request", booked_on=date(2026, 4, 30))
    due = talk("Dirk Due", status=ConversationStatus.held, held_on=date(2026, 4, 10))
    add_follow_up(make, due, due_on=date(2026, 5, 3))
    not_mine = make.member(org, name="Nina Notmine").user
    make_conversation(make, org, not_mine.id, other_ambassador.id)

    as_(client, ambassador)
    page = text_of(client.get(caseload_url(org)))

    order = [
        "Dirk Due",
        "Ria Request",
        "Rob Request",
        "Pia Planned",
        "Pim Planned",
        "Lea Later",  # a check-in coming up first
        "Olle Open",
        "Carl Cancelled",  # the closed ones: latest first
        "Fay Finished",
    ]
    positions = [page.index(name) for name in order]
    assert positions == sorted(positions), page
    assert "Nina Notmine" not in page
    headings = ["Check-ins due", "New requests", "Planned", "Open next steps or check-ins"]
    assert all(h in page for h in headings + ["Closed"])
    assert "Check-in due on May 3, 2026" in page


def test_a_long_caseload_is_paged(client, make, frozen):
    org = make.org()
    ambassador = make_ambassador(make, org).user
    employee = make.member(org, name="Eva").user
    for _ in range(35):
        make_conversation(make, org, employee.id, ambassador.id)
    as_(client, ambassador)

    first = text_of(client.get(caseload_url(org)))
    second = text_of(client.get(caseload_url(org, 2)))

    assert first.count('class="card talk-item"') == 30
    assert "Next page" in first and "Previous page" not in first
    assert second.count('class="card talk-item"') == 5
    assert "Previous page" in second and "Next page" not in second


def test_caseload_rows_name_each_organisation_for_the_union_reps_view(app, make, dbs):
    """Area U2 reads a rep's talks across companies with this function."""
    rep = make.user(name="Rita Rep")
    orgs = [make.org(name=f"Firma {i}", slug=f"firma-{i}") for i in range(2)]
    for org in orgs:
        make.member(org, user=rep)
        give_ambassador_role(dbs, org, rep.id)
        employee = make.member(org, name=f"Worker at {org.name}").user
        make_conversation(make, org, employee.id, rep.id)
    elsewhere = make.org()
    make_conversation(make, elsewhere, make.member(elsewhere).user_id, rep.id)

    with app.app_context(), org_context([o.id for o in orgs], rep.id):
        rows = caseload_rows(rep.id, [o.id for o in orgs], TODAY)

    assert sorted((r.org_slug, r.org_name, r.employee_name) for r in rows) == [
        ("firma-0", "Firma 0", "Worker at Firma 0"),
        ("firma-1", "Firma 1", "Worker at Firma 1"),
    ]


# --- a constant number of statements --------------------------------------------------------


def many_talks(dbs, org, ambassador_id: int, employee_ids: list[int], count: int) -> None:
    """``count`` talks of every kind, each with a next step and a due check-in."""
    statuses = list(ConversationStatus)
    talks = [
        AmbassadorConversation(
            org_id=org.id,
            employee_id=employee_ids[i % len(employee_ids)],
            ambassador_id=ambassador_id,
            channel=Channel.phone,
            status=statuses[i % len(statuses)],
            booked_on=TODAY - timedelta(days=i % 40),
            planned_for=NOW + timedelta(hours=i),
            held_on=TODAY - timedelta(days=i % 30),
            client_token=secrets.token_hex(8),
        )
        for i in range(count)
    ]
    dbs.add_all(talks)
    dbs.flush()
    for talk in talks:
        pair = {
            "org_id": org.id,
            "conversation_id": talk.id,
            "employee_id": talk.employee_id,
            "ambassador_id": ambassador_id,
        }
        dbs.add(NextStep(text="Bel de opleider", due_on=TODAY, **pair))
        dbs.add(FollowUp(kind=FollowUpKind.reminder, due_on=TODAY, **pair))
    dbs.commit()


def statements(client, count_queries, path: str) -> int:
    client.get(path)  # warm up: sign-in session, caches
    with count_queries() as counter:
        response = client.get(path)
    assert response.status_code == 200
    return counter.count


@pytest.mark.parametrize("page", ["caseload", "talks", "home"])
def test_lists_run_the_same_statements_for_10_and_300_talks(
    client, make, dbs, count_queries, frozen, page
):
    counts = []
    for size in (10, 300):
        org = make.org()
        ambassador = make_ambassador(make, org).user
        employees = [make.member(org).user_id for _ in range(5)]
        if page == "caseload":
            many_talks(dbs, org, ambassador.id, employees, size)
            login(client, ambassador)
            path = caseload_url(org)
        else:
            many_talks(dbs, org, ambassador.id, employees[:1], size)
            login(client, dbs.get(User, employees[0]))
            path = f"/o/{org.slug}/ambassadors/talks" if page == "talks" else f"/o/{org.slug}/"
        counts.append(statements(client, count_queries, path))
    assert counts[0] == counts[1], counts


def test_caseload_rows_run_one_statement_for_2_and_20_organisations(app, make, dbs, count_queries):
    counts = []
    for size in (2, 20):
        rep = make.user()
        orgs = [make.org() for _ in range(size)]
        for org in orgs:
            make.member(org, user=rep)
            many_talks(dbs, org, rep.id, [make.member(org).user_id], 15)
        ids = [o.id for o in orgs]
        with app.app_context(), org_context(ids, rep.id):
            with count_queries() as counter:
                rows = caseload_rows(rep.id, ids, TODAY)
        assert len(rows) == 15 * size
        counts.append(counter.count)
    assert counts == [1, 1]
