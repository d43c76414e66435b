"""A team smaller than k shows "too few to show" for every KPI and counts only inside its
unit; a lowered k shows it; the next-smallest sibling hides it from subtraction
(acceptance 2). The ambassador function itself gives nothing for a small group."""

from __future__ import annotations

from datetime import date

from app.extensions import db
from app.manager_kpis.catalogue import KPI_KEYS
from app.manager_kpis.dev_kpi_sql import make_bounds
from app.manager_kpis.dev_kpi_talks import ambassador_totals
from app.orgs.models import Organisation
from app.tenancy import org_context

from .dev_kpi_seed import APRIL, TODAY, add_people, compute
from .test_dev_kpis import log


def test_a_team_under_k_is_hidden_everywhere_but_in_its_unit(app, dbs, make):
    org = make.org(min_group_size=5)
    unit = make.team(org, name="Productie")
    small = make.team(org, name="Onderhoud", parent_id=unit.id)
    middle = make.team(org, name="Lijn 1", parent_id=unit.id)
    big = make.team(org, name="Lijn 2", parent_id=unit.id)
    small_people = add_people(dbs, org, 4, small)
    add_people(dbs, org, 6, middle)
    add_people(dbs, org, 7, big)
    for user_id in small_people:  # only the small team learned: 4 of 17 in the unit
        log(dbs, org, user_id, date(2026, 4, 10), 60)
    dbs.commit()
    keys = {
        name: f"team:{t.id}"
        for name, t in (("unit", unit), ("small", small), ("middle", middle), ("big", big))
    }

    figures = compute(app, org)
    for kpi in KPI_KEYS:
        hidden = figures[(keys["small"], kpi, APRIL.token)]
        assert hidden.suppressed and hidden.value is None and hidden.people == 0
        assert hidden.numerator is None and hidden.denominator is None
        # The unit minus "Lijn 1" and "Lijn 2" would give the small team away: the
        # next-smallest sibling is hidden as well.
        assert figures[(keys["middle"], kpi, APRIL.token)].suppressed
        assert not figures[(keys["big"], kpi, APRIL.token)].suppressed
        assert not figures[(keys["unit"], kpi, APRIL.token)].suppressed
    participation = figures[(keys["unit"], "participation", APRIL.token)]
    assert (participation.numerator, participation.denominator) == (4, 17)
    assert figures[(keys["big"], "participation", APRIL.token)].value == 0

    dbs.get(Organisation, org.id).min_group_size = 3
    dbs.commit()
    figures = compute(app, org)
    shown = figures[(keys["small"], "participation", APRIL.token)]
    assert (shown.suppressed, shown.value, shown.people) == (False, 1.0, 4)
    assert not any(f.suppressed for f in figures.values())


def test_the_ambassador_function_gives_no_number_for_a_small_group(app, dbs, make):
    org = make.org(min_group_size=5)
    small = make.team(org)
    big = make.team(org)
    add_people(dbs, org, 2, small)
    add_people(dbs, org, 5, big)
    with app.app_context(), org_context((org.id,)):
        bounds = make_bounds(org, [APRIL], TODAY)
        totals = ambassador_totals(org.id, [small.id, big.id, 0], bounds)
        db.session.remove()
    assert totals == {(0, 0): (2, None), (1, 0): (5, 0), (2, 0): (7, 0)}
    # Outside the organisation's context it counts nothing at all.
    with app.app_context(), org_context((org.id + 1000,)):
        bounds = make_bounds(org, [APRIL], TODAY)
        assert ambassador_totals(org.id, [big.id, 0], bounds) == {}
        db.session.remove()
