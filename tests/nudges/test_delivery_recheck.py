"""What changed between planning and sending (N5, N7): a person who switched a category
off after the nudge was planned gets nothing, and a manager prompt planned for someone who
is no longer a manager is not sent. Both end as ``skipped``, by e-mail and in the app."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.feed.models import Audience
from app.notifications.models import Notification
from app.nudges.models import Category
from app.nudges.unsubscribe import make_token
from app.orgs.models import Membership, Role
from app.outbox.models import OutboxStatus
from tests.conftest import login, post_form

from .helpers import MONDAY_MORNING, make_campaign, nudge_rows
from .helpers_delivery import DRAIN_TIME, arrange, plan, run_drain

MANAGER = (Role.employee, Role.manager)


def notifications_of(dbs, user) -> list[Notification]:
    dbs.expire_all()
    return list(dbs.scalars(select(Notification).where(Notification.user_id == user.id)))


def one_click(app, org, user, category: Category) -> None:
    """The person's mail program posts the one-click link (RFC 8058): no session."""
    with app.app_context():
        token = make_token(org.id, user.id, category)
    response = app.test_client().post(
        f"/u/{token}",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200


@pytest.mark.parametrize("channel", ["email", "in_app"])
def test_switching_off_after_planning_stops_the_planned_nudge(app, dbs, make, mail_server, channel):
    org, _ambassador, (person, other, elsewhere), campaign = arrange(
        make, dbs, people=3, channel=channel
    )
    plan(app, org, campaign)
    assert len(nudge_rows(dbs, campaign_id=campaign.id)) == 3
    one_click(app, org, person, Category.encouragement)  # this kind: off
    one_click(app, org, elsewhere, Category.reminders)  # another kind: still gets this one

    result = run_drain(app, DRAIN_TIME)

    assert (result.sent, result.skipped) == (2, 1)
    row = next(r for r in nudge_rows(dbs, campaign_id=campaign.id) if r.user_id == person.id)
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.skipped, 0, "opted out")
    assert (row.subject, row.body_text, row.body_html) == ("", "", None)
    assert notifications_of(dbs, person) == []
    if channel == "email":
        received = sorted(m["To"] for m in mail_server.wait_for(2))
        assert received == sorted([other.email, elsewhere.email])
    else:
        assert mail_server.wait_for(1, timeout=0.3) == []
        assert len(notifications_of(dbs, other)) == len(notifications_of(dbs, elsewhere)) == 1
    # Not tried again later.
    assert run_drain(app, DRAIN_TIME + timedelta(hours=3)).sent == 0


def test_switching_off_over_the_weekend_stops_the_mail_held_by_quiet_days(
    app, dbs, make, mail_server
):
    """Planned on Saturday, held until Monday 08:00; switched off on Sunday."""
    saturday = MONDAY_MORNING - timedelta(days=2)
    org, _ambassador, (person,), campaign = arrange(make, dbs, cron="30 9 * * 6")
    plan(app, org, campaign, saturday)
    (row,) = nudge_rows(dbs, campaign_id=campaign.id)
    assert row.next_attempt_at > saturday + timedelta(days=1)
    one_click(app, org, person, Category.encouragement)

    result = run_drain(app, MONDAY_MORNING)

    assert (result.sent, result.skipped) == (0, 1)
    assert nudge_rows(dbs, campaign_id=campaign.id)[0].status == OutboxStatus.skipped
    assert mail_server.wait_for(1, timeout=0.3) == []


def _managers(make, dbs, nudge_type: str, channel: str):
    """Two managers of one team (Marieke and Mo), a team-mate without a development
    conversation who shared a success this week, and an active campaign."""
    org = make.org()
    team = make.team(org)
    admin = make.admin(org).user
    boss = make.member(org, roles=MANAGER, team=team, name="Marieke", locale="en").user
    stays = make.member(org, roles=MANAGER, team=team, name="Mo", locale="en").user
    jan = make.member(org, team=team, name="NoTalkPerson", locale="en").user
    make.post(
        org,
        jan,
        audience=Audience.team,
        team_id=team.id,
        created_at=MONDAY_MORNING - timedelta(days=2),
    )
    campaign = make_campaign(dbs, org, nudge_type, channel=channel)
    return org, team, admin, boss, stays, campaign


@pytest.mark.parametrize(
    ("nudge_type", "channel"),
    [
        ("manager_conversations", "email"),
        ("manager_conversations", "in_app"),
        ("manager_recognise", "email"),
        ("manager_recognise", "in_app"),
    ],
)
def test_a_manager_prompt_is_not_sent_to_someone_no_longer_a_manager(
    app, dbs, make, client, mail_server, nudge_type, channel
):
    org, team, admin, boss, stays, campaign = _managers(make, dbs, nudge_type, channel)
    membership_id = dbs.scalar(select(Membership.id).where(Membership.user_id == boss.id))
    plan(app, org, campaign)
    assert {r.user_id for r in nudge_rows(dbs, campaign_id=campaign.id)} == {
        boss.id,
        stays.id,
    }
    # The admin takes the manager role away on the member's page.
    login(client, admin)
    url = f"/o/{org.slug}/admin/members/{membership_id}"
    response = post_form(
        client,
        url,
        {"team_id": str(team.id), "job_title": "", "roles": ["employee"]},
        token_from=url,
    )
    assert response.status_code == 302

    result = run_drain(app, DRAIN_TIME)

    assert (result.sent, result.skipped) == (1, 1)
    row = next(r for r in nudge_rows(dbs, campaign_id=campaign.id) if r.user_id == boss.id)
    assert (row.status, row.attempts, row.last_error) == (
        OutboxStatus.skipped,
        0,
        "no longer a manager",
    )
    assert (row.subject, row.body_text, row.body_html) == ("", "", None)
    assert notifications_of(dbs, boss) == []
    if channel == "email":
        # Only the one who is still a manager gets it.
        assert [m["To"] for m in mail_server.wait_for(2, timeout=0.5)] == [stays.email]
    else:
        assert mail_server.wait_for(1, timeout=0.3) == []
        assert len(notifications_of(dbs, stays)) == 1
