"""Learning together in a real browser (D1-D3, C3): a worker shares what she learned, a
colleague applauds it inline, says "I want to learn this too" and comments, and the
worker finds both in her messages. Every page on the way passes the axe check.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.accessibility import assert_accessible
from tests.e2e.journey import collect_console_errors, give_password, sign_in

BODY = "I learned to check the **forklift brakes** before every shift."


def test_worker_shares_a_success_and_a_colleague_applauds_and_wants_it_too(
    make, dbs, new_page, live_server
):
    org = make.org(name="Metaalbedrijf Van Dijk", slug="vandijk")
    team = make.team(org, name="Warehouse")
    make.offer(org, title="Forklift safety")
    poster = give_password(
        dbs, make.member(org, team=team, name="Fenna Jacobs", email="fenna@vd.test", locale="en")
    )
    give_password(
        dbs, make.member(org, team=team, name="Orhan Yilmaz", email="orhan@vd.test", locale="en")
    )
    feed = f"/o/{org.slug}/feed/"
    console_errors: list[str] = []

    # 1. The worker signs in and shares what she learned.
    worker = collect_console_errors(
        new_page(viewport={"width": 390, "height": 844}), console_errors
    )
    sign_in(worker, poster.email)
    worker.get_by_role("link", name="Go to learning successes").click()
    expect(worker).to_have_url(live_server.url + feed)
    expect(worker.get_by_text("Nothing here yet")).to_be_visible()
    assert_accessible(worker)
    worker.get_by_role("link", name="Share what you learned").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text("Share what you learned")
    assert_accessible(worker)
    worker.get_by_label("What did you learn?").fill(BODY)
    worker.get_by_label("From a colleague").check()
    worker.get_by_label("30 minutes").check()
    worker.get_by_label("Was it part of a learning offer?").select_option(label="Forklift safety")
    worker.get_by_role("button", name="Share", exact=True).click()
    expect(worker).to_have_url(
        re.compile(re.escape(live_server.url + feed) + r"\?scope=team#post-\d+$")
    )
    post = worker.locator("article.feed-item").first
    expect(post.get_by_role("heading", level=2)).to_have_text("Fenna Jacobs learned something")
    expect(post.locator("strong")).to_have_text("forklift brakes")
    expect(post.get_by_text("From a colleague")).to_be_visible()
    post_id = post.get_attribute("id").removeprefix("post-")
    assert_accessible(worker)

    # 2. A colleague applauds inline: the count changes, the page does not reload.
    colleague = collect_console_errors(new_page(), console_errors)
    sign_in(colleague, "orhan@vd.test")
    colleague.goto(feed)
    assert_accessible(colleague)
    colleague.evaluate("window.notReloaded = true")
    item = colleague.locator(f"#post-{post_id}")
    applause = item.locator(".applause button")
    expect(applause).to_have_attribute("aria-pressed", "false")
    expect(applause.locator(".applause-count")).to_have_text("0")
    applause.click()
    expect(item.locator(".applause button")).to_have_attribute("aria-pressed", "true")
    expect(item.locator(".applause-count")).to_have_text("1")

    # 3. ... says "I want to learn this too" and leaves a comment, still without a reload.
    item.get_by_role("button", name="I want to learn this too").click()
    expect(item.get_by_text("On your wish list")).to_be_visible()
    item.get_by_label("Your comment").fill("Good one, I will do that too.")
    item.get_by_role("button", name="Send comment").click()
    expect(item.locator(".comment")).to_contain_text("Good one, I will do that too.")
    expect(item.get_by_label("Your comment")).to_have_value("")
    assert colleague.url == live_server.url + feed
    assert colleague.evaluate("window.notReloaded") is True
    assert_accessible(colleague)
    colleague.goto(f"{feed}posts/{post_id}")
    expect(colleague.get_by_role("heading", level=2)).to_have_text("Fenna Jacobs learned something")
    assert_accessible(colleague)

    # 4. The worker sees it in her messages, with a link to her post.
    worker.goto(f"/o/{org.slug}/notifications/")
    expect(worker.get_by_text("Orhan Yilmaz wants to learn this too!")).to_be_visible()
    expect(worker.get_by_text("Orhan Yilmaz gave applause for what you learned.")).to_be_visible()
    expect(worker.get_by_text("Orhan Yilmaz wrote a comment on what you learned.")).to_be_visible()
    assert_accessible(worker)
    worker.get_by_role("link", name="Orhan Yilmaz wants to learn this too!").click()
    expect(worker).to_have_url(f"{live_server.url}{feed}posts/{post_id}")
    expect(worker.locator(".applause-count")).to_have_text("1 applause")
    assert console_errors == []
