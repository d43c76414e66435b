"""The managers' KPI dashboard as a manager and an admin use it: the overview, a team's
dashboard as a whole page (every tile rendered on the server) and as an htmx skeleton
whose tiles fetch themselves, a tile alone, quarters, a team too small to show, and a
team outside the manager's own: a 404 on every route, as for a team that does not exist."""

from __future__ import annotations

import re

from tests.conftest import login, normalised_body

from .dashboard_world import PERSON_MARK, build_world

HX = {"HX-Request": "true"}
DEV_KEYS = (
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


def _tile(html: str, key: str) -> str:
    """The HTML of the tile for ``key``."""
    match = re.search(
        r'<article class="kpi-tile[^"]*"[^>]*data-kpi="' + re.escape(key) + r'".*?</article>',
        html,
        re.S,
    )
    assert match, f"no tile {key}"
    return match.group(0)


def _cell(tile: str, name: str) -> str:
    match = re.search(r'data-cell="' + name + r'">(.*?)</(?:p|dd)>', tile, re.S)
    assert match, f"no {name} in tile"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_manager_sees_own_teams_full_page_skeleton_tiles_and_404_elsewhere(client, make, dbs):
    world = build_world(make, dbs)
    login(client, world.manager)
    base = "/o/vandijk/manager_kpis"

    # The overview: the department and its teams; the small team counted in the department.
    page = client.get(f"{base}/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'href="{base}/teams/{world.inpak_id}"' in html
    assert f'href="{base}/teams/{world.unit_id}"' in html
    assert f"{base}/teams/{world.office_id}" not in html and "Kantoor" not in html
    assert f"{base}/organisation" not in html
    small_row = re.search(rf'data-group="team:{world.small_id}".*?</tr>', html, re.S).group(0)
    assert "data-too-small" in small_row and "Logistiek" in small_row
    assert f"{base}/teams/{world.small_id}" not in small_row
    assert PERSON_MARK not in html

    # A team's page without htmx: every tile with its numbers, development and production.
    page = client.get(f"{base}/teams/{world.inpak_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in html
    assert 'hx-trigger="load"' not in html
    for key in (*DEV_KEYS, f"metric:{world.metric_id}"):
        _tile(html, key)
    conversations = _tile(html, "conversations")
    assert _cell(conversations, "value") == "50%"
    assert _cell(conversations, "target") == "40%"
    assert 'data-status="on_track"' in conversations and "On track" in conversations
    assert _cell(conversations, "average") == "14%"  # 3 of the company's 22 people
    orders = _tile(html, f"metric:{world.metric_id}")
    assert _cell(orders, "value") == "900 orders"
    assert _cell(orders, "target") == "1,000"
    assert 'data-status="close"' in orders and "Close to target" in orders
    assert _cell(orders, "average") == "545.45"  # 2 000 orders for 22 people, for 6 people
    assert orders.count("<tr>") == 13  # the head and 12 months
    assert "data-chart-for=" in orders and "<details" in orders
    assert "vendor/chart-4.6.1.umd.min.js" in html and "js/kpi-chart.js" in html
    assert PERSON_MARK not in html

    # With htmx: a skeleton whose tiles fetch themselves, with the same period.
    page = client.get(f"{base}/teams/{world.inpak_id}?kind=quarter", headers=HX)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" not in html and "<title>" in html
    placeholders = re.findall(r'hx-get="([^"]+)" hx-trigger="load"', html)
    assert len(placeholders) == len(DEV_KEYS) + 1
    assert all("kind=quarter" in url for url in placeholders)
    assert "kpi-value" not in html

    # Each tile alone: a fragment for htmx, a page without.
    tile_url = placeholders[0].replace("&amp;", "&")
    fragment = client.get(tile_url, headers=HX).get_data(as_text=True)
    assert fragment.lstrip().startswith("<article") and "<html" not in fragment
    assert "Q" in _tile(fragment, DEV_KEYS[0])  # quarters in the trend table
    whole = client.get(tile_url)
    assert whole.status_code == 200 and "<html" in whole.get_data(as_text=True)
    nonsense = client.get(f"{base}/teams/{world.inpak_id}/tiles/nonsense", headers=HX)
    assert nonsense.status_code == 404
    assert client.get(f"{base}/teams/{world.inpak_id}/tiles/metric:99999").status_code == 404

    # The small team: "too few to show" on every tile, production too.
    html = client.get(f"{base}/teams/{world.small_id}").get_data(as_text=True)
    assert "data-hidden-group" in html
    for key in (*DEV_KEYS, f"metric:{world.metric_id}"):
        assert "too few to show" in _cell(_tile(html, key), "value")

    skeleton = client.get(f"{base}/teams/{world.small_id}", headers=HX).get_data(as_text=True)
    assert "data-hidden-group" in skeleton

    # A period in the future, of the other kind or unreadable: the current one.
    current = world.today.strftime("%Y-%m")
    for query in ("period=2999-01", "kind=month&period=2026-Q1", "kind=x&period=nonsense"):
        html = client.get(f"{base}/teams/{world.inpak_id}?{query}", headers=HX).get_data(
            as_text=True
        )
        assert f'<option value="{current}" selected>' in html, query

    # A team outside the manager's: the same 404 as a team that does not exist.
    for suffix in (
        "",
        "/tiles/conversations",
        "/export.csv",
        "/print",
        "/series.json",
    ):
        for headers in ({}, HX):
            theirs = f"{base}/teams/{world.office_id}{suffix}"
            response = client.get(theirs, headers=headers)
            assert response.status_code == 404, suffix
            missing = f"{base}/teams/2147483000{suffix}"
            gone = client.get(missing, headers=headers)
            assert normalised_body(response, theirs) == normalised_body(gone, missing)


def test_admin_sees_the_organisation_and_every_team(client, make, dbs):
    world = build_world(make, dbs)
    login(client, world.admin)
    base = "/o/vandijk/manager_kpis"
    html = client.get(f"{base}/").get_data(as_text=True)
    assert f'href="{base}/organisation"' in html
    for team_id in (world.unit_id, world.inpak_id, world.office_id):
        assert f'href="{base}/teams/{team_id}"' in html
    html = client.get(f"{base}/organisation?kind=quarter").get_data(as_text=True)
    conversations = _tile(html, "conversations")
    assert _cell(conversations, "value") == "14%"
    assert 'data-cell="average"' not in conversations  # the company is the average
    assert client.get(f"{base}/teams/{world.office_id}/series.json").status_code == 200
    about = client.get(f"{base}/about").get_data(as_text=True)
    assert 'id="kpi-conversations"' in about and f'id="kpi-metric-{world.metric_id}"' in about
    assert "at least 5 people" in about
