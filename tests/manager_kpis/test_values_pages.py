"""Filling in production values (K2) on the page: one metric, one month, a field per team.
Without JavaScript (post and redirect) and with htmx (the grid comes back); clear errors
and nothing saved on a problem; managers fill in only their own teams; a fixed number of
queries for 5 and for 100 teams."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from app.manager_kpis.models import Aggregation
from tests.conftest import login

from .admin_helpers import (
    MANAGER,
    add_teams,
    add_values,
    dutch,
    metric,
    send,
    stored_values,
    text_of,
    url,
)

NOW = datetime(2026, 11, 15, 10, 0, tzinfo=UTC)
NOVEMBER, OCTOBER = date(2026, 11, 1), date(2026, 10, 1)


@pytest.fixture()
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def field_values(page: str) -> dict[int, str]:
    """team id -> what the team's field shows."""
    return {
        int(team_id): value
        for team_id, value in re.findall(r'name="value-(\d+)" value="([^"]*)"', page)
    }


def test_admin_fills_in_a_month_for_every_team(app, client, make, dbs, frozen):
    org = make.org()
    orders = metric(make, org, unit="orders")
    a, b, c = (make.team(org, name=name) for name in ("Inpak", "Expeditie", "Kantoor"))
    login(client, make.admin(org).user)

    page = text_of(client.get(url(org, f"values?metric={orders.id}&month=2026-10")))

    assert field_values(page) == {a.id: "", b.id: "", c.id: ""}
    assert "oktober 2026" in page or "October 2026" in page
    form = {"metric": orders.id, "month": "2026-10"}
    values = {f"value-{a.id}": "1250", f"value-{b.id}": " 12,5 ", f"value-{c.id}": ""}
    response = send(client, org, "values", {**form, **values})
    assert response.status_code == 302
    assert stored_values(dbs, org) == {
        (orders.id, a.id, OCTOBER): Decimal("1250"),
        (orders.id, b.id, OCTOBER): Decimal("12.5"),
    }
    # The page shows them as typed in Dutch; sending the same again changes nothing.
    page = text_of(client.get(response.location))
    assert field_values(page) == {a.id: "1250", b.id: "12,5", c.id: ""}
    assert send(client, org, "values", {**form, **values}).status_code == 302
    assert len(stored_values(dbs, org)) == 2
    # An emptied field removes the value; a new one is added.
    values = {f"value-{a.id}": "", f"value-{b.id}": "13", f"value-{c.id}": "-2"}
    assert send(client, org, "values", {**form, **values}).status_code == 302
    assert stored_values(dbs, org) == {
        (orders.id, b.id, OCTOBER): Decimal("13"),
        (orders.id, c.id, OCTOBER): Decimal("-2"),
    }


def test_problems_are_explained_and_nothing_is_saved(app, client, make, dbs, frozen):
    org = make.org()
    orders = metric(make, org)
    a, b = make.team(org, name="Inpak"), make.team(org, name="Expeditie")
    add_values(dbs, org, orders.id, {(a.id, NOVEMBER): "7"})
    login(client, make.admin(org).user)
    form = {"metric": orders.id, "month": "2026-11"}

    response = send(client, org, "values", {**form, f"value-{a.id}": "8", f"value-{b.id}": "veel"})

    page = text_of(response)
    assert response.status_code == 400
    not_a_number = dutch(app, "This is not a number. Write a number like 1250 or 12,5.")
    assert f"Expeditie: {not_a_number}" in page  # in the summary, linked to the field
    assert f'href="#value-{b.id}"' in page and 'aria-invalid="true"' in page
    assert field_values(page) == {a.id: "8", b.id: "veel"}  # what was typed stays
    assert stored_values(dbs, org) == {(orders.id, a.id, NOVEMBER): Decimal("7")}

    # A month that has not started: no fields, and a post is refused.
    page = text_of(client.get(url(org, f"values?metric={orders.id}&month=2026-12")))
    not_yet = dutch(app, "This month has not started yet. You can fill in values up to this month.")
    assert not_yet in page and field_values(page) == {}
    response = send(
        client, org, "values", {"metric": orders.id, "month": "2026-12", f"value-{a.id}": "9"}
    )
    assert response.status_code == 400 and not_yet in text_of(response)
    # A metric switched off (or a month unreadable) meanwhile: never saved elsewhere.
    off = metric(make, org, "Old figure", active=False)
    for wrong in ({"metric": off.id, "month": "2026-11"}, {"metric": orders.id, "month": "11"}):
        response = send(client, org, "values", {**wrong, f"value-{a.id}": "9"})
        assert response.status_code == 302
        switched_off = "This metric is switched off, or the month is not right. Nothing was saved."
        assert dutch(app, switched_off) in text_of(client.get(response.location))
    assert stored_values(dbs, org) == {(orders.id, a.id, NOVEMBER): Decimal("7")}


def test_htmx_save_returns_the_grid_with_a_message(app, client, make, dbs, frozen):
    org = make.org()
    score = metric(make, org, "Customer score", aggregation=Aggregation.average)
    a = make.team(org, name="Inpak")
    login(client, make.admin(org).user)
    headers = {"HX-Request": "true"}

    response = send(
        client,
        org,
        "values",
        {"metric": score.id, "month": "2026-11", f"value-{a.id}": "7.5"},
        headers=headers,
    )

    page = text_of(response)
    assert response.status_code == 200 and "<html" not in page
    assert 'role="status"' in page and "Customer score" in page
    assert field_values(page) == {a.id: "7.5"}
    assert stored_values(dbs, org) == {(score.id, a.id, NOVEMBER): Decimal("7.5")}
    # The choice of metric and month also comes back as the grid alone.
    grid = client.get(url(org, f"values?metric={score.id}&month=2026-10"), headers=headers)
    assert grid.status_code == 200 and "<html" not in text_of(grid)


def test_a_manager_fills_in_only_their_own_teams(app, client, make, dbs, frozen):
    org = make.org()
    orders = metric(make, org)
    own = make.team(org, name="Inpak")
    below = make.team(org, name="Inpak nacht", parent_id=own.id)
    other = make.team(org, name="Kantoor")
    login(client, make.member(org, roles=MANAGER, team=own).user)

    page = text_of(client.get(url(org, "values")))

    assert set(field_values(page)) == {own.id, below.id}
    assert "Kantoor" not in page
    values = {f"value-{own.id}": "5", f"value-{below.id}": "6", f"value-{other.id}": "99"}
    send(client, org, "values", {"metric": orders.id, "month": "2026-11", **values})
    assert stored_values(dbs, org) == {
        (orders.id, own.id, NOVEMBER): Decimal("5"),
        (orders.id, below.id, NOVEMBER): Decimal("6"),
    }
    # A manager without a team sees no fields (and no error).
    login(client, make.member(org, roles=MANAGER).user)
    response = client.get(url(org, "values"))
    assert response.status_code == 200 and field_values(text_of(response)) == {}


def test_the_values_page_runs_the_same_queries_for_5_and_100_teams(
    app, client, make, dbs, count_queries, frozen
):
    counts = []
    for size in (5, 100):
        org = make.org()
        orders = metric(make, org)
        metric(make, org, "Returns")
        teams = add_teams(dbs, org, size)
        add_values(dbs, org, orders.id, {(t, NOVEMBER): "3" for t in teams})
        login(client, make.admin(org).user)
        path = url(org, f"values?metric={orders.id}&month=2026-11")
        client.get(path)
        with count_queries() as counter:
            page = text_of(client.get(path))
        assert len(field_values(page)) == size
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
