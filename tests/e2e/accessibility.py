"""Accessibility checks with axe-core on the page as the browser shows it.

axe is injected with ``page.evaluate``, which runs through the DevTools protocol and is
not subject to the page's Content-Security-Policy, so it works under our strict
``script-src 'self'`` without ``bypass_csp`` (``test_axe_runs_under_the_strict_csp``
proves it).
"""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

BLOCKING_IMPACTS = ("serious", "critical")
# Every axe rule (WCAG 2.0/2.1 A and AA plus best practices); only the impact decides.
OPTIONS = {"resultTypes": ["violations"]}

_axe = Axe()


def accessibility_violations(page: Page) -> list[dict]:
    """axe's violations on the current page (all impacts)."""
    return _axe.run(page, options=OPTIONS).response["violations"]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"  {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = node.get("failureSummary")
            if summary:
                lines.extend(f"      {line}" for line in summary.splitlines())
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Fail when axe finds a serious or critical violation on the current page."""
    violations = [v for v in accessibility_violations(page) if v["impact"] in BLOCKING_IMPACTS]
    assert not violations, f"accessibility problems on {page.url}:\n{format_violations(violations)}"
