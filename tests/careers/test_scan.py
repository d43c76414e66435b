"""The career scan (R2) from the person's side: "my future at work" compares the role's
skills with the passport (have / on the way / new), suggests one small next step (short
and in work time first), and one tap on that step makes one goal."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from app.careers.models import Horizon, RewardKind
from app.db_types import utcnow
from app.development.models import Goal, GoalStatus, GoalStep
from app.offers.models import OfferFormat, OfferSignup, SignupStatus
from app.offers.session_models import ColleagueSession, ColleagueSessionDate, SessionStatus
from tests.conftest import csrf_token, login

from .helpers import (
    HX,
    add_role_skill,
    english,
    give_skill,
    make_role,
    member_in_role,
    session_of,
    text_of,
    url,
)

CARD = re.compile(
    r'<li class="card scan-item" id="skill-(\d+)" data-state="(\w+)">(.*?)\n</li>', re.S
)


def cards(response) -> dict[int, tuple[str, str]]:
    """{role_skill_id: (state, card text)} of a scan page or a card partial."""
    return {int(i): (state, body) for i, state, body in CARD.findall(text_of(response))}


def card(response, role_skill) -> tuple[str, str]:
    return cards(response)[role_skill.id]


def words(body: str) -> str:
    """The card's text without tags, on one line."""
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def step_url(org, role_skill) -> str:
    return url(org, f"skills/{role_skill.id}/step")


def tap(client, org, role_skill, headers=None):
    token = csrf_token(client, url(org))
    return client.post(step_url(org, role_skill), data={"csrf_token": token}, headers=headers or {})


def _goals(dbs, user_id) -> list[Goal]:
    return list(dbs.scalars(select(Goal).where(Goal.user_id == user_id).order_by(Goal.id)))


def _signup(make, org, offer, user_id, status=SignupStatus.interested) -> None:
    session = session_of(make)
    session.add(OfferSignup(org_id=org.id, offer_id=offer.id, user_id=user_id, status=status))
    session.commit()


def _arrange(make, skills=()):
    org = make.org()
    role = make_role(make, org, "Orderpicker", skills=skills)
    me = member_in_role(make, org, role).user
    return org, role, me


# --- the comparison: one test per state --------------------------------------------


def test_a_confirmed_skill_in_the_passport_shows_as_have(client, make):
    org, role, me = _arrange(make)
    scanner = add_role_skill(make, role, "Handscanner gebruiken", Horizon.now, reason="Nieuw")
    give_skill(make, org, me.id, "Handscanner gebruiken", confirmed=True)
    login(client, me)
    english(client)

    response = client.get(url(org))

    assert response.status_code == 200
    state, body = card(response, scanner)
    assert state == "have"
    assert "You have this" in body
    assert "Take this step" not in body  # nothing to do for a skill I have


def test_a_claimed_skill_shows_as_on_the_way_with_a_hint_to_get_it_confirmed(client, make):
    org, role, me = _arrange(make)
    scanner = add_role_skill(make, role, "Handscanner gebruiken", Horizon.now)
    give_skill(make, org, me.id, "Handscanner gebruiken", confirmed=False)
    login(client, me)
    english(client)

    state, body = card(client.get(url(org)), scanner)

    assert state == "on_the_way"
    assert "You are on your way" in body
    assert "Ask a colleague to confirm it" in body
    assert "Take this step" in body  # the step still helps to learn it well


def test_a_sign_up_for_an_offer_that_teaches_it_shows_as_on_the_way(client, make):
    org, role, me = _arrange(make)
    course = make.offer(org, title="Scannen in 30 minuten", duration_minutes=30)
    other = make.offer(org, title="Heftruck in een uur", duration_minutes=60)
    scanner = add_role_skill(make, role, "Handscanner gebruiken", Horizon.now, offers=[course])
    truck = add_role_skill(make, role, "Heftruck rijden", Horizon.within_year, offers=[other])
    _signup(make, org, course, me.id, SignupStatus.signed_up)
    _signup(make, org, other, me.id, SignupStatus.interested)
    login(client, me)
    english(client)

    response = client.get(url(org))

    state, body = card(response, scanner)
    assert state == "on_the_way"
    assert "You are signed up for: Scannen in 30 minuten" in words(body)
    assert "Take this step" not in body  # already busy with it
    state, body = card(response, truck)
    assert state == "on_the_way"
    assert "You are interested in: Heftruck in een uur" in words(body)
    assert "Take this step" in body  # interest is not a sign-up yet


