"""The admin's campaign pages (N2), from the admin's side: the list, a new campaign with
checks in words next to the field (nothing saved on an error), a double submit makes one
campaign, start / pause / stop with the audit log, and who may see what."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.nudges import registry
from app.nudges.models import CampaignChannel, CampaignStatus, NudgeCampaign, ScheduleKind
from app.orgs.models import Role
from tests.conftest import csrf_token, login

from ..ambassadors.helpers import make_ambassador
from .helpers import make_campaign


def url(org, path: str = "") -> str:
    return f"/o/{org.slug}/nudges/{path}"


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def english(client) -> None:
    client.post("/language", data={"locale": "en", "csrf_token": csrf_token(client)})


def send(client, org, path: str, data: dict | None = None, **kwargs):
    """POST with a valid CSRF token (read from the organisation's home page)."""
    data = dict(data or {})
    data["csrf_token"] = csrf_token(client, f"/o/{org.slug}/")
    return client.post(url(org, path), data=data, **kwargs)


def campaigns(dbs, org) -> list[NudgeCampaign]:
    dbs.expire_all()
    return list(
        dbs.scalars(
            select(NudgeCampaign).where(NudgeCampaign.org_id == org.id).order_by(NudgeCampaign.id)
        )
    )


def audit_actions(dbs, org) -> list[str]:
    dbs.expire_all()
    return list(
        dbs.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.org_id == org.id, AuditEvent.action.like("nudge_campaign.%"))
            .order_by(AuditEvent.id)
        )
    )


def form_data(**fields) -> dict:
    data = {
        "nudge_type": "meet_ambassador",
        "name": "Meet Fatima",
        "schedule_kind": "cron",
        "cron": "0 9 * * 1",
        "interval_hours": "",
        "channel": "both",
        "holdout_percent": "10",
        "starts_on": "",
        "ends_on": "",
    }
    data.update(fields)
    return data


@pytest.fixture()
def company(make, client):
    org = make.org()
    admin = make.admin(org, name="Ada Admin", locale="en").user
    login(client, admin)
    return org, admin


def test_the_list_explains_nudges_and_shows_each_campaign_in_words(company, make, dbs, client):
    org, _admin = company
    page = text_of(client.get(url(org, "campaigns")))
    assert "There are no campaigns yet." in page
    assert "A nudge is a short, friendly message" in page
    assert "Each person gets at most 1 nudge e-mail a week, from all campaigns together." in page
    assert "Nudge e-mails go out on Monday, Tuesday, Wednesday, Thursday, Friday" in page
    assert "from 8:00 until 20:00" in page
    assert "Everyone can switch each kind of nudge off" in page
    assert f'href="/o/{org.slug}/nudges/settings"' in page

    make_campaign(dbs, org, "meet_ambassador", name="Weekly hello", channel=CampaignChannel.both)
    make_campaign(
        dbs,
        org,
        "meet_ambassador",
        name="Every day",
        status=CampaignStatus.paused,
        schedule_kind=ScheduleKind.interval,
        interval_hours=24,
        cron=None,
    )
    page = text_of(client.get(url(org, "campaigns")))
    assert "Weekly hello" in page and "Every day" in page
    assert "Meet your learning ambassador" in page  # the type's label
    assert "Running" in page and "Paused" in page
    assert "E-mail and in the app" in page and "E-mail" in page
    assert "Every Monday at 9:00" in page and "Every 24 hours" in page
    assert "Not planned" in page  # the paused one has no next time


def test_the_list_and_nav_are_in_dutch_for_a_dutch_admin(make, client, dbs):
    org = make.org()
    admin = make.admin(org).user  # locale "nl"
    login(client, admin)
    make_campaign(dbs, org, "meet_ambassador", name="Hallo")
    page = text_of(client.get(url(org, "campaigns")))
    assert f'href="/o/{org.slug}/nudges/campaigns"' in page  # the admin menu entry
    assert "Hallo" in page


def test_the_list_runs_the_same_queries_for_3_and_30_campaigns(company, dbs, client, count_queries):
    org, _admin = company

    def measure() -> int:
        client.get(url(org, "campaigns"))  # warm up (session, locale)
        with count_queries() as counter:
            assert client.get(url(org, "campaigns")).status_code == 200
        return counter.count

    for n in range(3):
        make_campaign(dbs, org, "meet_ambassador", name=f"Campaign {n}")
    few = measure()
    for n in range(3, 30):
        status = [CampaignStatus.active, CampaignStatus.paused, CampaignStatus.stopped][n % 3]
        make_campaign(dbs, org, "meet_ambassador", name=f"Campaign {n}", status=status)
    assert measure() == few


