"""The four types-a nudges through the real path: planned by the planner, rendered by the
drainer for their person and received by the test SMTP server."""

from __future__ import annotations

from datetime import date

from app.activity.models import ActivityKind
from app.ambassadors.models import ConversationStatus, FollowUpKind
from app.development.models import Goal
from app.offers.models import OfferFormat

from ..ambassadors.helpers import make_ambassador, make_conversation
from ..ambassadors.helpers_conversations import add_follow_up, add_next_step
from ..development.helpers_check import seed_check
from .helpers import MONDAY_MORNING, make_campaign, nudge_rows
from .helpers_delivery import DRAIN_TIME, plan, run_drain
from .test_types_a_support import add_event, utc


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _html(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def test_each_type_a_nudge_arrives_without_private_content(app, dbs, make, mail_server):
    org = make.org(name="Van Dijk Metaal")
    team = make.team(org, name="Magazijn")
    learners = [make.member(org, team=team, locale="en").user for _ in range(6)]
    for person in learners[:5]:
        add_event(dbs, org, person, ActivityKind.learning_logged, utc(2026, 11, 12, 10, 0))
    fatima = make_ambassador(make, org, user_kwargs={"name": "Fatima"}).user
    talker = make.member(org, locale="en").user
    talk = make_conversation(
        make, org, talker.id, fatima.id, status=ConversationStatus.held, booked_on=date(2026, 11, 2)
    )
    add_next_step(make, talk, "Canary ask about the welding course")
    add_follow_up(make, talk, FollowUpKind.reminder, date(2026, 11, 23))
    busy = make.member(org, locale="en").user
    seed_check(dbs, org, busy, {"B-TIME": 2})
    offer = make.offer(
        org, title="Safe lifting", duration_minutes=45, format=OfferFormat.on_the_job
    )
    planner = make.member(org, locale="en").user
    goal = Goal(
        org_id=org.id, user_id=planner.id, title="Canary Excel", created_at=utc(2026, 10, 1)
    )
    dbs.add(goal)
    dbs.commit()
    campaigns = [
        make_campaign(dbs, org, "social_norm", team_ids=[team.id]),
        make_campaign(dbs, org, "follow_up"),
        make_campaign(dbs, org, "small_step"),
        make_campaign(dbs, org, "goal_reminder"),
    ]
    for campaign in campaigns:
        plan(app, org, campaign, MONDAY_MORNING)
    assert len(nudge_rows(dbs)) == 6 + 1 + 1 + 1

    result = run_drain(app, DRAIN_TIME)

    assert (result.sent, result.failed, result.skipped) == (9, 0, 0)
    received = {m["To"]: m for m in mail_server.wait_for(9)}
    for message in received.values():  # RFC 8058 one-click unsubscribe on every nudge
        assert (
            message["List-Unsubscribe"]
            .replace("\n", "")
            .replace(" ", "")
            .startswith("<http://localhost/u/")
        )
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    norm = received[learners[0].email]
    assert norm["Subject"] == "This month 5 of 6 colleagues learned something"
    assert "This month, 5 of the 6 people in your team Magazijn learned something new." in _text(
        norm
    )
    assert "You are one of them. Well done!" in _html(norm)
    assert "Would you like to join them?" in _text(received[learners[5].email])

    # Nothing private in the e-mails: no next step, no ambassador, no barrier, no goal.
    follow = received[talker.email]
    assert follow["Subject"] == "How is your next step going?"
    assert "You agreed on a next step in a talk." in _text(follow)
    assert "You see the details after you sign in." in _html(follow)
    assert f"/o/{org.slug}/ambassadors/conversations/{talk.id}" in _text(follow)
    assert "Fatima" not in _text(follow) + _html(follow) + follow["Subject"]

    step = received[busy.email]
    assert step["Subject"] == "A small step that fits you"
    assert "time is tight" not in _text(step) + _html(step)
    assert "Safe lifting" in _text(step) and "It takes 45 minutes." in _html(step)
    assert f"/o/{org.slug}/offers/{offer.id}" in _text(step)

    reminder = received[planner.email]
    assert reminder["Subject"] == "When and where will you work on your goal?"
    assert "You have a learning goal." in _text(reminder)
    assert f"/o/{org.slug}/development/goals/{goal.id}#add-step" in _html(reminder)
    for message in received.values():
        assert "Canary" not in message["Subject"] + _text(message) + _html(message)
    for message in received.values():
        assert "%(" not in _text(message) + _html(message)
