"""Follow-up (D-AMB, D-COACH): a check-in of a talk with a learning ambassador is due."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from sqlalchemy import update

from app.ambassadors.models import (
    AmbassadorConversation,
    Channel,
    ConversationStatus,
    FollowUp,
    FollowUpKind,
    NextStep,
    Topic,
)

from ..ambassadors.helpers import make_ambassador, make_conversation
from ..ambassadors.helpers_conversations import add_follow_up, add_next_step
from .helpers import make_campaign
from .test_types_a_support import context_of, many_members, message_of, people_of, planned, utc

# Monday 23 November 2026, 10:30 in Amsterdam; the daily campaign fired at 10:00.
NOW = utc(2026, 11, 23, 9, 30)
TODAY = date(2026, 11, 23)
DAILY = "0 10 * * *"
# Private content of the talk that must never be in a message (subject, text or HTML).
CANARY_STEP = "Canary-7319 inschrijven voor de lascursus"
AMBASSADOR = "Fatima Canary"


def _talk(make, org, ambassador, employee=None, **values):
    employee = employee or make.member(org).user
    values.setdefault("status", ConversationStatus.held)
    values.setdefault("booked_on", TODAY - timedelta(days=30))
    return employee, make_conversation(make, org, employee.id, ambassador.id, **values)


def arrange(dbs, make):
    org = make.org(name="Van Dijk Metaal")
    fatima = make_ambassador(make, org, user_kwargs={"name": AMBASSADOR}).user
    people, follow_ups = {}, {}
    # Due today: the reminder two days after the first next step.
    people["step"], talk = _talk(make, org, fatima)
    add_next_step(make, talk, CANARY_STEP)
    follow_ups["step"] = add_follow_up(make, talk, FollowUpKind.reminder, TODAY)
    # Week 2 check-in, due 13 days ago: still within the 14 days.
    people["course"], talk = _talk(make, org, fatima)
    follow_ups["course"] = add_follow_up(make, talk, FollowUpKind.week_2, TODAY - timedelta(13))
    # Too long ago, not yet due, already done.
    people["old"], talk = _talk(make, org, fatima)
    add_follow_up(make, talk, FollowUpKind.week_6, TODAY - timedelta(days=18))
    people["later"], talk = _talk(make, org, fatima)
    follow_ups["later"] = add_follow_up(make, talk, FollowUpKind.reminder, TODAY + timedelta(1))
    people["done"], talk = _talk(make, org, fatima)
    add_follow_up(make, talk, FollowUpKind.reminder, TODAY - timedelta(2), done_at=NOW)
    # A member here whose due follow-up belongs to another organisation.
    other = make.org()
    elsewhere = make_ambassador(make, other).user
    people["elsewhere"] = make.member(org).user
    make.member(other, user=people["elsewhere"])
    _person, talk = _talk(make, other, elsewhere, employee=people["elsewhere"])
    add_follow_up(make, talk, FollowUpKind.reminder, TODAY)
    return org, fatima, people, follow_ups


def test_due_follow_ups_are_planned_once_for_their_employee(app, dbs, make):
    org, _fatima, people, follow_ups = arrange(dbs, make)
    campaign = make_campaign(dbs, org, "follow_up", cron=DAILY, channel="both")
    rows = planned(app, dbs, org, campaign, NOW)
    assert people_of(rows) == {people["step"].id, people["course"].id}
    assert {(r.user_id, r.ref_id) for r in rows} == {
        (people["step"].id, follow_ups["step"].id),
        (people["course"].id, follow_ups["course"].id),
    }
    assert sorted(r.channel for r in rows) == ["email", "email", "in_app", "in_app"]

    # The next day: the same follow-ups are not sent again; the one now due is.
    rows = planned(app, dbs, org, campaign, NOW + timedelta(days=1))
    assert len(rows) == 6
    new = [r for r in rows if r.planned_at > rows[0].planned_at]
    assert {(r.user_id, r.ref_id) for r in new} == {(people["later"].id, follow_ups["later"].id)}


def _messages(app, dbs, make, locale: str):
    """(org, follow-ups, message about the next step, message about the course)."""
    org, _fatima, people, follow_ups = arrange(dbs, make)
    campaign = make_campaign(dbs, org, "follow_up", cron=DAILY)
    rows = {r.user_id: r for r in planned(app, dbs, org, campaign, NOW)}
    step, course = people["step"], people["course"]
    return (
        org,
        follow_ups,
        message_of(app, org, step, rows[step.id], NOW, locale),
        message_of(app, org, course, rows[course.id], NOW, locale),
    )


def _assert_private_content_absent(message) -> None:
    for part in message:  # subject, text, HTML
        assert "Canary" not in part
        assert "lascursus" not in part
        assert "Fatima" not in part


def test_the_message_is_generic_and_links_to_the_talk_in_english(app, dbs, make):
    org, follow_ups, step, course = _messages(app, dbs, make, "en")
    _assert_private_content_absent(step)
    _assert_private_content_absent(course)
    assert step[0] == "How is your next step going?"
    for body in step[1:]:
        assert "You agreed on a next step in a talk." in body
        assert "How is it going? Every small step counts." in body
        assert "Stuck? That is fine. Ask your learning ambassador for help." in body
        assert "You see the details after you sign in." in body
        conversation_id = follow_ups["step"].conversation_id
        assert f"/o/{org.slug}/ambassadors/conversations/{conversation_id}" in body
    assert "See it here:" in step[1]
    assert "Open your talk" in step[2]
    assert course[0] == "How is your course going?"
    for body in course[1:]:
        assert "About two weeks ago, you started a course. How is it going?" in body
        assert "Your learning ambassador would like to hear how it goes." in body
        assert "next step" not in body
        conversation_id = follow_ups["course"].conversation_id
        assert f"/o/{org.slug}/ambassadors/conversations/{conversation_id}" in body


def test_the_message_is_generic_and_links_to_the_talk_in_dutch(app, dbs, make):
    org, follow_ups, step, course = _messages(app, dbs, make, "nl")
    _assert_private_content_absent(step)
    _assert_private_content_absent(course)
    assert step[0] == "Hoe gaat het met je volgende stap?"
    for body in step[1:]:
        assert "Je hebt in een gesprek een volgende stap afgesproken." in body
        assert "Loop je vast? Dat geeft niets. Vraag je leerambassadeur om hulp." in body
        assert "Na het inloggen zie je de details." in body
        conversation_id = follow_ups["step"].conversation_id
        assert f"/o/{org.slug}/ambassadors/conversations/{conversation_id}" in body
    assert "Bekijk het hier:" in step[1]
    assert course[0] == "Hoe gaat het met je cursus?"
    for body in course[1:]:
        assert "Ongeveer twee weken geleden begon je aan een cursus. Hoe gaat het?" in body
        assert "Je leerambassadeur hoort graag hoe het gaat." in body


def test_the_message_is_skipped_when_the_check_in_is_done_or_not_theirs(app, dbs, make):
    org, _fatima, people, follow_ups = arrange(dbs, make)
    campaign = make_campaign(dbs, org, "follow_up", cron=DAILY)
    rows = {r.user_id: r for r in planned(app, dbs, org, campaign, NOW)}
    step_row, course_row = rows[people["step"].id], rows[people["course"].id]
    # Someone else's follow-up is never read, whatever the row says.
    assert context_of(app, org, people["course"], step_row, NOW) is None
    # Only the kind and the link are passed on: nothing of the talk itself.
    assert set(context_of(app, org, people["step"], step_row, NOW)) == {"kind", "url"}

    follow_up = dbs.get(FollowUp, follow_ups["course"].id)
    follow_up.done_at = NOW
    dbs.commit()
    assert context_of(app, org, people["course"], course_row, NOW) is None


def test_a_reminder_is_skipped_when_every_agreed_step_is_done(app, dbs, make):
    org, _fatima, people, follow_ups = arrange(dbs, make)
    campaign = make_campaign(dbs, org, "follow_up", cron=DAILY)
    rows = {r.user_id: r for r in planned(app, dbs, org, campaign, NOW)}
    talk = dbs.get(AmbassadorConversation, follow_ups["step"].conversation_id)
    dbs.execute(update(NextStep).where(NextStep.conversation_id == talk.id).values(done_at=NOW))
    dbs.commit()
    assert context_of(app, org, people["step"], rows[people["step"].id], NOW) is None


def test_planning_takes_the_same_statements_for_10_and_100_people(app, dbs, make, count_queries):
    counts = []
    for size in (10, 100):
        org = make.org()
        ambassador = make_ambassador(make, org).user
        people = many_members(dbs, org, size)
        talks = [
            AmbassadorConversation(
                org_id=org.id,
                employee_id=person.id,
                ambassador_id=ambassador.id,
                channel=Channel.in_person,
                topic=Topic.course,
                status=ConversationStatus.held,
                booked_on=TODAY - timedelta(days=20),
                client_token=secrets.token_hex(8),
            )
            for person in people
        ]
        dbs.add_all(talks)
        dbs.flush()
        dbs.add_all(
            FollowUp(
                org_id=org.id,
                conversation_id=talk.id,
                employee_id=talk.employee_id,
                ambassador_id=ambassador.id,
                kind=FollowUpKind.week_2,
                due_on=TODAY,
            )
            for talk in talks
        )
        dbs.commit()
        campaign = make_campaign(dbs, org, "follow_up", cron=DAILY, channel="both")
        with count_queries() as counter:
            rows = planned(app, dbs, org, campaign, NOW)
        assert len(people_of(rows)) == size
        counts.append(counter.count)
    assert 0 < counts[0] == counts[1]
