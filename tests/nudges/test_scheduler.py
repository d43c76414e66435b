"""The scheduler (N3): one job per active campaign, kept in step by the ``sync`` job;
``misfire_grace_time`` of one period and ``coalesce``; a missed run is caught up once;
``flask scheduler tick`` and ``flask scheduler run``; the web app never starts one."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from apscheduler.executors.debug import DebugExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy import inspect, select

from app.nudges import scheduler as nudge_scheduler
from app.nudges.models import CampaignChannel, CampaignStatus, NudgeCampaign, ScheduleKind
from app.nudges.scheduler import campaign_job_id, catch_up_job_id, sync_campaign_jobs

from ..ambassadors.helpers import make_ambassador
from .helpers import MONDAY_MORNING, make_campaign, nudge_rows

ROOT = Path(__file__).resolve().parents[2]
HOUR = 3600


class ManualScheduler(BaseScheduler):
    """A scheduler with no thread of its own: a test calls ``_process_jobs()`` when the
    (travelled) clock says so, and the DebugExecutor runs due jobs right there."""

    def wakeup(self) -> None:
        pass

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait)


@pytest.fixture()
def scheduler(app):
    manual = ManualScheduler(
        jobstores={"default": MemoryJobStore()},
        executors={"default": DebugExecutor()},
        timezone=UTC,
    )
    manual.start()
    nudge_scheduler.attach(app, manual)
    try:
        yield manual
    finally:
        nudge_scheduler.attach(None, None)
        manual.shutdown()


def sync(app, scheduler, now):
    # The scheduler computes a new job's next run from the clock: travel there.
    with time_machine.travel(now, tick=False), app.app_context():
        return sync_campaign_jobs(scheduler, now)


def test_sync_adds_replaces_and_removes_one_job_per_active_campaign(app, dbs, make, scheduler):
    org = make.org()
    weekly = make_campaign(dbs, org, "meet_ambassador")  # Mondays 9:00, started a week ago
    hourly = make_campaign(
        dbs,
        org,
        "meet_ambassador",
        schedule_kind=ScheduleKind.interval,
        interval_hours=1,
        cron=None,
        channel=CampaignChannel.both,
    )
    paused = make_campaign(dbs, org, "meet_ambassador", status=CampaignStatus.paused)
    now = MONDAY_MORNING

    first = sync(app, scheduler, now)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    week, hour = jobs[campaign_job_id(weekly.id)], jobs[campaign_job_id(hourly.id)]
    assert sorted(first.added) == sorted([weekly.id, hourly.id]) and first.removed == []
    assert week.misfire_grace_time == 7 * 24 * HOUR and hour.misfire_grace_time == HOUR
    assert week.coalesce is True and hour.coalesce is True
    assert week.max_instances == 1
    assert week.args == (org.id, weekly.id)
    assert week.func_ref == "app.nudges.scheduler:campaign_job"  # by text: storable
    # Next Monday 9:00 in Amsterdam; every hour from the start at 12:00 UTC.
    assert week.next_run_time == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    assert hour.next_run_time == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    # Neither current period is planned yet: a one-off run of each, now.
    assert sorted(first.run_now) == sorted([weekly.id, hourly.id])
    for campaign in (weekly, hourly):
        once = jobs[catch_up_job_id(campaign.id)]
        assert once.next_run_time == now and once.args == (org.id, campaign.id)
        assert once.func_ref == "app.nudges.scheduler:campaign_job"
    assert len(jobs) == 4
    for job in scheduler.get_jobs():
        if job.id.startswith("catch-up-"):
            scheduler.remove_job(job.id)  # as if they ran

    # Both planned, nothing changed: nothing is replaced (that would move its next run).
    dbs.execute(NudgeCampaign.__table__.update().values(last_period=now - timedelta(minutes=30)))
    dbs.commit()
    second = sync(app, scheduler, now)
    assert not second.changed, second.summary()
    assert len(scheduler.get_jobs()) == 2

    # A new schedule replaces the job; a paused campaign loses it; a restarted one gets it.
    weekly.cron = "0 9 * * 3"
    hourly.status = CampaignStatus.stopped
    paused.status = CampaignStatus.active
    dbs.commit()
    third = sync(app, scheduler, now)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {campaign_job_id(weekly.id), campaign_job_id(paused.id)}
    assert third.replaced == [weekly.id] and third.removed == [hourly.id]
    assert third.added == [paused.id]
    assert "day_of_week='wed'" in repr(jobs[campaign_job_id(weekly.id)].trigger)


def test_a_bad_schedule_is_reported_and_does_not_stop_the_others(app, dbs, make, scheduler):
    org = make.org()
    good = make_campaign(dbs, org, "meet_ambassador")
    bad = make_campaign(dbs, org, "meet_ambassador", cron="every monday")
    result = sync(app, scheduler, MONDAY_MORNING)
    assert result.bad == [bad.id]
    jobs = {job.id for job in scheduler.get_jobs()}
    assert jobs == {campaign_job_id(good.id), catch_up_job_id(good.id)}


def test_the_scheduler_catches_a_missed_run_up_once(app, dbs, make, scheduler):
    """Hourly campaign; the scheduler is down for three periods; when it is back, one run
    plans the latest period only (coalesce, grace of one period), and never again."""
    org = make.org()
    make_ambassador(make, org)
    people = [make.member(org).user for _ in range(3)]
    campaign = make_campaign(
        dbs,
        org,
        "meet_ambassador",
        schedule_kind=ScheduleKind.interval,
        interval_hours=1,
        cron=None,
        channel=CampaignChannel.in_app,
        started_at=datetime(2026, 11, 23, 6, 0, tzinfo=UTC),
    )
    with time_machine.travel(MONDAY_MORNING, tick=False):
        nudge_scheduler.add_standing_jobs(scheduler, MONDAY_MORNING)
    planned_at = []

    def run_due(moment):
        with time_machine.travel(moment, tick=False):
            scheduler._process_jobs()
        rows = nudge_rows(dbs, campaign_id=campaign.id)
        planned_at.append(sorted({row.planned_at for row in rows}))
        return rows

    # 08:30: sync runs at once and finds 08:00 not planned: a one-off run, now.
    run_due(MONDAY_MORNING)  # the sync job adds the campaign's jobs
    rows = run_due(MONDAY_MORNING + timedelta(seconds=1))
    assert {r.user_id for r in rows} == {p.id for p in people}
    eight = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    assert planned_at[-1] == [eight]

    # Two people join; nobody gets the same nudge twice in a week, so only they are new.
    newcomers = [make.member(org).user for _ in range(2)]
    # Down from 08:30 until 11:40: the 09:00, 10:00 and 11:00 runs were missed.
    rows = run_due(datetime(2026, 11, 23, 11, 40, tzinfo=UTC))
    eleven = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)
    assert planned_at[-1] == [eight, eleven]  # 09:00 and 10:00 are never planned
    assert {r.user_id for r in rows if r.planned_at == eleven} == {p.id for p in newcomers}
    assert len(rows) == len(people) + len(newcomers)
    job = scheduler.get_job(campaign_job_id(campaign.id))
    assert job.next_run_time == datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    assert {j.id for j in scheduler.get_jobs()} == {
        "sync",
        "purge",
        "kpi-refresh",
        "colleague-follow-up",
        job.id,
    }

    # Later the same hour: nothing new, however often it runs.
    run_due(datetime(2026, 11, 23, 11, 50, tzinfo=UTC))
    assert len(nudge_rows(dbs, campaign_id=campaign.id)) == len(people) + len(newcomers)


def test_tick_plans_every_due_campaign_once_and_says_what_it_did(app, dbs, make):
    org = make.org()
    make_ambassador(make, org)
    people = [make.member(org).user for _ in range(4)]
    campaign = make_campaign(dbs, org, "meet_ambassador", channel=CampaignChannel.both)
    not_yet = make_campaign(
        dbs, org, "meet_ambassador", started_at=MONDAY_MORNING - timedelta(minutes=5)
    )
    runner = app.test_cli_runner()
    first = runner.invoke(args=["scheduler", "tick", "--now", MONDAY_MORNING.isoformat()])
    assert first.exit_code == 0, first.output
    assert f"campaign {campaign.id} (organisation {org.id}): 8 new nudges" in first.output
    assert f"campaign {not_yet.id} (organisation {org.id}): not due" in first.output
    assert "2 active campaigns, 8 new nudges, 0 failed" in first.output
    rows = nudge_rows(dbs)
    assert {(r.user_id, r.channel) for r in rows} == {
        (p.id, c) for p in people for c in ("email", "in_app")
    }
    again = runner.invoke(args=["scheduler", "tick", "--now", MONDAY_MORNING.isoformat()])
    assert "2 active campaigns, 0 new nudges" in again.output
    assert len(nudge_rows(dbs)) == 8
    bad = runner.invoke(args=["scheduler", "tick", "--now", "monday"])
    assert bad.exit_code != 0 and "ISO 8601" in bad.output


def test_the_web_app_never_starts_a_scheduler(app, client, monkeypatch, database):
    made = []
    original = BaseScheduler.__init__

    def record(self, *args, **kwargs):
        made.append(type(self).__name__)
        original(self, *args, **kwargs)

    monkeypatch.setattr(BaseScheduler, "__init__", record)
    for path in ("/", "/login", "/healthz", "/o/nowhere/nudges/"):
        client.get(path)
    assert made == []
    # In a fresh interpreter: building the app and serving requests does not even
    # import APScheduler's schedulers.
    code = (
        "import sys, tempfile\n"
        "from app import create_app\n"
        "app = create_app({'SECRET_KEY': 'x', 'TESTING': True,"
        f" 'SQLALCHEMY_DATABASE_URI': {database.app_url!r},"
        " 'INSTANCE_DIR': __import__('pathlib').Path(tempfile.mkdtemp())})\n"
        "client = app.test_client()\n"
        "codes = [client.get(p).status_code for p in ('/', '/login', '/healthz')]\n"
        "assert 200 in codes, codes\n"
        "print(sorted(m for m in sys.modules if m.startswith('apscheduler.schedulers')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_migrations_leave_the_job_store_table_alone(tmp_path):
    """Autogenerate (through migrations/env.py) ignores APScheduler's table, so a database
    that also holds the job store shows no drift."""
    url = f"sqlite:///{tmp_path / 'with-jobstore.sqlite'}"
    code = (
        "import sys\n"
        "from flask_migrate import check, stamp\n"
        "from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore\n"
        "from sqlalchemy import create_engine\n"
        "from app import create_app\n"
        "from app.extensions import db\n"
        f"app = create_app({{'SECRET_KEY': 'x', 'SQLALCHEMY_DATABASE_URI': {url!r},"
        f" 'INSTANCE_DIR': __import__('pathlib').Path({str(tmp_path)!r})}})\n"
        "with app.app_context():\n"
        "    db.create_all()\n"  # the models' schema, as at head (quicker than upgrade)
        "    stamp()\n"
        f"    engine = create_engine({url!r})\n"
        "    SQLAlchemyJobStore(engine=engine).jobs_t.create(engine)\n"
        "    engine.dispose()\n"
        "    check()\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "No new upgrade operations detected" in out.stdout + out.stderr
    with sqlite3.connect(tmp_path / "with-jobstore.sqlite") as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert "apscheduler_jobs" in tables  # it was there, and check() did not mind


def test_scheduler_run_plans_at_once_and_stops_cleanly(app, dbs, make, database, tmp_path):
    """``flask scheduler run`` in its own process: the sync job finds the campaign's
    period due and plans it; SIGTERM stops it after the running jobs; its jobs are in
    its own job store, not in the app's database."""
    org = make.org()
    make_ambassador(make, org)
    people = [make.member(org).user for _ in range(3)]
    now = datetime.now(UTC)
    campaign = make_campaign(
        dbs,
        org,
        "meet_ambassador",
        schedule_kind=ScheduleKind.interval,
        interval_hours=1,
        cron=None,
        channel=CampaignChannel.in_app,
        started_at=now - timedelta(hours=2),
    )
    store = tmp_path / "jobs.sqlite"
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database.app_url,
        "DATABASE_OWNER_URL": database.owner_url,
        "LEERCULTUUR_INSTANCE_DIR": str(tmp_path / "instance"),
        "SCHEDULER_JOBSTORE_URL": f"sqlite:///{store}",
        "LEERCULTUUR_LOG_JSON": "0",
    }
    env.pop("LEERCULTUUR_DEMO", None)
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "flask"), "scheduler", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not nudge_rows(dbs, campaign_id=campaign.id):
            assert process.poll() is None, process.communicate()[0]
            time.sleep(0.2)
        rows = nudge_rows(dbs, campaign_id=campaign.id)
        assert {r.user_id for r in rows} == {p.id for p in people}
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, output
    assert "scheduler stopped" in output
    with sqlite3.connect(store) as conn:
        jobs = {row[0] for row in conn.execute("SELECT id FROM apscheduler_jobs")}
    assert jobs == {
        "sync",
        "purge",
        "kpi-refresh",
        "colleague-follow-up",
        campaign_job_id(campaign.id),
    }
    assert "apscheduler_jobs" not in inspect(dbs.get_bind()).get_table_names()
    assert dbs.scalar(select(NudgeCampaign.last_period).where(NudgeCampaign.id == campaign.id))
