"""The planner: one row per (campaign, period, channel, person), holdout, opt-out, cap."""

from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.nudges.holdout import in_holdout
from app.nudges.models import Category, NudgeOptOut
from app.nudges.planner import plan_campaign
from app.orgs.models import Role

from ..ambassadors.helpers import make_ambassador
from .helpers import MONDAY_MORNING, make_campaign, nudge_rows


def test_a_period_is_planned_once_with_holdout_and_opt_outs(app, dbs, make):
    org = make.org()
    make_ambassador(make, org)
    people = [make.member(org).user for _ in range(30)]
    make.member(org, user=None, email=None)  # no e-mail address: no e-mail row
    dbs.add(NudgeOptOut(org_id=org.id, user_id=people[0].id, category=Category.encouragement))
    dbs.commit()
    campaign = make_campaign(dbs, org, "meet_ambassador", holdout_percent=20)
    with app.app_context():
        first = plan_campaign(org.id, campaign.id, MONDAY_MORNING)
        again = plan_campaign(org.id, campaign.id, MONDAY_MORNING + timedelta(minutes=5))
        db.session.remove()
    rows = nudge_rows(dbs, campaign_id=campaign.id)
    planned = {row.user_id for row in rows}
    expected = {p.id for p in people[1:]}
    assert planned == expected  # everyone with an address, minus the opted-out person
    assert first.rows == len(expected) and again.rows == 0
    for row in rows:
        assert row.holdout == in_holdout(campaign.id, row.user_id, 20)
        assert row.status == ("held_out" if row.holdout else "pending")
        assert row.to_address and row.planned_at is not None
    assert 0 < sum(r.holdout for r in rows) < len(rows)


def test_the_weekly_cap_holds_across_campaigns(app, dbs, make):
    org = make.org()
    make_ambassador(make, org)
    person = make.member(org).user
    campaigns = [make_campaign(dbs, org, "meet_ambassador") for _ in range(5)]
    with app.app_context():
        for campaign in campaigns:
            plan_campaign(org.id, campaign.id, MONDAY_MORNING)
        db.session.remove()
    assert len(nudge_rows(dbs, user_id=person.id, channel="email")) == org.nudge_email_cap == 1


def test_only_managers_for_manager_types_and_roles_filter(app, dbs, make):
    org = make.org()
    make_ambassador(make, org)
    manager = make.member(org, roles=(Role.employee, Role.manager)).user
    make.member(org)
    campaign = make_campaign(dbs, org, "meet_ambassador", roles=["manager"])
    with app.app_context():
        plan_campaign(org.id, campaign.id, MONDAY_MORNING)
        db.session.remove()
    assert [r.user_id for r in nudge_rows(dbs, campaign_id=campaign.id)] == [manager.id]


def test_an_hourly_campaign_reaches_a_person_at_most_once_a_week(app, dbs, make):
    """Respect (N5): whatever the schedule, the same nudge (about no particular object)
    comes at most once a week, in the app too (the e-mail cap alone would not stop it)."""
    from app.nudges.models import CampaignChannel, ScheduleKind

    org = make.org()
    make_ambassador(make, org)
    person = make.member(org).user
    campaign = make_campaign(
        dbs,
        org,
        "meet_ambassador",
        channel=CampaignChannel.in_app,
        schedule_kind=ScheduleKind.interval,
        interval_hours=1,
        cron=None,
    )
    with app.app_context():
        for hours in range(0, 24 * 8, 5):  # every five hours for eight days
            plan_campaign(org.id, campaign.id, MONDAY_MORNING + timedelta(hours=hours))
        db.session.remove()
    rows = nudge_rows(dbs, user_id=person.id)
    assert len(rows) == 2  # day 1 and day 8
    assert rows[1].planned_at - rows[0].planned_at >= timedelta(days=7)


def test_a_cap_of_two_holds_in_every_seven_days_across_two_weeks(app, dbs, make):
    org = make.org(nudge_email_cap=2)
    make_ambassador(make, org)
    person = make.member(org).user
    # Five campaigns, Monday to Friday at 9:00; planned on their days for two weeks.
    campaigns = [
        make_campaign(dbs, org, "meet_ambassador", cron=f"0 9 * * {day}") for day in range(1, 6)
    ]
    with app.app_context():
        for week in (0, 7):
            for day, campaign in enumerate(campaigns):
                plan_campaign(org.id, campaign.id, MONDAY_MORNING + timedelta(days=week + day))
        db.session.remove()
    moments = sorted(r.planned_at for r in nudge_rows(dbs, user_id=person.id, channel="email"))
    assert len(moments) == 4  # two a week
    for first in moments:
        assert sum(1 for m in moments if first <= m < first + timedelta(days=7)) <= 2


def test_the_active_window_is_kept(app, dbs, make):
    from datetime import date

    org = make.org()
    make_ambassador(make, org)
    make.member(org)
    not_yet = make_campaign(dbs, org, "meet_ambassador", starts_on=date(2026, 11, 30))
    over = make_campaign(dbs, org, "meet_ambassador", ends_on=date(2026, 11, 22))
    today = make_campaign(
        dbs, org, "meet_ambassador", starts_on=date(2026, 11, 23), ends_on=date(2026, 11, 23)
    )
    with app.app_context():
        results = [plan_campaign(org.id, c.id, MONDAY_MORNING) for c in (not_yet, over, today)]
        db.session.remove()
    assert [(r.rows, r.skipped) for r in results[:2]] == [(0, "not due"), (0, "not due")]
    assert results[2].rows == 1


def test_on_postgresql_a_second_planner_skips_while_the_first_holds_the_lock(app, dbs, make):
    import threading

    import pytest

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("advisory locks are PostgreSQL's; SQLite runs one writer at a time")
    org = make.org()
    make_ambassador(make, org)
    make.member(org)
    campaign = make_campaign(dbs, org, "meet_ambassador")
    out, held, release = {}, threading.Event(), threading.Event()

    def first() -> None:
        with app.app_context():
            out["first"] = plan_campaign(org.id, campaign.id, MONDAY_MORNING, commit=False)
            held.set()
            release.wait(10)
            db.session.rollback()  # a crash before commit: nothing planned, lock released
            db.session.remove()

    thread = threading.Thread(target=first)
    thread.start()
    assert held.wait(10)
    with app.app_context():
        out["second"] = plan_campaign(org.id, campaign.id, MONDAY_MORNING)
        db.session.remove()
    release.set()
    thread.join(10)
    assert out["first"].rows == 1 and out["second"].skipped == "locked"
    with app.app_context():  # after the crash, a rerun plans it
        assert plan_campaign(org.id, campaign.id, MONDAY_MORNING).rows == 1
        db.session.remove()
