"""The running month and quarter: refreshed by the scheduler ahead of the requests (job
``kpi-refresh``, every 10 minutes), read from the cache while at most
KPI_OPEN_PERIOD_MAX_AGE old, and the pages say how fresh they are ("Figures for this
month: updated at 10:45", the organisation's time zone)."""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from apscheduler.executors.debug import DebugExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from sqlalchemy import event, func, select, text

from app.extensions import db
from app.manager_kpis import dev_kpis, refresh
from app.manager_kpis.models import KpiCacheEntry, PeriodKind
from app.manager_kpis.periods import last_periods
from app.nudges import scheduler as nudge_scheduler
from app.orgs.models import OrgKind
from app.tenancy import org_context
from tests.conftest import login

from ..nudges.test_scheduler import ManualScheduler
from .dashboard_world import build_world
from .dev_kpi_seed import AMSTERDAM

HX = {"HX-Request": "true"}
MOMENT = datetime(2026, 11, 23, 9, 45, tzinfo=UTC)  # 10:45 in Amsterdam
# The development KPIs' own tables: a statement on one of them computes figures. (Head
# counts and figures are computed over a table of periods with a column ``p_first``.)
INPUT_TABLES = re.compile(r"\b(learning_log_entries|development_conversations|goals)\b")


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


def _updated(html: str) -> str | None:
    found = re.search(r"<p class=\"hint\" data-updated>([^<]*)</p>", html)
    return found.group(1) if found else None


