"""Roles and future skills in a real browser on a phone, in Dutch (issue 8, acceptance 5).

An admin adds a future skill to a role, with the offers that teach it; a worker in that
role opens "my future at work", sees the skill as new for her with the short offer in work
time as her next step, taps "take this step" and a goal appears; a colleague offers a
session, the admin approves it, and the worker signs up for it in the catalogue. Every
page on the way passes the axe check and no script error or policy violation shows up.

The pages speak Dutch (``<html lang="nl">``, the welcome). Texts of this issue are looked
up through the app's own Dutch catalogue (``nl()``), so the test reads the same words as
the page both before and after the issue's translations are merged.
"""

from __future__ import annotations

import re
from datetime import timedelta

from flask_babel import force_locale, gettext
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.careers.models import Horizon, RoleSkill, RoleSkillOffer
from app.db_types import utcnow
from app.development.models import Goal, GoalStep
from app.offers.models import Offer, OfferFormat, OfferSignup, SignupStatus
from app.offers.session_models import ColleagueSession, ColleagueSessionDate, SessionStatus
from app.timeutil import org_today
from tests.careers.helpers import give_skill, make_role, member_in_role
from tests.e2e.accessibility import assert_accessible
from tests.e2e.journey import PASSWORD, collect_console_errors, give_password

PHONE = {"width": 390, "height": 844}
SKILL = "Reachtruck rijden"
SHORT = "Reachtruck in 30 minuten"
LONG = "Reachtruck: avondcursus met examen"
SESSION = "Reachtruck: rijden in de hoge stellingen"


