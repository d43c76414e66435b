"""The admin's production metrics pages (K2): list, add, change, switch off and on, with a
unique name per company (whatever the capitals) as a form error in words."""

from __future__ import annotations

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.manager_kpis.models import Aggregation, ProductionMetric
from tests.conftest import login

from .admin_helpers import dutch, metric, send, text_of, url

NEW = {
    "name": "Error rate",
    "unit": "%",
    "higher_is_better": "lower",
    "aggregation": "average",
    "description": "Wrong orders out of every 100.",
}


def _metrics(dbs, org) -> list[ProductionMetric]:
    dbs.expire_all()
    statement = select(ProductionMetric).where(ProductionMetric.org_id == org.id)
    return list(dbs.scalars(statement.order_by(ProductionMetric.id)))


def test_admin_adds_changes_and_switches_off_a_metric(app, client, make, dbs):
    org = make.org()
    login(client, make.admin(org).user)
    page = text_of(client.get(url(org, "metrics")))
    assert "There are no metrics yet" in page or "Er zijn nog geen" in page
    assert client.get(url(org, "metrics/new")).status_code == 200

    response = send(client, org, "metrics/new", NEW)

    assert response.status_code == 302
    [made] = _metrics(dbs, org)
    assert (made.name, made.unit, made.higher_is_better, made.aggregation, made.active) == (
        "Error rate",
        "%",
        False,
        Aggregation.average,
        True,
    )
    assert "Error rate" in text_of(client.get(url(org, "metrics")))
    edit = text_of(client.get(url(org, f"metrics/{made.id}")))
    assert 'value="Error rate"' in edit and "Wrong orders out of every 100." in edit

    changed = {**NEW, "name": "  Error   rate  per order ", "higher_is_better": "higher"}
    changed["aggregation"] = "sum"
    assert send(client, org, f"metrics/{made.id}", changed).status_code == 302
    [made] = _metrics(dbs, org)
    assert (made.name, made.higher_is_better, made.aggregation) == (
        "Error rate per order",
        True,
        Aggregation.sum,
    )

    response = send(client, org, f"metrics/{made.id}/switch", {"active": "off"})
    assert response.status_code == 302
    switched_off = dutch(
        app,
        "%(name)s is switched off. Its values stay, but nobody can add new ones and it is "
        "not on the dashboard.",
        name="Error rate per order",
    )
    assert switched_off in text_of(client.get(response.location))
    assert _metrics(dbs, org)[0].active is False
    # Switched off: not offered for values any more, still listed for the admin.
    assert "Error rate per order" not in text_of(client.get(url(org, "values")))
    assert "Error rate per order" in text_of(client.get(url(org, "metrics")))
    send(client, org, f"metrics/{made.id}/switch", {"active": "off"})  # twice: nothing more
    send(client, org, f"metrics/{made.id}/switch", {"active": "on"})
    assert _metrics(dbs, org)[0].active is True

    actions = dbs.scalars(
        select(AuditEvent.action).where(AuditEvent.org_id == org.id).order_by(AuditEvent.id)
    ).all()
    assert actions == [
        "production_metric.created",
        "production_metric.changed",
        "production_metric.switched_off",
        "production_metric.switched_on",
    ]


def test_a_name_is_used_once_per_company_whatever_the_capitals(app, client, make, dbs):
    org, other = make.org(), make.org()
    first = metric(make, org, "Orders picked")
    metric(make, org, "Returns")
    login(client, make.admin(org).user)
    taken = dutch(app, "There is already a metric with this name. Choose another name.")

    response = send(client, org, "metrics/new", {**NEW, "name": "ORDERS picked"})

    assert response.status_code == 400
    assert taken in text_of(response)
    assert len(_metrics(dbs, org)) == 2
    # Renaming one to another's name is refused too; keeping its own name is fine.
    response = send(client, org, f"metrics/{first.id}", {**NEW, "name": "returns"})
    assert response.status_code == 400 and taken in text_of(response)
    kept = send(client, org, f"metrics/{first.id}", {**NEW, "name": "Orders Picked"})
    assert kept.status_code == 302
    # Another company may use the same name.
    login(client, make.admin(other).user)
    assert send(client, other, "metrics/new", {**NEW, "name": "Orders picked"}).status_code == 302


def test_form_problems_are_shown_and_nothing_is_saved(app, client, make, dbs):
    org = make.org()
    login(client, make.admin(org).user)

    response = send(client, org, "metrics/new", {"name": " ", "unit": "x" * 31})

    page = text_of(response)
    assert response.status_code == 400
    assert dutch(app, "Give the metric a name.") in page
    assert dutch(app, "Use at most %(max)d characters.", max=30) in page
    assert dutch(app, "Choose whether higher or lower is better.") in page
    assert 'class="error-summary"' in page
    assert _metrics(dbs, org) == []
