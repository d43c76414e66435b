"""``record_values``, the one way values are written (page, CSV, API): everything is checked
before anything is written, problems name the line and column, writing is an upsert."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import force_locale
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.manager_kpis.models import ValueSource
from app.manager_kpis.values import ValueRow, record_values
from app.tenancy import org_context

from .admin_helpers import metric, stored_values

TODAY = date(2026, 11, 15)
OCTOBER, NOVEMBER = date(2026, 10, 1), date(2026, 11, 1)


def _record(app, org, rows, source=ValueSource.api, **kwargs):
    """(written, [(line, column, message)]) after committing what was written; the
    messages in English (the organisation's language is Dutch)."""
    with app.test_request_context(), org_context((org.id,)), force_locale("en"):
        written, problems = record_values(org.id, rows, source, None, TODAY, **kwargs)
        db.session.commit()
        return written, [(p.line, p.column, p.text) for p in problems]


def test_record_values_checks_everything_before_writing(app, make, dbs):
    org, other = make.org(), make.org()
    orders = metric(make, org, "Orders picked")
    off = metric(make, org, "Old figure", active=False)
    foreign_metric = metric(make, other, "Orders picked")
    a, b = make.team(org, name="Inpak"), make.team(org, name="Expeditie")
    foreign_team = make.team(other, name="Inpak")

    bad = [
        ValueRow(0, orders.id, a.id, "2026-10", 5),  # fine on its own
        ValueRow(1, orders.id, b.id, "2026-10", "12.5.3"),
        ValueRow(2, orders.id, b.id, "2026-12", 1),
        ValueRow(3, foreign_metric.id, a.id, "2026-10", 1),
        ValueRow(4, orders.id, foreign_team.id, "2026-10", 1),
        ValueRow(5, off.id, a.id, "2026-10", 1),
        ValueRow(6, "", " ", "10-2026", " "),
        ValueRow(7, orders.id, a.id, NOVEMBER, float("nan")),
        ValueRow(8, orders.id, a.id, NOVEMBER, 10**12),
        ValueRow(9, orders.id, a.id, NOVEMBER, True),
        ValueRow(10, "orders picked", "inpak", date(2026, 10, 20), "7"),  # = line 0
        ValueRow(11, orders.id, b.id, NOVEMBER, "9" * 40),  # too big to round, no 500
    ]
    written, problems = _record(app, org, bad)

    assert written == 0 and stored_values(dbs, org) == {}
    assert [(line, column) for line, column, _ in problems] == [
        (0, None),
        (1, "value"),
        (2, "month"),
        (3, "metric"),
        (4, "team"),
        (5, "metric"),
        (6, "metric"),
        (6, "team"),
        (6, "month"),
        (6, "value"),
        (7, "value"),
        (8, "value"),
        (9, "value"),
        (10, None),
        (11, "value"),
    ]
    messages = dict(((line, column), text) for line, column, text in problems)
    assert messages[(3, "metric")] == f"There is no metric {foreign_metric.id}."
    assert messages[(0, None)] == "The same metric, team and month are also on line 10."
    assert dbs.scalars(select(AuditEvent.action)).all() == []


def test_record_values_writes_updates_and_clears(app, make, dbs):
    org = make.org()
    orders = metric(make, org, "Orders picked")
    a, b = make.team(org, name="Inpak"), make.team(org, name="Expeditie")

    rows = [
        ValueRow(0, orders.id, a.id, "2026-10", Decimal("1250")),
        ValueRow(1, "Orders picked", "Expeditie", OCTOBER, "3,14159"),
        ValueRow(2, orders.id, a.id, "2026-11", 2.5),
    ]
    assert _record(app, org, rows) == (3, [])
    assert stored_values(dbs, org) == {
        (orders.id, a.id, OCTOBER): Decimal("1250"),
        (orders.id, b.id, OCTOBER): Decimal("3.1416"),  # four decimals
        (orders.id, a.id, NOVEMBER): Decimal("2.5"),
    }
    # The same again and a change: still three rows. None clears a value.
    rows = [
        ValueRow(0, orders.id, a.id, "2026-10", 1300),
        ValueRow(1, orders.id, b.id, "2026-10", None),
    ]
    assert _record(app, org, rows, ValueSource.page) == (2, [])
    assert stored_values(dbs, org) == {
        (orders.id, a.id, OCTOBER): Decimal("1300"),
        (orders.id, a.id, NOVEMBER): Decimal("2.5"),
    }
    assert dbs.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all() == [
        "production_values.posted",
        "production_values.entered",
    ]


def test_record_values_keeps_to_the_teams_given(app, make, dbs):
    org = make.org()
    orders = metric(make, org)
    own, other = make.team(org, name="Inpak"), make.team(org, name="Kantoor")

    written, problems = _record(
        app,
        org,
        [
            ValueRow(0, orders.id, own.id, "2026-10", 1),
            ValueRow(1, orders.id, "Kantoor", "2026-10", 1),
        ],
        team_ids={own.id},
    )

    assert written == 0
    assert problems == [(1, "team", "You cannot fill in values for team Kantoor.")]
    assert _record(app, org, [ValueRow(0, orders.id, own.id, "2026-10", 1)], team_ids={own.id}) == (
        1,
        [],
    )
    assert _record(app, org, []) == (0, [])
    assert set(stored_values(dbs, org)) == {(orders.id, own.id, OCTOBER)}
    assert other.id  # the other team was never written
