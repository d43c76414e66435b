"""Learning ambassadors and a union rep across firms in a real browser on a phone (issue 5,
acceptance 6).

A union proposes learning agreements to two companies that name the same rep; the admin
of the first approves in the browser, the second through the same service. A worker opens
the poster's short link, signs in and books a talk with the rep in three taps. The rep
records the talk and a next step, and finds it in her caseload across companies next to
a talk in the other company. The worker sees the next step. The worker's manager and the
company admin find nothing of it: the talk's address answers like a missing one, their
pages show no word of it, and each attempt is in the audit log. Every page on the way
passes the axe check and no script error shows up.
"""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.ambassadors.models import (
    AmbassadorConversation,
    AmbassadorProfile,
    Channel,
    ConversationStatus,
    FollowUp,
    FollowUpKind,
    NextStep,
    Topic,
)
from app.audit.models import AuditEvent
from app.db_types import utcnow
from app.extensions import db
from app.orgs.models import Membership, MembershipRole, OrgKind, Role
from app.timeutil import org_today
from app.unions.agreements import approve_agreement, propose_agreement
from app.unions.models import AgreementRep, AgreementStatus, LearningAgreement
from app.unions.scope import both_parties
from tests.ambassadors.helpers import make_conversation
from tests.e2e.accessibility import assert_accessible
from tests.e2e.journey import PASSWORD, collect_console_errors, give_password, sign_in

PHONE = {"width": 390, "height": 844}
# What is said in the talk: only the worker and the rep may ever see these words.
TOPIC_WORDS = "Reading the safety letters from the site office"
SUMMARY = "Talked about the evening reading group at the library in Deventer"
STEP = "Phone the library about the Tuesday reading group"
OTHER_SUMMARY = "Night shifts and the care assistant course"
SECRETS = (TOPIC_WORDS, SUMMARY, STEP, OTHER_SUMMARY)
TERMS = {
    "ambassadors_agreed": 2,
    "facility_hours_per_month": 8,
    "yearly_budget_cents": 75_000,
    "learning_days": 2,
    "reps_act_as_ambassadors": True,
    "shares_conversation_reports": True,
    "shares_facility_time": True,
    "shares_learning_figures": False,
    "message": "Samen leren werkt.",
}


def _propose(app, union, company, rep, coordinator) -> int:
    """The union's coordinator proposes a learning agreement naming the rep (the service
    behind the union's proposal form)."""
    with app.app_context(), both_parties((union.id, company.id), coordinator.id):
        agreement = propose_agreement(union, company, TERMS, [rep.id], coordinator.id, utcnow())
        db.session.commit()
        return agreement.id


def _approve(app, union, company, agreement_id: int, admin) -> None:
    """The company admin approves (the service behind the agreement page's button)."""
    with app.app_context(), both_parties((union.id, company.id), admin.id):
        agreement = db.session.get(LearningAgreement, agreement_id)
        assert approve_agreement(agreement, admin.id, utcnow())
        db.session.commit()


def _text(page: Page) -> str:
    return page.locator("body").inner_text()


def _assert_nothing_of_the_talk(page: Page) -> None:
    """Not a word of what was said, anywhere in the page (text or markup)."""
    content = page.content()
    for words in SECRETS:
        assert words not in content, f"{words!r} shows on {page.url}"


