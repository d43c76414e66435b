"""Learning offers in a real browser (F1-F3): a worker opens the catalogue, taps "in work
time" and "no exam" (htmx: the address follows, only matching offers stay), opens one
and signs up. The catalogue and offer pages pass the axe check.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from app.accounts.models import CredentialKind
from app.accounts.services import set_credential
from app.offers.models import OfferFormat, OfferSignup, SignupStatus
from tests.e2e.accessibility import assert_accessible
from tests.e2e.journey import PASSWORD, collect_console_errors, sign_in


def test_worker_filters_the_catalogue_and_signs_up(make, dbs, new_page):
    org = make.org(name="Zorggroep De Linde", slug="delinde")
    make.admin(org, name="Inge Admin")
    worker = make.member(org, name="Samira Bakker", email="samira@linde.test", locale="en")
    set_credential(worker.user, CredentialKind.password, PASSWORD)
    dbs.commit()
    make.offer(org, title="Lifting safely", format=OfferFormat.on_the_job, duration_minutes=45)
    make.offer(org, title="Hygiene in 5 minutes", format=OfferFormat.micro, duration_minutes=5)
    make.offer(org, title="Evening course Dutch", in_work_time=False, duration_minutes=600)
    make.offer(org, title="Care diploma", has_exam=True, duration_minutes=6000)
    catalogue = f"/o/{org.slug}/offers/"
    console_errors: list[str] = []

    page = collect_console_errors(new_page(viewport={"width": 390, "height": 844}), console_errors)
    sign_in(page, "samira@linde.test")
    page.get_by_role("link", name="See the learning offers").click()
    expect(page).to_have_url(re.compile(re.escape(catalogue) + "$"))
    expect(page.locator(".offer-title")).to_have_count(4)
    assert_accessible(page)

    # 1. Two big toggles: htmx swaps the results and the address follows.
    page.locator("label[for=work_time]").click()
    expect(page).to_have_url(re.compile(r"work_time=y"))
    expect(page.locator(".offer-title")).to_have_count(3)
    page.locator("label[for=no_exam]").click()
    expect(page).to_have_url(re.compile(r"work_time=y.*no_exam=y|no_exam=y.*work_time=y"))
    expect(page.locator(".offer-title")).to_have_count(2)
    expect(page.locator("#offer-results .count")).to_have_text("2 offers")
    shown = page.locator(".offer-title").all_inner_texts()
    assert shown == ["Lifting safely", "Hygiene in 5 minutes"]
    expect(page.get_by_label("In work time")).to_be_checked()
    assert_accessible(page)

    # 2. Open one and sign up inline.
    page.get_by_role("link", name="Lifting safely").click()
    expect(page.locator("h1")).to_have_text("Lifting safely")
    expect(page.get_by_text("45 minutes")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign me up").click()
    expect(page.locator("#signup-box")).to_contain_text("You are signed up")
    expect(page.get_by_role("button", name="Cancel my sign-up")).to_be_visible()
    assert_accessible(page)

    dbs.expire_all()
    signup = dbs.query(OfferSignup).one()
    assert (signup.user_id, signup.status) == (worker.user_id, SignupStatus.signed_up)

    # 3. "My offers" shows the status.
    page.goto(f"/o/{org.slug}/offers/mine")
    expect(page.locator("main")).to_contain_text("You are signed up")
    assert_accessible(page)
    assert console_errors == []
