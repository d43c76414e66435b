"""Feedback pages in a real browser: a worker gives a colleague feedback, the colleague
reads it; every feedback page (and the admin's moderation queue) passes the axe check."""

from __future__ import annotations

from playwright.sync_api import expect

from app.orgs.models import Role
from tests.e2e.accessibility import assert_accessible
from tests.e2e.journey import collect_console_errors, give_password, sign_in


def test_feedback_pages_work_and_are_accessible(make, dbs, new_page):
    org = make.org(name="Metaalbedrijf Van Dijk", slug="vandijk")
    team = make.team(org, name="Lassen")
    giver = give_password(
        dbs, make.member(org, team=team, name="Ricardo", email="ricardo@vd.test", locale="en")
    )
    receiver = give_password(
        dbs, make.member(org, team=team, name="Piotr", email="piotr@vd.test", locale="en")
    )
    admin = give_password(
        dbs,
        make.member(
            org,
            roles=(Role.employee, Role.admin, Role.manager),
            team=team,
            name="Anna",
            email="anna@vd.test",
            locale="en",
        ),
    )
    errors: list[str] = []
    page = collect_console_errors(new_page(viewport={"width": 390, "height": 844}), errors)
    sign_in(page, giver.email)
    page.goto(f"/o/{org.slug}/feedback/give")
    assert_accessible(page)
    page.get_by_label("Who is the feedback for?").select_option(label="Piotr")
    page.get_by_label("What did your colleague do well?").fill("You explained the welder calmly.")
    page.get_by_role("button", name="Send feedback").click()
    expect(
        page.get_by_text("Thank you! Your colleague can read your feedback now.")
    ).to_be_visible()
    assert_accessible(page)
    page.goto(f"/o/{org.slug}/feedback/ask")
    assert_accessible(page)

    reader = collect_console_errors(new_page(viewport={"width": 390, "height": 844}), errors)
    sign_in(reader, receiver.email)
    reader.goto(f"/o/{org.slug}/feedback/")
    expect(reader.get_by_text("You explained the welder calmly.")).to_be_visible()
    assert_accessible(reader)

    boss = collect_console_errors(new_page(), errors)
    sign_in(boss, admin.email)
    for path in ("feedback/team", "feedback/moderation", "feedback/requests"):
        boss.goto(f"/o/{org.slug}/{path}")
        expect(boss.locator("h1")).to_be_visible()
        assert_accessible(boss)
    assert errors == []
