"""How fast is the managers' KPI dashboard for a very large organisation? (issue 7,
acceptance 5: the dashboard's p95 for a 50 000-person organisation against one of 1 000
people; target: at most 3 times as slow.)

    .venv/bin/python bench/kpi_dashboard.py --database-url postgresql+psycopg://postgres@127.0.0.1:PORT/bench
    .venv/bin/python bench/kpi_dashboard.py --database-url ... --people 5000 --requests 5

PostgreSQL only; it starts nothing. Give it a throwaway database and a superuser (the
recipe for a throwaway cluster is in ../shared/STACK.md). It migrates the database,
creates a login role for the app that owns nothing and cannot bypass row-level security
(``kpi_bench_app``, as in production), writes one large organisation and ``--small``
organisations of ``--small-people`` with ``kpi_data.py`` as the superuser, runs ANALYZE,
and then requests pages through the Flask test client as the app role, signed in:

* the organisation's dashboard as its admin (the full page without JavaScript: every
  tile with its 12-month trend, development and production side by side);
* a team's dashboard as the team's manager;
* one tile as the htmx request the skeleton page sends (``HX-Request``).

Each page is requested ``--requests`` times with the KPI cache empty (``kpi_cache`` rows
of the organisation deleted before every request, outside the timing) and as many times
with it warm (after one request that fills it; with ``--refresh``, after the scheduler's
KPI refresh job ran for every company too). Small organisations are taken in turn. It
reports p50 and p95 per case and the ratio of the p95s, large / small. ``--reuse``
measures organisations an earlier run left in the database.
"""

from __future__ import annotations

import argparse
import math
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from kpi_data import BenchOrg, create_org  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.timeutil import org_today  # noqa: E402

APP_ROLE = "kpi_bench_app"
APP_PASSWORD = "kpi-bench"  # noqa: S105 (a throwaway database)
LARGE = "kpi-bench-large"
TARGET = 3.0


def _small_slug(number: int) -> str:
    return f"kpi-bench-small-{number:02d}"


def _app_role(owner_url: str) -> str:
    """The app's login role (created once); its URL."""
    engine = create_engine(owner_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": APP_ROLE}
        ).first()
        if not exists:
            conn.exec_driver_sql(
                f"CREATE ROLE {APP_ROLE} LOGIN PASSWORD '{APP_PASSWORD}'"
                " NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
            )
    engine.dispose()
    url = make_url(owner_url).set(username=APP_ROLE, password=APP_PASSWORD)
    return url.render_as_string(hide_password=False)


def arrange(owner_url: str, args) -> tuple[BenchOrg, list[BenchOrg]]:
    engine = create_engine(owner_url)
    today = datetime.now(UTC).date()
    slugs = [LARGE] + [_small_slug(i + 1) for i in range(args.small)]
    with engine.connect() as conn:
        have = set(
            conn.execute(
                text("SELECT slug FROM organisations WHERE slug = ANY(:s)"), {"s": slugs}
            ).scalars()
        )
    if have and not args.reuse:
        raise SystemExit("the database has bench organisations: use a fresh one, or --reuse")
    orgs = []
    began = time.perf_counter()
    for slug in slugs:
        if slug in have:
            orgs.append(_existing(engine, slug))
            continue
        people = args.people if slug == LARGE else args.small_people
        with engine.begin() as conn:
            conn.exec_driver_sql("SELECT setseed(0.42)")
            orgs.append(create_org(conn, slug, people, args.team_size, today))
        print(f"  {slug}: {people} people, {orgs[-1].teams} teams")
    if len(have) < len(slugs):
        print(f"arranged in {time.perf_counter() - began:.0f} s")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return orgs[0], orgs[1:]


def _existing(engine, slug: str) -> BenchOrg:
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT o.id,"
                " (SELECT count(*) FROM memberships WHERE org_id = o.id),"
                " (SELECT count(*) FROM teams WHERE org_id = o.id AND name LIKE 'Team %'),"
                " (SELECT m.user_id FROM memberships m JOIN membership_roles r"
                "    ON r.membership_id = m.id AND r.role = 'admin' WHERE m.org_id = o.id),"
                " m.user_id, m.team_id"
                " FROM organisations o JOIN memberships m ON m.org_id = o.id"
                " JOIN membership_roles r ON r.membership_id = m.id AND r.role = 'manager'"
                " WHERE o.slug = :slug ORDER BY m.team_id LIMIT 1"
            ),
            {"slug": slug},
        ).one()
    return BenchOrg(row[0], slug, row[1], row[2], row[3], row[4], row[5])


class Requester:
    """Signed-in test clients and a statement counter on the app's engine."""

    def __init__(self, app, owner_url: str) -> None:
        self.app = app
        self.owner = create_engine(owner_url, isolation_level="AUTOCOMMIT")
        self.clients: dict[tuple[str, int], object] = {}
        self.statements = 0
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", self._count)

    def _count(self, *args) -> None:
        self.statements += 1

    def client(self, org: BenchOrg, user_id: int):
        key = (org.slug, user_id)
        if key not in self.clients:
            client = self.app.test_client()
            now = datetime.now(UTC).timestamp()
            with client.session_transaction() as session:
                session["_user_id"] = f"{user_id}:1"
                session["_fresh"] = True
                session["signed_in_at"] = now
                session["seen_at"] = now
            self.clients[key] = client
        return self.clients[key]

    def forget_cache(self, org: BenchOrg) -> None:
        with self.owner.connect() as conn:
            conn.execute(text("DELETE FROM kpi_cache WHERE org_id = :org"), {"org": org.id})

    def get(self, org: BenchOrg, case) -> tuple[float, int]:
        client = self.client(org, case.user(org))
        self.statements = 0
        started = time.perf_counter()
        try:
            response = client.get(case.path(org), headers=case.headers)
        except Exception as error:  # PROPAGATE_EXCEPTIONS: the cause, not a 500 page
            message = f"{case.path(org)}: {type(error).__name__}: {str(error)[:300]}"
            raise SystemExit(message) from None
        seconds = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{case.path(org)}: HTTP {response.status_code}")
        return seconds, self.statements


