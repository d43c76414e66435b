"""Manager KPIs in a real browser (issue 7, acceptance 8): a manager signs in (in Dutch, and
the KPI pages speak Dutch: the small team's note, the status, the print view's rules),
opens the team figures from the menu, sees a team that is too small marked as such,
opens a team's dashboard whose tiles load one by one through htmx (and draw their trend
charts), downloads the CSV file and opens the print view. Every page passes the axe
check; no script error or policy violation shows up."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from app.accounts.models import CredentialKind
from app.accounts.services import set_credential
from tests.e2e.accessibility import assert_accessible
from tests.e2e.journey import PASSWORD, collect_console_errors
from tests.manager_kpis.dashboard_world import build_world


def test_manager_opens_the_dashboard_downloads_the_csv_and_prints(make, dbs, new_page):
    world = build_world(make, dbs, locale="nl")
    set_credential(world.manager, CredentialKind.password, PASSWORD)
    dbs.commit()
    base = "/o/vandijk/manager_kpis"
    errors: list[str] = []

    page = collect_console_errors(new_page(accept_downloads=True), errors)
    tile_requests: list[str] = []
    page.on(
        "request",
        lambda r: tile_requests.append(r.url) if r.headers.get("hx-request") else None,
    )
    page.goto("/login")
    form = page.locator("form[action='/login/password']")
    form.locator("input[name=login]").fill(world.manager.email)
    form.locator("input[name=secret]").fill(PASSWORD)
    form.locator("[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")
    expect(page.locator("html")).to_have_attribute("lang", "nl")

    # The overview, from the menu: the department and its teams; the small one marked.
    page.locator(f"nav a[href='{base}/']").click()
    expect(page).to_have_url(re.compile(r"/manager_kpis/$"))
    small = page.locator(f"tr[data-group='team:{world.small_id}']")
    expect(small.locator("[data-too-small]")).to_be_visible()
    expect(small.locator("[data-too-small]")).to_contain_text(
        "Te weinig mensen om cijfers te laten zien. Ze tellen mee in Logistiek."
    )
    expect(small.locator("a")).to_have_count(0)
    expect(page.locator(f"tr[data-group='team:{world.office_id}']")).to_have_count(0)
    assert_accessible(page)

    # A team's dashboard: the skeleton comes at once, each tile loads through htmx.
    page.locator(f"a[href='{base}/teams/{world.inpak_id}']").click()
    expect(page).to_have_url(re.compile(rf"/teams/{world.inpak_id}$"))
    expect(page.locator(".kpi-tile")).to_have_count(10)
    expect(page.locator(".kpi-tile-loading")).to_have_count(0)
    expect(page.locator(".kpi-chart canvas")).to_have_count(10)
    assert len([url for url in tile_requests if "/tiles/" in url]) == 10
    conversations = page.locator(".kpi-tile[data-kpi='conversations']")
    expect(conversations.locator("[data-cell=value]")).to_have_text("50%")
    expect(conversations.locator("[data-status=on_track]")).to_be_visible()
    expect(conversations.locator("[data-cell=status]")).to_contain_text("Op koers")
    orders = page.locator(f".kpi-tile[data-kpi='metric:{world.metric_id}']")
    expect(orders.locator("[data-status=close]")).to_be_visible()
    conversations.locator("details.kpi-explain summary").click()
    expect(conversations.locator("details.kpi-explain p").first).to_be_visible()
    expect(conversations.locator("details.kpi-explain summary")).to_have_text("Wat betekent dit?")
    assert_accessible(page)

    # Per quarter: the same skeleton, with quarters.
    page.locator(f"a[href='{base}/teams/{world.inpak_id}?kind=quarter']").click()
    expect(page).to_have_url(re.compile(r"kind=quarter"))
    expect(page.locator(".kpi-tile-loading")).to_have_count(0)
    expect(page.locator(".kpi-chart canvas")).to_have_count(10)

    # The CSV file of this dashboard.
    with page.expect_download() as download_info:
        page.locator("a[href*='/export.csv']").click()
    download = download_info.value
    content = Path(download.path()).read_text(encoding="utf-8")
    assert content.startswith("\ufeff")
    lines = content[1:].splitlines()
    assert len(lines) == 1 + 12 * 10 and all(line.count(";") >= 8 for line in lines)
    assert any(line.startswith("Inpak;") and ";900;" in line for line in lines)

    # The print view, for the board and the works council.
    page.locator("a[href*='/print']").click()
    expect(page).to_have_url(re.compile(r"/print\?"))
    expect(page.locator(".kpi-print-rules")).to_be_visible()
    expect(page.locator("#rules-heading")).to_have_text("Privacyregels van dit overzicht")
    expect(page.locator(".kpi-print-table").first).to_be_visible()
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("[data-print]")).to_be_hidden()

    # The small team's own page, opened directly: every figure too few to show.
    page.emulate_media(media="screen")
    page.goto(f"{base}/teams/{world.small_id}")
    expect(page.locator("[data-hidden-group]")).to_be_visible()
    expect(page.locator(".kpi-tile .kpi-value .suppressed")).to_have_count(10)
    expect(page.locator(".kpi-tile .kpi-value .suppressed").first).to_have_text(
        "te weinig om te tonen"
    )
    assert_accessible(page)
    assert errors == []
