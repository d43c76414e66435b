"""Learning goals (E1) from the person's side: write a goal with small steps, tick them off,
reach or stop it, share it; one tap from a wish; double submits make one goal."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.activity.models import ActivityEvent
from app.development.models import Goal, GoalStatus, GoalStep
from app.offers.models import LearningWish
from app.offers.services import POST_WISH_TEXT
from tests.conftest import login

from .helpers_goals import HX, client_token, english, make_goal, send, text_of, url


def _count(dbs, model, *where) -> int:
    return dbs.scalar(select(func.count()).select_from(model).where(*where))


def _events(dbs, kind: str) -> int:
    return _count(dbs, ActivityEvent, ActivityEvent.kind == kind)


def _new_goal_data(page: str, **fields) -> dict:
    data = {"client_token": client_token(page), "title": "Drive the reach truck"}
    data.update(fields)
    return data


def test_a_goal_with_small_steps_without_javascript(client, make, dbs):
    org = make.org()
    me = make.member(org).user
    login(client, me)
    english(client)
    form = client.get(url(org, "goals/new"))
    assert form.status_code == 200
    page = form.get_data(as_text=True)
    assert page.count('name="step') == 10  # five steps, each with a date
    assert "Step 5" in page

    response = send(
        client,
        org,
        url(org, "goals/new"),
        _new_goal_data(
            page,
            why="I want to help in the warehouse.",
            target_date="2026-12-31",
            **{
                "step1-text": "Ask Piet to show me",
                "step1-due_date": "2026-06-01",
                "step2-text": "  ",
                "step3-text": "Practise for   one hour",
                "step3-due_date": "",
                "step5-text": "Do the test drive",
            },
        ),
    )

    goal = dbs.scalars(select(Goal)).one()
    assert response.status_code == 302
    assert response.location.endswith(url(org, f"goals/{goal.id}"))
    assert (goal.user_id, goal.title, goal.status) == (me.id, "Drive the reach truck", "open")
    assert goal.target_date == date(2026, 12, 31)
    assert not goal.shared_with_manager and not goal.shared_with_ambassadors
    steps = dbs.scalars(select(GoalStep).order_by(GoalStep.position)).all()
    assert [(s.text, s.due_date) for s in steps] == [
        ("Ask Piet to show me", date(2026, 6, 1)),
        ("Practise for one hour", None),
        ("Do the test drive", None),
    ]
    assert {s.user_id for s in steps} == {me.id}
    assert _events(dbs, "goal_created") == 1

    shown = text_of(client.get(response.location))
    assert "Your goal is saved." in shown
    assert "I want to help in the warehouse." in shown
    assert shown.index("Ask Piet to show me") < shown.index("Do the test drive")
    listing = text_of(client.get(url(org, "goals")))
    assert "Drive the reach truck" in listing and "0 of 3 steps done" in listing


def test_a_double_submit_makes_one_goal(client, make, dbs):
    org = make.org()
    login(client, make.member(org).user)
    page = client.get(url(org, "goals/new")).get_data(as_text=True)
    data = _new_goal_data(page, **{"step1-text": "First step"})
    first = send(client, org, url(org, "goals/new"), data)
    second = send(client, org, url(org, "goals/new"), data)
    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    assert _count(dbs, Goal) == 1 and _count(dbs, GoalStep) == 1
    assert _events(dbs, "goal_created") == 1


def test_a_goal_without_words_is_refused_and_the_steps_stay(client, make, dbs):
    org = make.org()
    login(client, make.member(org).user)
    english(client)
    page = client.get(url(org, "goals/new")).get_data(as_text=True)
    response = send(
        client,
        org,
        url(org, "goals/new"),
        _new_goal_data(
            page, title="  ", target_date="not a date", **{"step1-text": "Watch the video"}
        ),
    )
    body = text_of(response)
    assert response.status_code == 400
    assert "Write what you want to learn, in your own words." in body
    assert "Give a date like 31-12-2025." in body
    assert 'value="Watch the video"' in body
    assert _count(dbs, Goal) == 0 and _count(dbs, GoalStep) == 0


def test_dutch_dates_are_understood(client, make, dbs):
    """Without a date picker people type 31-12-2026; the page stays Dutch by default."""
    org = make.org()
    login(client, make.member(org).user)
    page = client.get(url(org, "goals/new")).get_data(as_text=True)
    assert '<html lang="nl">' in page
    response = send(
        client,
        org,
        url(org, "goals/new"),
        _new_goal_data(page, target_date="31-12-2026", **{"step1-due_date": "1/6/2026"}),
    )
    assert response.status_code == 302
    assert dbs.scalar(select(Goal.target_date)) == date(2026, 12, 31)
    assert _count(dbs, GoalStep) == 0  # a date without words is no step


def test_ticking_a_step_off_with_htmx_and_without(client, make, dbs):
    org = make.org()
    me = make.member(org).user
    goal = make_goal(dbs, org, me.id, steps=["Watch the video", "Try it once"])
    step_id = dbs.scalar(select(GoalStep.id).where(GoalStep.text == "Watch the video"))
    login(client, me)
    english(client)
    path = url(org, f"goals/steps/{step_id}/done")

    partial = send(client, org, path, {"done": "1"}, headers=HX)
    body = partial.get_data(as_text=True)
    assert partial.status_code == 200
    assert "<html" not in body and body.lstrip().startswith(f'<li id="step-{step_id}"')
    assert 'aria-pressed="true"' in body
    assert url(org, f"log?step_id={step_id}") in body  # log what I learned from this step
    again = send(client, org, path, {"done": "1"}, headers=HX)  # a double tap changes nothing
    assert again.status_code == 200
    assert _events(dbs, "goal_step_done") == 1

    undo = send(client, org, path, {"done": "0"})
    assert undo.status_code == 302
    assert undo.location.endswith(url(org, f"goals/{goal.id}#step-{step_id}"))
    dbs.expire_all()
    assert dbs.get(GoalStep, step_id).done_at is None
    listing = text_of(client.get(url(org, "goals")))
    assert "0 of 2 steps done" in listing
    send(client, org, path, {"done": "1"})
    assert "1 of 2 steps done" in text_of(client.get(url(org, "goals")))


def test_adding_and_removing_steps(client, make, dbs):
    org = make.org()
    me = make.member(org).user
    goal = make_goal(dbs, org, me.id, steps=["First"])
    login(client, me)
    english(client)
    path = url(org, f"goals/{goal.id}/steps")

    no_js = send(client, org, path, {"text": "Second", "due_date": "2026-03-01"})
    assert no_js.status_code == 302 and no_js.location.endswith("#steps")
    partial = send(client, org, path, {"text": "Third"}, headers=HX)
    body = partial.get_data(as_text=True)
    assert partial.status_code == 200 and "<html" not in body
    assert body.index("First") < body.index("Second") < body.index("Third")
    refused = send(client, org, path, {"text": ""}, headers=HX)
    assert refused.status_code == 400 and "Write a small step." in text_of(refused)
    too_long = send(client, org, path, {"text": "x" * 201})
    assert too_long.status_code == 400 and "Use at most 200 characters." in text_of(too_long)
    positions = dbs.scalars(select(GoalStep.position).order_by(GoalStep.position)).all()
    assert positions == [0, 1, 2]
    # A double submit (or the same step typed again) adds it once.
    again = send(client, org, path, {"text": "third "}, headers=HX)
    assert again.status_code == 200 and _count(dbs, GoalStep) == 3

    third = dbs.scalar(select(GoalStep.id).where(GoalStep.text == "Third"))
    removed = send(client, org, url(org, f"goals/steps/{third}/delete"), headers=HX)
    assert removed.status_code == 200 and removed.get_data(as_text=True) == ""
    assert _count(dbs, GoalStep) == 2


def test_reaching_stopping_and_reopening_a_goal(client, make, dbs):
    org = make.org()
    me = make.member(org).user
    reached = make_goal(dbs, org, me.id, "Reached one")
    stopped = make_goal(dbs, org, me.id, "Stopped one")
    make_goal(dbs, org, me.id, "Open one")
    login(client, me)
    english(client)

    response = send(client, org, url(org, f"goals/{reached.id}/status"), {"status": "done"})
    assert response.status_code == 302
    assert "Well done! You reached your goal." in text_of(client.get(response.location))
    send(client, org, url(org, f"goals/{reached.id}/status"), {"status": "done"})
    send(client, org, url(org, f"goals/{stopped.id}/status"), {"status": "dropped"})
    bad = send(client, org, url(org, f"goals/{stopped.id}/status"), {"status": "deleted"})
    assert bad.status_code == 302

    dbs.expire_all()
    assert dbs.get(Goal, reached.id).status == GoalStatus.done
    assert dbs.get(Goal, reached.id).done_at is not None
    assert dbs.get(Goal, stopped.id).status == GoalStatus.dropped
    assert _events(dbs, "goal_done") == 1
    listing = text_of(client.get(url(org, "goals")))
    assert listing.index("Open one") < listing.index("Reached one") < listing.index("Stopped one")

    send(client, org, url(org, f"goals/{stopped.id}/status"), {"status": "open"})
    dbs.expire_all()
    assert dbs.get(Goal, stopped.id).status == GoalStatus.open


def test_changing_a_goal(client, make, dbs):
    org = make.org()
    me = make.member(org).user
    goal = make_goal(dbs, org, me.id, "Old words", steps=["Keep me"])
    login(client, me)
    english(client)
    form = client.get(url(org, f"goals/{goal.id}/edit"))
    assert form.status_code == 200 and 'value="Old words"' in form.get_data(as_text=True)
    response = send(
        client,
        org,
        url(org, f"goals/{goal.id}/edit"),
        {"title": "New words", "why": "Because", "target_date": ""},
    )
    assert response.status_code == 302
    dbs.expire_all()
    changed = dbs.get(Goal, goal.id)
    assert (changed.title, changed.why, changed.target_date) == ("New words", "Because", None)
    assert _count(dbs, GoalStep) == 1
    refused = send(client, org, url(org, f"goals/{goal.id}/edit"), {"title": ""})
    assert refused.status_code == 400


def test_sharing_a_goal_explains_who_sees_what(client, make, dbs):
    org = make.org()
    me = make.member(org, team=make.team(org)).user
    goal = make_goal(dbs, org, me.id)
    login(client, me)
    english(client)
    page = text_of(client.get(url(org, f"goals/{goal.id}")))
    assert "Only you see this goal, unless you tick a box below." in page
    assert "The manager of your team can read the goal" in page
    assert "They cannot change anything." in page

    path = url(org, f"goals/{goal.id}/sharing")
    partial = send(client, org, path, {"shared_with_manager": "y"}, headers=HX)
    assert partial.status_code == 200 and "<html" not in partial.get_data(as_text=True)
    assert "Saved. Only the people you ticked can see this goal." in text_of(partial)
    dbs.expire_all()
    shared = dbs.get(Goal, goal.id)
    assert shared.shared_with_manager and not shared.shared_with_ambassadors
    nobody = send(client, org, path, {}, headers=HX)
    assert "Saved. Only you see this goal." in text_of(nobody)

    no_js = send(client, org, path, {"shared_with_ambassadors": "y"})
    assert no_js.status_code == 302 and no_js.location.endswith("#sharing")
    dbs.expire_all()
    shared = dbs.get(Goal, goal.id)
    assert not shared.shared_with_manager and shared.shared_with_ambassadors


def test_someone_without_a_team_is_told_no_manager_will_see_it(client, make, dbs):
    org = make.org()
    me = make.member(org).user
    goal = make_goal(dbs, org, me.id)
    login(client, me)
    english(client)
    page = text_of(client.get(url(org, f"goals/{goal.id}")))
    assert "You are not in a team yet, so no manager will see it." in page


def test_the_form_is_prefilled_from_an_offer_a_wish_or_a_title(client, make, dbs):
    org = make.org()
    me = make.member(org).user
    other = make.member(org).user
    offer = make.offer(org, title="Forklift basics")
    mine = LearningWish(org_id=org.id, user_id=me.id, text="Excel", topic_key="excel")
    theirs = LearningWish(org_id=org.id, user_id=other.id, text="Their secret", topic_key="x")
    dbs.add_all([mine, theirs])
    dbs.commit()
    login(client, me)
    english(client)

    from_offer = text_of(client.get(url(org, f"goals/new?offer_id={offer.id}")))
    assert 'value="Forklift basics"' in from_offer
    assert "Linked to the learning offer: Forklift basics" in from_offer
    assert f'name="offer_id" type="hidden" value="{offer.id}"' in from_offer
    from_wish = text_of(client.get(url(org, f"goals/new?wish_id={mine.id}")))
    assert 'value="Excel"' in from_wish
    assert f'name="wish_id" type="hidden" value="{mine.id}"' in from_wish
    from_title = text_of(client.get(url(org, "goals/new?title=Welding%20basics")))
    assert 'value="Welding basics"' in from_title

    not_mine = client.get(url(org, f"goals/new?wish_id={theirs.id}"))
    assert not_mine.status_code == 200
    assert "Their secret" not in text_of(not_mine)
    assert f'value="{theirs.id}"' not in text_of(not_mine)

    # A hidden field changed by hand cannot link someone else's wish.
    page = client.get(url(org, "goals/new")).get_data(as_text=True)
    send(
        client,
        org,
        url(org, "goals/new"),
        _new_goal_data(page, wish_id=str(theirs.id), offer_id=str(offer.id)),
    )
    goal = dbs.scalars(select(Goal)).one()
    assert (goal.wish_id, goal.offer_id) == (None, offer.id)


def test_one_tap_turns_a_wish_into_a_goal_once(client, make, dbs):
    org = make.org()
    me = make.member(org).user
    offer = make.offer(org, title="Safety at height")
    wish = LearningWish(
        org_id=org.id, user_id=me.id, text="Safety at height", topic_key="s", offer_id=offer.id
    )
    dbs.add(wish)
    dbs.commit()
    login(client, me)
    english(client)
    mine = client.get(f"/o/{org.slug}/offers/mine").get_data(as_text=True)
    assert f'action="{url(org, f"goals/from-wish/{wish.id}")}"' in mine

    first = send(client, org, url(org, f"goals/from-wish/{wish.id}"))
    page = text_of(client.get(first.location))
    assert "Your wish is now a goal. Add a first small step." in page
    assert 'id="add-step"' in page
    second = send(client, org, url(org, f"goals/from-wish/{wish.id}"))

    goal = dbs.scalars(select(Goal)).one()
    assert first.status_code == second.status_code == 302
    assert first.location.endswith(url(org, f"goals/{goal.id}#add-step"))
    assert second.location == first.location
    assert (goal.title, goal.offer_id, goal.wish_id, goal.user_id) == (
        "Safety at height",
        offer.id,
        wish.id,
        me.id,
    )
    assert goal.status == GoalStatus.open
    assert _events(dbs, "goal_created") == 1


def test_a_wish_from_a_post_becomes_a_goal_with_a_label_not_the_stored_text(client, make, dbs):
    org = make.org()
    me = make.member(org).user
    wish = LearningWish(org_id=org.id, user_id=me.id, text=POST_WISH_TEXT, topic_key="p")
    free = LearningWish(org_id=org.id, user_id=me.id, text="Welding", topic_key="welding")
    dbs.add_all([wish, free])
    dbs.commit()
    login(client, me)
    english(client)
    send(client, org, url(org, f"goals/from-wish/{wish.id}"))
    send(client, org, url(org, f"goals/from-wish/{free.id}"))
    titles = set(dbs.scalars(select(Goal.title)))
    assert titles == {"What a colleague learned", "Welding"}


def test_someone_elses_wish_cannot_become_my_goal(client, make, dbs):
    org = make.org()
    owner = make.member(org).user
    wish = LearningWish(org_id=org.id, user_id=owner.id, text="Private wish", topic_key="p")
    dbs.add(wish)
    dbs.commit()
    login(client, make.admin(org).user)
    response = send(client, org, url(org, f"goals/from-wish/{wish.id}"))
    assert response.status_code == 404
    assert _count(dbs, Goal) == 0


def test_my_goals_page_is_empty_at_first_and_offers_a_new_goal(client, make):
    org = make.org()
    login(client, make.member(org).user)
    english(client)
    page = text_of(client.get(url(org, "goals")))
    assert "You have no goals yet." in page
    assert url(org, "goals/new") in page
    partial = client.get(url(org, "goals"), headers=HX).get_data(as_text=True)
    assert "<html" not in partial and 'id="goal-list"' in partial


def test_an_offer_page_links_to_a_new_goal_and_a_finished_one_to_the_log(client, make, dbs):
    from app.offers.models import OfferSignup, SignupStatus

    org = make.org()
    me = make.member(org).user
    offer = make.offer(org, title="Forklift basics")
    login(client, me)
    english(client)
    page = client.get(f"/o/{org.slug}/offers/{offer.id}").get_data(as_text=True)
    assert url(org, f"goals/new?offer_id={offer.id}") in page
    assert url(org, "log?signup_id=") not in page
    signup = OfferSignup(
        org_id=org.id, offer_id=offer.id, user_id=me.id, status=SignupStatus.completed
    )
    dbs.add(signup)
    dbs.commit()
    page = client.get(f"/o/{org.slug}/offers/{offer.id}").get_data(as_text=True)
    assert url(org, f"log?signup_id={signup.id}") in page
