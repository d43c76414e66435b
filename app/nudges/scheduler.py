"""The one scheduler process (N3): ``flask scheduler run``.

APScheduler runs here and nowhere else. Web workers (and the debug reloader) never start
a scheduler: this module imports ``apscheduler.schedulers`` only inside ``run_forever``.
Run exactly one ``flask scheduler run``; a second one is harmless (planning is keyed and
locked) but pointless.

Jobs live in a ``SQLAlchemyJobStore`` on an engine of its own (``SCHEDULER_JOBSTORE_URL``),
disposed after shutdown. Their functions are module-level and referenced by text, so the
store can persist them:

- ``sync``, every minute: one job ``campaign-<id>`` per active campaign (its trigger from
  the campaign's schedule, ``misfire_grace_time`` = one period, ``coalesce``), replaced
  when the schedule changed, removed when the campaign is no longer active. A campaign
  whose current period is not planned yet (just started, or the scheduler was down over a
  fire time) also gets a one-off ``catch-up-<id>`` job that runs at once.
- ``campaign-<id>``: ``plan_campaign(org_id, campaign_id, utcnow())``. Planning only
  inserts outbox rows under unique keys, so a late, repeated or parallel run is harmless;
  a run after downtime plans the latest period only.
- ``purge``, daily: what ``flask data purge`` does.
- ``kpi-refresh``, every 10 minutes (first run at once): the running month's and
  quarter's manager KPIs of every company, ahead of the requests
  (``app.manager_kpis.refresh``; ``misfire_grace_time`` = one period, ``coalesce``).
- ``colleague-follow-up``, every 15 minutes: colleague sessions (F6) whose date has ended
  ask the teacher and the participants to log it, once per date (``followed_up_at``; on
  PostgreSQL an advisory lock per organisation) (``app.offers.sessions.follow_up_all``).

``flask scheduler tick`` plans every active campaign once, without APScheduler (for cron
users and tests).
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from sqlalchemy import create_engine, select
from sqlalchemy.exc import OperationalError

from ..db_types import utcnow
from ..extensions import db
from ..orgs.models import Organisation
from ..tenancy import org_context
from .models import NudgeCampaign
from .planner import PlanResult, due_campaigns, plan_campaign
from .schedule import BadSchedule, current_period, period_seconds, trigger_for

log = logging.getLogger(__name__)

SYNC_JOB_ID = "sync"
PURGE_JOB_ID = "purge"
KPI_REFRESH_JOB_ID = "kpi-refresh"
KPI_REFRESH_SECONDS = 10 * 60
FOLLOW_UP_JOB_ID = "colleague-follow-up"
FOLLOW_UP_SECONDS = 15 * 60
CAMPAIGN_JOB_PREFIX = "campaign-"
CATCH_UP_JOB_PREFIX = "catch-up-"  # a one-off run when the current period is not planned
SYNC_SECONDS = 60
PURGE_AT_UTC = {"hour": 2, "minute": 30}  # 03:30 or 04:30 in Amsterdam
DAY_SECONDS = 24 * 3600
# SQLite lets one writer in at a time and may answer "database is locked" at once
# instead of waiting (two writers that both read first): try again a few times.
SQLITE_RETRIES = 5

# Set by ``flask scheduler run`` (or a test) before the scheduler starts: the jobs run
# in the executor's threads and push their own app context from here.
_app: Flask | None = None
_scheduler = None


def attach(app: Flask | None, scheduler=None) -> None:
    """Give the module-level job functions the app (and the scheduler ``sync`` manages)."""
    global _app, _scheduler
    _app, _scheduler = app, scheduler


def campaign_job_id(campaign_id: int) -> str:
    return f"{CAMPAIGN_JOB_PREFIX}{campaign_id}"


def catch_up_job_id(campaign_id: int) -> str:
    return f"{CATCH_UP_JOB_PREFIX}{campaign_id}"


def jobstore_url(app: Flask) -> str:
    """``SCHEDULER_JOBSTORE_URL``; else the owner's URL (the store creates its own table,
    which the app's role may not do on PostgreSQL 15+); else the app's database URL."""
    return (
        app.config.get("SCHEDULER_JOBSTORE_URL")
        or app.config.get("DATABASE_OWNER_URL")
        or app.config["SQLALCHEMY_DATABASE_URI"]
    )


@contextmanager
def _job_context() -> Iterator[None]:
    if _app is None:
        raise RuntimeError("scheduler jobs need the app: call scheduler.attach(app) first")
    with _app.app_context():
        try:
            yield
        finally:
            db.session.remove()


def plan_now(org_id: int, campaign_id: int, now: datetime) -> PlanResult:
    """``plan_campaign`` with a few retries when SQLite says "database is locked"
    (inside an app context). Every attempt is a whole transaction or nothing."""
    for attempt in range(SQLITE_RETRIES):
        try:
            return plan_campaign(org_id, campaign_id, now)
        except OperationalError as error:
            db.session.rollback()
            locked = "database is locked" in str(error)
            if not locked or attempt == SQLITE_RETRIES - 1:
                raise
            time.sleep(0.2 * (attempt + 1))
    raise AssertionError("unreachable")


# --- Job functions (referenced by text: "app.nudges.scheduler:<name>") ----------------


def campaign_job(org_id: int, campaign_id: int) -> None:
    with _job_context():
        result = plan_now(org_id, campaign_id, utcnow())
    _log_result(result)


def sync_job() -> None:
    if _scheduler is None:
        raise RuntimeError("the sync job needs the scheduler: call scheduler.attach(app, s)")
    with _job_context():
        synced = sync_campaign_jobs(_scheduler, utcnow())
    if synced.changed:
        log.info("scheduler: %s", synced.summary())


def purge_job() -> None:
    from ..cli import purge_all

    with _job_context():
        for result in purge_all(utcnow()):
            if result.learning_checks or result.notifications:
                log.info(
                    "purge %s: %s learning checks, %s notifications removed",
                    result.org_slug,
                    result.learning_checks,
                    result.notifications,
                )


def kpi_refresh_job() -> None:
    from ..manager_kpis.refresh import refresh_all

    with _job_context():
        results = refresh_all(utcnow())
    failed = [r.org_id for r in results if r.error]
    log.info(
        "KPI refresh: %s companies, %s skipped (locked), failed %s",
        len(results),
        sum(r.skipped for r in results),
        failed,
    )


def follow_up_job() -> None:
    from ..offers.sessions import follow_up_all

    with _job_context():
        results = follow_up_all(utcnow())
    dates = sum(r.dates for r in results)
    failed = [r.org_id for r in results if r.error]
    if dates or failed:
        log.info("colleague sessions: %s dates followed up, failed %s", dates, failed)


CAMPAIGN_FUNC = f"{__name__}:campaign_job"
SYNC_FUNC = f"{__name__}:sync_job"
PURGE_FUNC = f"{__name__}:purge_job"
KPI_REFRESH_FUNC = f"{__name__}:kpi_refresh_job"
FOLLOW_UP_FUNC = f"{__name__}:follow_up_job"


def _log_result(result: PlanResult) -> None:
    if result.rows:
        log.info(
            "campaign %s: %s new nudges for %s",
            result.campaign_id,
            result.rows,
            result.period.token if result.period else "-",
        )
    else:
        log.debug("campaign %s: nothing new (%s)", result.campaign_id, result.skipped or "planned")


# --- Keeping one job per active campaign ---------------------------------------------


@dataclass
class SyncResult:
    added: list[int] = field(default_factory=list)
    replaced: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    run_now: list[int] = field(default_factory=list)  # current period not planned yet
    bad: list[int] = field(default_factory=list)  # schedule cannot be read

    @property
    def changed(self) -> bool:
        return any((self.added, self.replaced, self.removed, self.run_now, self.bad))

    def summary(self) -> str:
        return (
            f"campaign jobs added {self.added}, replaced {self.replaced}, removed "
            f"{self.removed}, run now {self.run_now}, bad schedule {self.bad}"
        )


def _active_campaigns(now: datetime) -> list[tuple[Organisation, NudgeCampaign]]:
    pairs = due_campaigns(now)
    if not pairs:
        return []
    org_ids = sorted({org_id for org_id, _ in pairs})
    with org_context(org_ids, None):
        campaigns = {
            c.id: c
            for c in db.session.scalars(
                select(NudgeCampaign).where(NudgeCampaign.id.in_([c for _, c in pairs]))
            )
        }
        orgs = {
            o.id: o
            for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(org_ids)))
        }
    return [
        (orgs[org_id], campaigns[campaign_id])
        for org_id, campaign_id in pairs
        if org_id in orgs and campaign_id in campaigns
    ]


def sync_campaign_jobs(scheduler, now: datetime) -> SyncResult:
    """Make the scheduler's campaign jobs match the active campaigns (in an app context).

    A job is added for a new campaign, replaced when its trigger, grace time or
    arguments changed, and removed when its campaign is no longer active. A campaign
    whose current period is not planned yet also gets a one-off job that runs at once."""
    result = SyncResult()
    active: set[int] = set()
    for org, campaign in _active_campaigns(now):
        active.add(campaign.id)
        try:
            trigger = trigger_for(campaign, org)
            grace = period_seconds(campaign, org)
            period = current_period(campaign, org, now)
        except BadSchedule as error:
            log.warning("campaign %s: schedule cannot be read (%s)", campaign.id, error)
            result.bad.append(campaign.id)
            continue
        behind = period is not None and (
            campaign.last_period is None or campaign.last_period < period.moment
        )
        job_id = campaign_job_id(campaign.id)
        args = (org.id, campaign.id)
        job = scheduler.get_job(job_id)
        unchanged = (
            job is not None
            and repr(job.trigger) == repr(trigger)
            and job.misfire_grace_time == grace
            and tuple(job.args) == args
        )
        if not unchanged:
            scheduler.add_job(
                CAMPAIGN_FUNC,
                trigger=trigger,
                args=args,
                id=job_id,
                name=f"plan campaign {campaign.id} ({campaign.nudge_type})",
                misfire_grace_time=grace,
                coalesce=True,
                max_instances=1,
                replace_existing=True,
            )
            (result.added if job is None else result.replaced).append(campaign.id)
        waiting = getattr(job, "next_run_time", None)  # None: paused, or not started yet
        due_anyway = unchanged and waiting is not None and waiting <= now
        if behind and not due_anyway:
            # Once, now, beside the regular job (whose next fire stays on its schedule).
            scheduler.add_job(
                CAMPAIGN_FUNC,
                trigger=DateTrigger(run_date=now, timezone=UTC),
                args=args,
                id=catch_up_job_id(campaign.id),
                name=f"catch up campaign {campaign.id}",
                misfire_grace_time=grace,
                replace_existing=True,
            )
            result.run_now.append(campaign.id)
    for job in scheduler.get_jobs():
        if not job.id.startswith(CAMPAIGN_JOB_PREFIX):
            continue
        number = job.id.removeprefix(CAMPAIGN_JOB_PREFIX)
        if not number.isdigit() or int(number) not in active:
            scheduler.remove_job(job.id)
            result.removed.append(int(number) if number.isdigit() else -1)
    return result


def add_standing_jobs(scheduler, now: datetime) -> None:
    """The sync job, the KPI refresh and the colleague sessions' follow-up (each first run
    at once), and the daily purge."""
    every = (
        (SYNC_FUNC, SYNC_SECONDS, SYNC_JOB_ID, "sync campaign jobs"),
        (
            KPI_REFRESH_FUNC,
            KPI_REFRESH_SECONDS,
            KPI_REFRESH_JOB_ID,
            "refresh the running period's manager KPIs",
        ),
        (
            FOLLOW_UP_FUNC,
            FOLLOW_UP_SECONDS,
            FOLLOW_UP_JOB_ID,
            "ask to log colleague sessions that have ended",
        ),
    )
    for func, seconds, job_id, name in every:
        scheduler.add_job(
            func,
            trigger=IntervalTrigger(seconds=seconds, timezone=UTC),
            id=job_id,
            name=name,
            misfire_grace_time=seconds,
            coalesce=True,
            max_instances=1,
            replace_existing=True,
            next_run_time=now,
        )
    scheduler.add_job(
        PURGE_FUNC,
        trigger=CronTrigger(**PURGE_AT_UTC, timezone=UTC),
        id=PURGE_JOB_ID,
        name="purge expired personal data",
        misfire_grace_time=DAY_SECONDS,
        coalesce=True,
        max_instances=1,
        replace_existing=True,
    )


# --- flask scheduler tick / run --------------------------------------------------------


@dataclass
class TickLine:
    org_id: int
    campaign_id: int
    result: PlanResult | None
    error: str = ""


def tick(now: datetime) -> list[TickLine]:
    """Plan every active campaign's current period once (in an app context)."""
    lines = []
    for org_id, campaign_id in due_campaigns(now):
        try:
            lines.append(TickLine(org_id, campaign_id, plan_now(org_id, campaign_id, now)))
        except Exception as error:  # noqa: BLE001 - one campaign must not stop the others
            db.session.rollback()
            log.exception("campaign %s: planning failed", campaign_id)
            lines.append(TickLine(org_id, campaign_id, None, repr(error)))
    db.session.remove()
    return lines


class _Stop(Exception):
    """SIGTERM: leave the scheduler's loop and shut down cleanly."""


def run_forever(app: Flask) -> None:
    """Start the BlockingScheduler and block until SIGINT or SIGTERM; then shut it down,
    waiting for running jobs, and dispose the job store's engine."""
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.blocking import BlockingScheduler

    engine = create_engine(jobstore_url(app))
    scheduler = BlockingScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=engine)},
        executors={"default": ThreadPoolExecutor(4)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": SYNC_SECONDS},
        timezone=UTC,
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not a line per run
    attach(app, scheduler)

    def stop(signum, _frame):
        raise _Stop(signal.Signals(signum).name)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        add_standing_jobs(scheduler, utcnow())
        log.info("scheduler started; job store %s", engine.url.render_as_string())
        scheduler.start()
    except (_Stop, KeyboardInterrupt) as reason:
        log.info("scheduler stopping (%s)", reason or "interrupted")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if scheduler.running:
            scheduler.shutdown(wait=True)
        engine.dispose()
        attach(None, None)
        log.info("scheduler stopped")
