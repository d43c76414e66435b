"""Arrangements for the facility-time, report and dashboard tests (owner session `dbs`)."""

from __future__ import annotations

import html
import re
import secrets
from datetime import date

from app.ambassadors.models import (
    AmbassadorConversation,
    Channel,
    ConversationStatus,
    FacilityActivity,
    FacilityTimeEntry,
)
from tests.development.helpers_goals import first_admin_id

from .helpers import session_of

HX = {"HX-Request": "true"}


def facility_entry(make, org, person=None, **values) -> FacilityTimeEntry:
    """A facility-time entry of ``person`` (default: the first admin, else a new member)."""
    session = session_of(make)
    if person is not None:
        user_id = person.id
    else:
        user_id = first_admin_id(session, org) or make.member(org).user_id
    row = {
        "org_id": org.id,
        "user_id": user_id,
        "activity": FacilityActivity.conversations,
        "minutes": 90,
        "worked_on": date.today(),
        "client_token": secrets.token_hex(8),
    }
    row.update(values)
    entry = FacilityTimeEntry(**row)
    session.add(entry)
    session.commit()
    return entry


def employees(make, org, count: int, prefix: str = "Worker") -> list:
    """``count`` members of ``org`` (the Users)."""
    return [make.member(org, name=f"{prefix} {org.id}-{i}").user for i in range(count)]


def add_conversations(dbs, org, rows) -> None:
    """Conversations in ``org`` from ``rows`` of (employee, ambassador_id, booked_on, topic,
    outcome), added in one commit (fast for hundreds)."""
    dbs.add_all(
        AmbassadorConversation(
            org_id=org.id,
            employee_id=employee.id,
            ambassador_id=ambassador_id,
            channel=Channel.in_person,
            topic=topic,
            outcome=outcome,
            status=ConversationStatus.held if outcome else ConversationStatus.requested,
            booked_on=booked_on,
            client_token=secrets.token_hex(8),
        )
        for employee, ambassador_id, booked_on, topic, outcome in rows
    )
    dbs.commit()


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def cell(page: str, table: str, key: str, quarter: str | None = None) -> str:
    """The text of a report cell: ``table`` is "topic" or "outcome", ``key`` the value
    (or "total", "none"), ``quarter`` like "2026-2" (default: the first on the page)."""
    if quarter is not None:
        page = page.split(f'data-quarter="{quarter}"', 1)[1]
    part = page.split(f'data-table="{table}"', 1)[1].split("</table>", 1)[0]
    match = re.search(rf'data-cell="{re.escape(key)}">(.*?)</td>', part, re.S)
    assert match, f"no cell {key} in the {table} table"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def company_row(page: str, company_id: int, section: str) -> str:
    """The row of ``company_id`` in the dashboard table under the heading id ``section``
    ("companies-heading", "outcomes-heading", "facility-heading")."""
    part = page.split(f'id="{section}"', 1)[1].split("</table>", 1)[0]
    match = re.search(rf'<tr data-company="{company_id}">(.*?)</tr>', part, re.S)
    assert match, f"no row for company {company_id} under {section}"
    return match.group(1)


def row_cell(row: str, key: str) -> str:
    match = re.search(rf'data-cell="{re.escape(key)}"[^>]*>(.*?)</td>', row, re.S)
    assert match, f"no cell {key} in the row"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()
