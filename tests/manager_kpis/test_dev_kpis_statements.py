"""``compute`` runs the same number of statements for a team of 5 and of 500, and for 3
and 30 groups (acceptance 4, the engine's part): nothing loops over people or groups."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import insert

from app.development.models import LearningKind, LearningLogEntry
from app.manager_kpis.models import PeriodKind
from app.manager_kpis.periods import last_periods

from .dev_kpi_seed import TODAY, add_people, compute, groups_of, local

NOW = local(TODAY, 10)  # a request's moment on TODAY


def _organisation(dbs, make, people: int, teams: int):
    org = make.org(min_group_size=3)
    unit = make.team(org, name="Unit")
    team_list = [unit]
    for i in range(teams - 1):
        team_list.append(make.team(org, name=f"Team {i}", parent_id=unit.id if i % 2 else None))
    ids = add_people(dbs, org, people, unit)
    for team in team_list[1:]:
        add_people(dbs, org, 3, team)
    dbs.execute(
        insert(LearningLogEntry),
        [
            {
                "org_id": org.id,
                "user_id": user_id,
                "title": "Cursus",
                "kind": LearningKind.formal,
                "minutes": 30 + i % 90,
                "in_work_time": bool(i % 2),
                "learned_on": TODAY - timedelta(days=i % 400),
            }
            for i, user_id in enumerate(ids * 2)
        ],
    )
    dbs.commit()
    return org


def test_statements_do_not_grow_with_people_or_groups(app, dbs, make, count_queries):
    months = last_periods(PeriodKind.month, TODAY, 12)
    quarters = last_periods(PeriodKind.quarter, TODAY, 4)
    counts = {}
    for people, teams in ((5, 2), (500, 2), (5, 29)):
        org = _organisation(dbs, make, people, teams)
        groups = groups_of(app, org)
        assert len(groups) == teams + 1
        with count_queries() as cold:  # nothing cached yet: compute and store
            figures = compute(app, org, [*months, *quarters], groups=groups, now=NOW)
        with count_queries() as warm:  # every period cached, the open ones for a while
            again = compute(app, org, [*months, *quarters], groups=groups, now=NOW)
        assert again == figures
        counts[(people, teams)] = (len(cold.statements), len(warm.statements))
        if people == 500:
            (unit,) = [g for g in groups if g.name == "Unit"]
            figure = figures[(unit.key, "participation", months[-1].token)]
            assert figure.people == 500 and figure.value is not None
    assert len(set(counts.values())) == 1, counts
    cold, warm = counts[(5, 2)]
    assert cold <= 6 and warm == 1, counts  # warm: only the cache is read


def test_a_period_long_ago_and_an_empty_organisation(app, make):
    org = make.org(min_group_size=3)
    figures = compute(app, org, last_periods(PeriodKind.quarter, date(2020, 1, 1), 2))
    assert {f.suppressed for f in figures.values()} == {True}  # nobody: too few to show
    assert compute(app, org, ()) == {}
