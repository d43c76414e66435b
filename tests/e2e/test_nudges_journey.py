"""Nudges in a real browser (issue 6): a company admin, in Dutch, makes a "meet your
learning ambassador" campaign, looks at the preview and starts it. The scheduler plans
the next run and the drainer delivers it (both in-process, as the background processes
would). A worker, on a phone, finds the nudge in the notification centre, opens the
preferences page and switches encouragement off. Every page passes the axe check and no
script error or policy violation shows up.
"""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.db_types import utcnow
from app.extensions import db
from app.notifications.models import Notification
from app.nudges.campaigns import next_run
from app.nudges.models import CampaignStatus, Category, NudgeCampaign, NudgeOptOut
from app.nudges.planner import plan_campaign
from app.orgs.models import Organisation
from app.outbox.services import drain
from app.tenancy import org_context
from tests.ambassadors.helpers import make_ambassador
from tests.e2e.accessibility import assert_accessible
from tests.e2e.journey import PASSWORD, collect_console_errors, give_password

PHONE = {"width": 390, "height": 844}
CAMPAIGN = "Maak kennis met onze leerambassadeurs"


def _sign_in(page: Page, login: str) -> None:
    """Sign in through the real password form; the home page greets in Dutch."""
    page.goto("/login")
    page.locator("form[action='/login/password'] input[name=login]").fill(login)
    page.locator("form[action='/login/password'] input[name=secret]").fill(PASSWORD)
    page.locator("form[action='/login/password'] [type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")


def _run_the_background_work(app, org_id: int, campaign_id: int) -> None:
    """What `flask scheduler run` and `flask outbox drain` do at the campaign's next
    moment: plan its period, then deliver what is due."""
    with app.app_context():
        with org_context((org_id,), None):
            org = db.session.get(Organisation, org_id)
            campaign = db.session.get(NudgeCampaign, campaign_id)
            moment = next_run(campaign, org, utcnow())
        assert moment is not None
        later = moment + timedelta(minutes=1)
        planned = plan_campaign(org_id, campaign_id, later)
        assert planned.rows >= 1, planned
        drain(later)
        db.session.remove()


def test_admin_starts_a_campaign_and_a_worker_gets_it_and_switches_it_off(
    app, make, dbs, new_page, live_server
):
    org = make.org(name="Bakkerij De Linde", slug="delinde", locale="nl")
    admin = give_password(dbs, make.admin(org, name="Anouk Admin", email="anouk@delinde.test"))
    make_ambassador(make, org, user_kwargs={"name": "Fatima Yilmaz", "email": "f@delinde.test"})
    worker = give_password(dbs, make.member(org, name="Piet Bakker", email="piet@delinde.test"))
    errors: list[str] = []

    # --- The admin, in Dutch, on a desktop. ---
    page = collect_console_errors(new_page(), errors)
    _sign_in(page, admin.email)
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    page.locator("nav a[href='/o/delinde/nudges/campaigns']").click()
    expect(page).to_have_url(re.compile(r"/nudges/campaigns$"))
    expect(page.locator("a[href='/o/delinde/nudges/settings']")).to_be_visible()
    assert_accessible(page)

    page.locator("a[href='/o/delinde/nudges/campaigns/new']").click()
    assert_accessible(page)
    page.locator("a[href='/o/delinde/nudges/campaigns/new?type=meet_ambassador']").click()
    # The type's default (0 10 * * 2) in the simple picker: every week on Tuesday at 10:00.
    expect(page.locator("input[name=schedule_kind][value=weekly]")).to_be_checked()
    expect(page.locator("select[name=weekday]")).to_have_value("2")
    expect(page.locator("input[name=at_time]")).to_have_value("10:00")
    assert_accessible(page)
    # An admin picks Wednesday at 9:30 instead.
    page.locator("select[name=weekday]").select_option("3")
    page.locator("input[name=at_time]").fill("09:30")
    page.locator("input[name=name]").fill(CAMPAIGN)
    page.locator("input[name=channel][value=in_app]").check()
    page.locator("input[name=holdout_percent]").fill("0")
    page.locator("form[action='/o/delinde/nudges/campaigns/new'] [type=submit]").click()

    expect(page).to_have_url(re.compile(r"/nudges/campaigns/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(CAMPAIGN)
    campaign_id = int(page.url.rsplit("/", 1)[1])
    dbs.expire_all()
    assert dbs.get(NudgeCampaign, campaign_id).cron == "30 9 * * 3"
    expect(page.locator("main")).to_contain_text("Elke woensdag om 9:30")
    expect(page.locator("#effect")).to_contain_text("Na de start zie je hier")
    # The preview: the admin never talked to an ambassador, so the real message is theirs.
    preview = page.locator("#preview")
    expect(preview).to_contain_text("Fatima Yilmaz")
    mail = page.frame_locator("iframe.mail-preview")
    expect(mail.locator("body")).to_contain_text("Anouk Admin")
    expect(mail.locator("body")).to_contain_text("Fatima Yilmaz")
    assert_accessible(page)

    # Start from below the preview, after reading it.
    preview.locator(
        f"form[action='/o/delinde/nudges/campaigns/{campaign_id}/start'] button"
    ).click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(
        page.locator(f"form[action='/o/delinde/nudges/campaigns/{campaign_id}/pause']")
    ).to_be_visible()
    assert_accessible(page)
    dbs.expire_all()
    assert dbs.get(NudgeCampaign, campaign_id).status == CampaignStatus.active

    # --- The scheduler and the drainer do their work at the campaign's next moment. ---
    _run_the_background_work(app, org.id, campaign_id)

    # --- The worker, on a phone. ---
    phone = collect_console_errors(new_page(viewport=PHONE), errors)
    _sign_in(phone, worker.email)
    phone.goto("/o/delinde/notifications")
    nudge = phone.locator("li.notification", has=phone.locator("a[href='/o/delinde/ambassadors/']"))
    expect(nudge).to_have_count(1)
    expect(nudge.locator(".tag")).to_be_visible()  # new
    assert_accessible(phone)

    nudge.locator("a[href='/o/delinde/nudges/preferences']").click()
    expect(phone).to_have_url(re.compile(r"/nudges/preferences$"))
    encouragement = phone.locator("input[name=encouragement]")
    expect(encouragement).to_be_checked()
    assert_accessible(phone)
    encouragement.uncheck()
    phone.locator("form[action='/o/delinde/nudges/preferences'] [type=submit]").click()
    expect(phone.locator(".flash-success")).to_be_visible()
    expect(phone.locator("input[name=encouragement]")).not_to_be_checked()
    expect(phone.locator("input[name=reminders]")).to_be_checked()
    assert_accessible(phone)

    dbs.expire_all()
    assert [
        n.kind for n in dbs.scalars(select(Notification).where(Notification.user_id == worker.id))
    ] == ["nudge"]
    opt_outs = dbs.scalars(select(NudgeOptOut).where(NudgeOptOut.user_id == worker.id)).all()
    assert [(o.category, o.via) for o in opt_outs] == [(Category.encouragement, "preferences")]
    assert errors == []
