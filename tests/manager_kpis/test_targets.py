"""Which target applies (K3) and the status against it: the latest ``valid_from`` on or
before the period's first day wins, a team's own target beats the one for all teams, a
proposed or rejected target never counts; on track / close (within 10 %) / behind."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.manager_kpis import targets
from app.manager_kpis.groups import org_groups
from app.manager_kpis.models import Aggregation, KpiTarget, TargetStatus
from app.manager_kpis.periods import parse_period
from app.tenancy import org_context

from ..ambassadors.helpers import session_of
from .admin_helpers import metric


def _target(make, org, kpi_key, team, valid_from, value, status=TargetStatus.approved):
    session = session_of(make)
    session.add(
        KpiTarget(
            org_id=org.id,
            kpi_key=kpi_key,
            team_id=team.id if team else None,
            team_key=team.id if team else 0,
            valid_from=valid_from,
            value=Decimal(value),
            status=status,
        )
    )
    session.commit()


def test_which_target_applies(app, make):
    org, other = make.org(), make.org()
    unit = make.team(org, name="Logistiek")
    inpak = make.team(org, name="Inpak", parent_id=unit.id)
    kantoor = make.team(org, name="Kantoor")
    summed = metric(make, org, "Orders picked")
    averaged = metric(make, org, "Customer score", aggregation=Aggregation.average)
    orders, score = f"metric:{summed.id}", f"metric:{averaged.id}"
    # Development conversations (a share): for all teams 0.6 from January, 0.7 from
    # March; Inpak's own 0.9 from February; a proposal and a rejection for Kantoor.
    _target(make, org, "conversations", None, date(2026, 1, 1), "0.6")
    _target(make, org, "conversations", None, date(2026, 3, 1), "0.7")
    _target(make, org, "conversations", inpak, date(2026, 2, 1), "0.9")
    _target(make, org, "conversations", kantoor, date(2026, 1, 1), "0.1", TargetStatus.proposed)
    _target(make, org, "conversations", kantoor, date(2026, 1, 1), "0.2", TargetStatus.rejected)
    _target(make, other, "conversations", None, date(2025, 1, 1), "0.99")
    # Counts and summed metrics: all teams' target is per team, not for unit or org.
    _target(make, org, "successes", None, date(2026, 1, 1), "4")
    _target(make, org, orders, None, date(2026, 1, 1), "500")
    _target(make, org, orders, unit, date(2026, 1, 1), "1000")
    _target(make, org, score, None, date(2026, 1, 1), "8")
    periods = [parse_period(t) for t in ("2026-01", "2026-02", "2026-03", "2026-Q1", "2026-Q2")]
    keys = ["conversations", "successes", orders, score, "feedback"]

    with app.test_request_context(), org_context((org.id,)):
        groups = org_groups(org.id, org.name)
        found = targets.applicable(org.id, keys, groups, periods)
        assert targets.applicable(org.id, keys, groups, []) == {}

    def at(group, key, token):
        group_key = "org" if group is None else f"team:{group.id}"
        value = found.get((group_key, key, token))
        return None if value is None else f"{value.normalize():f}"

    assert [at(kantoor, "conversations", t) for t in ("2026-01", "2026-02", "2026-03")] == [
        "0.6",
        "0.6",
        "0.7",
    ]
    assert [at(inpak, "conversations", t) for t in ("2026-01", "2026-02", "2026-03")] == [
        "0.6",
        "0.9",
        "0.9",  # its own target beats the newer one for all teams
    ]
    # A quarter takes the target of its first day.
    assert at(inpak, "conversations", "2026-Q1") == "0.6"
    assert at(inpak, "conversations", "2026-Q2") == "0.9"
    assert at(None, "conversations", "2026-03") == "0.7"  # a share: the org too
    assert at(unit, "conversations", "2026-03") == "0.7"
    assert at(kantoor, "successes", "2026-01") == "4"
    assert at(unit, "successes", "2026-01") is None and at(None, "successes", "2026-01") is None
    assert at(kantoor, orders, "2026-01") == "500" and at(unit, orders, "2026-01") == "1000"
    assert at(None, orders, "2026-01") is None
    assert at(None, score, "2026-01") == "8" and at(unit, score, "2026-01") == "8"
    assert at(kantoor, "feedback", "2026-01") is None
    assert all(value != Decimal("0.99") for value in found.values())


@pytest.mark.parametrize(
    ("value", "target", "higher", "expected"),
    [
        (80, 80, True, "on_track"),
        (81, 80, True, "on_track"),
        (72, 80, True, "close"),  # exactly 10 % below
        (71.99, 80, True, "behind"),
        (0.7999, Decimal("0.8"), True, "close"),
        (5, 5, False, "on_track"),
        (5.5, 5, False, "close"),  # exactly 10 % above
        (5.51, 5, False, "behind"),
        (0, 0, False, "on_track"),
        (0.1, 0, False, "behind"),
        (-9, -10, True, "on_track"),
        (-11, -10, True, "close"),
        (None, 5, True, None),
        (5, None, True, None),
    ],
)
def test_status_boundaries(value, target, higher, expected):
    assert targets.status(value, target, higher) == expected
