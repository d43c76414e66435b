"""``production.compute`` (K2 on the dashboard): a team's month is its value; a unit and the
organisation combine their teams (sum or average); a quarter combines its months; small
groups are "too few to show" with the same rule against subtraction as development KPIs;
a fixed number of statements for 5 and for 100 teams."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update

from app.manager_kpis import production
from app.manager_kpis.groups import org_groups
from app.manager_kpis.models import Aggregation, PeriodKind
from app.manager_kpis.periods import parse_period
from app.orgs.models import Membership
from app.tenancy import org_context

from .admin_helpers import add_teams, add_values, metric

TODAY = date(2026, 11, 15)
OCT, NOV = date(2026, 10, 1), date(2026, 11, 1)
PERIODS = [parse_period(t) for t in ("2026-10", "2026-11", "2026-Q4")]


@pytest.fixture()
def company(make, dbs):
    """k = 3. Unit Logistiek (no people of its own) with Inpak (3) and Expeditie (4);
    Kantoor (3) and Garage (1) at the top. Garage is too small, and so Kantoor, the
    next-smallest of its siblings, is hidden too (else org minus the rest gives Garage)."""
    org = make.org(min_group_size=3)
    unit = make.team(org, name="Logistiek")
    inpak = make.team(org, name="Inpak", parent_id=unit.id)
    expeditie = make.team(org, name="Expeditie", parent_id=unit.id)
    kantoor, garage = make.team(org, name="Kantoor"), make.team(org, name="Garage")
    for team, size in ((inpak, 3), (expeditie, 4), (kantoor, 3), (garage, 1)):
        for _ in range(size):
            make.member(org, team=team)
    dbs.execute(
        update(Membership)
        .where(Membership.org_id == org.id)
        .values(created_at=datetime(2026, 1, 5, tzinfo=UTC))
    )
    dbs.commit()
    orders = metric(make, org, "Orders picked")
    score = metric(make, org, "Customer score", aggregation=Aggregation.average)
    add_values(
        dbs,
        org,
        orders.id,
        {
            (inpak.id, OCT): "10",
            (inpak.id, NOV): "20",
            (expeditie.id, OCT): "5",
            (unit.id, OCT): "1",
            (kantoor.id, OCT): "100",
            (garage.id, OCT): "1000",
        },
    )
    add_values(
        dbs,
        org,
        score.id,
        {(inpak.id, OCT): "8", (inpak.id, NOV): "6", (expeditie.id, OCT): "4"},
    )
    teams = {"unit": unit, "inpak": inpak, "expeditie": expeditie, "kantoor": kantoor}
    return org, orders, score, {**teams, "garage": garage}


def _compute(app, org, metrics):
    with app.test_request_context(), org_context((org.id,)):
        groups = org_groups(org.id, org.name)
        return production.compute(org, metrics, groups, PERIODS, today=TODAY)


def test_sums_and_averages_over_teams_months_and_units(app, company):
    org, orders, score, t = company
    figures = _compute(app, org, [orders, score])

    def value(group: str, metric, token: str):
        key = "org" if group == "org" else f"team:{t[group].id}"
        return figures[(key, f"metric:{metric.id}", token)].value

    # Orders add up: a team's month, the unit (its own value too), a quarter, the org.
    assert value("inpak", orders, "2026-10") == 10 and value("inpak", orders, "2026-Q4") == 30
    assert value("expeditie", orders, "2026-11") is None  # no value: no figure
    assert value("unit", orders, "2026-10") == 16 and value("unit", orders, "2026-Q4") == 36
    assert value("org", orders, "2026-10") == 1116 and value("org", orders, "2026-Q4") == 1136
    # The score averages: over the teams with a value, then over the months of a quarter.
    assert value("inpak", score, "2026-Q4") == 7
    assert value("unit", score, "2026-10") == 6 and value("unit", score, "2026-11") == 6
    unit_quarter = figures[(f"team:{t['unit'].id}", f"metric:{score.id}", "2026-Q4")]
    assert (unit_quarter.value, unit_quarter.numerator, unit_quarter.denominator) == (6, 12, 2)
    assert unit_quarter.people == 7 and not unit_quarter.suppressed


def test_small_groups_are_too_few_to_show(app, company):
    org, orders, score, t = company
    figures = _compute(app, org, [orders, score])

    for name in ("garage", "kantoor"):  # too small, and its next-smallest sibling
        for token in ("2026-10", "2026-Q4"):
            figure = figures[(f"team:{t[name].id}", f"metric:{orders.id}", token)]
            assert figure.suppressed and figure.value is None and figure.numerator is None
    assert not figures[(f"team:{t['inpak'].id}", f"metric:{orders.id}", "2026-10")].suppressed
    # With k = 1 (below what settings allow, only here) everything shows.
    org.min_group_size = 1
    figures = _compute(app, org, [orders])
    assert figures[(f"team:{t['garage'].id}", f"metric:{orders.id}", "2026-10")].value == 1000


def test_compute_runs_a_fixed_number_of_statements(app, make, dbs, count_queries):
    counts = []
    for size in (5, 100):
        org = make.org()
        orders = metric(make, org)
        teams = add_teams(dbs, org, size)
        add_values(dbs, org, orders.id, {(team, m): "2" for team in teams for m in (OCT, NOV)})
        with app.test_request_context(), org_context((org.id,)):
            groups = org_groups(org.id, org.name)
            with count_queries() as counter:
                figures = production.compute(org, [orders], groups, PERIODS, today=TODAY)
            # Without people every group is too few to show; with them, all teams add up.
            assert figures[("org", f"metric:{orders.id}", "2026-Q4")].suppressed
            everyone = {(g.key, p.token): 5 for g in groups for p in PERIODS}
            figures = production.compute(org, [orders], groups, PERIODS, populations=everyone)
            assert figures[("org", f"metric:{orders.id}", "2026-Q4")].value == 4 * size
            assert production.compute(org, [], groups, PERIODS) == {}
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 4, counts
    assert production.months_of(parse_period("2026-Q4")) == [OCT, NOV, date(2026, 12, 1)]
    assert PeriodKind.quarter == parse_period("2026-Q4").kind
