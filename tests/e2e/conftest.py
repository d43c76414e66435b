"""Browser fixtures: a live server, Debian's Chromium through Playwright, a page per test.

The live server runs the session's ``app`` in a daemon thread on a free port. Playwright
drives ``/usr/bin/chromium`` (never ``playwright install``). Each test gets new browser
contexts, so cookies never leak between tests; a failing test leaves a screenshot of
every page it opened under ``test-artifacts/``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 10_000


@dataclass
class LiveServer:
    url: str


class _QuietHandler(WSGIRequestHandler):
    """No access log lines in the test output (errors are still logged by the app)."""

    def log_request(self, code="-", size="-") -> None:
        return None


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can see whether it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="package")
def live_server(app) -> Iterator[LiveServer]:
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


@pytest.fixture(autouse=True)
def _links_point_at_live_server(app, live_server, monkeypatch) -> None:
    """Mails and sign-in cards build absolute links from BASE_URL: point it at the server."""
    monkeypatch.setitem(app.config, "BASE_URL", live_server.url)


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="package")
def browser(playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture()
def new_page(browser, live_server, request) -> Iterator[Callable[..., Page]]:
    """``new_page(viewport={"width": 375, "height": 740})``: a page in a fresh context.

    Relative URLs in ``page.goto`` resolve against the live server.
    """
    contexts: list[BrowserContext] = []

    def factory(**context_options) -> Page:
        context = browser.new_context(base_url=live_server.url, **context_options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    try:
        yield factory
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            _save_screenshots(request.node.nodeid, contexts)
        for context in contexts:
            context.close()


@pytest.fixture()
def page(new_page) -> Page:
    return new_page()


def _save_screenshots(node_id: str, contexts: list[BrowserContext]) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", node_id).strip("_")
    for c, context in enumerate(contexts):
        for p, page in enumerate(context.pages):
            path = ARTIFACTS / f"{stem}-{c}-{p}.png"
            try:
                page.screenshot(path=str(path), full_page=True)
            except Exception as error:  # noqa: BLE001 (a screenshot must not hide the failure)
                print(f"could not save {path}: {error}")
            else:
                print(f"screenshot: {path} ({page.url})")
