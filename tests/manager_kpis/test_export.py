"""The dashboard's export (K5): the CSV file (BOM, the app's delimiters, formulas defused,
hidden figures as words), the print view with its privacy rules, and the JSON series."""

from __future__ import annotations

import csv
import io

from app.manager_kpis.export import safe_text
from tests.conftest import login

from .dashboard_world import PERSON_MARK, build_world


def _rows(response, delimiter: str) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=delimiter))


def test_csv_print_and_series_of_a_department_and_a_small_team(client, make, dbs):
    world = build_world(make, dbs)
    login(client, world.manager)
    base = "/o/vandijk/manager_kpis"
    metric = f"metric:{world.metric_id}"

    # English: "," between cells, "." as decimal point; a line per KPI and month, newest last.
    response = client.get(f"{base}/teams/{world.expeditie_id}/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "private, no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and world.today.strftime("%Y-%m") in disposition
    rows = _rows(response, ",")
    assert rows[0] == [
        "Group",
        "Period code",
        "Period",
        "Figure",
        "Value",
        "Unit",
        "Target",
        "Status",
        "Company average",
    ]
    assert len(rows) == 1 + 12 * (9 + 1)
    assert {row[0] for row in rows[1:]} == {"'=Expeditie"}  # no formula for a spreadsheet
    orders = [row for row in rows if row[3] == "Orders picked"]
    assert orders[-1][1] == world.today.strftime("%Y-%m")
    assert orders[-1][4:6] == ["700", "orders"]
    assert orders[-1][8] == "545.45"  # 2 000 orders for the company's 22 people, for 6
    conversations = [row for row in rows if row[3] == "Development conversations"]
    assert conversations[-1][4:9] == ["0", "%", "40", "Behind target", "13.64"]
    assert PERSON_MARK not in response.get_data(as_text=True)

    # The small team: every figure "too few to show", never a number or a status.
    rows = _rows(client.get(f"{base}/teams/{world.small_id}/export.csv"), ",")
    assert {row[4] for row in rows[1:]} == {"too few to show"}
    assert {row[7] for row in rows[1:]} == {""}

    # In Dutch: ";" between cells and a decimal comma, as Dutch Excel expects.
    world.manager.locale = "nl"
    dbs.commit()
    rows = _rows(client.get(f"{base}/teams/{world.expeditie_id}/export.csv"), ";")
    orders = [row for row in rows if row[5] == "orders"]
    assert orders[-1][8] == "545,45"

    # The print view: the figures of the period and the rules it followed.
    world.manager.locale = "en"
    dbs.commit()
    html = client.get(f"{base}/teams/{world.unit_id}/print?kind=quarter").get_data(as_text=True)
    assert "Privacy rules of this report" in html and "at least 5 people" in html
    assert "We never show who talked to an ambassador" in html
    assert 'class="kpi-print"' in html and "data-print" in html
    assert html.count("<tr data-kpi=") == 10 and PERSON_MARK not in html

    # JSON: the same numbers, a share as 0-1, a hidden figure as null.
    response = client.get(f"{base}/teams/{world.inpak_id}/series.json")
    assert response.headers["Cache-Control"] == "private, no-store"
    series = response.get_json()
    assert series["group"] == {"key": f"team:{world.inpak_id}", "name": "Inpak"}
    assert len(series["periods"]) == 12 and series["period"] == series["periods"][-1]
    by_key = {kpi["key"]: kpi for kpi in series["kpis"]}
    last = by_key["conversations"]["points"][-1]
    assert (last["value"], last["target"], last["status"]) == (0.5, 0.4, "on_track")
    assert by_key[metric]["points"][-1]["value"] == 900.0
    small = client.get(f"{base}/teams/{world.small_id}/series.json").get_json()
    assert {p["value"] for kpi in small["kpis"] for p in kpi["points"]} == {None}
    assert all(p["suppressed"] for kpi in small["kpis"] for p in kpi["points"])


def test_formula_starts_are_defused():
    texts = ("=1+1", "+31", "-x", "@SUM", "\tx", " =1+1", "\n=1+1", "Inpak", "A-B")
    assert [safe_text(t) for t in texts] == [
        "'=1+1",
        "'+31",
        "'-x",
        "'@SUM",
        "'\tx",
        "' =1+1",
        "'\n=1+1",
        "Inpak",
        "A-B",
    ]