def test_a_skill_nobody_started_shows_as_new_with_reason_and_reward(client, make):
    org, role, me = _arrange(make)
    robot = add_role_skill(
        make,
        role,
        "Werken met de orderrobot",
        Horizon.two_three_years,
        reason="In 2028 komt er een orderrobot in hal B.",
        reward_kind=RewardKind.pay_step,
        reward_text="Een trede hoger in de loonschaal",
    )
    give_skill(make, org, me.id, "Iets anders", confirmed=True)  # another skill: no match
    login(client, me)
    english(client)

    response = client.get(url(org))

    state, body = card(response, robot)
    assert state == "new"
    assert "New for you" in body
    assert "In 2028 komt er een orderrobot in hal B." in body
    assert "Een trede hoger in de loonschaal" in body
    page = text_of(response)
    assert "Needed in 2 to 3 years" in page
    assert "Orderpicker" in page and "This is your role." in page


def test_skills_are_grouped_by_horizon_now_first(client, make):
    org, role, me = _arrange(
        make,
        skills=[
            ("Later", Horizon.two_three_years),
            ("Nu", Horizon.now),
            ("Dit jaar", Horizon.within_year),
        ],
    )
    login(client, me)
    english(client)

    page = text_of(client.get(url(org)))

    now, year, later = (
        page.index("Needed now"),
        page.index("Needed within a year"),
        page.index("Needed in 2 to 3 years"),
    )
    assert now < page.index(">Nu<") < year < page.index(">Dit jaar<") < later


# --- the next step -----------------------------------------------------------------


def test_the_next_step_prefers_a_short_offer_in_work_time_without_exam(client, make):
    org, role, me = _arrange(make)
    evening = make.offer(
        org,
        title="Driedaagse avondcursus met examen",
        format=OfferFormat.classroom,
        duration_minutes=3 * 8 * 60,
        in_work_time=False,
        has_exam=True,
    )
    long_in_work_time = make.offer(org, title="Dag op de vloer", duration_minutes=8 * 60)
    short = make.offer(org, title="Halfuurtje scannen", duration_minutes=30)
    scanner = add_role_skill(
        make, role, "Scannen", Horizon.now, offers=[evening, long_in_work_time, short]
    )
    login(client, me)
    english(client)

    state, body = card(client.get(url(org)), scanner)

    assert state == "new"
    assert "Halfuurtje scannen" in body
    assert "Driedaagse avondcursus" not in body and "Dag op de vloer" not in body
    assert "30 minutes" in body and "In work time" in body and "No exam" in body


def test_in_work_time_comes_before_shorter_and_no_exam_before_shorter(client, make):
    org, role, me = _arrange(make)
    own_time = make.offer(org, title="Kort in eigen tijd", duration_minutes=15, in_work_time=False)
    exam = make.offer(org, title="Kort met toets", duration_minutes=20, has_exam=True)
    best = make.offer(org, title="Een uur op de vloer", duration_minutes=60)
    scanner = add_role_skill(make, role, "Scannen", Horizon.now, offers=[own_time, exam, best])
    login(client, me)

    _state, body = card(client.get(url(org)), scanner)

    assert "Een uur op de vloer" in body
    assert "Kort in eigen tijd" not in body and "Kort met toets" not in body


def test_no_step_that_is_over_full_or_switched_off(client, make):
    org, role, me = _arrange(make)
    now = utcnow()
    over = make.offer(
        org, title="Al begonnen", duration_minutes=10, starts_at=now - timedelta(hours=1)
    )
    full = make.offer(
        org, title="Vol", duration_minutes=10, starts_at=now + timedelta(days=2), capacity=1
    )
    off = make.offer(org, title="Uitgezet", duration_minutes=10, active=False)
    fine = make.offer(org, title="Nog plek", duration_minutes=45)
    _signup(make, org, full, make.member(org).user_id, SignupStatus.signed_up)
    scanner = add_role_skill(make, role, "Scannen", Horizon.now, offers=[over, full, off, fine])
    login(client, me)

    _state, body = card(client.get(url(org)), scanner)

    assert "Nog plek" in body
    for title in ("Al begonnen", ">Vol<", "Uitgezet"):
        assert title not in body