def test_admin_adds_a_future_skill_worker_takes_a_step_and_signs_up_for_a_colleague(
    app, make, dbs, new_page
):
    def nl(msgid: str, **values) -> str:
        with app.test_request_context(), force_locale("nl"):
            return gettext(msgid, **values)

    org = make.org(name="Magazijn Noord", slug="magazijn-noord", locale="nl")
    team = make.team(org, name="Magazijn")
    admin = give_password(dbs, make.admin(org, name="Anna Beheer", email="anna@mn.test"))
    role = make_role(make, org, "Orderpicker", [("Orderpicken met scanner", Horizon.now)])
    worker_membership = member_in_role(
        make, org, role, team=team, name="Samira Bakker", email="samira@mn.test"
    )
    worker = give_password(dbs, worker_membership)
    teacher_membership = make.member(org, team=team, name="Roy Doekhie", email="roy@mn.test")
    teacher = give_password(dbs, teacher_membership)
    give_skill(make, org, teacher.id, SKILL, confirmed=True)
    give_skill(make, org, worker.id, "Orderpicken met scanner", confirmed=True)
    short = make.offer(
        org, title=SHORT, format=OfferFormat.on_the_job, duration_minutes=30, in_work_time=True
    )
    long = make.offer(
        org,
        title=LONG,
        format=OfferFormat.classroom,
        duration_minutes=3 * 180,
        in_work_time=False,
        has_exam=True,
    )
    careers = f"/o/{org.slug}/careers/"
    errors: list[str] = []

    # 1. The admin signs in (in Dutch) and opens the roles from the admin menu.
    page = collect_console_errors(new_page(viewport=PHONE), errors)
    _sign_in(page, admin.email, nl)
    page.goto(f"/o/{org.slug}/")
    page.locator(f"a[href='{careers}admin/roles']").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(nl("Roles and skills"))
    assert_accessible(page)
    page.get_by_role("link", name="Orderpicker", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Orderpicker")
    assert_accessible(page)

    # 2. She adds a skill the role needs within a year: why, what the company gives, and
    # the two offers that teach it.
    page.get_by_role("link", name=nl("Add a skill")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        nl("Add a skill to %(role)s", role="Orderpicker")
    )
    assert_accessible(page)
    page.get_by_label(nl("Skill"), exact=True).fill(SKILL)
    page.get_by_label(nl("Needed within a year"), exact=True).check()
    page.get_by_label(nl("Why? In plain words")).fill(
        "Na de verbouwing zijn de stellingen hoger. Dan pak je meer met de reachtruck."
    )
    page.get_by_label(nl("A pay step"), exact=True).check()
    page.get_by_label(nl("In your own words (optional)")).fill("Eén trede hoger in je loonschaal.")
    page.get_by_label(SHORT, exact=True).check()
    page.get_by_label(LONG, exact=True).check()
    page.get_by_role("button", name=nl("Add skill")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Orderpicker")
    expect(page.locator(".flashes")).to_contain_text(nl("The skill is added to the role."))
    future = page.locator("section[aria-labelledby='horizon-within_year']")
    expect(future.locator("h3")).to_have_text([SKILL])
    expect(future).to_contain_text(SHORT)
    expect(future).to_contain_text(LONG)
    assert_accessible(page)
    # From the role to the skill-gap overview: one person in the role is too few to show.
    page.get_by_role("link", name=nl("How many people in this role have these skills")).click()
    expect(page.locator("#gap-heading")).to_contain_text("Orderpicker")
    expect(page.locator("tr[data-skill]")).to_have_count(2)
    expect(page.locator("main [data-too-few]").first).to_be_visible()
    assert_accessible(page)

    # 3. The worker opens "my future at work" from her development page: the skill is new
    # for her, and the next step is the short offer in work time (not the evening course).
    worker_page = collect_console_errors(new_page(viewport=PHONE), errors)
    _sign_in(worker_page, worker.email, nl)
    worker_page.goto(f"/o/{org.slug}/development/")
    worker_page.get_by_role("link", name=nl("See my future at work")).click()
    expect(worker_page).to_have_url(re.compile(re.escape(careers) + "$"))
    expect(worker_page.get_by_role("heading", level=1)).to_have_text(nl("My future at work"))
    # Really Dutch, not the English fallback of a missing translation.
    expect(worker_page.get_by_role("heading", level=1)).to_have_text("Mijn toekomst in mijn werk")
    role_skill = dbs.scalars(select(RoleSkill).where(RoleSkill.org_id == org.id)).all()
    new_one = next(rs for rs in role_skill if rs.horizon == Horizon.within_year)
    card = worker_page.locator(f"#skill-{new_one.id}")
    expect(card).to_have_attribute("data-state", "new")
    expect(card).to_contain_text(nl("New for you"))
    expect(card).to_contain_text("Nieuw voor jou")
    expect(card.get_by_role("button", name="Zet deze stap")).to_be_visible()
    expect(card).to_contain_text("Eén trede hoger in je loonschaal.")
    step = card.locator(".scan-step")
    expect(step.get_by_role("link", name=SHORT)).to_be_visible()
    expect(step).not_to_contain_text(LONG)
    expect(step).to_contain_text(nl("In work time"))
    expect(step).to_contain_text(nl("No exam"))
    have = worker_page.locator("[data-state='have']")
    expect(have).to_contain_text(nl("You have this"))
    assert_accessible(worker_page)

    # 4. One tap: the step becomes a goal; htmx swaps the card in place.
    worker_page.evaluate("window.notReloaded = true")
    card.get_by_role("button", name=nl("Take this step")).click()
    expect(card.locator(".scan-goal")).to_contain_text(nl("Your goal is saved."))
    assert worker_page.evaluate("window.notReloaded") is True
    assert_accessible(worker_page)
    card.get_by_role("link", name=nl("See your goal")).click()
    goal_title = nl("Learn %(skill)s", skill=SKILL)
    expect(worker_page.get_by_role("heading", level=1)).to_have_text(goal_title)
    expect(worker_page.locator("main")).to_contain_text(nl("Sign up for %(title)s", title=SHORT))
    assert_accessible(worker_page)

    # 5. A colleague with the skill confirmed offers a session about it, next week.
    teacher_page = collect_console_errors(new_page(viewport=PHONE), errors)
    _sign_in(teacher_page, teacher.email, nl)
    teacher_page.goto(f"/o/{org.slug}/offers/")
    teacher_page.get_by_role("link", name=nl("Teach colleagues what you know")).click()
    expect(teacher_page.get_by_role("heading", level=1)).to_have_text(
        nl("Teach colleagues what you know")
    )
    assert_accessible(teacher_page)
    day = org_today(org, utcnow()) + timedelta(days=7)
    teacher_page.get_by_label(nl("What do you teach?")).fill(SESSION)
    teacher_page.get_by_label(nl("What will colleagues be able to do afterwards?")).fill(
        "Veilig een pallet pakken van de bovenste plank."
    )
    teacher_page.get_by_label(nl("What do you know it from?")).select_option(label=SKILL)
    teacher_page.get_by_label(nl("How long does it take, in minutes?")).fill("30")
    teacher_page.get_by_label(nl("Where on the floor?")).fill("Hal 2, bij stelling 14")
    teacher_page.get_by_label(nl("How many colleagues at most?")).fill("4")
    first_date = teacher_page.locator("fieldset.date-time").first
    first_date.get_by_label(nl("Date"), exact=True).fill(day.isoformat())
    first_date.get_by_label(nl("Start time")).fill("13:30")
    teacher_page.get_by_role("button", name=nl("Send to the admin")).click()
    expect(teacher_page.locator(".flashes")).to_contain_text(
        nl("Thank you! The admin will look at your session and let you know.")
    )
    expect(teacher_page.locator("main")).to_contain_text(SESSION)
    assert_accessible(teacher_page)

    # 6. The admin approves it in the queue of sessions from colleagues.
    page.goto(f"/o/{org.slug}/offers/")
    page.get_by_role("link", name=nl("Sessions from colleagues")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(nl("Sessions from colleagues"))
    proposal = page.locator("section.card", has=page.get_by_role("heading", name=SESSION))
    expect(proposal).to_contain_text(teacher.name)
    assert_accessible(page)
    proposal.get_by_label(nl("Approve"), exact=True).check()
    proposal.get_by_label(nl("A short note for your colleague (optional)")).fill("Mooi, Roy!")
    proposal.get_by_role("button", name=nl("Save decision")).click()
    expect(page.locator(".flashes")).to_contain_text(
        nl("Approved. The session is in the learning offers now.")
    )
    expect(page.locator("main")).not_to_contain_text(SESSION)
    assert_accessible(page)

    # 7. The worker finds it in the catalogue, taught by her colleague, and signs up.
    worker_page.goto(f"/o/{org.slug}/offers/")
    offer_card = worker_page.locator(".offer-card", has_text=SESSION)
    expect(offer_card.locator(".offer-format")).to_have_text(nl("From a colleague"))
    expect(offer_card.locator(".offer-format")).to_have_text("Van een collega")
    expect(offer_card).to_contain_text(nl("In work time"))
    expect(offer_card).to_contain_text(nl("No exam"))
    assert_accessible(worker_page)
    offer_card.get_by_role("link", name=SESSION).click()
    expect(worker_page.get_by_role("heading", level=1)).to_have_text(SESSION)
    expect(worker_page.locator("main")).to_contain_text(teacher.name)
    assert_accessible(worker_page)
    worker_page.get_by_role("button", name=nl("Sign me up")).click()
    expect(worker_page.locator("#signup-box")).to_contain_text(nl("You are signed up"))
    assert_accessible(worker_page)

    assert errors == []

    # 8. What the database holds at the end.
    dbs.expire_all()
    linked = set(
        dbs.scalars(
            select(RoleSkillOffer.offer_id).where(RoleSkillOffer.role_skill_id == new_one.id)
        )
    )
    assert linked == {short.id, long.id}
    goal = dbs.scalars(select(Goal).where(Goal.user_id == worker.id)).one()
    assert (goal.title, goal.offer_id, goal.client_token) == (
        goal_title,
        short.id,
        f"career:{new_one.id}",
    )
    assert dbs.scalar(select(GoalStep.text).where(GoalStep.goal_id == goal.id))
    session = dbs.scalars(select(ColleagueSession)).one()
    assert (session.teacher_id, session.status, session.decided_by_id) == (
        teacher.id,
        SessionStatus.approved,
        admin.id,
    )
    offer_id = dbs.scalar(
        select(ColleagueSessionDate.offer_id).where(ColleagueSessionDate.session_id == session.id)
    )
    offer = dbs.get(Offer, offer_id)
    assert (offer.format, offer.in_work_time, offer.has_exam) == (
        OfferFormat.colleague,
        True,
        False,
    )
    signup = dbs.scalars(select(OfferSignup).where(OfferSignup.offer_id == offer_id)).one()
    assert (signup.user_id, signup.status) == (worker.id, SignupStatus.signed_up)


def _sign_in(page: Page, login: str, nl) -> None:
    """Sign in through the real password form; the pages are in Dutch."""
    page.goto("/login")
    form = page.locator("form[action='/login/password']")
    form.locator("input[name=login]").fill(login)
    form.locator("input[name=secret]").fill(PASSWORD)
    form.locator("[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
