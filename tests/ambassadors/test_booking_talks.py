"""Booking a talk with a learning ambassador in three taps (B2, ACCEPTANCE 4), from the
employee's side: one conversation per form (a double click makes one), a clear message and
other ambassadors when the chosen one was retired a second ago, "whoever is free first"
goes to the least busy one, nobody books themselves, and the ambassador's notification
says who and how, never what about."""

from __future__ import annotations

import re

import pytest
from flask import url_for
from sqlalchemy import select

from app.activity.models import ActivityEvent
from app.ambassadors.models import (
    AmbassadorConversation,
    Channel,
    ConversationStatus,
    Topic,
)
from app.db_types import utcnow
from app.notifications.models import Notification
from app.orgs.models import Role
from app.timeutil import org_today
from tests.conftest import login

from .helpers import make_ambassador, make_conversation
from .helpers_directory import (
    client_token,
    conversations,
    count,
    english,
    profile_of,
    send,
    text_of,
    url,
)

SECRET_TOPIC = "My debts keep me awake"


def conversation_url(app, org, conversation_id: int) -> str:
    with app.test_request_context():
        return url_for(
            "ambassadors.conversation", org_slug=org.slug, conversation_id=conversation_id
        )


def _tap_talk_to(client, org, name: str) -> str:
    """Tap 1: the "Talk to <name>" button on the directory; returns the booking page."""
    directory = text_of(client.get(url(org)))
    match = re.search(r'href="([^"]+)">Talk to ' + re.escape(name) + "<", directory)
    assert match, f"no button to talk to {name}"
    page = client.get(match.group(1))
    assert page.status_code == 200
    return match.group(1), text_of(page)


@pytest.fixture()
def setting(make, client):
    org = make.org()
    anna = make_ambassador(make, org, user_kwargs={"name": "Anna de Vries"}, video=True)
    bram = make_ambassador(make, org, user_kwargs={"name": "Bram Bakker"}, in_person=False)
    employee = make.member(org, name="Eva Employee").user
    login(client, employee)
    english(client)
    return org, anna.user, bram.user, employee


def test_three_taps_make_one_request_with_the_right_fields(setting, client, dbs, app):
    org, anna, _bram, employee = setting
    book_url, page = _tap_talk_to(client, org, "Anna de Vries")  # tap 1
    assert "Face to face" in page and "By phone" in page and "Video call" in page
    assert "Reading, writing, numbers or computers" in page

    response = send(  # tap 2 (a way to talk) and tap 3 ("Ask for a talk")
        client,
        org,
        book_url,
        {"client_token": client_token(page), "channel": "video", "topic": ""},
    )

    [talk] = conversations(dbs)
    assert response.status_code == 302
    assert response.location.endswith(conversation_url(app, org, talk.id))
    assert (talk.org_id, talk.employee_id, talk.ambassador_id) == (org.id, employee.id, anna.id)
    assert (talk.channel, talk.topic, talk.topic_text) == (Channel.video, None, "")
    assert talk.status == ConversationStatus.requested
    assert talk.booked_on == org_today(org, utcnow())
    shown = text_of(client.get(response.location))
    assert "Your question is sent." in shown
    # That someone asked for a talk is part of the talk (PRODUCT §4.1): no activity row
    # the organisation could read names them.
    dbs.expire_all()
    assert (
        dbs.scalars(select(ActivityEvent).where(ActivityEvent.user_id == employee.id)).all() == []
    )


def test_a_topic_from_the_list_or_in_own_words(setting, client, dbs):
    org, anna, _bram, _employee = setting
    book_url, page = _tap_talk_to(client, org, "Anna de Vries")
    send(
        client,
        org,
        book_url,
        {"client_token": client_token(page), "channel": "phone", "topic": "basic_skills"},
    )
    _url, page = _tap_talk_to(client, org, "Anna de Vries")
    send(
        client,
        org,
        book_url,
        {
            "client_token": client_token(page),
            "channel": "phone",
            "topic_text": f"  {SECRET_TOPIC} ",
        },
    )

    first, second = conversations(dbs)
    assert (first.topic, first.topic_text) == (Topic.basic_skills, "")
    assert (second.topic, second.topic_text) == (Topic.other, SECRET_TOPIC)


def test_a_double_click_makes_one_request_and_one_notification(setting, client, dbs, app):
    org, anna, _bram, _employee = setting
    book_url, page = _tap_talk_to(client, org, "Anna de Vries")
    data = {"client_token": client_token(page), "channel": "in_person"}

    first = send(client, org, book_url, data)
    second = send(client, org, book_url, data)

    [talk] = conversations(dbs)
    assert first.location == second.location
    assert first.location.endswith(conversation_url(app, org, talk.id))
    assert count(dbs, Notification, Notification.user_id == anna.id) == 1


