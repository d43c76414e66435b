"""Periods, groups, catalogue and figures: the vocabulary the KPI features share."""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.manager_kpis import catalogue
from app.manager_kpis.figures import Figure
from app.manager_kpis.groups import Group, build_groups, org_groups, visible_team_ids
from app.manager_kpis.models import PeriodKind
from app.manager_kpis.periods import last_periods, parse_period, period_of
from app.orgs.models import Membership
from app.tenancy import org_context


def test_periods(app):
    month = period_of(PeriodKind.month, date(2026, 2, 14))
    assert (month.start, month.end, month.token) == (date(2026, 2, 1), date(2026, 2, 28), "2026-02")
    quarter = period_of("quarter", date(2026, 11, 30))
    assert (quarter.start, quarter.end, quarter.token) == (
        date(2026, 10, 1),
        date(2026, 12, 31),
        "2026-Q4",
    )
    assert parse_period("2026-Q4") == quarter and parse_period("2026-02") == month
    for bad in ("", None, "2026-13", "2026-Q5", "26-01", "2026-1", "x"):
        assert parse_period(bad) is None
    assert not quarter.is_closed(date(2026, 12, 31)) and quarter.is_closed(date(2027, 1, 1))
    assert quarter.last_day(date(2026, 11, 5)) == date(2026, 11, 5)
    months = last_periods(PeriodKind.month, date(2026, 3, 5))
    assert len(months) == 12 and months[0].token == "2025-04" and months[-1].token == "2026-03"
    quarters = last_periods(PeriodKind.quarter, date(2026, 1, 1), count=3)
    assert [q.token for q in quarters] == ["2025-Q3", "2025-Q4", "2026-Q1"]
    with app.test_request_context():
        with force_locale("nl"):
            assert parse_period("2026-11").label() == "november 2026"
        with force_locale("en"):
            assert parse_period("2026-11").label() == "November 2026"
            assert quarter.label() == "Q4 2026"


def test_groups_tree_and_visibility(app, make, dbs):
    org = make.org()
    unit = make.team(org, name="Logistiek")
    a = make.team(org, name="B-ploeg", parent_id=unit.id)
    b = make.team(org, name="A-ploeg", parent_id=unit.id)
    deep = make.team(org, name="Nacht", parent_id=b.id)
    other = make.team(org, name="Kantoor")
    manager = make.member(org, roles=["manager"], team=unit)
    admin = make.admin(org)
    employee = make.member(org, team=unit)
    dbs.commit()
    with app.app_context(), org_context((org.id,)):
        groups = org_groups(org.id, org.name)
        assert [(g.key, g.parent_key, g.depth, g.is_unit) for g in groups] == [
            ("org", None, 0, True),
            (f"team:{other.id}", "org", 1, False),
            (f"team:{unit.id}", "org", 1, True),
            (f"team:{b.id}", f"team:{unit.id}", 2, True),
            (f"team:{deep.id}", f"team:{b.id}", 3, False),
            (f"team:{a.id}", f"team:{unit.id}", 2, False),
        ]

        def load(m):
            return db.session.scalars(
                select(Membership)
                .where(Membership.id == m.id)
                .options(selectinload(Membership.role_rows))
            ).one()

        assert visible_team_ids(org.id, load(admin)) is None
        assert visible_team_ids(org.id, load(manager)) == {unit.id, a.id, b.id}
        assert visible_team_ids(org.id, load(employee)) == set()
        assert visible_team_ids(org.id + 1, load(manager)) == set()


def test_groups_survive_a_loop_of_parents():
    groups = build_groups([(1, "x", 2), (2, "y", 1), (3, "z", 99)], "Org")
    assert {g.key for g in groups} == {"org", "team:1", "team:2", "team:3"}
    assert all(isinstance(g, Group) for g in groups)


def test_catalogue_and_figure(app):
    assert catalogue.KPI_KEYS == (
        "conversations",
        "participation",
        "hours_work",
        "hours_own",
        "goals",
        "successes",
        "feedback",
        "skills_confirmed",
        "ambassador_contacts",
    )
    with app.test_request_context():
        for kpi in catalogue.CATALOGUE:
            assert str(kpi.label) and str(kpi.what) and str(kpi.why) and str(kpi.example)
    assert catalogue.is_metric_key("metric:12") and not catalogue.is_metric_key("metric:x")
    figure = Figure(0.5, 10, 5, 10)
    assert Figure.from_json(figure.to_json()) == figure
    assert Figure.hidden() == Figure(None, 0, suppressed=True)
