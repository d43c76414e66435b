"""Target pages (K3): the admin sets a target (shares as %), a manager proposes one for
their team, the admin approves or rejects it (audit log, a notification for the manager,
twice is harmless); the list shows what counts now and later; a fixed number of queries
for 5 and for 100 targets."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from sqlalchemy import insert, select

from app.audit.models import AuditEvent
from app.manager_kpis.models import KpiTarget, TargetStatus
from app.notifications.models import Notification
from tests.conftest import login

from .admin_helpers import MANAGER, add_teams, dutch, metric, send, text_of, url

NOW = datetime(2026, 11, 15, 10, 0, tzinfo=UTC)


@pytest.fixture()
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _targets(dbs, org) -> list[tuple]:
    dbs.expire_all()
    rows = dbs.scalars(select(KpiTarget).where(KpiTarget.org_id == org.id).order_by(KpiTarget.id))
    return [(t.kpi_key, t.team_id, t.valid_from, t.value, t.status) for t in rows]


def test_admin_sets_targets_and_sees_them_now_and_later(app, client, make, dbs, frozen):
    org = make.org()
    inpak = make.team(org, name="Inpak")
    orders = metric(make, org, "Orders picked", unit="orders")
    login(client, make.admin(org).user)
    assert client.get(url(org, "targets/new")).status_code == 200

    share = {"kpi": "conversations", "team": "all", "valid_from": "2026-11", "value": "80 %"}
    assert send(client, org, "targets/new", share).status_code == 302
    assert send(client, org, "targets/new", share).status_code == 302  # twice: one target
    later = {"kpi": f"metric:{orders.id}", "team": str(inpak.id), "valid_from": "2027-01"}
    assert send(client, org, "targets/new", {**later, "value": "1250,5"}).status_code == 302

    assert _targets(dbs, org) == [
        ("conversations", None, date(2026, 11, 1), Decimal("0.8000"), TargetStatus.approved),
        (f"metric:{orders.id}", inpak.id, date(2027, 1, 1), Decimal("1250.5000"), "approved"),
    ]
    page = text_of(client.get(url(org, "targets")))
    assert "80%" in page and "1.250,5 orders" in page  # Dutch number formats
    assert dutch(app, "All teams") in page and "Inpak" in page
    assert dutch(app, "Counts now") in page and dutch(app, "Later") in page

    # Problems are said in words; nothing is saved.
    bad = {"kpi": "conversations", "team": "all", "valid_from": "2026-11", "value": "120"}
    response = send(client, org, "targets/new", bad)
    assert response.status_code == 400
    assert dutch(app, "Fill in a percentage from 0 to 100.") in text_of(response)
    bad = {"kpi": "nope", "team": "999999", "valid_from": "1999-01", "value": "x"}
    page = text_of(send(client, org, "targets/new", bad))
    for message in (
        "Choose a figure from the list.",
        "Choose a team from the list.",
        "Choose a month from the list.",
        "This is not a number. Write a number like 1250 or 12,5.",
    ):
        assert dutch(app, message) in page
    assert len(_targets(dbs, org)) == 2

    # Removing a target: an older one would count again.
    target_id = dbs.scalar(select(KpiTarget.id).where(KpiTarget.team_id == inpak.id))
    assert send(client, org, f"targets/{target_id}/remove").status_code == 302
    assert len(_targets(dbs, org)) == 1


def test_manager_proposes_and_admin_decides(app, client, make, dbs, frozen):
    org = make.org()
    inpak, kantoor = make.team(org, name="Inpak"), make.team(org, name="Kantoor")
    manager = make.member(org, roles=MANAGER, team=inpak).user
    admin = make.admin(org).user
    login(client, manager)
    page = text_of(client.get(url(org, "targets/propose")))
    assert "Inpak" in page and "Kantoor" not in page and dutch(app, "All teams") not in page

    proposal = {"kpi": "participation", "valid_from": "2026-12", "value": "75", "note": "Haalbaar"}
    refused = send(client, org, "targets/propose", {**proposal, "team": str(kantoor.id)})
    assert refused.status_code == 400  # not their team
    assert (
        send(client, org, "targets/propose", {**proposal, "team": str(inpak.id)}).status_code == 302
    )
    [(key, team_id, valid_from, value, status)] = _targets(dbs, org)
    assert (key, team_id, value, status) == ("participation", inpak.id, Decimal("0.75"), "proposed")
    page = text_of(client.get(url(org, "targets")))
    assert dutch(app, "Waiting for an admin") in page and "Haalbaar" in page

    login(client, admin)
    page = text_of(client.get(url(org, "targets")))
    assert dutch(app, "Approve") in page and manager.name in page
    target_id = dbs.scalar(select(KpiTarget.id).where(KpiTarget.org_id == org.id))
    assert (
        send(client, org, f"targets/{target_id}/decide", {"decision": "approve"}).status_code == 302
    )
    again = send(client, org, f"targets/{target_id}/decide", {"decision": "reject"})
    already = dutch(app, "Someone already decided on this proposal.")
    assert again.status_code == 302 and already in text_of(client.get(again.location))
    assert [t[-1] for t in _targets(dbs, org)] == ["approved"]

    # A second proposal for the same month replaces the approved one once approved; a
    # third one is rejected.
    login(client, manager)
    send(client, org, "targets/propose", {**proposal, "team": str(inpak.id), "value": "85"})
    send(client, org, "targets/propose", {**proposal, "team": str(inpak.id), "value": "95"})
    login(client, admin)
    pending = dbs.scalar(select(KpiTarget.id).where(KpiTarget.status == TargetStatus.proposed))
    send(client, org, f"targets/{pending}/decide", {"decision": "reject"})
    assert sorted((t[3], t[4]) for t in _targets(dbs, org)) == [
        (Decimal("0.75"), "approved"),
        (Decimal("0.95"), "rejected"),
    ]

    actions = dbs.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.org_id == org.id, AuditEvent.action.like("kpi_target.%"))
        .order_by(AuditEvent.id)
    ).all()
    assert actions == [
        "kpi_target.proposed",
        "kpi_target.approved",
        "kpi_target.proposed",
        "kpi_target.proposed",
        "kpi_target.rejected",
    ]
    audit_page = text_of(client.get(f"/o/{org.slug}/admin/audit"))
    assert dutch(app, "Proposed target approved") in audit_page
    notes = dbs.scalars(
        select(Notification).where(Notification.user_id == manager.id).order_by(Notification.id)
    ).all()
    assert [(n.kind, n.payload["approved"], n.payload["team_name"]) for n in notes] == [
        ("kpi_target_decided", True, "Inpak"),
        ("kpi_target_decided", False, "Inpak"),
    ]
    login(client, manager)
    page = text_of(client.get(f"/o/{org.slug}/notifications/"))
    assert dutch(app, "Your proposed target for %(team)s was approved.", team="Inpak") in page


def test_target_list_runs_the_same_queries_for_5_and_100_targets(
    app, client, make, dbs, count_queries, frozen
):
    counts = []
    for size in (5, 100):
        org = make.org()
        metric(make, org)
        teams = add_teams(dbs, org, size)
        proposer = make.member(org, roles=MANAGER).user
        dbs.execute(
            insert(KpiTarget),
            [
                {
                    "org_id": org.id,
                    "kpi_key": "goals",
                    "team_id": team,
                    "team_key": team,
                    "valid_from": date(2026, 1 + i % 12, 1),
                    "value": Decimal("0.5"),
                    "status": TargetStatus.proposed if i % 2 else TargetStatus.approved,
                    "note": "",
                    "proposed_by_id": proposer.id,
                    "created_at": NOW,
                }
                for i, team in enumerate(teams)
            ],
        )
        dbs.commit()
        login(client, make.admin(org).user)
        client.get(url(org, "targets"))
        with count_queries() as counter:
            page = text_of(client.get(url(org, "targets")))
        assert page.count('name="decision" value="approve"') == size // 2
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
