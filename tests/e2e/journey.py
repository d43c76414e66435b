"""Steps shared by the e2e journeys: watching for script errors, signing in with a password."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from app.accounts.models import CredentialKind
from app.accounts.services import set_credential

PASSWORD = "Kantpers-veilig-2026"


def collect_console_errors(page: Page, errors: list[str]) -> Page:
    """Script errors and CSP violations show up as console errors."""
    page.on(
        "console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    return page


def give_password(dbs, membership):
    """Arrange: the member can sign in with PASSWORD; returns their User."""
    set_credential(membership.user, CredentialKind.password, PASSWORD)
    dbs.commit()
    return membership.user


def sign_in(page: Page, login: str, password: str = PASSWORD) -> None:
    """Sign in through the real password form (Dutch page by default)."""
    page.goto("/login")
    page.locator("form[action='/login/password'] input[name=login]").fill(login)
    page.locator("form[action='/login/password'] input[name=secret]").fill(password)
    page.locator("form[action='/login/password'] [type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Welcome")
