"""Check-ins (B4): the ambassador records how it goes; the employee sees that their
ambassador will check in, on the talk, on My talks and on the home page. The rows keep
due_on and done_at right for the nudges that will send reminders from them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from app.ambassadors.models import AmbassadorConversation, FollowUp, FollowUpKind, Outcome

from .helpers_conversations import (
    CANARY,
    HX,
    add_follow_up,
    add_next_step,
    as_,
    follow_ups,
    reload,
    send,
    text_of,
)
from .helpers_conversations import arrange as arrange_talk

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


@pytest.fixture()
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture()
def talk(make, frozen):
    talk = arrange_talk(make, status="held", held_on=date(2026, 5, 2))
    talk.reminder = add_follow_up(make, talk.conversation, due_on=date(2026, 5, 4))
    return talk


def follow_up_url(talk, follow_up_id: int) -> str:
    return f"/o/{talk.org.slug}/ambassadors/follow-ups/{follow_up_id}"


def test_recording_a_check_in_closes_it_and_sets_the_talks_outcome(client, dbs, talk):
    as_(client, talk.ambassador)
    page = client.get(follow_up_url(talk, talk.reminder.id))
    assert page.status_code == 200
    assert "Check-in after the next step" in text_of(page)

    response = send(
        client,
        talk.org,
        follow_up_url(talk, talk.reminder.id),
        {"check_in_outcome": "started_course"},
    )
    again = send(
        client,
        talk.org,
        follow_up_url(talk, talk.reminder.id),
        {"check_in_outcome": "started_course"},
    )

    assert response.status_code == again.status_code == 302
    assert response.headers["Location"].endswith("#follow-ups")
    reminder = reload(dbs, FollowUp, talk.reminder.id)
    assert reminder.done_at == NOW
    assert reminder.outcome == Outcome.started_course
    conversation = reload(dbs, AmbassadorConversation, talk.conversation.id)
    assert (conversation.outcome, conversation.outcome_on) == (Outcome.started_course, NOW.date())
    assert follow_ups(dbs, talk.conversation.id) == {
        "reminder": date(2026, 5, 4),
        "week_2": date(2026, 5, 18),
        "week_6": date(2026, 6, 15),
    }


def test_a_check_in_needs_an_outcome(client, dbs, talk):
    as_(client, talk.ambassador)
    for headers in ({}, HX):
        response = send(
            client,
            talk.org,
            follow_up_url(talk, talk.reminder.id),
            {"check_in_outcome": ""},
            headers=headers,
        )
        assert response.status_code == 400
        assert "Choose what came out of it." in text_of(response)
    assert reload(dbs, FollowUp, talk.reminder.id).done_at is None


def test_the_check_in_form_on_the_talk_is_swapped_by_htmx(client, dbs, talk):
    as_(client, talk.ambassador)
    page = text_of(client.get(talk.url))
    assert "Save the check-in" in page
    response = send(
        client,
        talk.org,
        follow_up_url(talk, talk.reminder.id),
        {"check_in_outcome": "no_action"},
        headers=HX,
    )
    assert response.status_code == 200
    assert text_of(response).lstrip().startswith('<div id="talk"')
    assert "Check-in saved." in text_of(response)
    assert "No action for now" in text_of(response)


def test_the_employee_sees_the_coming_check_in_and_tells_how_it_goes(client, dbs, make, talk):
    step = add_next_step(make, talk.conversation, f"{CANARY} bel de opleider")
    later = add_follow_up(
        make, talk.conversation, kind=FollowUpKind.week_2, due_on=date(2026, 5, 8)
    )
    far = add_follow_up(make, talk.conversation, kind=FollowUpKind.week_6, due_on=date(2026, 6, 20))
    as_(client, talk.employee)

    talk_page = text_of(client.get(talk.url))
    assert "Amir Ambassador will check in with you around" in talk_page
    assert "Tell how it goes: tick off the next steps you did." in talk_page
    assert "Save the check-in" not in talk_page  # recording is the ambassador's

    my_talks = text_of(client.get(f"/o/{talk.org.slug}/ambassadors/talks"))
    assert "Your ambassador will check in with you" in my_talks
    assert "Amir Ambassador will check in with you soon." in my_talks
    assert "May 8, 2026" in my_talks and "June 20, 2026" in my_talks

    home = text_of(client.get(f"/o/{talk.org.slug}/"))
    assert "Amir Ambassador will check in with you soon." in home  # due today
    assert "May 8, 2026" in home  # within a week
    assert "June 20, 2026" not in home  # too far ahead for the home page
    assert f"{CANARY} bel de opleider" in home  # the employee's own next step

    # Telling how it goes: the step is ticked off; the check-in stays the ambassador's.
    send(
        client,
        talk.org,
        f"/o/{talk.org.slug}/ambassadors/next-steps/{step.id}/done",
        {"done": "1"},
    )
    assert f"{CANARY} bel de opleider" not in text_of(client.get(f"/o/{talk.org.slug}/"))
    assert reload(dbs, FollowUp, later.id).done_at is None
    assert reload(dbs, FollowUp, far.id).done_at is None


def test_the_ambassadors_home_counts_due_check_ins(client, talk):
    as_(client, talk.ambassador)
    home = text_of(client.get(f"/o/{talk.org.slug}/"))
    assert "As an ambassador you have 1 check-in due." in home
    assert CANARY not in home
