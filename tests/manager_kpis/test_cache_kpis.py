"""Closed periods come from ``kpi_cache``; a change to a row they count drops them, and
the next read computes them again (issue 7, "dashboard speed")."""

from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, func, select, update

from app.development.models import LearningLogEntry
from app.extensions import db
from app.manager_kpis import cache
from app.manager_kpis.catalogue import KPI_KEYS
from app.manager_kpis.figures import Figure
from app.manager_kpis.models import KpiCacheEntry
from app.orgs.models import Membership
from app.tenancy import org_context

from .dev_kpi_seed import APRIL, MAY, add_people, compute, groups_of, value
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
        stored = cache.read(org.id, ["org"], [APRIL], 4)[("org", APRIL.token)]
        assert stored["goals"] != figures["goals"]  # the computed one, not the late one
        db.session.remove()

    # Another time zone moves where every day begins.
    org.timezone = "Europe/London"
    dbs.commit()
    assert cached(dbs, org) == set()
