"""A talk from both sides (B3, B4): the ambassador plans it, records it, adds next steps,
notes and check-ins; the employee reads it, ticks steps off, cancels. Dates are the
organisation's calendar days; every form works with and without htmx; the other person
is told without a word of the content."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from app.ambassadors.models import (
    AmbassadorConversation,
    ConversationNote,
    ConversationStatus,
    FollowUp,
    NextStep,
    Outcome,
)
from app.development.models import Goal

from .helpers_conversations import (
    CANARY,
    HX,
    Talk,
    add_follow_up,
    add_next_step,
    arrange,
    as_,
    follow_ups,
    notifications,
    reload,
    send,
    text_of,
)

# Monday 4 May 2026, 12:00 in Amsterdam.
NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
# Monday 4 May 2026 23:30 UTC: already Tuesday 5 May in Amsterdam.
LATE = datetime(2026, 5, 4, 23, 30, tzinfo=UTC)


@pytest.fixture()
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture()
def talk(make, frozen) -> Talk:
    return arrange(make)


# --- planning -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("timezone", "expected_utc"),
    [
        ("Europe/Amsterdam", datetime(2026, 5, 6, 12, 30, tzinfo=UTC)),
        ("Asia/Tokyo", datetime(2026, 5, 6, 5, 30, tzinfo=UTC)),
    ],
)
def test_planning_uses_the_organisations_clock_and_tells_the_employee(
    client, dbs, make, frozen, timezone, expected_utc
):
    talk = arrange(make, timezone=timezone)
    as_(client, talk.ambassador)

    response = send(
        client,
        talk.org,
        talk.action("plan"),
        {"day": "2026-05-06", "at": "14:30", "place": "Kantine"},
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{talk.url}#talk")
    conversation = reload(dbs, AmbassadorConversation, talk.conversation.id)
    assert conversation.status == ConversationStatus.planned
    assert conversation.planned_for == expected_utc
    assert conversation.place == "Kantine"
    [note] = notifications(dbs, talk.employee.id)
    assert note.kind == "ambassador_talk_planned"
    assert note.payload == {"conversation_id": talk.conversation.id, "name": "Amir Ambassador"}

    as_(client, talk.employee)
    page = text_of(client.get(talk.url))
    assert "14:30" in page and "Kantine" in page
    assert "Plan the talk" not in page  # the ambassador's form, not the employee's


def test_a_day_that_has_passed_cannot_be_planned(client, dbs, talk):
    as_(client, talk.ambassador)
    response = send(
        client, talk.org, talk.action("plan"), {"day": "2026-05-03", "at": "10:00", "place": "Hal"}
    )
    assert response.status_code == 400
    assert "This day has passed. Choose today or a later day." in text_of(response)
    assert reload(dbs, AmbassadorConversation, talk.conversation.id).planned_for is None
    assert notifications(dbs, talk.employee.id) == []


def test_a_time_that_cannot_be_read_gets_a_plain_message(client, dbs, talk):
    as_(client, talk.ambassador)
    response = send(
        client, talk.org, talk.action("plan"), {"day": "2026-05-06", "at": "lunch", "place": "Hal"}
    )
    assert response.status_code == 400
    assert "Choose a time, like 10:30." in text_of(response)


# --- recording and outcomes ------------------------------------------------------------------


def test_the_record_form_says_the_employee_reads_the_summary(client, talk):
    as_(client, talk.ambassador)
    page = text_of(client.get(talk.url))
    assert "Eva Employee can read this summary too." in page


def test_recording_a_started_course_plans_check_ins_at_week_2_and_week_6(client, dbs, talk):
    as_(client, talk.ambassador)
    data = {"held_on": "2026-05-04", "summary": f"{CANARY} summary", "outcome": "started_course"}

    assert send(client, talk.org, talk.action("record"), data).status_code == 302
    assert send(client, talk.org, talk.action("record"), data).status_code == 302  # again

    conversation = reload(dbs, AmbassadorConversation, talk.conversation.id)
    assert conversation.status == ConversationStatus.held
    assert conversation.held_on == date(2026, 5, 4)
    assert conversation.outcome == Outcome.started_course
    assert conversation.outcome_on == date(2026, 5, 4)
    assert follow_ups(dbs, conversation.id) == {
        "week_2": date(2026, 5, 18),
        "week_6": date(2026, 6, 15),
    }
    held = [n for n in notifications(dbs, talk.employee.id) if n.kind == "ambassador_talk_held"]
    assert len(held) == 1

    as_(client, talk.employee)
    page = text_of(client.get(talk.url))
    assert f"{CANARY} summary" in page
    assert "Started a course" in page


def test_check_ins_count_from_the_organisations_day_not_utc(client, dbs, make):
    with time_machine.travel(LATE, tick=False):
        talk = arrange(make)
        as_(client, talk.ambassador)
        send(
            client,
            talk.org,
            talk.action("record"),
            {"held_on": "2026-05-05", "summary": "", "outcome": "started_course"},
        )
        send(client, talk.org, talk.action("next-steps"), {"text": "Bel de opleider"})
    assert follow_ups(dbs, talk.conversation.id) == {
        "reminder": date(2026, 5, 7),
        "week_2": date(2026, 5, 19),
        "week_6": date(2026, 6, 16),
    }


def test_a_talk_cannot_be_recorded_in_the_future_or_before_it_was_asked_for(client, dbs, talk):
    as_(client, talk.ambassador)
    future = send(client, talk.org, talk.action("record"), {"held_on": "2026-05-05"})
    before = send(client, talk.org, talk.action("record"), {"held_on": "2026-04-30"})
    assert future.status_code == before.status_code == 400
    assert "This day is in the future." in text_of(future)
    assert "Choose that day or later." in text_of(before)
    assert reload(dbs, AmbassadorConversation, talk.conversation.id).status == "requested"


# --- next steps -----------------------------------------------------------------------------


def test_the_first_next_step_plans_a_reminder_two_days_later(client, dbs, talk, frozen):
    as_(client, talk.ambassador)
    send(client, talk.org, talk.action("next-steps"), {"text": "Kijk naar de heftruckcursus"})
    frozen.move_to(datetime(2026, 5, 6, 10, 0, tzinfo=UTC))
    as_(client, talk.ambassador)
    send(client, talk.org, talk.action("next-steps"), {"text": "Vraag het budget aan"})

    assert follow_ups(dbs, talk.conversation.id) == {"reminder": date(2026, 5, 6)}
    dbs.expire_all()
    steps = dbs.scalars(select(NextStep).where(NextStep.conversation_id == talk.conversation.id))
    assert [(s.employee_id, s.ambassador_id) for s in steps] == [
        (talk.employee.id, talk.ambassador.id)
    ] * 2


def test_a_double_submitted_next_step_is_added_once(client, dbs, talk):
    as_(client, talk.ambassador)
    first = send(client, talk.org, talk.action("next-steps"), {"text": "Bel  de opleider"})
    second = send(client, talk.org, talk.action("next-steps"), {"text": "bel de opleider"})
    assert first.status_code == second.status_code == 302
    dbs.expire_all()
    steps = dbs.scalars(
        select(NextStep.text).where(NextStep.conversation_id == talk.conversation.id)
    ).all()
    assert steps == ["Bel de opleider"]
    added = [
        n for n in notifications(dbs, talk.employee.id) if n.kind == "ambassador_next_step_added"
    ]
    assert len(added) == 1


def test_htmx_gets_the_talk_block_and_a_plain_post_is_redirected(client, dbs, talk):
    as_(client, talk.ambassador)
    swapped = send(client, talk.org, talk.action("next-steps"), {"text": "Stap een"}, headers=HX)
    plain = send(client, talk.org, talk.action("next-steps"), {"text": "Stap twee"})

    body = text_of(swapped)
    assert swapped.status_code == 200
    assert body.lstrip().startswith('<div id="talk"')
    assert "<html" not in body
    assert "Stap een" in body and "Next step added. You can both see it." in body
    assert plain.status_code == 302
    assert plain.headers["Location"].endswith(f"{talk.url}#steps")
    page = client.get(plain.headers["Location"])
    assert "Next step added. You can both see it." in text_of(page)


def test_an_empty_next_step_shows_the_problem_next_to_the_field(client, dbs, talk):
    as_(client, talk.ambassador)
    for headers in ({}, HX):
        response = send(client, talk.org, talk.action("next-steps"), {"text": " "}, headers=headers)
        assert response.status_code == 400
        assert "Write the next step, in a few words." in text_of(response)
    dbs.expire_all()
    assert dbs.scalars(select(NextStep)).all() == []


def test_a_next_step_links_to_offers_the_employee_sees_and_goals_they_shared(
    client, dbs, make, talk
):
    offer = make.offer(talk.org, title="Heftruck in een dag")
    foreign = make.offer(make.org(), title="Someone else's course")
    shared = Goal(org_id=talk.org.id, user_id=talk.employee.id, title="Heftruckdiploma")
    shared.shared_with_ambassadors = True
    private = Goal(org_id=talk.org.id, user_id=talk.employee.id, title=f"{CANARY} private goal")
    dbs.add_all([shared, private])
    dbs.commit()

    as_(client, talk.ambassador)
    form = text_of(client.get(talk.url))
    assert "Heftruck in een dag" in form and "Heftruckdiploma" in form
    assert "Someone else" not in form and f"{CANARY} private goal" not in form
    refused_offer = send(
        client, talk.org, talk.action("next-steps"), {"text": "A", "offer_id": foreign.id}
    )
    refused_goal = send(
        client, talk.org, talk.action("next-steps"), {"text": "B", "goal_id": private.id}
    )
    assert refused_offer.status_code == refused_goal.status_code == 400
    assert "Choose an offer from the list." in text_of(refused_offer)
    assert "Choose a goal from the list." in text_of(refused_goal)
    send(
        client,
        talk.org,
        talk.action("next-steps"),
        {"text": "Schrijf je in", "offer_id": offer.id, "goal_id": shared.id},
    )

    # The employee links their own goal, private or not.
    as_(client, talk.employee)
    assert f"{CANARY} private goal" in text_of(client.get(talk.url))
    send(client, talk.org, talk.action("next-steps"), {"text": "Mijn doel", "goal_id": private.id})
    assert "My goal: " + f"{CANARY} private goal" in text_of(client.get(talk.url))

    as_(client, talk.ambassador)
    page = text_of(client.get(talk.url))
    assert "Heftruck in een dag" in page and "Goal: Heftruckdiploma" in page
    assert f"{CANARY} private goal" not in page
    assert "Linked to a goal that is not shared with you." in page


def test_the_employee_ticks_a_step_off_and_the_ambassador_is_told(client, dbs, make, talk):
    step = add_next_step(make, talk.conversation, f"{CANARY} next step")
    done_url = f"/o/{talk.org.slug}/ambassadors/next-steps/{step.id}/done"
    as_(client, talk.employee)

    response = send(client, talk.org, done_url, {"done": "1"}, headers=HX)
    again = send(client, talk.org, done_url, {"done": "1"})

    assert response.status_code == 200
    assert "Well done!" in text_of(response)
    assert again.status_code == 302
    assert reload(dbs, NextStep, step.id).done_at is not None
    [note] = notifications(dbs, talk.ambassador.id)
    assert note.kind == "ambassador_next_step_done"
    assert note.payload == {"conversation_id": talk.conversation.id, "name": "Eva Employee"}


# --- cancelling -----------------------------------------------------------------------------


def test_the_employee_cancels_and_the_ambassador_is_told(client, dbs, make, talk):
    reminder = add_follow_up(make, talk.conversation, due_on=date(2026, 5, 6))
    as_(client, talk.employee)
    response = send(client, talk.org, talk.action("cancel"), headers=HX)

    assert response.status_code == 200
    assert "The talk is cancelled." in text_of(response)
    conversation = reload(dbs, AmbassadorConversation, talk.conversation.id)
    assert conversation.status == ConversationStatus.cancelled
    assert conversation.cancelled_at == NOW
    assert reload(dbs, FollowUp, reminder.id).done_at == NOW  # nobody is reminded of it
    [note] = notifications(dbs, talk.ambassador.id)
    assert note.kind == "ambassador_talk_cancelled"
    assert note.payload == {"conversation_id": talk.conversation.id, "name": "Eva Employee"}
    # A cancelled talk cannot be cancelled again (and nobody is told twice).
    again = send(client, talk.org, talk.action("cancel"))
    assert again.status_code == 302
    assert len(notifications(dbs, talk.ambassador.id)) == 1


# --- private notes --------------------------------------------------------------------------


def test_private_notes_are_the_ambassadors_alone(client, dbs, talk):
    as_(client, talk.ambassador)
    page = text_of(client.get(talk.url))
    assert "Only you can read this. Eva Employee, the manager, HR and the union cannot." in page
    send(client, talk.org, talk.action("notes"), {"body": f"{CANARY} private note"})
    send(client, talk.org, talk.action("notes"), {"body": f"{CANARY} private note"})  # again
    dbs.expire_all()
    [note] = dbs.scalars(select(ConversationNote)).all()
    assert note.author_id == talk.ambassador.id
    assert f"{CANARY} private note" in text_of(client.get(talk.url))

    as_(client, talk.employee)
    assert f"{CANARY} private note" not in text_of(client.get(talk.url))
    assert notifications(dbs, talk.employee.id) == []  # a note tells nobody

    as_(client, talk.ambassador)
    deleted = send(client, talk.org, f"/o/{talk.org.slug}/ambassadors/notes/{note.id}/delete")
    assert deleted.status_code == 302
    dbs.expire_all()
    assert dbs.scalars(select(ConversationNote)).all() == []


# --- what the other person is told ----------------------------------------------------------


def test_messages_carry_names_and_ids_never_the_content(client, dbs, make, talk):
    as_(client, talk.ambassador)
    send(
        client, talk.org, talk.action("plan"), {"day": "2026-05-04", "at": "15:00", "place": "Hal"}
    )
    send(
        client,
        talk.org,
        talk.action("record"),
        {"held_on": "2026-05-04", "summary": f"{CANARY} summary", "outcome": "set_goal"},
    )
    send(client, talk.org, talk.action("next-steps"), {"text": f"{CANARY} next step"})
    send(client, talk.org, talk.action("notes"), {"body": f"{CANARY} note"})
    as_(client, talk.employee)
    [step_id] = dbs.scalars(select(NextStep.id)).all()
    send(
        client, talk.org, f"/o/{talk.org.slug}/ambassadors/next-steps/{step_id}/done", {"done": "1"}
    )

    everything = notifications(dbs, talk.employee.id) + notifications(dbs, talk.ambassador.id)
    assert {n.kind for n in everything} == {
        "ambassador_talk_planned",
        "ambassador_talk_held",
        "ambassador_next_step_added",
        "ambassador_next_step_done",
    }
    for n in everything:
        assert set(n.payload) == {"conversation_id", "name"}
        assert CANARY not in json.dumps(n.payload)
    for person in (talk.employee, talk.ambassador):
        as_(client, person)
        inbox = text_of(client.get(f"/o/{talk.org.slug}/notifications/"))
        assert CANARY not in inbox
        assert "your talk" in inbox or "a next step" in inbox


def test_every_form_field_on_the_ambassadors_page_has_its_own_id(client, make, talk):
    """Labels point at the right field: no two elements share an id."""
    add_next_step(make, talk.conversation, "Stap")
    add_follow_up(make, talk.conversation)
    as_(client, talk.ambassador)
    send(client, talk.org, talk.action("notes"), {"body": "Aantekening"})
    page = text_of(client.get(talk.url))
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert 'id="check_in_outcome"' in page and 'id="outcome"' in page
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
