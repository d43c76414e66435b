"""Giving feedback to a colleague (C1): same organisation only, once per form, kind limits."""

from __future__ import annotations

from app.activity.models import ActivityEvent
from app.feedback.models import Feedback
from app.notifications.models import Notification
from tests.conftest import login

from .common import client_token, english, give, text_of, url


def test_a_worker_gives_feedback_and_the_colleague_is_told(client, make, dbs):
    org = make.org()
    giver = make.member(org, name="Fenna Jacobs").user
    colleague = make.member(org, name="Omar Bakri").user
    login(client, giver)

    response = give(
        client,
        org,
        colleague.id,
        "You helped the new colleague.",
        tip="Say it out loud.",
        skill="Teamwork",
    )

    feedback = dbs.query(Feedback).one()
    assert response.status_code == 302
    assert response.location.endswith(url(org, str(feedback.id)))
    assert (feedback.giver_id, feedback.recipient_id) == (giver.id, colleague.id)
    assert (feedback.went_well, feedback.tip, feedback.skill) == (
        "You helped the new colleague.",
        "Say it out loud.",
        "Teamwork",
    )
    assert feedback.shared_at is None
    note = dbs.query(Notification).one()
    assert (note.user_id, note.kind, note.payload) == (
        colleague.id,
        "feedback_received",
        {"giver": "Fenna Jacobs", "feedback_id": feedback.id},
    )
    event = dbs.query(ActivityEvent).one()
    assert (event.kind, event.user_id, event.object_id) == ("feedback_given", giver.id, feedback.id)

    login(client, colleague)
    english(client)
    messages = text_of(client.get(f"/o/{org.slug}/notifications/"))
    assert "Fenna Jacobs gave you feedback." in messages
    assert url(org, str(feedback.id)) in messages
    mine = text_of(client.get(url(org)))
    assert "You helped the new colleague." in mine and "From Fenna Jacobs" in mine
    page = text_of(client.get(url(org, str(feedback.id))))
    assert "Say it out loud." in page and "Teamwork" in page


def test_the_colleague_list_holds_active_colleagues_of_this_organisation_only(client, make):
    org, other_org = make.org(), make.org()
    me = make.member(org, name="Me Myself").user
    make.member(org, name="Zoe Active")
    make.member(org, name="anna active")
    make.member(org, name="Gone Person", active=False)
    make.member(other_org, name="Elsewhere Person")
    login(client, me)

    page = client.get(url(org, "give")).get_data(as_text=True)

    assert page.index("anna active") < page.index("Zoe Active")
    for absent in ("Gone Person", "Elsewhere Person", "Me Myself</option>"):
        assert absent not in page


def test_feedback_to_someone_outside_the_organisation_is_refused(client, make, dbs):
    org, other_org = make.org(), make.org()
    me = make.member(org).user
    outsider = make.member(other_org).user
    former = make.member(org, active=False).user
    login(client, me)
    english(client)

    for recipient_id in (outsider.id, former.id, me.id, 999_999):
        response = give(client, org, recipient_id, "Well done.")
        assert response.status_code == 400, recipient_id
        assert "Choose a colleague from the list." in text_of(response)
    for empty in ("", "abc"):
        response = give(client, org, empty, "Well done.")
        assert response.status_code == 400 and "Choose a colleague." in text_of(response)

    assert dbs.query(Feedback).count() == 0
    assert dbs.query(Notification).count() == 0
    assert dbs.query(ActivityEvent).count() == 0


def test_a_double_submit_gives_one_feedback_and_one_message(client, make, dbs):
    org = make.org()
    me = make.member(org).user
    colleague = make.member(org).user
    login(client, me)
    page = client.get(url(org, "give")).get_data(as_text=True)
    data = {
        "recipient_id": str(colleague.id),
        "went_well": "Good job.",
        "client_token": client_token(page),
    }
    from tests.conftest import csrf_token

    data["csrf_token"] = csrf_token(client, url(org, "give"))

    first = client.post(url(org, "give"), data=data)
    second = client.post(url(org, "give"), data=data)

    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    assert dbs.query(Feedback).count() == 1
    assert dbs.query(Notification).count() == 1
    assert dbs.query(ActivityEvent).count() == 1


def test_too_long_texts_are_refused_with_a_clear_message_and_kept(client, make, dbs):
    org = make.org()
    me = make.member(org).user
    colleague = make.member(org).user
    login(client, me)
    english(client)
    long_text = "Well done " * 100 + "X"  # 1 001 characters

    response = give(client, org, colleague.id, long_text, tip="t" * 501, skill="s" * 121)

    page = text_of(response)
    assert response.status_code == 400
    assert "Please keep it shorter: at most 1000 characters." in page
    assert "Please keep the tip shorter: at most 500 characters." in page
    assert "At most 120 characters." in page
    assert long_text in page and "t" * 501 in page and "s" * 121 in page
    assert dbs.query(Feedback).count() == 0

    empty = give(client, org, colleague.id, "   ")
    assert empty.status_code == 400 and "Write what went well." in text_of(empty)


def test_exactly_at_the_limits_is_fine(client, make, dbs):
    org = make.org()
    me = make.member(org).user
    colleague = make.member(org).user
    login(client, me)

    response = give(client, org, colleague.id, "w" * 1000, tip="t" * 500, skill="s" * 120)

    assert response.status_code == 302
    assert dbs.query(Feedback).one().skill == "s" * 120


def test_a_link_can_choose_the_colleague(client, make):
    org, other_org = make.org(), make.org()
    me = make.member(org).user
    colleague = make.member(org).user
    outsider = make.member(other_org).user
    login(client, me)

    page = client.get(url(org, f"give?to={colleague.id}")).get_data(as_text=True)
    assert f'<option selected value="{colleague.id}">' in page

    foreign = client.get(url(org, f"give?to={outsider.id}")).get_data(as_text=True)
    assert '<option selected value="">' in foreign


def test_numbers_too_big_to_be_an_id_are_no_colleague_and_no_error(client, make, dbs):
    org = make.org()
    me = make.member(org).user
    colleague = make.member(org).user
    login(client, me)
    english(client)

    for recipient_id in ("99999999999999999999", str(2**31), "0", "-1"):
        response = give(client, org, recipient_id, "Well done.")
        assert response.status_code == 400, recipient_id
        assert "Choose a colleague." in text_of(response)
    # A request id that big is no request: the feedback is simply given without one.
    response = give(client, org, colleague.id, "Well done.", request_id="99999999999999999999")
    assert response.status_code == 302
    assert dbs.query(Feedback).one().request_id is None