def test_an_ambassador_retired_a_second_ago_gets_a_clear_message_and_others(
    setting, make, client, dbs
):
    org, anna, _bram, employee = setting
    book_url, page = _tap_talk_to(client, org, "Anna de Vries")
    # Meanwhile the admin retires Anna.
    admin = make.admin(org).user
    login(client, admin)
    profile = profile_of(dbs, org, anna.id)
    assert send(client, org, url(org, f"manage/{profile.id}/retire")).status_code == 302
    login(client, employee)
    english(client)

    response = send(client, org, book_url, {"client_token": client_token(page), "channel": "phone"})

    shown = text_of(response)
    assert response.status_code == 409
    assert "Anna de Vries is no longer a learning ambassador." in shown
    assert "Nothing was sent." in shown
    assert "Talk to Bram Bakker" in shown and "Whoever is free first" in shown
    assert conversations(dbs) == []
    assert count(dbs, Notification, Notification.user_id == anna.id) == 0
    # Opening her old booking page says the same.
    again = text_of(client.get(book_url))
    assert "Anna de Vries is no longer a learning ambassador." in again


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("never", "This ambassador cannot be booked."),
        ("other-org", "This ambassador cannot be booked."),
        ("garbage", "This ambassador cannot be booked."),
        # Left the company while still an ambassador: their name, as for a retired one.
        ("switched-off", "Sam Switched is no longer a learning ambassador."),
    ],
)
def test_someone_who_is_not_an_ambassador_here_cannot_be_booked(
    setting, make, client, dbs, who, message
):
    org, _anna, _bram, _employee = setting
    target = {
        "never": lambda: str(make.member(org, name="Colleague Carl").user_id),
        "other-org": lambda: str(make_ambassador(make, make.org()).user_id),
        "switched-off": lambda: str(
            make_ambassador(
                make, org, user_kwargs={"active": False, "name": "Sam Switched"}
            ).user_id
        ),
        "garbage": lambda: "abc",
    }[who]()
    page = client.get(url(org, f"book?ambassador={target}"))
    assert message in text_of(page)

    response = send(
        client,
        org,
        url(org, f"book?ambassador={target}"),
        {"client_token": "a" * 32, "channel": "phone"},
    )

    assert response.status_code == 409
    assert message in text_of(response)
    assert "Talk to Bram Bakker" in text_of(response)
    assert conversations(dbs) == []


def test_nobody_books_themselves(make, client, dbs):
    org = make.org()
    me = make_ambassador(make, org, user_kwargs={"name": "Ida Self"}).user
    make_ambassador(make, org, user_kwargs={"name": "Other Otto"})
    login(client, me)
    english(client)

    page = client.get(url(org, f"book?ambassador={me.id}"))
    response = send(
        client,
        org,
        url(org, f"book?ambassador={me.id}"),
        {"client_token": "b" * 32, "channel": "phone"},
    )

    assert "You cannot book a talk with yourself." in text_of(page)
    assert response.status_code == 409
    assert "Talk to Other Otto" in text_of(response)
    assert "Talk to Ida Self" not in text_of(response)
    assert conversations(dbs) == []


def test_whoever_is_free_first_goes_to_the_least_busy_ambassador(make, client, dbs):
    org = make.org()
    # I am an ambassador too, with nothing open and the lowest id: still never me.
    me = make_ambassador(make, org, user_kwargs={"name": "Me Myself"}).user
    busy = make_ambassador(make, org, user_kwargs={"name": "Busy Ben"}).user
    free = make_ambassador(make, org, user_kwargs={"name": "Free Fien"}).user
    held_only = make_ambassador(make, org, user_kwargs={"name": "Held Hans"}).user
    others = [make.member(org).user for _ in range(3)]
    for person in others[:2]:
        make_conversation(make, org, person.id, busy.id)  # two open
    make_conversation(make, org, others[0].id, free.id, status=ConversationStatus.planned)
    for person in others:  # held and cancelled ones do not count
        make_conversation(make, org, person.id, held_only.id, status=ConversationStatus.held)
    make_conversation(make, org, others[2].id, held_only.id, status=ConversationStatus.cancelled)
    # Another organisation's load does not count.
    elsewhere = make.org()
    make_conversation(make, elsewhere, make.member(elsewhere).user_id, held_only.id)
    assert me.id < busy.id < free.id < held_only.id  # the pick is not the lowest id by chance
    login(client, me)
    english(client)

    page = text_of(client.get(url(org, "book")))
    assert "Whoever is free first" in page
    send(client, org, url(org, "book"), {"client_token": client_token(page), "channel": "phone"})
    page = text_of(client.get(url(org, "book")))
    send(client, org, url(org, "book"), {"client_token": client_token(page), "channel": "phone"})

    mine = [c for c in conversations(dbs) if c.employee_id == me.id]
    # Hans has none open; then Fien and Hans have one each: the lower id wins the tie.
    assert mine[0].ambassador_id == held_only.id
    assert mine[1].ambassador_id == min(free.id, held_only.id)


