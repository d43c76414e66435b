"""Smoke tests for the browser set-up itself: version, htmx, CSP, axe."""

from __future__ import annotations

from tests.e2e.accessibility import accessibility_violations
from tests.e2e.conftest import CHROMIUM

# Playwright 1.65 targets Chromium 159; Debian ships 156. Keep the drift visible.
EXPECTED_MAJOR_VERSIONS = range(150, 170)


def test_browser_version_and_htmx_without_console_errors(browser, page, live_server):
    print(f"browser: {CHROMIUM} {browser.version}")
    assert int(browser.version.split(".")[0]) in EXPECTED_MAJOR_VERSIONS
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    response = page.goto("/login")
    assert response is not None and response.ok
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("load")
    assert page.evaluate("typeof htmx") == "object"
    assert errors == []


def test_axe_runs_under_the_strict_csp(page):
    page.goto("/login")
    violations = accessibility_violations(page)
    assert isinstance(violations, list)
    assert page.evaluate("typeof axe.run") == "function"