def _colleague_session(make, org, teacher_id, skill_id, title, status=SessionStatus.approved):
    session = session_of(make)
    offer = make.offer(
        org,
        title=title,
        format=OfferFormat.colleague,
        duration_minutes=30,
        starts_at=utcnow() + timedelta(days=3),
        capacity=4,
        created_by_id=teacher_id,
    )
    row = ColleagueSession(
        org_id=org.id,
        teacher_id=teacher_id,
        title=title,
        duration_minutes=30,
        capacity=4,
        skill_id=skill_id,
        status=status,
    )
    session.add(row)
    session.flush()
    session.add(
        ColleagueSessionDate(
            org_id=org.id,
            session_id=row.id,
            starts_at=offer.starts_at,
            offer_id=offer.id if status == SessionStatus.approved else None,
        )
    )
    session.commit()
    return offer


def test_an_approved_colleague_session_on_the_skill_is_a_step(client, make):
    org, role, me = _arrange(make)
    course = make.offer(org, title="Lange cursus", duration_minutes=600)
    scanner = add_role_skill(make, role, "Scannen", Horizon.now, offers=[course])
    teacher = make.member(org).user
    _colleague_session(make, org, teacher.id, scanner.skill_id, "Piet laat zien hoe het werkt")
    _colleague_session(
        make, org, teacher.id, scanner.skill_id, "Nog niet goedgekeurd", SessionStatus.proposed
    )
    login(client, me)
    english(client)

    _state, body = card(client.get(url(org)), scanner)

    assert "Piet laat zien hoe het werkt" in body
    assert "From a colleague" in body and "4 places left" in body
    assert "Lange cursus" not in body

    # The teacher is not sent to their own session.
    assign = session_of(make)
    from app.orgs.models import Membership

    row = assign.scalars(select(Membership).where(Membership.user_id == teacher.id)).one()
    row.job_role_id = role.id
    assign.commit()
    login(client, teacher)
    english(client)
    _state, body = card(client.get(url(org)), scanner)
    assert "Lange cursus" in body and "Piet laat zien" not in body


def test_without_an_offer_the_step_is_a_talk_with_an_ambassador(client, make):
    org, role, me = _arrange(make)
    scanner = add_role_skill(make, role, "Scannen", Horizon.within_year)
    login(client, me)
    english(client)

    _state, body = card(client.get(url(org)), scanner)

    assert "Talk to a learning ambassador" in body
    assert f'href="/o/{org.slug}/ambassadors/"' in body


# --- one tap on the step ------------------------------------------------------------


def test_take_this_step_makes_one_goal_with_a_first_step_without_javascript(client, make, dbs):
    org, role, me = _arrange(make)
    course = make.offer(org, title="Halfuurtje scannen", duration_minutes=30)
    scanner = add_role_skill(
        make, role, "Scannen", Horizon.now, reason="Nieuwe scanners in 2027.", offers=[course]
    )
    login(client, me)
    english(client)

    response = tap(client, org, scanner)

    assert response.status_code == 302
    assert response.location.endswith(f"/o/{org.slug}/careers/#skill-{scanner.id}")
    page = client.get(response.location)
    assert "Your goal is saved" in text_of(page)
    [goal] = _goals(dbs, me.id)
    assert (goal.title, goal.why, goal.offer_id) == (
        "Learn Scannen",
        "Nieuwe scanners in 2027.",
        course.id,
    )
    assert goal.status == GoalStatus.open and goal.client_token == f"career:{scanner.id}"
    steps = dbs.scalars(select(GoalStep.text).where(GoalStep.goal_id == goal.id)).all()
    assert steps == ["Sign up for Halfuurtje scannen"]
    state, body = card(page, scanner)
    assert state == "on_the_way"
    assert f'href="/o/{org.slug}/development/goals/{goal.id}"' in body
    assert "Take this step" not in body

    # A double tap (or the back button and tap again) gives the same one goal.
    tap(client, org, scanner)
    assert len(_goals(dbs, me.id)) == 1


def test_take_this_step_with_htmx_swaps_the_card(client, make, dbs):
    org, role, me = _arrange(make)
    scanner = add_role_skill(make, role, "Scannen", Horizon.now)
    login(client, me)
    english(client)

    response = tap(client, org, scanner, headers=HX)

    assert response.status_code == 200
    body = text_of(response)
    assert body.lstrip().startswith(f'<li class="card scan-item" id="skill-{scanner.id}"')
    assert "<html" not in body and "Your goal is saved." in body
    [goal] = _goals(dbs, me.id)
    assert f"/development/goals/{goal.id}" in body
    steps = dbs.scalars(select(GoalStep.text).where(GoalStep.goal_id == goal.id)).all()
    assert steps == ["Book a talk with a learning ambassador"] and goal.offer_id is None
    assert "Your goal is saved" not in text_of(client.get(url(org)))  # no stray flash later


