"""The foundation journey in a real browser (A3, A4, A6).

An admin signs in with a link from a real e-mail, imports people from a CSV, switches
the interface to English and prints a sign-in card for a worker without e-mail; the
worker signs in with that card in a fresh browser and chooses a PIN. Every page on the
way passes the axe accessibility check.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from app.db_types import utcnow
from app.extensions import db
from app.outbox.services import drain
from tests.e2e.accessibility import assert_accessible
from tests.mailserver import body_text

CSV = (
    "name,email,username,team,roles,job_title\n"
    "Fenna Jacobs,fenna.jacobs@kaya.example,,Magazijn,employee,Orderpicker\n"
    "Orhan Yılmaz,,orhan.y,Magazijn,employee,Heftruckchauffeur\n"
    "Beata Nowak,beata.nowak@kaya.example,,Expeditie,employee;ambassador,Planner\n"
)
LINK_RE = re.compile(r"https?://\S+/login/link/\S+")
CODE_RE = re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$")
NEW_PIN = "739184"


def _drain_outbox(app) -> None:
    with app.app_context():
        drain(utcnow())
        db.session.remove()


def _collect_console_errors(page: Page, errors: list[str]) -> Page:
    """Script errors and CSP violations show up as console errors."""
    page.on(
        "console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    return page


def _submit(page: Page, form_action: str) -> None:
    page.locator(f"form[action='{form_action}'] [type=submit]").click()


def test_admin_imports_people_and_worker_signs_in_with_a_card(
    app, make, mail_server, new_page, live_server
):
    org = make.org(name="Bouwbedrijf Kaya", slug="kaya")
    make.admin(org, name="Inge Admin", email="inge@kaya.example")
    worker = make.member(org, name="Henk Willemse", email=None, username="henk.w")
    home = f"/o/{org.slug}/"

    # 1. The admin asks for a sign-in link and uses the one from the real e-mail.
    console_errors: list[str] = []
    admin = _collect_console_errors(new_page(), console_errors)
    admin.goto("/login")
    assert_accessible(admin)
    admin.locator("form[action='/login'] input[name=email]").fill("inge@kaya.example")
    _submit(admin, "/login")
    expect(admin).to_have_url(re.compile(r"/login/sent$"))
    assert_accessible(admin)

    _drain_outbox(app)
    [message] = mail_server.wait_for(1)
    assert message["To"] == "inge@kaya.example"
    link = LINK_RE.search(body_text(message)).group(0)
    assert link.startswith(live_server.url)
    admin.goto(link)
    assert_accessible(admin)
    admin.locator("form[action^='/login/link/'] [type=submit]").click()
    expect(admin).to_have_url(live_server.url + home)
    expect(admin.get_by_role("heading", level=1)).to_contain_text("Inge Admin")
    assert_accessible(admin)

    # 2. The admin imports three people from a CSV file.
    import_url = f"{home}admin/import"
    admin.goto(import_url)
    assert_accessible(admin)
    admin.locator("input[type=file]").set_input_files(
        {"name": "mensen.csv", "mimeType": "text/csv", "buffer": CSV.encode()}
    )
    _submit(admin, import_url)
    expect(admin.get_by_text("Orhan Yılmaz")).to_be_visible()
    expect(admin.locator("#import-new-people tbody tr")).to_have_count(3)
    assert_accessible(admin)
    admin.locator("form[action$='/commit'] [type=submit]").click()
    expect(admin).to_have_url(f"{live_server.url}{home}admin/members")
    for name in ("Fenna Jacobs", "Orhan Yılmaz", "Beata Nowak", "Henk Willemse"):
        expect(admin.get_by_role("link", name=name)).to_be_visible()
    assert_accessible(admin)

    # 3. The admin switches the interface to English with the footer form.
    admin.locator("form.language-form select[name=locale]").select_option("en")
    admin.locator("form.language-form [type=submit]").click()
    expect(admin.locator("html")).to_have_attribute("lang", "en")
    expect(admin.get_by_role("heading", level=1)).to_have_text("People")
    assert_accessible(admin)

    # 4. The admin makes a sign-in card for the worker, who has no e-mail.
    admin.get_by_role("link", name="Henk Willemse").click()
    expect(admin).to_have_url(f"{live_server.url}{home}admin/members/{worker.id}")
    assert_accessible(admin)
    admin.get_by_role("button", name="Make a new sign-in card").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Your sign-in card")
    assert_accessible(admin)
    shown = [text.strip() for text in admin.locator(".code").all_inner_texts()]
    assert "henk.w" in shown
    [code] = [text for text in shown if CODE_RE.match(text)]

    # 5. The worker signs in with the card in a fresh browser and chooses a PIN.
    worker_page = _collect_console_errors(
        new_page(viewport={"width": 390, "height": 844}), console_errors
    )
    worker_page.goto("/login/code")
    assert_accessible(worker_page)
    worker_page.locator("input[name=username]").fill("henk.w")
    worker_page.locator("input[name=code]").fill(code)
    _submit(worker_page, "/login/code")
    expect(worker_page).to_have_url(re.compile(r"/account/credential$"))
    assert_accessible(worker_page)
    worker_page.locator("input[name=kind][value=pin]").check()
    worker_page.locator("input[name=secret]").fill(NEW_PIN)
    worker_page.locator("input[name=repeat]").fill(NEW_PIN)
    _submit(worker_page, "/account/credential")
    expect(worker_page).to_have_url(live_server.url + home)
    expect(worker_page.get_by_role("heading", level=1)).to_contain_text("Henk Willemse")
    assert_accessible(worker_page)
    assert console_errors == []
