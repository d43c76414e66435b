"""In-app nudges (N4): the drainer turns an in-app row into a notification in the
person's message centre, with the subject in their language and a link to act on."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.notifications.models import Notification
from app.outbox.models import OutboxStatus
from tests.conftest import login

from .helpers import nudge_rows
from .helpers_delivery import DRAIN_TIME, arrange, plan, run_drain


def test_an_in_app_nudge_shows_on_the_notifications_page(app, dbs, make, client, mail_server):
    org, _ambassador, (person,), campaign = arrange(make, dbs, channel="in_app")
    plan(app, org, campaign)

    result = run_drain(app, DRAIN_TIME)

    assert result.sent == 1
    assert mail_server.wait_for(1, timeout=0.3) == []  # no e-mail
    (row,) = nudge_rows(dbs, campaign_id=campaign.id)
    assert (row.status, row.attempts, row.sent_at) == (OutboxStatus.sent, 1, DRAIN_TIME)
    (note,) = dbs.scalars(select(Notification).where(Notification.user_id == person.id))
    assert (note.kind, note.dedupe_key, note.org_id) == ("nudge", row.key, org.id)
    assert note.payload == {
        "type": "meet_ambassador",
        "subject": "Someone at work you can ask about learning",
        "url": f"/o/{org.slug}/ambassadors/",
    }

    login(client, person)
    page = client.get(f"/o/{org.slug}/notifications/").get_data(as_text=True)
    assert (
        f'<a href="/o/{org.slug}/ambassadors/">Someone at work you can ask about learning</a>'
        in page
    )
    assert f'href="/o/{org.slug}/nudges/preferences"' in page
    # The bell counts it.
    assert ">1<" in client.get(f"/o/{org.slug}/notifications/bell").get_data(as_text=True)


def test_a_retried_in_app_row_gives_one_notification(app, dbs, make):
    org, _ambassador, (person,), campaign = arrange(make, dbs, channel="in_app")
    plan(app, org, campaign)
    run_drain(app, DRAIN_TIME)
    (row,) = nudge_rows(dbs, campaign_id=campaign.id)
    row.status = OutboxStatus.pending  # as if the drainer died before recording it
    dbs.commit()
    run_drain(app, DRAIN_TIME + timedelta(minutes=1))
    notes = dbs.scalars(select(Notification).where(Notification.user_id == person.id)).all()
    assert len(notes) == 1


def test_both_channels_give_an_email_and_a_notification(app, dbs, make, mail_server):
    org, _ambassador, (person,), campaign = arrange(make, dbs, channel="both")
    plan(app, org, campaign)
    assert run_drain(app, DRAIN_TIME).sent == 2
    assert [m["To"] for m in mail_server.wait_for(1)] == [person.email]
    assert dbs.scalar(select(Notification.kind).where(Notification.user_id == person.id)) == "nudge"


def test_a_link_that_leaves_the_app_is_shown_as_text(app, dbs, make, client):
    org = make.org()
    person = make.member(org, locale="en").user
    for url in ("//elsewhere.example/x", "https://elsewhere.example/", "/\\elsewhere.example"):
        dbs.add(
            Notification(
                org_id=org.id,
                user_id=person.id,
                kind="nudge",
                payload={"type": "meet_ambassador", "subject": f"Subject {url}", "url": url},
            )
        )
    dbs.commit()
    login(client, person)
    page = client.get(f"/o/{org.slug}/notifications/").get_data(as_text=True)
    assert page.count("<span>Subject ") == 3
    assert 'href="//elsewhere' not in page and 'href="https://elsewhere' not in page
    assert 'href="/\\elsewhere' not in page
