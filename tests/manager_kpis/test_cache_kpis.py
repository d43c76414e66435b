"""Closed periods come from ``kpi_cache``; a change to a row they count drops them, and
the next read computes them again (issue 7, "dashboard speed"). The running period is
cached too, but only for ``KPI_OPEN_PERIOD_MAX_AGE`` seconds: closed periods exact, the
running one at most that old."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import bindparam, func, select, update

from app.development.models import LearningLogEntry
from app.extensions import db
from app.manager_kpis import cache
from app.manager_kpis.catalogue import KPI_KEYS
from app.manager_kpis.figures import Figure
from app.manager_kpis.models import KpiCacheEntry
from app.orgs.models import Membership
from app.tenancy import org_context

from .dev_kpi_seed import APRIL, MAY, TODAY, add_people, compute, groups_of, local, value
from .test_dev_kpis import log

MARCH_TOKEN = "2026-03"


def cached(dbs, org) -> set[tuple[str, date]]:
    dbs.expire_all()
    return set(
        dbs.execute(
            select(KpiCacheEntry.group_key, KpiCacheEntry.period_start).where(
                KpiCacheEntry.org_id == org.id
            )
        ).all()
    )


def test_closed_periods_are_read_from_the_cache_until_an_input_changes(
    app, dbs, make, count_queries
):
    org = make.org(min_group_size=3)
    team = make.team(org)
    people = add_people(dbs, org, 5, team)
    log(dbs, org, people[0], date(2026, 4, 10), 120)
    dbs.commit()
    key = f"team:{team.id}"
    march = APRIL.previous()
    groups = groups_of(app, org)

    with count_queries() as first:
        figures = compute(app, org, (march, APRIL, MAY), groups=groups)
    assert value(figures, key, "hours_work") == 2 / 5
    # Closed months of every group are stored; the open month is not.
    assert cached(dbs, org) == {(g, p.start) for g in ("org", key) for p in (march, APRIL)}

    with count_queries() as second:
        again = compute(app, org, (march, APRIL), groups=groups)
    assert again == {k: v for k, v in figures.items() if k[2] != MAY.token}
    assert len(second.statements) == 1 < len(first.statements)  # only the cache is read
    assert "kpi_cache" in second.statements[0]

    # A new entry dated in April drops April (and later), not March.
    log(dbs, org, people[1], date(2026, 4, 20), 60)
    dbs.commit()
    assert cached(dbs, org) == {(g, march.start) for g in ("org", key)}
    with count_queries() as third:
        figures = compute(app, org, (march, APRIL))
    assert value(figures, key, "hours_work") == 3 / 5
    assert len(third.statements) > 1
    assert len(cached(dbs, org)) == 4

    # Moving an entry from April to March drops both months.
    entry = dbs.scalars(select(LearningLogEntry).where(LearningLogEntry.user_id == people[1])).one()
    entry.learned_on = date(2026, 3, 3)
    dbs.commit()
    assert cached(dbs, org) == set()
    figures = compute(app, org, (march, APRIL))
    assert value(figures, key, "hours_work") == 2 / 5
    assert value(figures, key, "hours_work", march) == 1 / 5

    # An entry in the open month, or a change that counts for nothing, drops nothing.
    log(dbs, org, people[2], date(2026, 5, 14), 60)
    entry.title = "Heftruck, deel 2"
    dbs.commit()
    assert len(cached(dbs, org)) == 4

    # A person's part-time factor changes every period's hours per FTE.
    membership = dbs.scalars(select(Membership).where(Membership.user_id == people[4])).one()
    membership.fte = 0.5
    dbs.commit()
    assert cached(dbs, org) == set()


def test_bulk_updates_and_another_k_miss_the_cache(app, dbs, make):
    org = make.org(min_group_size=3)
    team = make.team(org)
    people = add_people(dbs, org, 5, team)
    log(dbs, org, people[0], date(2026, 4, 10), 120)
    log(dbs, org, people[0], date(2026, 1, 10), 120)
    dbs.commit()
    compute(app, org, (APRIL.previous(), APRIL))
    assert len(cached(dbs, org)) == 4

    # A bulk UPDATE through the session (as the app's services write) is seen too.
    with app.app_context(), org_context((org.id,)):
        db.session.execute(
            update(LearningLogEntry)
            .where(LearningLogEntry.learned_on == date(2026, 4, 10))
            .values(minutes=30)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    assert {start for _, start in cached(dbs, org)} == {APRIL.previous().start}
    # With parameters, one set or many (the demo's UPDATE ... WHERE id = :mid).
    table = Membership.__table__
    with app.app_context(), org_context((org.id,)):
        one = table.update().where(table.c.user_id == bindparam("who")).values(fte=0.8)
        db.session.execute(one, {"who": people[1]})
        many = table.update().where(table.c.user_id == bindparam("who")).values(fte=0.9)
        db.session.execute(many, [{"who": people[2]}, {"who": people[3]}])
        db.session.commit()
    assert cached(dbs, org) == set()
    compute(app, org, (APRIL.previous(), APRIL))

    # The cache is per k: another k computes (and stores) its own rows.
    compute(app, org, (APRIL,))
    org.min_group_size = 4
    dbs.commit()
    compute(app, org, (APRIL,))
    sizes = dbs.scalars(
        select(func.count()).select_from(KpiCacheEntry).group_by(KpiCacheEntry.min_group_size)
    ).all()
    assert sorted(sizes) == [2, 4]

    # Two requests storing the same cells: the second leaves the first's rows alone.
    with app.app_context(), org_context((org.id,)):
        figures = {kpi: Figure(1.0, 5, 1.0) for kpi in KPI_KEYS}
        assert cache.write(org.id, {("org", APRIL.token): figures}, {APRIL.token: APRIL}, 4)
        db.session.commit()
        stored = cache.read(org.id, ["org"], [APRIL], 4)[("org", APRIL.token)].figures
        assert stored["goals"] != figures["goals"]  # the computed one, not the late one
        db.session.remove()

    # Another time zone moves where every day begins.
    org.timezone = "Europe/London"
    dbs.commit()
    assert cached(dbs, org) == set()


def _running(dbs, org, period) -> dict[str, tuple]:
    """group key -> (running, period_end, computed_at) of the stored rows of ``period``."""
    dbs.expire_all()
    t = KpiCacheEntry
    rows = dbs.execute(
        select(t.group_key, t.running, t.period_end, t.computed_at).where(
            t.org_id == org.id, t.period_start == period.start
        )
    ).all()
    return {key: (running, end, at) for key, running, end, at in rows}


def test_the_running_month_is_cached_for_at_most_the_max_age(app, dbs, make, count_queries):
    """With a request's ``now``, the running month (May, counted up to TODAY) is stored
    and read again while it is at most KPI_OPEN_PERIOD_MAX_AGE seconds old. A new entry
    does not drop it (in a large company one comes every minute): it ages out. Closed
    months stay exact: an entry in April drops April at once."""
    org = make.org(min_group_size=3)
    team = make.team(org)
    people = add_people(dbs, org, 5, team)
    log(dbs, org, people[0], date(2026, 5, 4), 120)
    dbs.commit()
    key = f"team:{team.id}"
    groups = groups_of(app, org)
    limit = timedelta(seconds=app.config["KPI_OPEN_PERIOD_MAX_AGE"])
    now = local(TODAY, 10, 0)

    figures = compute(app, org, (APRIL, MAY), groups=groups, now=now)
    assert value(figures, key, "hours_work", MAY) == 2 / 5
    assert cached(dbs, org) == {(g, p.start) for g in ("org", key) for p in (APRIL, MAY)}
    assert _running(dbs, org, MAY)[key] == (True, TODAY, now)  # counts up to today
    assert _running(dbs, org, APRIL)[key][:2] == (False, APRIL.end)

    # A new entry today: the running row stays, and is read as it is until the limit.
    log(dbs, org, people[1], TODAY, 60)
    dbs.commit()
    assert len(cached(dbs, org)) == 4
    with count_queries() as warm:
        figures = compute(app, org, (APRIL, MAY), groups=groups, now=now + limit)
    assert value(figures, key, "hours_work", MAY) == 2 / 5
    assert len(warm.statements) == 1 and "kpi_cache" in warm.statements[0]

    # Past the limit: computed again, with the new entry; the newer row replaces the old.
    later = now + limit + timedelta(seconds=1)
    figures = compute(app, org, (APRIL, MAY), groups=groups, now=later)
    assert value(figures, key, "hours_work", MAY) == 3 / 5
    assert {row[2] for row in _running(dbs, org, MAY).values()} == {later}
    # A slower request that computed earlier does not put its older figures back.
    with app.app_context(), org_context((org.id,)):
        old = {kpi: Figure(9.0, 5, 9.0) for kpi in KPI_KEYS}
        cache.write(org.id, {(key, MAY.token): old}, {MAY.token: MAY}, 3, today=TODAY, now=now)
        db.session.commit()
        db.session.remove()
    assert _running(dbs, org, MAY)[key][2] == later

    # An entry in April drops April (closed: exact), not the running May.
    log(dbs, org, people[2], date(2026, 4, 20), 60)
    dbs.commit()
    assert cached(dbs, org) == {(g, MAY.start) for g in ("org", key)}

    # The next day, yesterday's figures count only up to yesterday: computed again.
    tomorrow = TODAY + timedelta(days=1)
    compute(app, org, (MAY,), today=tomorrow, groups=groups, now=later + timedelta(seconds=5))
    assert _running(dbs, org, MAY)[key][:2] == (True, tomorrow)

    # Once May is over, the running row is not May's figure: June computes May again and
    # the final row replaces it (kept until an input of May changes).
    june = local(date(2026, 6, 1), 8)
    figures = compute(app, org, (MAY,), today=june.date(), groups=groups, now=june)
    assert value(figures, key, "hours_work", MAY) == 3 / 5
    assert _running(dbs, org, MAY)[key] == (False, MAY.end, june)
    # A membership change still drops every row, running ones too.
    compute(app, org, (MAY.next(),), today=june.date(), groups=groups, now=june)
    assert any(running for running, _end, _at in _running(dbs, org, MAY.next()).values())
    membership = dbs.scalars(select(Membership).where(Membership.user_id == people[4])).one()
    membership.fte = 0.5
    dbs.commit()
    assert cached(dbs, org) == set()