class Case:
    def __init__(self, name, path, user, headers=None) -> None:
        self.name, self.path, self.user, self.headers = name, path, user, headers or {}


CASES = (
    Case(
        "organisation dashboard, admin",
        lambda o: f"/o/{o.slug}/manager_kpis/organisation",
        lambda o: o.admin_id,
    ),
    Case(
        "team dashboard, its manager",
        lambda o: f"/o/{o.slug}/manager_kpis/teams/{o.team_id}",
        lambda o: o.manager_id,
    ),
    Case(
        "one tile (htmx), its manager",
        lambda o: f"/o/{o.slug}/manager_kpis/teams/{o.team_id}/tiles/participation",
        lambda o: o.manager_id,
        {"HX-Request": "true"},
    ),
)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def measure(req: Requester, orgs: list[BenchOrg], case: Case, warm: bool, n: int) -> dict:
    times, statements = [], set()
    if warm:
        for org in orgs:
            req.get(org, case)
    for number in range(n):
        org = orgs[number % len(orgs)]
        if not warm:
            req.forget_cache(org)
        seconds, count = req.get(org, case)
        times.append(seconds)
        statements.add(count)
    return {"p50": statistics.median(times), "p95": p95(times), "statements": sorted(statements)}


def refresh(app) -> None:
    """What the scheduler does every 10 minutes: the running month and quarter (and the
    trends' closed periods missing from the cache) of every company, stored."""
    from app.db_types import utcnow
    from app.manager_kpis.refresh import refresh_all

    with app.app_context():
        started = time.perf_counter()
        results = refresh_all(utcnow())
        seconds = time.perf_counter() - started
        db.session.remove()
    failed = [r.org_id for r in results if r.error or r.skipped]
    cells = sum(r.cells for r in results)
    print(
        f"  (KPI refresh job: {len(results)} companies, {cells} cells, {seconds:.1f} s"
        + (f", failed or skipped {failed})" if failed else ")")
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a throwaway PostgreSQL database")
    parser.add_argument("--people", type=int, default=50_000, help="the large organisation")
    parser.add_argument("--small", type=int, default=20, help="how many small organisations")
    parser.add_argument("--small-people", type=int, default=1_000)
    parser.add_argument("--team-size", type=int, default=25)
    parser.add_argument("--requests", type=int, default=20, help="timed requests per case")
    parser.add_argument("--reuse", action="store_true", help="measure an earlier run's data")
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="run the scheduler's KPI refresh (job kpi-refresh) before the warm measurements",
    )
    args = parser.parse_args()
    owner_url = args.database_url
    if owner_url.startswith("postgresql://"):
        owner_url = "postgresql+psycopg://" + owner_url.removeprefix("postgresql://")
    if not owner_url.startswith("postgresql"):
        raise SystemExit("PostgreSQL only (INSERT … SELECT generate_series)")
    folder = Path(tempfile.mkdtemp(prefix="kpi-bench-"))
    try:
        return _run(args, owner_url, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run(args, owner_url: str, folder: Path) -> int:
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": _app_role(owner_url),
            "DATABASE_OWNER_URL": owner_url,
            "DATABASE_APP_ROLE": APP_ROLE,
            "INSTANCE_DIR": folder / "instance",
            "LOG_LEVEL": "WARNING",
            "LOG_JSON": False,
            "RATELIMIT_ENABLED": False,
            "PROPAGATE_EXCEPTIONS": True,
            "BASE_URL": "http://localhost",
        }
    )
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        db.session.remove()
    large, small = arrange(owner_url, args)
    req = Requester(app, owner_url)
    print(f"{args.requests} requests per case; small organisations taken in turn\n")
    print(f"{'case':<32} {'cache':<5} {'organisation':<22} {'p50':>8} {'p95':>8}  statements")
    ratios = {}
    for case in CASES:
        for warm in (False, True):
            if warm and args.refresh:
                refresh(app)
            results = {}
            for label, orgs in (("large", [large]), ("small", small)):
                results[label] = measure(req, orgs, case, warm, args.requests)
                r = results[label]
                size = f"{orgs[0].people} people" + (f" x {len(orgs)}" if len(orgs) > 1 else "")
                print(
                    f"{case.name:<32} {'warm' if warm else 'cold':<5} {size:<22}"
                    f" {r['p50'] * 1000:7.0f}ms {r['p95'] * 1000:7.0f}ms  {r['statements']}"
                )
            ratio = results["large"]["p95"] / results["small"]["p95"]
            ratios[(case.name, warm)] = ratio
            print(f"{'':<32} {'':<5} {'ratio of the p95s':<22} {ratio:8.2f}")
    with app.app_context():
        from app.orgs.models import Organisation

        org = db.session.get(Organisation, large.id)
        print(f"\ntoday in the organisations' time zone: {org_today(org, datetime.now(UTC))}")
        db.session.remove()
        db.engine.dispose()
    req.owner.dispose()
    headline = ratios[(CASES[0].name, True)]
    print(
        f"organisation dashboard, warm cache: p95 large / small = {headline:.2f}"
        f" (target <= {TARGET:g})"
    )
    return 0 if headline <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