def test_a_stopped_career_goal_opens_again_instead_of_a_second_one(client, make, dbs):
    org, role, me = _arrange(make)
    scanner = add_role_skill(make, role, "Scannen", Horizon.now)
    login(client, me)
    tap(client, org, scanner)
    [goal] = _goals(dbs, me.id)
    dbs.execute(Goal.__table__.update().values(status=GoalStatus.dropped))
    dbs.commit()
    assert card(client.get(url(org)), scanner)[0] == "new"

    tap(client, org, scanner)

    dbs.expire_all()
    assert [(g.id, g.status) for g in _goals(dbs, me.id)] == [(goal.id, GoalStatus.open)]


def test_nothing_to_take_for_a_skill_i_have(client, make, dbs):
    org, role, me = _arrange(make)
    scanner = add_role_skill(make, role, "Scannen", Horizon.now)
    give_skill(make, org, me.id, "Scannen", confirmed=True)
    login(client, me)

    response = tap(client, org, scanner)

    assert response.status_code == 302
    assert _goals(dbs, me.id) == []


def test_a_step_without_a_valid_csrf_token_makes_no_goal(client, make, dbs):
    org, role, me = _arrange(make)
    scanner = add_role_skill(make, role, "Scannen", Horizon.now)
    login(client, me)

    client.post(step_url(org, scanner), data={"csrf_token": "wrong"})

    assert dbs.scalar(select(func.count()).select_from(Goal)) == 0


# --- other roles, no role ------------------------------------------------------------


def test_another_role_opens_the_same_comparison(client, make):
    org, role, me = _arrange(make, skills=[("Scannen", Horizon.now)])
    lead = make_role(make, org, "Teamleider magazijn")
    plan = add_role_skill(make, lead, "Planning maken", Horizon.within_year)
    shared = add_role_skill(make, lead, "Scannen", Horizon.now)
    make_role(make, org, "Uitgezette rol", active=False)
    give_skill(make, org, me.id, "Scannen", confirmed=True)
    login(client, me)
    english(client)

    mine = text_of(client.get(url(org)))
    assert "Teamleider magazijn" in mine and "Uitgezette rol" not in mine
    assert f"/careers/roles/{lead.id}" in mine

    response = client.get(url(org, f"roles/{lead.id}"))

    assert response.status_code == 200
    found = cards(response)
    assert found[shared.id][0] == "have" and found[plan.id][0] == "new"
    page = text_of(response)
    assert "This is another role in the company" in page
    assert "Back to my own role: Orderpicker" in page


def test_a_step_taken_for_another_role_counts_for_the_same_skill_in_mine(client, make, dbs):
    org, role, me = _arrange(make)
    mine = add_role_skill(make, role, "Scannen", Horizon.now)
    lead = make_role(make, org, "Teamleider magazijn")
    theirs = add_role_skill(make, lead, "Scannen", Horizon.now)
    login(client, me)

    response = tap(client, org, theirs)

    assert response.location.endswith(f"/careers/roles/{lead.id}#skill-{theirs.id}")
    assert card(client.get(url(org)), mine)[0] == "on_the_way"


def test_without_a_role_the_page_says_so_and_lists_the_roles(client, make):
    org = make.org()
    orderpicker = make_role(make, org, "Orderpicker")
    me = make.member(org).user
    login(client, me)
    english(client)

    page = text_of(client.get(url(org)))

    assert "You are not in a role here yet" in page
    assert "Roles in the company" in page
    assert f"/careers/roles/{orderpicker.id}" in page


def test_a_switched_off_own_role_counts_as_no_role(client, make):
    org = make.org()
    role = make_role(make, org, "Oude rol", skills=[("Scannen", Horizon.now)], active=False)
    me = member_in_role(make, org, role).user
    login(client, me)
    english(client)

    page = text_of(client.get(url(org)))

    assert "You are not in a role here yet" in page and "Oude rol" not in page
    assert client.get(url(org, f"roles/{role.id}")).status_code == 404


def test_the_scan_is_linked_from_my_development_and_the_home_page(client, make):
    org = make.org()
    login(client, make.member(org).user)
    english(client)

    for path in (f"/o/{org.slug}/development/", f"/o/{org.slug}/"):
        page = text_of(client.get(path))
        assert f'href="/o/{org.slug}/careers/"' in page, path
        assert "My future at work" in page, path


def test_a_union_has_no_career_scan(client, make):
    union = make.org(kind="union")
    login(client, make.member(union).user)

    assert client.get(url(union)).status_code == 404
    assert f"/o/{union.slug}/careers/" not in text_of(client.get(f"/o/{union.slug}/development/"))