def _sign_in_to(page: Page, login: str, organisation: str) -> None:
    """Sign in as someone in several organisations, then choose one."""
    page.goto("/login")
    page.locator("form[action='/login/password'] input[name=login]").fill(login)
    page.locator("form[action='/login/password'] input[name=secret]").fill(PASSWORD)
    page.locator("form[action='/login/password'] [type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose an organisation")
    assert_accessible(page)
    page.get_by_role("link", name=organisation, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def test_worker_books_a_talk_the_rep_follows_up_across_firms_the_manager_finds_nothing(
    app, make, dbs, new_page, live_server
):
    # --- Arrange: two companies, a union, a rep named in both agreements. ---
    company = make.org(name="Bouwbedrijf Van Dijk", slug="vandijk")
    other = make.org(name="Zorggroep Oost", slug="zorgoost")
    union = make.org(kind=OrgKind.union, name="FNV Leren", slug="fnv-leren")
    team = make.team(company, name="Timmerwerk")
    manager = give_password(
        dbs,
        make.member(
            company,
            team=team,
            roles=(Role.employee, Role.manager),
            name="Marco de Groot",
            email="marco@vandijk.test",
            locale="en",
        ),
    )
    company_admin = give_password(
        dbs, make.admin(company, name="Carla Jansen", email="carla@vandijk.test", locale="en")
    )
    worker = give_password(
        dbs,
        make.member(company, team=team, name="Piet Bakker", email="piet@vandijk.test", locale="en"),
    )
    other_admin = make.admin(other, name="Olga Smit", locale="en").user
    other_worker = make.member(other, name="Fatima El Amrani", locale="en").user
    coordinator = make.member(union, roles=(Role.coordinator,), name="Cor Visser", locale="en").user
    rep = give_password(
        dbs,
        make.member(
            union, roles=(Role.rep,), name="Rita Hendriks", email="rita@fnv.test", locale="en"
        ),
    )
    agreement_id = _propose(app, union, company, rep, coordinator)
    other_agreement_id = _propose(app, union, other, rep, coordinator)
    _approve(app, union, other, other_agreement_id, other_admin)
    other_talk = make_conversation(
        make,
        other,
        other_worker.id,
        rep.id,
        channel=Channel.video,
        topic=Topic.diploma,
        status=ConversationStatus.held,
        held_on=org_today(other, utcnow()),
        summary=OTHER_SUMMARY,
    )
    vandijk = f"{live_server.url}/o/{company.slug}"
    console_errors: list[str] = []

    # --- 1. The company admin approves the union's proposal from her messages. ---
    admin_page = collect_console_errors(new_page(viewport=PHONE), console_errors)
    sign_in(admin_page, company_admin.email)
    admin_page.locator("#notification-bell").click()
    expect(admin_page.get_by_role("heading", level=1)).to_have_text("Messages")
    assert_accessible(admin_page)
    admin_page.locator(".notification-list a").first.click()
    expect(admin_page).to_have_url(f"{vandijk}/union/agreements/{agreement_id}")
    expect(admin_page.get_by_role("heading", level=1)).to_have_text(
        "Learning agreement with FNV Leren"
    )
    expect(admin_page.locator("main")).to_contain_text(rep.name)
    assert_accessible(admin_page)
    admin_page.get_by_role("button", name="Approve", exact=True).click()
    expect(admin_page.locator("main")).to_contain_text("The agreement is approved.")
    assert_accessible(admin_page)

    # --- 2. The worker scans the poster: short link, sign in, back to the directory. ---
    page = collect_console_errors(new_page(viewport=PHONE), console_errors)
    page.goto(f"/a/{company.slug}")
    expect(page).to_have_url(re.compile(r"/login\?next=/a/vandijk"))
    assert_accessible(page)
    page.locator("form[action='/login/password'] input[name=login]").fill(worker.email)
    page.locator("form[action='/login/password'] input[name=secret]").fill(PASSWORD)
    page.locator("form[action='/login/password'] [type=submit]").click()
    expect(page).to_have_url(f"{vandijk}/ambassadors/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Learning ambassadors")
    expect(page.locator(".ambassador-card")).to_have_count(1)
    assert_accessible(page)

    # Three taps: the rep, a way to talk, "Ask for a talk" (and, because she likes to, a few words).
    page.get_by_role("link", name=f"Talk to {rep.name}").click()  # tap 1
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Talk to {rep.name}")
    assert_accessible(page)
    page.get_by_role("group", name="How do you want to talk?").get_by_label(
        "By phone"
    ).check()  # tap 2
    page.locator("summary").filter(has_text="Say what it is about").click()
    page.get_by_label("In your own words (optional)").fill(TOPIC_WORDS)
    assert_accessible(page)
    page.get_by_role("button", name="Ask for a talk").click()  # tap 3
    expect(page).to_have_url(re.compile(rf"{re.escape(vandijk)}/ambassadors/conversations/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Talk with {rep.name}")
    expect(page.locator(".flashes")).to_contain_text("Your question is sent.")
    expect(page.locator("#talk")).to_contain_text(TOPIC_WORDS)
    expect(page.locator("#talk")).to_contain_text("By phone")
    assert_accessible(page)
    talk_url = page.url
    talk_id = int(talk_url.rsplit("/", 1)[1])

    # --- 3. The rep opens the request from her messages in the company. ---
    rep_page = collect_console_errors(new_page(viewport=PHONE), console_errors)
    _sign_in_to(rep_page, rep.email, company.name)
    assert_accessible(rep_page)
    rep_page.locator("#notification-bell").click()
    expect(rep_page.locator(".notification-list")).to_contain_text(
        f"{worker.name} would like to talk with you. How: By phone."
    )
    expect(rep_page.locator(".notification-list")).not_to_contain_text(TOPIC_WORDS)
    assert_accessible(rep_page)
    rep_page.get_by_role("link", name="Agree a moment").click()
    expect(rep_page).to_have_url(talk_url)
    expect(rep_page.get_by_role("heading", level=1)).to_have_text(f"Talk with {worker.name}")
    expect(rep_page.locator("#talk")).to_contain_text(TOPIC_WORDS)
    assert_accessible(rep_page)

    # She writes down that the talk took place today, then the next step they agreed.
    record = rep_page.locator("#record")
    record.get_by_label("Short summary").fill(SUMMARY)
    record.get_by_role("button", name="Save").click()
    expect(rep_page.locator("#talk .flash")).to_have_text("Saved.")
    expect(rep_page.locator("#talk")).to_contain_text("Took place on")
    today = org_today(company, utcnow())
    due = today + timedelta(days=7)
    steps = rep_page.locator("#steps")
    steps.get_by_label("Next step").fill(STEP)
    steps.get_by_label("By when? (optional)").fill(due.isoformat())
    steps.get_by_role("button", name="Add next step").click()
    expect(rep_page.locator("#talk .flash")).to_have_text("Next step added. You can both see it.")
    expect(rep_page.locator("#steps .step-text")).to_have_text([STEP])
    expect(rep_page.locator("#follow-ups")).to_contain_text("Check-in after the next step")
    assert_accessible(rep_page)

    # --- 4. Her caseload in the union: the new talk in company A, the other in company B. ---
    rep_page.goto(f"/o/{union.slug}/")
    rep_page.get_by_role("link", name="Go to my talks in all companies").click()
    expect(rep_page).to_have_url(f"{live_server.url}/o/{union.slug}/union/caseload")
    expect(rep_page.get_by_role("heading", level=1)).to_have_text("My talks in all companies")
    here = rep_page.locator(".caseload-company").filter(
        has=rep_page.get_by_role("heading", name=company.name)
    )
    there = rep_page.locator(".caseload-company").filter(
        has=rep_page.get_by_role("heading", name=other.name)
    )
    expect(here.locator(".conversation")).to_have_count(1)
    expect(here.locator(".conversation")).to_contain_text("Open next steps: 1")
    expect(there.locator(".conversation")).to_have_count(1)
    expect(there.get_by_role("link", name=other_worker.name)).to_have_attribute(
        "href", f"/o/{other.slug}/ambassadors/conversations/{other_talk.id}"
    )
    assert_accessible(rep_page)
    here.get_by_role("link", name=worker.name).click()
    expect(rep_page).to_have_url(talk_url)
    expect(rep_page.locator("#talk")).to_contain_text(SUMMARY)
    assert_accessible(rep_page)

    # --- 5. The worker sees the next step on the talk and on the home page. ---
    page.reload()
    expect(page.locator("#steps .step-text")).to_have_text([STEP])
    expect(page.locator("#talk")).to_contain_text(SUMMARY)
    expect(page.locator("#follow-ups")).to_contain_text(f"{rep.name} will check in with you around")
    assert_accessible(page)
    page.goto(f"/o/{company.slug}/")
    home_talks = page.locator("section", has=page.locator("#home-talks-heading"))
    expect(home_talks.get_by_role("link", name=STEP)).to_have_attribute(
        "href", re.compile(rf"/ambassadors/conversations/{talk_id}#next-step-\d+$")
    )
    assert_accessible(page)

    # --- 6. The manager (and the admin) cannot find it. ---
    boss = collect_console_errors(new_page(viewport=PHONE), console_errors)
    sign_in(boss, manager.email)
    _assert_nothing_of_the_talk(boss)
    missing = boss.goto(f"{vandijk}/ambassadors/conversations/{talk_id + 1000}")
    assert missing.status == 404
    missing_text = _text(boss)
    refused = boss.goto(talk_url)
    assert refused.status == 404
    assert _text(boss) == missing_text
    _assert_nothing_of_the_talk(boss)
    assert_accessible(boss)
    for path, status in (
        ("/", 200),
        ("/ambassadors/talks", 200),
        ("/ambassadors/caseload", 403),  # an ambassador's own list: not a manager's page
        ("/ambassadors/", 200),
        ("/development/conversations", 200),
        ("/notifications/", 200),
    ):
        assert boss.goto(vandijk + path).status == status, path
        _assert_nothing_of_the_talk(boss)
        assert_accessible(boss)

    assert admin_page.goto(f"{vandijk}/ambassadors/conversations/{talk_id + 1000}").status == 404
    admin_missing_text = _text(admin_page)
    assert admin_page.goto(talk_url).status == 404
    assert _text(admin_page) == admin_missing_text
    _assert_nothing_of_the_talk(admin_page)
    assert_accessible(admin_page)
    for path in (
        "/",
        "/ambassadors/reports",
        "/ambassadors/facility-time/overview",
        "/admin/audit",
        "/admin/members",
        "/notifications/",
        f"/union/agreements/{agreement_id}",
    ):
        response = admin_page.goto(vandijk + path)
        assert response.status == 200, path
        _assert_nothing_of_the_talk(admin_page)
        assert_accessible(admin_page)

    # Chromium logs the refused pages' 404 and 403 answers; nothing else may show up.
    refused_loads = {
        f"{vandijk}/ambassadors/conversations/{talk_id + 1000}": "404",
        talk_url: "404",
        f"{vandijk}/ambassadors/caseload": "403",
    }
    unexpected = [
        e for e in console_errors if f"status of {refused_loads.get(e.split(': ', 1)[0])} " not in e
    ]
    assert unexpected == []

    # --- What the database holds at the end. ---
    dbs.expire_all()
    talk = dbs.scalars(
        select(AmbassadorConversation).where(AmbassadorConversation.org_id == company.id)
    ).one()
    assert (talk.id, talk.employee_id, talk.ambassador_id) == (talk_id, worker.id, rep.id)
    assert (talk.channel, talk.topic_text, talk.status) == (
        Channel.phone,
        TOPIC_WORDS,
        ConversationStatus.held,
    )
    assert (talk.held_on, talk.summary) == (today, SUMMARY)
    step = dbs.scalars(select(NextStep)).one()
    assert (step.conversation_id, step.text, step.due_on) == (talk.id, STEP, due)
    assert (step.employee_id, step.ambassador_id, step.done_at) == (worker.id, rep.id, None)
    follow_up = dbs.scalars(select(FollowUp)).one()
    assert (follow_up.conversation_id, follow_up.kind, follow_up.due_on) == (
        talk.id,
        FollowUpKind.reminder,
        today + timedelta(days=2),
    )

    # The rep works in company A as production makes it: a membership the agreement made,
    # with only the ambassador role, and a profile tied to the agreement.
    membership = dbs.scalars(
        select(Membership).where(Membership.org_id == company.id, Membership.user_id == rep.id)
    ).one()
    assert membership.active
    assert set(
        dbs.scalars(
            select(MembershipRole.role).where(MembershipRole.membership_id == membership.id)
        )
    ) == {Role.ambassador}
    profile = dbs.scalars(
        select(AmbassadorProfile).where(
            AmbassadorProfile.org_id == company.id, AmbassadorProfile.user_id == rep.id
        )
    ).one()
    assert (profile.agreement_id, profile.retired_at) == (agreement_id, None)
    assert dbs.scalars(
        select(AgreementRep.membership_created).where(AgreementRep.agreement_id == agreement_id)
    ).one()
    assert dbs.get(LearningAgreement, agreement_id).status == AgreementStatus.active

    # Both looks were refused and logged, with the id only.
    refusals = dbs.execute(
        select(AuditEvent.actor_id, AuditEvent.object_type, AuditEvent.object_id).where(
            AuditEvent.org_id == company.id, AuditEvent.action == "conversation.refused"
        )
    ).all()
    assert (manager.id, "ambassador_conversations", talk_id) in refusals
    assert (company_admin.id, "ambassador_conversations", talk_id) in refusals
