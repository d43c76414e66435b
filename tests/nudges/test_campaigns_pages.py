"""The admin's campaign pages (N2), from the admin's side: the list, a new campaign with
checks in words next to the field (nothing saved on an error), a double submit makes one
campaign, start / pause / stop with the audit log, and who may see what."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime

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


def checked(page: str, name: str) -> str | None:
    """The value of the checked radio button ``name``."""
    for tag in re.findall(rf'<input[^>]*name="{name}"[^>]*>', page):
        if " checked" in tag:
            return re.search(r'value="([^"]*)"', tag).group(1)
    return None


def selected(page: str, name: str) -> str | None:
    """The selected option's value of the select ``name``."""
    select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
    match = re.search(r'<option selected value="([^"]*)"', select_html)
    return match.group(1) if match else None


def field_value(page: str, name: str) -> str | None:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
    match = re.search(r'value="([^"]*)"', tag)
    return match.group(1) if match else None


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
    assert "Nudge e-mails go out Monday to Friday, from 8:00 until 20:00." in page
    assert "Everyone can switch each kind of nudge off" in page
    assert f'href="/o/{org.slug}/nudges/settings"' in page

    make_campaign(dbs, org, "meet_ambassador", name="Weekly hello", channel=CampaignChannel.both)
    make_campaign(
        dbs,
        org,
        "meet_ambassador",
        name="Daily hello",
        status=CampaignStatus.paused,
        schedule_kind=ScheduleKind.interval,
        interval_hours=24,
        cron=None,
    )
    page = text_of(client.get(url(org, "campaigns")))
    assert "Weekly hello" in page and "Daily hello" in page
    assert "Meet your learning ambassador" in page  # the type's label
    assert "Running" in page and "Paused" in page
    assert "E-mail and in the app" in page and "E-mail" in page
    assert "Every Monday at 9:00" in page and '<td data-label="When">Every day</td>' in page
    assert "Not planned" in page  # the paused one has no next time
    assert '<span class="tag tag-ok">Running</span>' in page


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


def test_a_new_campaign_starts_with_choosing_the_kind_of_nudge(company, dbs, client):
    org, _admin = company
    make_campaign(dbs, org, "team_digest", name="Friday digest")
    response = client.get(url(org, "campaigns/new"))
    page = text_of(response)
    assert "Meet your learning ambassador" in page
    assert "who never talked to a learning ambassador" in page  # the description
    assert "People who never had a talk with a learning ambassador." in page  # audience rule
    # What it helps with, in plain words; the research codes stay out of the text.
    assert "Helps with" in page and "Likes to talk with a trusted colleague" in page
    visible = re.sub(r"<[^>]+>", " ", page)
    assert "D-AMB" not in visible and "Works on" not in visible
    assert f'href="/o/{org.slug}/nudges/campaigns/new?type=meet_ambassador"' in page
    # For employees first, the recommended first campaign on top; then for managers.
    employees, managers = page.split('<h2 id="group-1">For employees</h2>')[1].split(
        '<h2 id="group-2">For managers</h2>'
    )
    cards = re.findall(r'data-type="([a-z_]+)"', employees)
    assert cards[0] == "meet_ambassador" and "Good place to start" in employees
    assert "Good place to start" not in managers
    manager_types = {t.key for t in registry.all_types() if t.for_role == "managers"}
    assert set(re.findall(r'data-type="([a-z_]+)"', managers)) == manager_types
    assert not manager_types & set(cards)
    assert "Already running in: Friday digest" in page


