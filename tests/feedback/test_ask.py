"""Asking colleagues for feedback (C1): requests, answers, and expiry after 90 days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from app.activity.models import ActivityEvent
from app.feedback.models import Feedback, FeedbackRequest, FeedbackRequestRecipient
from app.notifications.models import Notification
from tests.conftest import login

from .common import ask, english, give, text_of, url

# In the near future, so a request made then is still open at real time.
START = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)


def test_ask_two_colleagues_one_answers(client, make, dbs):
    org, other_org = make.org(), make.org()
    me = make.member(org, name="Fenna Jacobs").user
    omar = make.member(org, name="Omar Bakri").user
    lisa = make.member(org, name="Lisa Smit").user
    outsider = make.member(other_org, name="Out Sider").user
    login(client, me)

    with time_machine.travel(START, tick=False):
        login(client, me)
        response = ask(client, org, [omar.id, lisa.id, outsider.id], "How was my talk?")

    assert response.status_code == 302 and response.location.endswith(url(org, "requests"))
    request = dbs.query(FeedbackRequest).one()
    assert (request.requester_id, request.message) == (me.id, "How was my talk?")
    assert request.expires_at == START + timedelta(days=90)
    asked = {r.recipient_id for r in dbs.query(FeedbackRequestRecipient).all()}
    assert asked == {omar.id, lisa.id}
    notes = dbs.query(Notification).order_by(Notification.user_id).all()
    assert [(n.user_id, n.kind) for n in notes] == [
        (omar.id, "feedback_requested"),
        (lisa.id, "feedback_requested"),
    ]
    assert dbs.query(ActivityEvent).filter_by(kind="feedback_requested").count() == 1

    login(client, omar)
    english(client)
    messages = text_of(client.get(f"/o/{org.slug}/notifications/"))
    assert "Fenna Jacobs asked you for feedback." in messages
    assert url(org, f"give?request={request.id}") in messages
    page = text_of(client.get(url(org, "requests")))
    assert "Colleagues asked you for feedback" in page and "How was my talk?" in page
    assert "1 colleague asked you for feedback" in text_of(client.get(url(org)))
    form = client.get(url(org, f"give?request={request.id}")).get_data(as_text=True)
    assert f'<option selected value="{me.id}">' in form
    assert f'name="request_id" type="hidden" value="{request.id}"' in form

    answer = give(client, org, me.id, "Clear and calm.", request_id=str(request.id))

    assert answer.status_code == 302
    feedback = dbs.query(Feedback).one()
    assert feedback.request_id == request.id
    row = dbs.query(FeedbackRequestRecipient).filter_by(recipient_id=omar.id).one()
    assert row.feedback_id == feedback.id
    assert "No open questions." in text_of(client.get(url(org, "requests")))
    again = give(client, org, me.id, "Once more.", request_id=str(request.id))
    assert again.status_code == 400
    assert "already answered" in text_of(again)

    login(client, me)
    english(client)
    mine = text_of(client.get(url(org, "requests")))
    assert "Answered by: Omar Bakri." in mine
    assert "1 colleague has not answered yet." in mine
    assert "Lisa Smit" not in mine  # who has not answered (yet) is not named


def test_asking_nobody_or_only_outsiders_is_refused(client, make, dbs):
    org, other_org = make.org(), make.org()
    me = make.member(org).user
    outsider = make.member(other_org).user
    login(client, me)
    english(client)

    for recipients in ([], [outsider.id], [me.id]):
        response = ask(client, org, recipients)
        assert response.status_code == 400
        assert "Choose at least one colleague." in text_of(response)
    assert dbs.query(FeedbackRequest).count() == 0
    assert dbs.query(Notification).count() == 0


def test_a_double_submit_asks_once(client, make, dbs):
    from tests.conftest import csrf_token

    from .common import client_token

    org = make.org()
    me = make.member(org).user
    colleague = make.member(org).user
    login(client, me)
    page = client.get(url(org, "ask")).get_data(as_text=True)
    data = {
        "recipient_ids": [str(colleague.id)],
        "client_token": client_token(page),
        "csrf_token": csrf_token(client, url(org, "ask")),
    }
    client.post(url(org, "ask"), data=data)
    client.post(url(org, "ask"), data=data)
    assert dbs.query(FeedbackRequest).count() == 1
    assert dbs.query(FeedbackRequestRecipient).count() == 1
    assert dbs.query(Notification).count() == 1


def test_after_90_days_a_request_is_gone_and_cannot_be_answered(client, make, dbs):
    org = make.org()
    me = make.member(org, name="Fenna Jacobs").user
    omar = make.member(org).user
    with time_machine.travel(START, tick=False):
        login(client, me)
        ask(client, org, [omar.id], "Anything?")
    request = dbs.query(FeedbackRequest).one()

    with time_machine.travel(START + timedelta(days=89), tick=False):
        login(client, omar)
        english(client)
        assert "Anything?" in text_of(client.get(url(org, "requests")))

    with time_machine.travel(START + timedelta(days=91), tick=False):
        login(client, omar)
        english(client)
        page = text_of(client.get(url(org, "requests")))
        assert "Anything?" not in page and "No open questions." in page
        form = text_of(client.get(url(org, f"give?request={request.id}")))
        assert "This request is older than 90 days and has expired." in form
        refused = give(client, org, me.id, "Late answer.", request_id=str(request.id))
        assert refused.status_code == 400
        assert "has expired" in text_of(refused) and "Late answer." in text_of(refused)
        assert dbs.query(Feedback).count() == 0
        login(client, me)
        assert "Anything?" not in text_of(client.get(url(org, "requests")))


def test_a_request_of_someone_else_cannot_be_answered(client, make, dbs):
    org = make.org()
    me = make.member(org).user
    asked = make.member(org).user
    other = make.member(org).user
    login(client, me)
    ask(client, org, [asked.id])
    request = dbs.query(FeedbackRequest).one()
    login(client, other)
    english(client)

    form = text_of(client.get(url(org, f"give?request={request.id}")))
    assert "already answered or no longer open" in form
    refused = give(client, org, me.id, "Hello.", request_id=str(request.id))
    assert refused.status_code == 400
    assert dbs.query(Feedback).count() == 0


def test_numbers_too_big_to_be_an_id_are_no_colleague_and_no_error(client, make, dbs):
    org = make.org()
    me = make.member(org).user
    login(client, me)
    english(client)

    for recipients in (["99999999999999999999"], [str(2**31)], ["0", "-1"]):
        response = ask(client, org, recipients)
        assert response.status_code == 400, recipients
        assert "Choose at least one colleague." in text_of(response)
    assert dbs.query(FeedbackRequest).count() == 0