def test_the_job_refreshes_the_running_period_and_pages_say_when(
    app, client, dbs, make, scheduler, count_queries
):
    with time_machine.travel(MOMENT, tick=False):
        world = build_world(make, dbs)
        nudge_scheduler.add_standing_jobs(scheduler, MOMENT)
        job = scheduler.get_job("kpi-refresh")
        assert job.func_ref == "app.nudges.scheduler:kpi_refresh_job"
        assert job.trigger.interval == timedelta(minutes=10)
        assert (job.misfire_grace_time, job.coalesce, job.max_instances) == (600, True, 1)
        assert job.next_run_time == MOMENT  # at once when the scheduler starts
        scheduler._process_jobs()
        # Every group of the company: this month and this quarter, and (a first run) the
        # closed ones of the dashboard's trends.
        rows = dbs.execute(
            select(KpiCacheEntry.period_kind, KpiCacheEntry.running, func.count()).group_by(
                KpiCacheEntry.period_kind, KpiCacheEntry.running
            )
        ).all()
        assert {(str(kind), running): n for kind, running, n in rows} == {
            ("month", True): 6,
            ("quarter", True): 6,
            ("month", False): 6 * 11,
            ("quarter", False): 6 * 11,
        }

        login(client, world.admin)
        base = f"/o/{world.org.slug}/manager_kpis/organisation"
        # The page and a tile of the running period compute no development KPI: they
        # read the figures the job stored.
        for path, headers in ((base, {}), (f"{base}/tiles/participation", HX)):
            with count_queries() as counter:
                response = client.get(path, headers=headers)
            assert response.status_code == 200
            assert not [s for s in counter.statements if INPUT_TABLES.search(s)], path
            assert any("kpi_cache" in s for s in counter.statements)
        page = client.get(base).get_data(as_text=True)
        assert _updated(page) == "Figures for this month: updated at 10:45"
        quarter = client.get(f"{base}?kind=quarter", headers=HX).get_data(as_text=True)
        assert _updated(quarter) == "Figures for this quarter: updated at 10:45"
        # A closed month is exact: nothing to say.
        last_month = (world.today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        assert _updated(client.get(f"{base}?period={last_month}").get_data(as_text=True)) is None

    # Ten minutes later the job runs again.
    with time_machine.travel(MOMENT + timedelta(minutes=10), tick=False):
        scheduler._process_jobs()
        page = client.get(base).get_data(as_text=True)
        assert _updated(page) == "Figures for this month: updated at 10:55"
        tile = client.get(f"{base}/tiles/participation").get_data(as_text=True)
        assert _updated(tile) == "Figures for this month: updated at 10:55"

    # The scheduler was down: past the limit a request computes them itself (the older
    # of the group's and the company's figures is the one named).
    limit = app.config["KPI_OPEN_PERIOD_MAX_AGE"]
    later = MOMENT + timedelta(minutes=10, seconds=limit + 60)
    with time_machine.travel(later, tick=False):
        team = f"/o/{world.org.slug}/manager_kpis/teams/{world.inpak_id}"
        skeleton = client.get(team, headers=HX).get_data(as_text=True)
        expected = f"Figures for this month: updated at {later.astimezone(AMSTERDAM):%H:%M}"
        assert _updated(skeleton) == expected  # the tiles compute them now
        with count_queries() as counter:
            client.get(f"{team}/tiles/participation", headers=HX)
        assert [s for s in counter.statements if INPUT_TABLES.search(s)]
        assert _updated(client.get(team).get_data(as_text=True)) == expected


def test_each_company_in_its_own_transaction_errors_logged_locks_respected(
    app, dbs, make, monkeypatch, caplog, owner_engine
):
    broken, fine = make.org(slug="kapot"), make.org(slug="heel")
    make.org(slug="bond", kind=OrgKind.union)
    for org in (broken, fine):
        make.member(org, team=make.team(org))
    real = dev_kpis.refresh

    def store(org, periods, today, now):
        if org.id == broken.id:
            raise RuntimeError("disk full")
        return real(org, periods, today, now)

    monkeypatch.setattr(dev_kpis, "refresh", store)
    result = app.test_cli_runner().invoke(args=["scheduler", "kpis", "--now", MOMENT.isoformat()])
    assert result.exit_code == 1, result.output
    assert f"organisation {broken.id}: 0 figures stored, failed: RuntimeError('disk full')" in (
        result.output
    )
    # The organisation and its team, 12 months and 12 quarters.
    assert f"organisation {fine.id}: 48 figures stored, ok" in result.output
    assert "2 companies, 1 failed" in result.output  # not the union
    assert "KPI refresh of organisation" in caplog.text
    stored = dbs.scalars(select(KpiCacheEntry.org_id).distinct()).all()
    assert stored == [fine.id]

    if dbs.get_bind().dialect.name == "postgresql":
        # Another scheduler is refreshing the company: this one skips it.
        with owner_engine.connect() as other:
            other.execute(
                text("SELECT pg_advisory_xact_lock(:ns, :id)"),
                {"ns": dev_kpis.COMPUTE_LOCK, "id": fine.id},
            )
            with app.app_context():
                skipped = refresh.refresh_org(fine.id, MOMENT + timedelta(minutes=10))
            assert skipped.skipped and skipped.cells == 0
            other.rollback()
        at = dbs.scalars(select(KpiCacheEntry.computed_at).distinct()).all()
        assert at == [MOMENT]


def test_production_tiles_take_who_is_too_small_from_the_development_figures(
    client, dbs, make, count_queries
):
    """With the development figures cached, a production tile counts no people: the
    groups too small to show and the head counts come from those figures, and the tile
    is the same as when it counts them itself (nothing cached)."""
    with time_machine.travel(MOMENT, tick=False):
        world = build_world(make, dbs)
        login(client, world.manager)
        base = f"/o/{world.org.slug}/manager_kpis/teams"
        tiles = [
            f"{base}/{team}/tiles/metric:{world.metric_id}?kind={kind}"
            for team in (world.inpak_id, world.small_id)
            for kind in ("month", "quarter")
        ]
        counted = [client.get(path, headers=HX).get_data(as_text=True) for path in tiles]
        assert "900" in counted[0] and "too few to show" in counted[2]
        for kind in ("month", "quarter"):  # the development figures, into the cache
            client.get(f"{base}/{world.inpak_id}?kind={kind}")
        for path, expected in zip(tiles, counted, strict=True):
            with count_queries() as counter:
                html = client.get(path, headers=HX).get_data(as_text=True)
            assert html == expected, path
            assert not [s for s in counter.statements if "p_first" in s], path  # no head count


def test_tiles_on_an_empty_cache_wait_for_the_one_computing(app, client, dbs, make, owner_engine):
    """PostgreSQL: a request that finds nothing in the cache takes the organisation's
    compute lock; when another transaction holds it (a first tile, the scheduler), it
    waits and then reads what that one stored instead of computing it again."""
    if dbs.get_bind().dialect.name != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")
    world = build_world(make, dbs)
    login(client, world.manager)
    path = f"/o/{world.org.slug}/manager_kpis/teams/{world.inpak_id}/tiles/participation"
    seen: list[str] = []
    responses = []
    worker = threading.Thread(target=lambda: responses.append(client.get(path, headers=HX)))

    def record(conn, cursor, statement, *args):
        if threading.get_ident() == worker.ident:
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    holder, probe = owner_engine.connect(), owner_engine.connect()
    try:
        args = {"ns": dev_kpis.COMPUTE_LOCK, "id": world.org.id}
        holder.execute(text("SELECT pg_advisory_xact_lock(:ns, :id)"), args)
        worker.start()
        waiting = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        deadline = time.monotonic() + 20
        while not probe.execute(text(waiting)).scalar():
            probe.rollback()
            assert time.monotonic() < deadline and worker.is_alive(), "the tile did not wait"
            time.sleep(0.05)
        # Meanwhile the one holding the lock stores the figures (as the scheduler does).
        now = datetime.now(UTC)
        with app.app_context(), org_context((world.org.id,)):
            periods = last_periods(PeriodKind.month, world.today, 12)
            dev_kpis.refresh(world.org, periods, world.today, now)
            db.session.commit()
            db.session.remove()
        holder.rollback()  # releases the lock
        worker.join(30)
    finally:
        holder.close()
        probe.close()
        event.remove(engine, "before_cursor_execute", record)
    assert responses and responses[0].status_code == 200
    assert any("pg_advisory_xact_lock" in s for s in seen)
    assert not [s for s in seen if INPUT_TABLES.search(s)]  # nothing computed again