def test_the_form_is_prefilled_from_the_type_and_lists_only_our_teams(company, make, client):
    org, _admin = company
    ours = make.team(org, name="Warehouse")
    make.team(make.org(), name="Bakery of another company")
    page = text_of(client.get(url(org, "campaigns/new?type=meet_ambassador")))
    # The type's default schedule (0 10 * * 2) opens in the simple picker.
    assert checked(page, "schedule_kind") == "weekly"
    assert selected(page, "weekday") == "2" and field_value(page, "at_time") == "10:00"
    assert 'value="0 10 * * 2"' in page  # the crontab line waits under "Advanced"
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
    assert "Every Monday at 9:00" in page and "20% of the people get nothing" in page


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
    assert 'class="error"' in page and "There is 1 thing to fix:" in page
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
    assert "Every weekday at 8:30" in text_of(client.get(url(org, f"campaigns/{campaign.id}")))
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


# --- The schedule picker (UX review P1.1) ----------------------------------------------


@pytest.mark.parametrize(
    ("picked", "cron", "words"),
    [
        ({"schedule_kind": "daily", "at_time": "07:45"}, "45 7 * * *", "Every day at 7:45"),
        (
            {"schedule_kind": "weekly", "weekday": "2", "at_time": "10:00"},
            "0 10 * * 2",
            "Every Tuesday at 10:00",
        ),
        (
            {"schedule_kind": "weekly", "weekday": "0", "at_time": "9:30"},
            "30 9 * * 0",
            "Every Sunday at 9:30",
        ),
        (
            {"schedule_kind": "monthly", "month_day": "15", "at_time": "09:00"},
            "0 9 15 * *",
            "Every month on the 15th at 9:00",
        ),
    ],
)
def test_the_picker_stores_a_crontab_line_and_opens_it_again(
    company, dbs, client, picked, cron, words
):
    org, _admin = company
    # The fields of the other choices are on the page too; they are ignored.
    data = form_data(cron="not a crontab line", interval_hours="abc", **picked)
    data.setdefault("month_day", "99")
    data.setdefault("weekday", "5")
    response = send(client, org, "campaigns/new", data)
    assert response.status_code == 302, text_of(response)
    [campaign] = campaigns(dbs, org)
    assert (campaign.schedule_kind, campaign.cron, campaign.interval_hours) == (
        ScheduleKind.cron,
        cron,
        None,
    )
    assert words in text_of(client.get(url(org, f"campaigns/{campaign.id}")))
    assert words in text_of(client.get(url(org, "campaigns")))

    page = text_of(client.get(url(org, f"campaigns/{campaign.id}/edit")))
    assert checked(page, "schedule_kind") == picked["schedule_kind"]
    assert field_value(page, "at_time") == f"{int(cron.split()[1]):02d}:{int(cron.split()[0]):02d}"
    if "weekday" in picked:
        assert selected(page, "weekday") == picked["weekday"]
    if "month_day" in picked:
        assert field_value(page, "month_day") == picked["month_day"]
    assert "the crontab line" not in page


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("0 9 8,22 * *", "Every month on the 8th and 22nd at 9:00"),
        ("30 8 * * 1-5", "Every weekday at 8:30"),
        ("0 9 * * 1,3,5", "On Monday, Wednesday and Friday at 9:00"),
        ("0 9 * * 1-3", "From Monday to Wednesday at 9:00"),
    ],
)
def test_other_crontab_lines_open_under_advanced_and_read_in_words(
    company, dbs, client, line, words
):
    org, _admin = company
    campaign = make_campaign(dbs, org, "goal_reminder", cron=line, status=CampaignStatus.draft)
    page = text_of(client.get(url(org, f"campaigns/{campaign.id}/edit")))
    assert checked(page, "schedule_kind") == "cron"
    assert f'value="{line}"' in page
    assert f"This means: {words}." in page
    assert words in text_of(client.get(url(org, f"campaigns/{campaign.id}")))
    # Saving it unchanged keeps the line.
    response = send(client, org, f"campaigns/{campaign.id}/edit", form_data(cron=line))
    assert response.status_code == 302 and campaigns(dbs, org)[0].cron == line


