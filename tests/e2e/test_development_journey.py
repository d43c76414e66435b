"""Personal development in a real browser on a phone (E2-E4): a worker takes the learning
check, gets a short offer in work time as the first tip, signs up, logs it as done right
away, and asks a colleague to confirm a skill; the colleague confirms it with one tap.
Every page on the way passes the axe check and no script error shows up.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from app.development.models import (
    LearningCheck,
    LearningCheckFactor,
    LearningKind,
    LearningLogEntry,
)
from app.development.skills_models import (
    ConfirmationStatus,
    ConfirmerRole,
    PersonSkill,
    SkillConfirmation,
)
from app.evidence import Factor
from app.offers.models import OfferFormat, OfferSignup, SignupStatus
from tests.e2e.accessibility import assert_accessible
from tests.e2e.journey import collect_console_errors, give_password, sign_in

PHONE = {"width": 390, "height": 844}
SKILL = "Scanning goods with the hand scanner"

# The answers the worker taps; the other questions stay open ("I'd rather not say").
ANSWERS = {
    "Why would you like to learn something new?": "To do my work better",
    "How do you learn best?": "By doing it myself",
    "Do you have time to learn?": "Only if it is in work time",
    "Think of school and exams. How does that feel?": "Not good. I'd rather not do an exam.",
}
# What those answers point to in EVIDENCE.md (app/development/checks.py), with weights.
EXPECTED_FACTORS = {
    Factor.intrinsic_interest: 1,
    Factor.positive_attitude: 1,
    Factor.dislikes_theory: 2,
    Factor.working_time: 2,
    Factor.no_time: 1,
    Factor.fear: 2,
}


def test_worker_checks_signs_up_logs_it_and_a_colleague_confirms_a_skill(
    make, dbs, new_page, live_server
):
    org = make.org(name="Distributiecentrum Noord", slug="dcnoord")
    team = make.team(org, name="Inbound")
    make.admin(org, name="Inge Admin")
    worker = give_password(
        dbs,
        make.member(org, team=team, name="Samira Bakker", email="samira@dc.test", locale="en"),
    )
    colleague = give_password(
        dbs,
        make.member(org, team=team, name="Orhan Yilmaz", email="orhan@dc.test", locale="en"),
    )
    short = make.offer(
        org,
        title="Hand scanner in half an hour",
        format=OfferFormat.micro,
        duration_minutes=30,
        in_work_time=True,
    )
    make.offer(org, title="Forklift licence", format=OfferFormat.classroom, has_exam=True)
    make.offer(org, title="Evening course stock", format=OfferFormat.on_the_job, in_work_time=False)
    make.offer(org, title="Stock control online", format=OfferFormat.online, duration_minutes=240)
    development = f"{live_server.url}/o/{org.slug}/development/"
    console_errors: list[str] = []

    # 1. The worker signs in on her phone and takes the learning check.
    page = collect_console_errors(new_page(viewport=PHONE), console_errors)
    sign_in(page, worker.email)
    page.get_by_role("link", name="Do the learning check").click()
    expect(page).to_have_url(development + "check")
    expect(page.get_by_role("heading", level=1)).to_have_text("Learning check")
    assert_accessible(page)
    for question, answer in ANSWERS.items():
        page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()
    page.get_by_role("button", name="Show my result").click()

    # 2. The result: what helps, what gets in the way, and a short offer in work time first.
    expect(page).to_have_url(development + "check/result")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your learning check")
    expect(page.locator(".check-hurdles")).to_contain_text(
        "Your week is already full. Short learning in work time can help."
    )
    first = page.locator("#step-offers .offer-card").first
    expect(first.locator(".offer-title")).to_have_text(short.title)
    expect(first.locator(".offer-facts")).to_contain_text("30 minutes")
    expect(first.locator(".offer-facts")).to_contain_text("In work time")
    expect(first.locator(".offer-facts")).to_contain_text("No exam")
    expect(page.locator("#step-offers")).not_to_contain_text("Forklift licence")  # an exam
    assert_accessible(page)

    # 3. She opens it and signs up; the sign-up box offers to log it once she did it.
    first.get_by_role("link", name=re.compile(rf"^Look and sign up\W+{short.title}$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(short.title)
    assert_accessible(page)
    page.get_by_role("button", name="Sign me up").click()
    expect(page.locator("#signup-box")).to_contain_text("You are signed up")
    assert_accessible(page)

    # 4. Done it: "I did it — log it" fills in the quick form from the offer.
    page.get_by_role("link", name="I did it — log it").click()
    expect(page).to_have_url(re.compile(re.escape(development) + r"log\?signup_id=\d+$"))
    expect(page.get_by_role("textbox", name="What did you learn?")).to_have_value(short.title)
    expect(page.get_by_label("How many hours?")).to_have_value("0.5")
    when = page.get_by_role("group", name="In work time or in your own time?")
    expect(when.get_by_label("In work time", exact=True)).to_be_checked()
    how = page.get_by_role("group", name="How did you learn it?")
    expect(how.locator("input[value=non_formal]")).to_be_checked()
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#learning-log .flash")).to_have_text(
        "Well done! It is in your learning log."
    )
    expect(page).to_have_url(development + "log")  # a reload fills in nothing again
    expect(page.locator(".log-entry-title")).to_have_text([short.title])
    expect(page.locator(".log-totals")).to_contain_text("0.5 hours")
    assert_accessible(page)

    # 5. She adds a skill to her passport and asks a colleague to confirm it.
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="My development"
    ).click()
    page.get_by_role("link", name="Go to my skills").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My skills passport")
    assert_accessible(page)
    page.get_by_label("What can you do?").fill(SKILL)
    page.get_by_role("button", name="Add to my passport").click()
    expect(page.locator(".skill-name")).to_have_text([SKILL])
    assert_accessible(page)
    page.get_by_role("link", name=f"Ask someone to confirm ({SKILL})").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SKILL)
    assert_accessible(page)
    page.get_by_label("Who can confirm it?").select_option(label=colleague.name)
    expect(page.get_by_label("As a colleague")).to_be_checked()
    page.get_by_role("button", name="Send the question").click()
    expect(page.locator(".flashes")).to_contain_text("Your question was sent.")
    expect(page.locator("main")).to_contain_text(f"Waiting for an answer from: {colleague.name}.")
    assert_accessible(page)

    # 6. The colleague sees the question in his messages and confirms it with one tap.
    other = collect_console_errors(new_page(viewport=PHONE), console_errors)
    sign_in(other, colleague.email)
    other.locator("#notification-bell").click()
    assert_accessible(other)
    other.get_by_role("link", name=f"{worker.name} asks you to confirm a skill: {SKILL}.").click()
    expect(other).to_have_url(development + "confirmations")
    expect(other.get_by_role("heading", level=1)).to_have_text("Questions to confirm a skill")
    assert_accessible(other)
    other.evaluate("window.notReloaded = true")
    other.get_by_role("button", name=f"Yes, I confirm this ({SKILL}, {worker.name})").click()
    expect(other.locator(".confirmation-item")).to_contain_text("You confirmed this")
    assert other.evaluate("window.notReloaded") is True  # htmx swapped the item in place
    assert_accessible(other)

    # 7. Back on her passport, the skill is confirmed and has a badge link.
    page.reload()
    expect(page.locator(".skill-state-confirmed")).to_contain_text("Confirmed by 1 person")
    page.get_by_role("link", name="Back to my skills passport").click()
    expect(page.locator(f"#skill-{_only(dbs, PersonSkill).id}")).to_contain_text("Confirmed")
    expect(page.get_by_label(SKILL)).to_have_value(re.compile(r"^http://.+"))
    assert_accessible(page)

    assert console_errors == []

    # 8. What the database holds at the end.
    dbs.expire_all()
    check = _only(dbs, LearningCheck)
    assert check.user_id == worker.id
    assert len(check.answers) == len(ANSWERS)
    factors = dbs.execute(
        select(LearningCheckFactor.factor, LearningCheckFactor.weight).where(
            LearningCheckFactor.check_id == check.id, LearningCheckFactor.user_id == worker.id
        )
    ).all()
    assert dict(factors) == {factor.value: weight for factor, weight in EXPECTED_FACTORS.items()}

    signup = _only(dbs, OfferSignup)
    assert (signup.user_id, signup.offer_id, signup.status) == (
        worker.id,
        short.id,
        SignupStatus.signed_up,
    )
    entry = _only(dbs, LearningLogEntry)
    assert (entry.user_id, entry.offer_signup_id, entry.title) == (
        worker.id,
        signup.id,
        short.title,
    )
    assert (entry.kind, entry.minutes, entry.in_work_time) == (LearningKind.non_formal, 30, True)

    person_skill = _only(dbs, PersonSkill)
    confirmation = _only(dbs, SkillConfirmation)
    assert person_skill.user_id == worker.id and person_skill.confirmed_at is not None
    assert (
        confirmation.person_skill_id,
        confirmation.user_id,
        confirmation.confirmer_id,
        confirmation.confirmer_role,
        confirmation.status,
    ) == (
        person_skill.id,
        worker.id,
        colleague.id,
        ConfirmerRole.colleague,
        ConfirmationStatus.confirmed,
    )
    assert confirmation.answered_at is not None


def _only(dbs, model):
    return dbs.scalars(select(model)).one()