def test_a_new_campaign_starts_with_choosing_the_kind_of_nudge(company, client):
    org, _admin = company
    page = text_of(client.get(url(org, "campaigns/new")))
    assert "Meet your learning ambassador" in page
    assert "who never talked to a learning ambassador" in page  # the description
    assert "People who never had a talk with a learning ambassador." in page  # audience rule
    assert "D-AMB" in page and "Likes to talk with a trusted colleague" in page  # factors
    assert f'href="/o/{org.slug}/nudges/campaigns/new?type=meet_ambassador"' in page


def test_the_form_is_prefilled_from_the_type_and_lists_only_our_teams(company, make, client):
    org, _admin = company
    ours = make.team(org, name="Warehouse")
    make.team(make.org(), name="Bakery of another company")
    page = text_of(client.get(url(org, "campaigns/new?type=meet_ambassador")))
    assert 'value="0 10 * * 2"' in page  # the type's default schedule
    assert re.search(r'value="cron"[^>]*checked|checked[^>]*value="cron"', page)
    assert "Warehouse" in page and f'value="{ours.id}"' in page
    assert "Bakery of another company" not in page
    assert "Little time" in page  # a barrier from the learning check
    assert "0 9 * * 1" in page and "Mondays at 9:00" in page  # the crontab example
    assert client.get(url(org, "campaigns/new?type=no_such_type")).status_code == 404


def test_admin_makes_a_campaign(company, make, dbs, client):
    org, admin = company
    team = make.team(org, name="Warehouse")
    response = send(
        client,
        org,
        "campaigns/new",
        form_data(
            team_ids=[str(team.id)],
            roles=["employee"],
            factors=["B-TIME"],
            channel="email",
            holdout_percent="20",
            starts_on="2026-12-01",
            ends_on="2027-03-01",
        ),
    )
    assert response.status_code == 302
    [campaign] = campaigns(dbs, org)
    assert response.location.endswith(f"/nudges/campaigns/{campaign.id}")
    assert campaign.name == "Meet Fatima" and campaign.nudge_type == "meet_ambassador"
    assert campaign.status == CampaignStatus.draft and campaign.started_at is None
    assert (campaign.team_ids, campaign.roles, campaign.factors) == (
        [team.id],
        ["employee"],
        ["B-TIME"],
    )
    assert (campaign.schedule_kind, campaign.cron) == (ScheduleKind.cron, "0 9 * * 1")
    assert campaign.channel == CampaignChannel.email and campaign.holdout_percent == 20
    assert str(campaign.starts_on) == "2026-12-01" and str(campaign.ends_on) == "2027-03-01"
    assert campaign.created_by_id == admin.id
    assert audit_actions(dbs, org) == ["nudge_campaign.created"]
    page = text_of(client.get(response.location))
    assert "The campaign is saved." in page
    assert "Teams: Warehouse" in page and "Roles: Employee" in page
    assert "From the learning check: Little time" in page
    assert "Every Monday at 9:00" in page and "20 % of the people get nothing" in page


def test_every_few_hours_needs_a_number_of_hours(company, dbs, client):
    org, _admin = company
    response = send(
        client, org, "campaigns/new", form_data(schedule_kind="interval", interval_hours="")
    )
    assert response.status_code == 400
    assert "Choose a number of hours from 1 to 672." in text_of(response)
    response = send(
        client, org, "campaigns/new", form_data(schedule_kind="interval", interval_hours="48")
    )
    assert response.status_code == 302
    [campaign] = campaigns(dbs, org)
    assert (campaign.schedule_kind, campaign.interval_hours, campaign.cron) == (
        ScheduleKind.interval,
        48,
        None,
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"cron": "every monday"}, "This crontab line does not work."),
        ({"cron": "0 9 * * 1 2"}, "This crontab line does not work."),
        ({"cron": "0 25 * * 1"}, "This crontab line does not work."),
        ({"cron": "*/5 * * * *"}, "A campaign may run at most once an hour."),
        ({"cron": ""}, "Write a crontab line, for example 0 9 * * 1."),
        (
            {"starts_on": "2027-02-01", "ends_on": "2027-01-31"},
            "The end date is before the start date.",
        ),
        ({"holdout_percent": "60"}, "Choose a number from 0 to 50."),
        ({"name": "  "}, "Give the campaign a name."),
        ({"channel": "pigeon"}, "Not a valid choice"),
        ({"roles": ["owner"]}, "Choose roles from the list."),
        ({"factors": ["B-NOPE"]}, "Choose from the list."),
    ],
)
def test_wrong_input_is_explained_and_nothing_is_saved(company, dbs, client, fields, message):
    org, _admin = company
    response = send(client, org, "campaigns/new", form_data(**fields))
    assert response.status_code == 400
    page = text_of(response)
    assert message in page
    assert 'class="error"' in page and "Please check the form." in page
    assert campaigns(dbs, org) == [] and audit_actions(dbs, org) == []


