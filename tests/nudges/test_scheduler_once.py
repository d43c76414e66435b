"""Exactly-once planning (acceptance 1), on SQLite and PostgreSQL: three scheduler
processes firing the same tick make one row per key; a crash between planning and
commit followed by a rerun leaves every row once; a missed run is caught up once.

The processes are real (multiprocessing, spawn): each builds its own app on the test
database, as three ``flask scheduler run`` processes would, and runs the job's planning
function (``scheduler.plan_now``) for the same campaign and moment.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from app.config import TestConfig
from app.extensions import db
from app.nudges.models import CampaignChannel, ScheduleKind
from app.nudges.planner import plan_campaign
from app.nudges.scheduler import plan_now

from ..ambassadors.helpers import make_ambassador
from .helpers import MONDAY_MORNING, make_campaign, nudge_rows

PROCESSES = 3
WAIT = 60  # seconds; spawning and building an app takes a few seconds on a busy machine


def app_config(app) -> dict:
    """The test app's settings, for an app built in another process."""
    keys = {k for k in dir(TestConfig) if k.isupper()} | {
        "SQLALCHEMY_DATABASE_URI",
        "DATABASE_OWNER_URL",
        "DATABASE_APP_ROLE",
        "INSTANCE_DIR",
        "MAIL_PORT",
    }
    return {k: app.config[k] for k in keys if k in app.config}


def _plan_in_process(config, org_id, campaign_id, now, barrier, results) -> None:
    """One scheduler process: build the app, wait for the others, plan, report."""
    from app import create_app

    app = create_app(config)
    with app.app_context():
        try:
            barrier.wait(WAIT)
            result = plan_now(org_id, campaign_id, now)
            results.put(("ok", result.rows, result.skipped))
        except Exception as error:  # noqa: BLE001 - reported to the test
            results.put(("error", 0, repr(error)))
        finally:
            db.session.remove()
            db.engine.dispose()


def _plan_then_die(config, org_id, campaign_id, now, planned, never) -> None:
    """Plan without committing, say so, and wait to be killed (a crash before commit)."""
    from app import create_app

    app = create_app(config)
    with app.app_context():
        result = plan_campaign(org_id, campaign_id, now, commit=False)
        planned.put(result.rows)
        never.wait(WAIT)


@pytest.fixture()
def spawn():
    return multiprocessing.get_context("spawn")


def arrange(make, dbs, people: int = 12, **campaign):
    org = make.org()
    make_ambassador(make, org)
    users = [make.member(org).user for _ in range(people)]
    values = {"channel": CampaignChannel.both, "holdout_percent": 25, **campaign}
    return org, users, make_campaign(dbs, org, "meet_ambassador", **values)


def keys_once(dbs, campaign) -> list:
    rows = nudge_rows(dbs, campaign_id=campaign.id)
    counts = Counter((r.user_id, r.channel, r.planned_at) for r in rows)
    assert all(n == 1 for n in counts.values()), counts
    assert len({r.key for r in rows}) == len(rows)
    return rows


def test_three_scheduler_processes_on_the_same_tick_plan_each_row_once(app, dbs, make, spawn):
    org, users, campaign = arrange(make, dbs)
    barrier, results = spawn.Barrier(PROCESSES), spawn.Queue()
    config = app_config(app)
    processes = [
        spawn.Process(
            target=_plan_in_process,
            args=(config, org.id, campaign.id, MONDAY_MORNING, barrier, results),
        )
        for _ in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    try:
        outcomes = [results.get(timeout=WAIT * 2) for _ in processes]
    finally:
        for process in processes:
            process.join(WAIT)
            if process.is_alive():
                process.kill()
    assert [o[0] for o in outcomes] == ["ok"] * PROCESSES, outcomes
    rows = keys_once(dbs, campaign)
    # Everyone planned once per channel, whichever process did it; the others found
    # the rows there (or, on PostgreSQL, the campaign's lock taken) and added nothing.
    assert {(r.user_id, r.channel) for r in rows} == {
        (u.id, c) for u in users for c in ("email", "in_app")
    }
    assert sorted(o[1] for o in outcomes) == [0] * (PROCESSES - 1) + [len(rows)]
    assert {o[2] for o in outcomes if o[1] == 0} <= {"", "locked"}


def test_a_crash_before_commit_then_a_rerun_leaves_every_row_once(app, dbs, make, spawn):
    org, users, campaign = arrange(make, dbs)
    planned, never = spawn.Queue(), spawn.Event()
    process = spawn.Process(
        target=_plan_then_die,
        args=(app_config(app), org.id, campaign.id, MONDAY_MORNING, planned, never),
    )
    process.start()
    try:
        rows_in_flight = planned.get(timeout=WAIT * 2)
        assert rows_in_flight == 2 * len(users)
        assert nudge_rows(dbs, campaign_id=campaign.id) == []  # planned, not committed
    finally:
        process.kill()  # the crash
        process.join(WAIT)
    assert process.exitcode != 0

    # The rerun (the next tick). PostgreSQL may need a moment to notice the dead client
    # and free its lock; until then the rerun skips ("locked"), as it should.
    with app.app_context():
        deadline = time.monotonic() + 20
        while True:
            result = plan_now(org.id, campaign.id, MONDAY_MORNING + timedelta(minutes=1))
            if result.skipped != "locked" or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        again = plan_now(org.id, campaign.id, MONDAY_MORNING + timedelta(minutes=2))
        db.session.remove()
    assert result.rows == 2 * len(users) and again.rows == 0
    rows = keys_once(dbs, campaign)
    assert len(rows) == 2 * len(users)


def test_a_rolled_back_run_in_the_same_process_leaves_nothing_behind(app, dbs, make):
    org, users, campaign = arrange(make, dbs)
    with app.app_context():
        dropped = plan_campaign(org.id, campaign.id, MONDAY_MORNING, commit=False)
        db.session.rollback()
        db.session.remove()
        assert dropped.rows == 2 * len(users)
        assert nudge_rows(dbs, campaign_id=campaign.id) == []
        rerun = plan_campaign(org.id, campaign.id, MONDAY_MORNING)
        db.session.remove()
    assert rerun.rows == 2 * len(users)
    assert len(keys_once(dbs, campaign)) == 2 * len(users)


def test_a_scheduler_down_for_three_periods_plans_only_the_latest_one_once(app, dbs, make):
    """A weekly campaign (the same people may get it again after a week); the scheduler
    is down for three periods; one run plans the latest only, a second run nothing."""
    week = timedelta(hours=168)
    org, users, campaign = arrange(
        make,
        dbs,
        people=5,
        schedule_kind=ScheduleKind.interval,
        interval_hours=168,
        cron=None,
        channel=CampaignChannel.in_app,
        started_at=datetime(2026, 11, 23, 6, 0, tzinfo=UTC),
    )
    six = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    with app.app_context():
        first = plan_now(org.id, campaign.id, six + timedelta(hours=2))
        # Down over the next three periods; back an hour after the fourth, and once more.
        back = plan_now(org.id, campaign.id, six + 3 * week + timedelta(hours=1))
        later = plan_now(org.id, campaign.id, six + 3 * week + timedelta(hours=2))
        db.session.remove()
    assert first.rows == back.rows == len(users) and later.rows == 0
    assert back.period.moment == six + 3 * week
    rows = keys_once(dbs, campaign)
    assert Counter(r.planned_at for r in rows) == {six: len(users), six + 3 * week: len(users)}