def test_whoever_is_free_first_only_picks_someone_who_talks_that_way(make, client, dbs):
    org = make.org()
    make_ambassador(make, org, user_kwargs={"name": "Phone Only"}, in_person=False, video=False)
    video = make_ambassador(make, org, user_kwargs={"name": "Video Vera"}, video=True).user
    make_conversation(make, org, make.member(org).user_id, video.id)  # busier, but only one
    login(client, make.member(org).user)
    english(client)
    page = text_of(client.get(url(org, "book")))
    assert "Video call" in page  # "whoever is free first" offers every way

    send(client, org, url(org, "book"), {"client_token": client_token(page), "channel": "video"})

    booked = [c for c in conversations(dbs) if c.channel == Channel.video and c.topic is None]
    assert [c.ambassador_id for c in booked] == [video.id]


def test_whoever_is_free_first_when_nobody_talks_that_way(make, client, dbs):
    org = make.org()
    make_ambassador(make, org, video=False)
    login(client, make.member(org).user)
    english(client)
    page = text_of(client.get(url(org, "book")))

    response = send(
        client, org, url(org, "book"), {"client_token": client_token(page), "channel": "video"}
    )

    assert response.status_code == 400
    assert "Nobody can talk this way right now. Choose another way." in text_of(response)
    assert conversations(dbs) == []


def test_only_the_ways_the_ambassador_offers(setting, client, dbs):
    org, _anna, _bram, _employee = setting
    book_url, page = _tap_talk_to(client, org, "Bram Bakker")  # phone only
    assert "By phone" in page and "Face to face" not in page and "Video call" not in page
    assert re.search(r'<input checked[^>]*value="phone"', page)  # the only way, chosen

    response = send(
        client, org, book_url, {"client_token": client_token(page), "channel": "in_person"}
    )

    assert response.status_code == 400
    assert "Choose how you want to talk." in text_of(response)
    assert conversations(dbs) == []


def test_bad_input_says_what_is_wrong_and_saves_nothing(setting, client, dbs):
    org, _anna, _bram, _employee = setting
    book_url, page = _tap_talk_to(client, org, "Anna de Vries")
    token = client_token(page)

    missing = send(client, org, book_url, {"client_token": token})
    too_long = send(
        client, org, book_url, {"client_token": token, "channel": "phone", "topic_text": "x" * 301}
    )
    bad_topic = send(
        client, org, book_url, {"client_token": token, "channel": "phone", "topic": "gossip"}
    )

    assert missing.status_code == too_long.status_code == bad_topic.status_code == 400
    assert "Choose how you want to talk." in text_of(missing)
    assert "Use at most 300 characters." in text_of(too_long)
    assert "Choose a topic from the list." in text_of(bad_topic)
    assert conversations(dbs) == []


def test_no_ambassadors_at_all_gets_a_kind_message(make, client, dbs):
    org = make.org()
    login(client, make.member(org).user)
    english(client)

    page = client.get(url(org, "book"))
    response = send(client, org, url(org, "book"), {"client_token": "c" * 32, "channel": "phone"})

    assert "There are no learning ambassadors here yet." in text_of(page)
    assert response.status_code == 409
    assert conversations(dbs) == []


def test_the_ambassador_is_notified_without_the_topic(setting, client, dbs, app):
    org, anna, _bram, _employee = setting
    book_url, page = _tap_talk_to(client, org, "Anna de Vries")
    send(
        client,
        org,
        book_url,
        {
            "client_token": client_token(page),
            "channel": "phone",
            "topic": "money",
            "topic_text": SECRET_TOPIC,
        },
    )
    [talk] = conversations(dbs)

    dbs.expire_all()
    [note] = dbs.query(Notification).filter(Notification.org_id == org.id).all()
    assert note.user_id == anna.id
    assert note.kind == "ambassador_talk_requested"
    assert set(note.payload) == {"conversation_id", "employee_name", "channel"}
    assert SECRET_TOPIC not in str(note.payload) and "money" not in str(note.payload)

    login(client, anna)
    english(client)
    messages = text_of(client.get(f"/o/{org.slug}/notifications/"))
    assert "Eva Employee would like to talk with you. How: By phone." in messages
    assert f'href="{conversation_url(app, org, talk.id)}"' in messages
    assert SECRET_TOPIC not in messages and "Paying for learning" not in messages


def test_an_employee_can_book_while_a_manager_or_admin(make, client, dbs):
    org = make.org()
    anna = make_ambassador(make, org, user_kwargs={"name": "Anna de Vries"}).user
    boss = make.member(org, roles=(Role.employee, Role.manager, Role.admin)).user
    login(client, boss)
    english(client)
    page = text_of(client.get(url(org, f"book?ambassador={anna.id}")))

    send(
        client,
        org,
        url(org, f"book?ambassador={anna.id}"),
        {"client_token": client_token(page), "channel": "phone"},
    )

    [talk] = conversations(dbs)
    assert (talk.employee_id, talk.ambassador_id) == (boss.id, anna.id)
    assert count(dbs, AmbassadorConversation) == 1