def test_every_few_hours_round_trip_in_words(company, dbs, client):
    org, _admin = company
    for hours, words in (
        (168, "Every week"),
        (24, "Every day"),
        (48, "Every 2 days"),
        (6, "Every 6 hours"),
    ):
        response = send(
            client,
            org,
            "campaigns/new",
            form_data(name=f"Every {hours}", schedule_kind="interval", interval_hours=str(hours)),
        )
        assert response.status_code == 302
        campaign = campaigns(dbs, org)[-1]
        assert campaign.interval_hours == hours and campaign.cron is None
        page = text_of(client.get(url(org, f"campaigns/{campaign.id}")))
        assert f"<dd>{words}</dd>" in page
        edit = text_of(client.get(url(org, f"campaigns/{campaign.id}/edit")))
        assert checked(edit, "schedule_kind") == "interval"
        assert field_value(edit, "interval_hours") == str(hours)


@pytest.mark.parametrize(
    ("picked", "message"),
    [
        ({"schedule_kind": "daily", "at_time": ""}, "Choose a time, for example 9:00."),
        ({"schedule_kind": "daily", "at_time": "25:00"}, "Give a time like 9:00."),
        (
            {"schedule_kind": "weekly", "weekday": "", "at_time": "9:00"},
            "Choose a day of the week.",
        ),
        (
            {"schedule_kind": "weekly", "weekday": "9", "at_time": "9:00"},
            "Choose a day of the week.",
        ),
        (
            {"schedule_kind": "monthly", "month_day": "31", "at_time": "9:00"},
            "Choose a day from 1 to 28.",
        ),
        (
            {"schedule_kind": "monthly", "month_day": "", "at_time": "9:00"},
            "Choose a day from 1 to 28.",
        ),
        ({"schedule_kind": "sometimes"}, "Not a valid choice"),
    ],
)
def test_a_picked_schedule_with_a_missing_part_is_explained(company, dbs, client, picked, message):
    org, _admin = company
    response = send(client, org, "campaigns/new", form_data(cron="", **picked))
    assert response.status_code == 400
    page = text_of(response)
    assert message in page and "There is 1 thing to fix:" in page
    assert "Write a crontab line" not in page  # the crontab field is not in use
    assert campaigns(dbs, org) == []


def test_every_problem_is_shown_at_once_with_a_summary_that_links_to_each(company, dbs, client):
    """The review's first submit: empty name, comparison group 80, a crontab line that does
    not work and an end before the start. One round, four messages."""
    org, _admin = company
    response = send(
        client,
        org,
        "campaigns/new",
        form_data(
            name="",
            holdout_percent="80",
            schedule_kind="cron",
            cron="every monday",
            starts_on="2027-02-01",
            ends_on="2027-01-31",
        ),
    )
    assert response.status_code == 400
    page = text_of(response)
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S).group(0)
    assert "There are 4 things to fix:" in summary
    links = re.findall(r'<a href="#([a-z_0-9-]+)">([^<]*)</a>', summary)
    assert [anchor for anchor, _text in links] == ["name", "cron", "ends_on", "holdout_percent"]
    assert "Name of the campaign: Give the campaign a name." in summary
    assert "This crontab line does not work." in summary
    assert "The end date is before the start date." in summary
    assert "Comparison group (percent): Choose a number from 0 to 50." in summary
    # Each also next to its field, once.
    assert page.count('<p class="error" id="name-error">') == 1
    assert 'id="cron-error"' in page and 'id="ends_on-error"' in page
    assert 'id="holdout_percent-error"' in page
    for anchor, _text in links:
        assert f'id="{anchor}"' in page
    assert campaigns(dbs, org) == []


def test_a_radio_or_checkbox_error_links_to_its_first_choice(company, client):
    org, _admin = company
    response = send(
        client, org, "campaigns/new", form_data(channel="pigeon", roles=["owner"], name="")
    )
    page = text_of(response)
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S).group(0)
    assert "There are 3 things to fix:" in summary
    anchors = re.findall(r'<a href="#([a-z_0-9-]+)">', summary)
    assert anchors == ["name", "roles-0", "channel-0"]


