"""CSV import of production values (K2, acceptance 7), from the admin's side: each bad file
gets a row report (line, column, reason in words) and nothing is written; a good file is
previewed and then written as a whole; importing it twice changes nothing more."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.manager_kpis.models import Aggregation, ProductionMetric, ProductionValue, ValueSource
from tests.conftest import csrf_token, login

from .admin_helpers import (
    add_values,
    count,
    csv_upload,
    dutch,
    metric,
    stored_values,
    text_of,
    url,
)

NOW = datetime(2026, 11, 15, 10, 0, tzinfo=UTC)
SEPTEMBER, OCTOBER = date(2026, 9, 1), date(2026, 10, 1)
HEADER = "productiecijfer;team;maand;waarde\n"


@pytest.fixture()
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture()
def company(make, client, frozen):
    org = make.org()
    orders = metric(make, org, "Orders picked")
    score = metric(make, org, "Customer score", aggregation=Aggregation.average)
    inpak, expeditie = make.team(org, name="Inpak"), make.team(org, name="Expeditie")
    login(client, make.admin(org).user)
    return org, orders, score, inpak, expeditie


def report(page: str) -> list[tuple[str, str, str]]:
    """(line, column, reason) rows of the row report."""
    table = re.search(r'<table class="data" id="import-problems">(.*?)</table>', page, re.S)
    assert table, "no row report on the page"
    return [
        tuple(cell.strip() for cell in row)
        for row in re.findall(
            r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", table.group(1)
        )
    ]


def commit_content(page: str) -> str:
    match = re.search(r'<input[^>]*name="content"[^>]*>', page)
    assert match, "the preview has no button to import"
    return re.search(r'value="([^"]*)"', match.group(0)).group(1)


def commit(client, org, content: str, **kwargs):
    data = {"content": content, "csrf_token": csrf_token(client, f"/o/{org.slug}/")}
    return client.post(url(org, "values/import/commit"), data=data, **kwargs)


def test_each_bad_line_gets_a_row_report_and_nothing_is_written(app, client, dbs, company):
    org, orders, score, inpak, expeditie = company
    add_values(dbs, org, orders.id, {(inpak.id, SEPTEMBER): "10"})
    before = stored_values(dbs, org)
    good = "Orders picked;Inpak;2026-10;1250\n"
    cases = {
        "a text in the number column": (
            "Orders picked;Expeditie;2026-10;veel\n",
            "waarde",
            dutch(app, "This is not a number. Write a number like 1250 or 12,5."),
        ),
        "a month that has not started": (
            "Orders picked;Expeditie;2026-12;5\n",
            "maand",
            dutch(app, "This month has not started yet. You can fill in values up to this month."),
        ),
        "an unknown team": (
            "Orders picked;Magazijn;2026-10;5\n",
            "team",
            dutch(app, "There is no team %(name)s.", name="Magazijn"),
        ),
        "an unknown metric": (
            "Omzet;Expeditie;2026-10;5\n",
            "productiecijfer",
            dutch(app, "There is no metric %(name)s.", name="Omzet"),
        ),
        "a month written wrongly": (
            "Orders picked;Expeditie;okt 2026;5\n",
            "maand",
            dutch(app, "Write the month as year and month, for example 2026-11."),
        ),
        "a formula": (
            "=HYPERLINK(1);Expeditie;2026-10;5\n",
            "productiecijfer",
            dutch(
                app,
                "A cell may not start with =, +, -, @, a tab or a line break: spreadsheet "
                "programs could run it as a formula. Remove that first character.",
            ),
        ),
    }
    for name, (bad, column, reason) in cases.items():
        response = csv_upload(client, org, HEADER + good + bad)
        page = text_of(response)
        assert response.status_code == 400, name
        assert report(page) == [("3", column, reason)], name
        assert 'name="content"' not in page, f"{name}: offered to import"
        assert stored_values(dbs, org) == before, name

    # The same team, metric and month twice in one file: both lines, none written.
    response = csv_upload(client, org, HEADER + good + "orders PICKED;inpak;2026-10-01;1300\n")
    also = "The same metric, team and month are also on line %(lines)s."
    assert report(text_of(response)) == [
        ("2", "", dutch(app, also, lines="3")),
        ("3", "", dutch(app, also, lines="2")),
    ]
    # A missing column, and a file with only column names: said once for the whole file.
    response = csv_upload(client, org, "team;maand;waarde\nInpak;2026-10;5\n")
    missing = dutch(
        app,
        "Line 1 of the file must hold the column names metric, team, month and value. "
        "These columns are missing: %(columns)s.",
        columns="metric",
    )
    assert response.status_code == 400 and missing in text_of(response)
    response = csv_upload(client, org, HEADER)
    only_names = dutch(app, "The file has no values in it, only column names.")
    assert response.status_code == 400 and only_names in text_of(response)
    assert stored_values(dbs, org) == before
    assert count(dbs, AuditEvent, AuditEvent.action == "production_values.imported") == 0


def test_a_good_file_is_previewed_then_written_and_twice_is_harmless(app, client, dbs, company):
    org, orders, score, inpak, expeditie = company
    add_values(dbs, org, orders.id, {(inpak.id, SEPTEMBER): "10", (expeditie.id, SEPTEMBER): "20"})
    content = HEADER + (
        "Orders picked;Inpak;2026-09;11\n"  # changes
        "Orders picked;Expeditie;2026-09;20\n"  # stays the same
        "Orders picked;Inpak;2026-10;-1 250,5\n"  # new (a negative number is not a formula)
        "Customer score;Expeditie;2026-11;7,25\n"  # new, this month
    )

    response = csv_upload(client, org, content)

    page = text_of(response)
    assert response.status_code == 200
    assert "1 new value" not in page and ("2 new values" in page or "2 nieuwe" in page)
    assert stored_values(dbs, org) == {
        (orders.id, inpak.id, SEPTEMBER): Decimal("10"),
        (orders.id, expeditie.id, SEPTEMBER): Decimal("20"),
    }  # nothing written by the preview
    content = commit_content(page)
    expected = {
        (orders.id, inpak.id, SEPTEMBER): Decimal("11"),
        (orders.id, expeditie.id, SEPTEMBER): Decimal("20"),
        (orders.id, inpak.id, OCTOBER): Decimal("-1250.5"),
        (score.id, expeditie.id, date(2026, 11, 1)): Decimal("7.25"),
    }
    response = commit(client, org, content)
    assert response.status_code == 302
    assert stored_values(dbs, org) == expected
    sources = set(
        dbs.scalars(select(ProductionValue.source).where(ProductionValue.org_id == org.id))
    )
    assert ValueSource.csv in sources
    # "Import now" twice (a double click, or back and again): the same values, no more rows.
    assert commit(client, org, content).status_code == 302
    assert stored_values(dbs, org) == expected
    assert count(dbs, AuditEvent, AuditEvent.action == "production_values.imported") == 2


def test_what_changed_since_the_preview_is_checked_again(app, client, dbs, company):
    org, orders, score, inpak, expeditie = company
    page = text_of(csv_upload(client, org, HEADER + "Orders picked;Inpak;2026-10;5\n"))
    content = commit_content(page)
    dbs.get(ProductionMetric, orders.id).active = False
    dbs.commit()

    response = commit(client, org, content)

    assert response.status_code == 400
    reason = dutch(
        app,
        "The metric %(name)s is switched off. Switch it on first, or leave this line out.",
        name="Orders picked",
    )
    assert report(text_of(response)) == [("2", "metric", reason)]
    assert stored_values(dbs, org) == {}
    # Text that is not what the preview sent is refused as a whole.
    response = commit(client, org, "2 1 1 2026-10 5; DROP TABLE", follow_redirects=True)
    assert response.status_code == 200 and stored_values(dbs, org) == {}
    # Nor more lines than a file may hold (the preview never sends them).
    dbs.get(ProductionMetric, orders.id).active = True
    dbs.commit()
    app.config["CSV_IMPORT_MAX_ROWS"], limit = 1, app.config["CSV_IMPORT_MAX_ROWS"]
    try:
        twice = f"{content}\n3 {orders.id} {expeditie.id} 2026-10 6"
        assert commit(client, org, twice).status_code == 302
        assert commit(client, org, content).status_code == 302
    finally:
        app.config["CSV_IMPORT_MAX_ROWS"] = limit
    assert stored_values(dbs, org) == {(orders.id, inpak.id, date(2026, 10, 1)): Decimal(5)}


def test_example_file_and_howto(app, client, dbs, company):
    org = company[0]
    page = text_of(client.get(url(org, "values/import")))
    assert "productiecijfer" in page and "2026-11" in page
    example = client.get(url(org, "values/import/example.csv"))
    assert example.mimetype == "text/csv"
    assert example.get_data(as_text=True).startswith("\ufeffproductiecijfer;team;maand;waarde")