def test_a_team_of_another_organisation_is_refused(company, make, dbs, client):
    org, _admin = company
    ours = make.team(org, name="Warehouse")
    theirs = make.team(make.org(), name="Their team")
    for team_ids in ([str(theirs.id)], [str(ours.id), str(theirs.id)], ["abc"]):
        response = send(client, org, "campaigns/new", form_data(team_ids=team_ids))
        assert response.status_code == 400
        assert "Choose teams from the list." in text_of(response)
        assert "Their team" not in text_of(response)
    assert campaigns(dbs, org) == []


def test_a_double_submit_makes_one_campaign(company, dbs, client):
    org, _admin = company
    first = send(client, org, "campaigns/new", form_data())
    second = send(client, org, "campaigns/new", form_data())
    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    assert len(campaigns(dbs, org)) == 1
    assert audit_actions(dbs, org) == ["nudge_campaign.created"]
    # Another name is another campaign.
    send(client, org, "campaigns/new", form_data(name="Meet Johan"))
    assert [c.name for c in campaigns(dbs, org)] == ["Meet Fatima", "Meet Johan"]


def test_admin_changes_a_campaign_but_not_a_stopped_one(company, make, dbs, client):
    org, _admin = company
    campaign = make_campaign(dbs, org, "meet_ambassador", status=CampaignStatus.draft)
    page = text_of(client.get(url(org, f"campaigns/{campaign.id}/edit")))
    assert 'value="0 9 * * 1"' in page
    response = send(
        client,
        org,
        f"campaigns/{campaign.id}/edit",
        form_data(name="Renamed", cron="30 8 * * 1-5", nudge_type="follow_up"),
    )
    assert response.status_code == 302
    [changed] = campaigns(dbs, org)
    assert (changed.name, changed.cron) == ("Renamed", "30 8 * * 1-5")
    assert changed.nudge_type == "meet_ambassador"  # the kind of nudge stays
    assert "Monday to Friday at 8:30" in text_of(client.get(url(org, f"campaigns/{campaign.id}")))
    response = send(client, org, f"campaigns/{campaign.id}/edit", form_data(cron="nonsense"))
    assert response.status_code == 400 and campaigns(dbs, org)[0].cron == "30 8 * * 1-5"

    send(client, org, f"campaigns/{campaign.id}/stop")
    response = send(client, org, f"campaigns/{campaign.id}/edit", form_data(name="Again"))
    assert response.status_code == 302
    assert campaigns(dbs, org)[0].name == "Renamed"
    assert "nudge_campaign.changed" in audit_actions(dbs, org)


def test_a_started_campaign_keeps_its_audience_and_holdout(company, make, dbs, client):
    """The results compare the same people from start to end; a widened audience could
    also unhide a count (PRODUCT §4.5)."""
    org, _admin = company
    team = make.team(org, name="Magazijn")
    other = make.team(org, name="Kantoor")
    campaign = make_campaign(dbs, org, "meet_ambassador", team_ids=[team.id], holdout_percent=10)
    page = text_of(client.get(url(org, f"campaigns/{campaign.id}/edit")))
    assert "stay the same once a campaign has started" in page
    assert 'name="holdout_percent"' not in page and 'name="team_ids"' not in page

    changed = form_data(name="Renamed", holdout_percent="40")
    changed["team_ids"] = [str(other.id)]
    changed["factors"] = ["B-TIME"]
    response = send(client, org, f"campaigns/{campaign.id}/edit", changed)

    assert response.status_code == 302
    [saved] = campaigns(dbs, org)
    assert saved.name == "Renamed"  # the rest can change
    assert (saved.team_ids, saved.factors, saved.holdout_percent) == ([team.id], [], 10)


