"""The admin's respect settings for nudges (N5): the weekly e-mail cap and quiet hours and
days, saved with a clear message, checked, audited, and used by planning."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.nudges.models import CampaignChannel
from app.nudges.planner import plan_campaign
from app.orgs.models import Organisation
from tests.conftest import login

from ..ambassadors.helpers import make_ambassador
from .helpers import MONDAY_MORNING, make_campaign, nudge_rows
from .test_campaigns_pages import send, text_of, url


def settings_data(**fields) -> dict:
    data = {
        "nudge_email_cap": "1",
        "quiet_from": "20",
        "quiet_until": "8",
        "quiet_days": ["6", "7"],
    }
    data.update(fields)
    return data


def reload(dbs, org) -> Organisation:
    dbs.expire_all()
    return dbs.get(Organisation, org.id)


def audit_count(dbs, org) -> int:
    dbs.expire_all()
    return len(
        dbs.scalars(
            select(AuditEvent.id).where(
                AuditEvent.org_id == org.id,
                AuditEvent.action == "organisation.nudge_settings_changed",
            )
        ).all()
    )


@pytest.fixture()
def company(make, client):
    org = make.org()
    admin = make.admin(org, locale="en").user
    login(client, admin)
    return org, admin


def test_the_page_shows_the_current_rules(company, client):
    org, _admin = company
    page = text_of(client.get(url(org, "settings")))
    assert "Limit and quiet times for nudges" in page
    assert re.search(r'name="nudge_email_cap"[^>]*value="1"', page)
    assert re.search(r'<option selected value="20">20:00</option>', page)
    assert re.search(r'<option selected value="8">8:00</option>', page)
    assert re.search(r'checked[^>]*value="6"|value="6"[^>]*checked', page)  # Saturday
    assert not re.search(r'checked[^>]*value="1"|value="1"[^>]*checked', page)  # Monday
    assert "Saturday" in page and "Sunday" in page
    assert "Nudge e-mails go out Monday to Friday, from 8:00 until 20:00." in page
    # The cap as a question, and the quiet hours name the organisation's time zone.
    assert "At most how many nudge e-mails per person per week?" in page
    assert "No nudge e-mails between these hours (Netherlands Time)." in page


def test_admin_changes_the_rules_and_it_is_audited(company, dbs, client):
    org, _admin = company
    response = send(
        client,
        org,
        "settings",
        settings_data(nudge_email_cap="2", quiet_from="21", quiet_until="7", quiet_days=["7"]),
        follow_redirects=True,
    )
    page = text_of(response)
    assert "Saved." in page
    saved = reload(dbs, org)
    assert (saved.nudge_email_cap, saved.quiet_from, saved.quiet_until, saved.quiet_days) == (
        2,
        21,
        7,
        "7",
    )
    assert "Nudge e-mails go out Monday to Saturday, from 7:00 until 21:00." in page
    assert audit_count(dbs, org) == 1
    assert "Limit and quiet times for nudges changed" in text_of(
        client.get(f"/o/{org.slug}/admin/audit")
    )

    again = send(
        client,
        org,
        "settings",
        settings_data(nudge_email_cap="2", quiet_from="21", quiet_until="7", quiet_days=["7"]),
        follow_redirects=True,
    )
    assert "Nothing changed." in text_of(again)
    assert audit_count(dbs, org) == 1


def test_no_quiet_hours_and_no_quiet_days(company, dbs, client):
    org, _admin = company
    page = text_of(
        send(
            client,
            org,
            "settings",
            {"nudge_email_cap": "0", "quiet_from": "9", "quiet_until": "9"},
            follow_redirects=True,
        )
    )
    saved = reload(dbs, org)
    assert (saved.nudge_email_cap, saved.quiet_days) == (0, "")
    assert "Nudge e-mails go out every day, at any hour." in page
    assert "Nobody gets a nudge by e-mail." in text_of(client.get(url(org, "campaigns")))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"nudge_email_cap": "8"}, "Choose a number from 0 to 7."),
        ({"nudge_email_cap": "-1"}, "Choose a number from 0 to 7."),
        ({"nudge_email_cap": ""}, "Choose a number from 0 to 7."),
        ({"quiet_from": "24"}, "Not a valid choice"),
        ({"quiet_until": "x"}, "Invalid Choice"),
        ({"quiet_days": ["0"]}, "not a valid choice"),
    ],
)
def test_wrong_values_are_explained_and_nothing_is_saved(company, dbs, client, fields, message):
    org, _admin = company
    response = send(client, org, "settings", settings_data(**fields))
    assert response.status_code == 400
    assert message.lower() in text_of(response).lower()
    saved = reload(dbs, org)
    assert (saved.nudge_email_cap, saved.quiet_from, saved.quiet_until, saved.quiet_days) == (
        1,
        20,
        8,
        "6,7",
    )
    assert audit_count(dbs, org) == 0


def test_days_that_are_not_in_a_row_are_listed(company, dbs, client):
    org, _admin = company
    page = text_of(
        send(
            client,
            org,
            "settings",
            settings_data(quiet_days=["2", "4", "6", "7"]),
            follow_redirects=True,
        )
    )
    assert "Nudge e-mails go out on Monday, Wednesday and Friday, from 8:00 until 20:00." in page


def test_all_problems_are_listed_at_the_top(company, client):
    org, _admin = company
    response = send(client, org, "settings", settings_data(nudge_email_cap="9", quiet_from="24"))
    page = text_of(response)
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S).group(0)
    assert "There are 2 things to fix:" in summary
    assert re.findall(r'<a href="#([a-z_0-9-]+)">', summary) == ["nudge_email_cap", "quiet_from"]


def test_planning_uses_the_cap_the_admin_set(company, make, dbs, client, app):
    org, _admin = company
    make_ambassador(make, org)
    person = make.member(org).user
    send(client, org, "settings", settings_data(nudge_email_cap="0"))
    campaign = make_campaign(dbs, org, "meet_ambassador", channel=CampaignChannel.both)
    with app.app_context():
        plan_campaign(org.id, campaign.id, MONDAY_MORNING)
        db.session.remove()
    rows = nudge_rows(dbs, user_id=person.id)
    assert [row.channel for row in rows] == ["in_app"]  # no e-mail, the app still shows it