def test_the_audience_hint_says_one_tick_per_list_is_enough(company, client):
    org, _admin = company
    page = text_of(client.get(url(org, "campaigns/new?type=meet_ambassador")))
    assert (
        "Leave everything empty for everyone. Within one list one tick is enough (e.g. Bakery "
        "or Warehouse). If you tick in several lists, people must fit each list."
    ) in page
    assert "Choose more to make the group smaller" not in page
    # Manager types always go to managers: no roles to pick.
    page = text_of(client.get(url(org, "campaigns/new?type=manager_conversations")))
    assert "This nudge only ever goes to managers." in page and 'name="roles"' not in page


def test_a_draft_is_cancelled_not_stopped_and_can_start_below_the_preview(
    company, make, dbs, client
):
    org, _admin = company
    make_ambassador(make, org)
    campaign = make_campaign(
        dbs, org, "meet_ambassador", status=CampaignStatus.draft, started_at=None
    )
    page = text_of(client.get(url(org, f"campaigns/{campaign.id}")))
    assert "Cancel this draft" in page and "Yes, cancel this draft" in page
    assert "Stop for good" not in page
    preview = re.search(r'<section class="card"[^>]*id="preview">.*?</section>', page, re.S).group(
        0
    )
    assert "Happy with the message? Then start the campaign." in preview
    assert f'action="/o/{org.slug}/nudges/campaigns/{campaign.id}/start"' in preview

    response = send(client, org, f"campaigns/{campaign.id}/stop", follow_redirects=True)
    assert "The draft is cancelled. Nobody got it." in text_of(response)
    assert campaigns(dbs, org)[0].status == CampaignStatus.stopped


def test_schedules_read_in_dutch_words(make, dbs, client):
    org = make.org()
    login(client, make.admin(org).user)  # locale "nl"
    for name, values in (
        ("Maandelijks", {"cron": "0 9 15 * *"}),
        ("Twee keer per maand", {"cron": "0 9 8,22 * *"}),
        ("Werkdagen", {"cron": "30 8 * * 1-5"}),
        (
            "Wekelijks",
            {"schedule_kind": ScheduleKind.interval, "interval_hours": 168, "cron": None},
        ),
    ):
        make_campaign(dbs, org, "meet_ambassador", name=name, **values)
    page = text_of(client.get(url(org, "campaigns")))
    assert "Elke maand op de 15e om 9:00" in page
    assert "Elke maand op de 8e en 22e om 9:00" in page
    assert "Elke werkdag om 8:30" in page
    assert '<td data-label="Wanneer">Elke week</td>' in page
    assert "crontab" not in page
    assert (
        "E-mails met duwtjes gaan weg van maandag tot en met vrijdag, van 8:00 tot 20:00." in page
    )


def test_before_starting_the_page_says_when_the_first_nudges_go_out(company, make, dbs, client):
    import time_machine

    org, admin = company
    weekly = make_campaign(
        dbs, org, "meet_ambassador", status=CampaignStatus.draft, started_at=None
    )
    hourly = make_campaign(
        dbs,
        org,
        "meet_ambassador",
        status=CampaignStatus.draft,
        schedule_kind=ScheduleKind.interval,
        interval_hours=24,
        cron=None,
        started_at=None,
    )
    over = make_campaign(
        dbs, org, "meet_ambassador", status=CampaignStatus.draft, ends_on=date(2026, 11, 1)
    )
    dbs.commit()
    # Wednesday 25 November 2026, 14:00 in Amsterdam.
    with time_machine.travel(datetime(2026, 11, 25, 13, 0, tzinfo=UTC), tick=False):
        login(client, admin)  # signed in at that moment
        pages = {
            c.id: text_of(client.get(url(org, f"campaigns/{c.id}"))) for c in (weekly, hourly, over)
        }
    assert "the first nudges go out on Monday 30 November, 9:00" in pages[weekly.id]
    assert "the first nudges go out at once" in pages[hourly.id]
    assert "If you start it now, nothing goes out: its dates are over" in pages[over.id]