def test_start_pause_stop_and_stopped_is_final(company, make, dbs, client):
    org, _admin = company
    make_ambassador(make, org)
    campaign = make_campaign(
        dbs, org, "meet_ambassador", status=CampaignStatus.draft, started_at=None
    )
    page = text_of(client.get(url(org, f"campaigns/{campaign.id}")))
    assert "Not started yet" in page and "Check the preview below, then start it." in page

    send(client, org, f"campaigns/{campaign.id}/start")
    [started] = campaigns(dbs, org)
    assert started.status == CampaignStatus.active and started.started_at is not None
    first_start = started.started_at
    page = text_of(client.get(url(org, f"campaigns/{campaign.id}")))
    assert "The campaign is running." in page and "Next time:" in page

    send(client, org, f"campaigns/{campaign.id}/pause")
    assert campaigns(dbs, org)[0].status == CampaignStatus.paused
    send(client, org, f"campaigns/{campaign.id}/start")
    again = campaigns(dbs, org)[0]
    assert again.status == CampaignStatus.active and again.started_at == first_start

    page = text_of(client.get(url(org, f"campaigns/{campaign.id}")))
    assert "Stop for good" in page and "Yes, stop this campaign" in page
    send(client, org, f"campaigns/{campaign.id}/stop")
    stopped = campaigns(dbs, org)[0]
    assert stopped.status == CampaignStatus.stopped and stopped.stopped_at is not None

    response = send(client, org, f"campaigns/{campaign.id}/start", follow_redirects=True)
    assert "This campaign is stopped for good." in text_of(response)
    send(client, org, f"campaigns/{campaign.id}/pause")
    assert campaigns(dbs, org)[0].status == CampaignStatus.stopped
    assert audit_actions(dbs, org) == [
        "nudge_campaign.started",
        "nudge_campaign.paused",
        "nudge_campaign.started",
        "nudge_campaign.stopped",
    ]
    assert "Nudge campaign stopped" in text_of(client.get(f"/o/{org.slug}/admin/audit"))


def test_a_status_change_without_a_valid_form_changes_nothing(company, dbs, client):
    org, _admin = company
    campaign = make_campaign(dbs, org, "meet_ambassador", status=CampaignStatus.draft)
    client.post(url(org, f"campaigns/{campaign.id}/start"), data={})
    assert campaigns(dbs, org)[0].status == CampaignStatus.draft


@pytest.mark.parametrize("roles", [(Role.employee,), (Role.employee, Role.manager)])
def test_managers_and_employees_are_refused(make, dbs, client, roles):
    org = make.org()
    campaign = make_campaign(dbs, org, "meet_ambassador", status=CampaignStatus.draft)
    login(client, make.member(org, roles=roles).user)
    for path in ("campaigns", "campaigns/new", f"campaigns/{campaign.id}", "settings"):
        assert client.get(url(org, path)).status_code == 403
    for action in ("start", "stop"):
        assert send(client, org, f"campaigns/{campaign.id}/{action}").status_code == 403
    assert campaigns(dbs, org)[0].status == CampaignStatus.draft
    assert f"/o/{org.slug}/nudges/campaigns" not in text_of(client.get(f"/o/{org.slug}/"))


def test_another_organisations_campaign_is_not_found(company, make, dbs, client):
    org, _admin = company
    other = make.org()
    theirs = make_campaign(dbs, other, "meet_ambassador", name="Their campaign")
    for path in (
        f"campaigns/{theirs.id}",
        f"campaigns/{theirs.id}/edit",
        f"campaigns/{theirs.id}/preview/mail",
    ):
        assert client.get(url(org, path)).status_code == 404
    for action in ("start", "pause", "stop"):
        assert send(client, org, f"campaigns/{theirs.id}/{action}").status_code == 404
    assert send(client, org, f"campaigns/{theirs.id}/edit", form_data()).status_code == 404
    assert campaigns(dbs, other)[0].status == CampaignStatus.active
    assert campaigns(dbs, other)[0].name == "Their campaign"
    assert dbs.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_every_kind_of_nudge_has_a_form_and_a_campaign_page(company, make, dbs, client):
    org, _admin = company
    make_ambassador(make, org)
    make.member(org, roles=(Role.employee, Role.manager))
    for nudge_type in registry.all_types():
        _kind, value = nudge_type.default_schedule
        form = client.get(url(org, f"campaigns/new?type={nudge_type.key}"))
        assert form.status_code == 200, nudge_type.key
        assert f'value="{value}"' in text_of(form), nudge_type.key
        campaign = make_campaign(dbs, org, nudge_type.key, name=f"Campaign {nudge_type.key}")
        page = client.get(url(org, f"campaigns/{campaign.id}"))
        assert page.status_code == 200, nudge_type.key
        assert str(nudge_type.label) in text_of(page)
        assert client.get(url(org, f"campaigns/{campaign.id}/preview/mail")).status_code == 200
