"""A team smaller than k shows "too few to show" for every KPI and counts only inside its
unit; a lowered k shows it; the next-smallest sibling hides it from subtraction
(acceptance 2). (The ambassador function's own rule: ``test_dev_kpis_talks.py``.)"""

from __future__ import annotations

from datetime import date

from app.manager_kpis.catalogue import KPI_KEYS
from app.orgs.models import Organisation

from .dev_kpi_seed import APRIL, add_people, compute
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
