"""Delivery of planned nudges (N4): a planned 'meet your ambassador' row is rendered for
its person when it is sent, reaches a real SMTP server with the RFC 8058 headers and a
Message-ID from its key, and no SMTP failure loses it."""

from __future__ import annotations

import re
import socket
import threading
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.db_types import utcnow
from app.extensions import db
from app.mail import message_id_for
from app.nudges.models import Category, NudgeOptOut
from app.orgs.models import Membership
from app.outbox.models import OutboxStatus
from app.tenancy import org_context
from tests.backend import free_port
from tests.mailserver import body_text

from .helpers import nudge_rows
from .helpers_delivery import DRAIN_TIME, arrange, plan, run_drain


def _html(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def test_a_nudge_email_arrives_with_real_content_and_one_click_unsubscribe(
    app, dbs, make, mail_server
):
    org, _ambassador, (person,), campaign = arrange(make, dbs)
    plan(app, org, campaign)
    (row,) = nudge_rows(dbs, campaign_id=campaign.id)
    assert (row.status, row.subject, row.body_text) == (OutboxStatus.pending, "", "")

    result = run_drain(app, DRAIN_TIME)

    assert (result.sent, result.failed, result.skipped) == (1, 0, 0)
    (message,) = mail_server.wait_for(1)
    assert message["To"] == person.email
    assert message["Subject"] == "Someone at work you can ask about learning"
    text = body_text(message)
    assert f"Hello {person.name}," in text
    assert "Our learning ambassadors: Fatima Amrani" in text
    assert f"http://localhost/o/{org.slug}/ambassadors/" in text
    assert f"http://localhost/o/{org.slug}/nudges/preferences" in text
    assert "Fatima Amrani" in _html(message) and "%(" not in text + _html(message)
    # RFC 8058: the link in the header is the one in the footer, and a POST is enough.
    # (A long header is folded onto a second line, which leaves a space when unfolded.)
    header = message["List-Unsubscribe"].strip()
    unsubscribe = re.fullmatch(r"<(http://localhost/u/[\w.-]+)>", header)
    assert unsubscribe, message["List-Unsubscribe"]
    assert unsubscribe.group(1) in text and unsubscribe.group(1) in _html(message)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with app.app_context():
        assert message["Message-ID"] == message_id_for(row.key)
    (sent,) = nudge_rows(dbs, campaign_id=campaign.id)
    assert (sent.status, sent.attempts, sent.sent_at) == (OutboxStatus.sent, 1, DRAIN_TIME)
    # Rendered in memory for the send: the row never held the text, not even the subject.
    assert (sent.subject, sent.body_text, sent.body_html) == ("", "", None)
    # Sent once: a second drain finds nothing.
    assert run_drain(app, DRAIN_TIME + timedelta(hours=1)).sent == 0
    assert len(mail_server.wait_for(2, timeout=0.3)) == 1


def test_every_person_gets_it_in_their_own_language(app, dbs, make, mail_server):
    org, _ambassador, (english,), campaign = arrange(make, dbs)
    dutch = make.member(org, locale="nl").user
    without = make.member(org, locale=None).user  # the organisation's language (nl)
    plan(app, org, campaign)
    assert run_drain(app, DRAIN_TIME).sent == 3
    subjects = {m["To"]: m["Subject"] for m in mail_server.wait_for(3)}
    assert subjects[english.email] == "Someone at work you can ask about learning"
    assert subjects[dutch.email] == subjects[without.email]
    assert re.search(r"<html lang=\"nl\"", _html(mail_server.messages[-1]))


def test_smtp_down_keeps_every_nudge_for_later_and_the_web_still_answers(
    app, dbs, make, client, mail_server
):
    org, _ambassador, people, campaign = arrange(make, dbs, people=3)
    plan(app, org, campaign)

    result = run_drain(app, DRAIN_TIME, MAIL_PORT=free_port())  # nothing listens there

    assert (result.sent, result.failed, result.dead) == (0, 3, 0)
    rows = nudge_rows(dbs, campaign_id=campaign.id)
    for row in rows:
        assert (row.status, row.attempts) == (OutboxStatus.failed, 1)
        assert row.next_attempt_at > DRAIN_TIME and row.last_error
    started = time.monotonic()
    assert client.get("/login").status_code == 200
    assert time.monotonic() - started < 1
    # Not due yet: nothing happens. Once due, every one reaches the real server.
    assert run_drain(app, DRAIN_TIME + timedelta(seconds=5)).sent == 0
    assert run_drain(app, DRAIN_TIME + timedelta(minutes=10)).sent == 3
    received = sorted(m["To"] for m in mail_server.wait_for(3))
    assert received == sorted(p.email for p in people)
    assert all(r.status == OutboxStatus.sent for r in nudge_rows(dbs, campaign_id=campaign.id))


def test_a_server_that_never_answers_ends_the_drain_within_the_timeout(app, dbs, make, client):
    org, _ambassador, _people, campaign = arrange(make, dbs, people=3)
    plan(app, org, campaign)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    accepted = []
    threading.Thread(
        target=lambda: accepted.append(listener.accept()), daemon=True, name="silent-smtp"
    ).start()
    outcome = {}

    def drainer():
        outcome["result"] = run_drain(app, DRAIN_TIME, MAIL_PORT=port, MAIL_TIMEOUT_SECONDS=1)

    started = time.monotonic()
    thread = threading.Thread(target=drainer)
    thread.start()
    try:
        time.sleep(0.2)  # the drainer is waiting for the silent server now
        before = time.monotonic()
        assert client.get("/login").status_code == 200
        assert time.monotonic() - before < 1, "a web request waited for the mail server"
        thread.join(10)
    finally:
        for conn, _addr in accepted:
            conn.close()
        listener.close()
    # One timeout for the whole batch, not one per message.
    assert not thread.is_alive() and time.monotonic() - started < 3
    assert outcome["result"].failed == 3
    rows = nudge_rows(dbs, campaign_id=campaign.id)
    assert [(r.status, r.attempts) for r in rows] == [(OutboxStatus.failed, 1)] * 3


class _Refusing:
    def __init__(self, reply: str):
        self.reply = reply

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook name)
        return self.reply


@pytest.mark.parametrize(
    ("reply", "status"),
    [
        ("451 4.3.0 try again later", OutboxStatus.failed),
        ("550 5.1.1 no such user", OutboxStatus.dead),
    ],
)
def test_a_temporary_refusal_backs_off_and_a_permanent_one_is_dead(
    app, dbs, make, mail_server, reply, status
):
    """Neither keeps the message's text on the row: a bounce (dead, kept for the record)
    nor a refusal that is retried; the retry renders it again."""
    org, _ambassador, (person,), campaign = arrange(make, dbs)
    plan(app, org, campaign)
    port = free_port()
    controller = Controller(_Refusing(reply), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        run_drain(app, DRAIN_TIME, MAIL_PORT=port)
    finally:
        controller.stop()
    (row,) = nudge_rows(dbs, campaign_id=campaign.id)
    assert row.status == status and row.attempts == 1
    assert reply.split()[0] in row.last_error
    assert (row.subject, row.body_text, row.body_html) == ("", "", None)
    later = DRAIN_TIME + timedelta(hours=2)
    if status == OutboxStatus.failed:
        assert DRAIN_TIME < row.next_attempt_at < DRAIN_TIME + timedelta(minutes=1)
        assert run_drain(app, later).sent == 1  # the real server takes it
        (message,) = mail_server.wait_for(1)
        assert message["Subject"] == "Someone at work you can ask about learning"
        text = body_text(message)
        assert f"Hello {person.name}," in text and "Fatima Amrani" in text
        assert "Fatima Amrani" in _html(message)
        (sent,) = nudge_rows(dbs, campaign_id=campaign.id)
        assert (sent.status, sent.attempts) == (OutboxStatus.sent, 2)
        assert (sent.subject, sent.body_text, sent.body_html) == ("", "", None)
    else:
        result = run_drain(app, later)
        assert (result.sent, result.dead) == (0, 0)  # never tried again
        assert nudge_rows(dbs, campaign_id=campaign.id)[0].attempts == 1
        assert mail_server.wait_for(1, timeout=0.3) == []


def test_two_drainers_at_once_send_every_message_exactly_once(app, dbs, make, mail_server):
    """PostgreSQL: the claim skips rows another drainer locked. SQLite (no row locks): the
    claim's update checks again that a row is still due and keeps only what it changed."""
    with app.app_context():
        dialect = db.engine.dialect.name
    org, _ambassador, people, campaign = arrange(make, dbs, people=30)
    plan(app, org, campaign)
    start = threading.Barrier(2)
    totals: dict[str, int] = {}

    def drainer(name: str) -> None:
        from app.outbox.services import drain

        with app.app_context():
            start.wait(5)
            sent = 0
            while True:
                result = drain(DRAIN_TIME, limit=4)
                db.session.commit()
                if not (result.sent or result.failed):
                    break
                sent += result.sent
            db.session.remove()
        totals[name] = sent

    threads = [threading.Thread(target=drainer, args=(n,)) for n in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sum(totals.values()) == 30, totals
    if dialect == "postgresql":  # SQLite runs one writer at a time: one may do it all
        assert min(totals.values()) > 0, f"one drainer did everything: {totals}"
    received = [m["To"] for m in mail_server.wait_for(30)]
    time.sleep(0.3)
    assert sorted(received) == sorted(p.email for p in people)
    assert len(mail_server.messages) == 30
    ids = [m["Message-ID"] for m in mail_server.messages]
    assert len(set(ids)) == 30


def _retire_only_ambassador(app, org, ambassador) -> None:
    from sqlalchemy.orm import selectinload

    from app.ambassadors.services import retire_ambassador

    with app.app_context(), org_context((org.id,), None):
        membership = db.session.scalars(
            select(Membership)
            .where(Membership.id == ambassador.id)
            .options(selectinload(Membership.role_rows))
        ).one()
        retire_ambassador(membership, None, utcnow())
        db.session.commit()
        db.session.remove()


def test_a_nudge_that_is_no_longer_relevant_is_skipped(app, dbs, make, mail_server):
    org, ambassador, _people, campaign = arrange(make, dbs)
    plan(app, org, campaign)
    _retire_only_ambassador(app, org, ambassador)  # nobody left to meet
    # A row that failed before nudges stopped keeping their text still had it.
    (row,) = nudge_rows(dbs, campaign_id=campaign.id)
    row.subject, row.body_text, row.body_html = "Old subject", "Old text", "<p>Old</p>"
    dbs.commit()

    result = run_drain(app, DRAIN_TIME)

    assert (result.sent, result.skipped) == (0, 1)
    (row,) = nudge_rows(dbs, campaign_id=campaign.id)
    assert (row.status, row.attempts, row.last_error) == (
        OutboxStatus.skipped,
        0,
        "no longer relevant",
    )
    assert (row.subject, row.body_text, row.body_html) == ("", "", None)
    assert mail_server.wait_for(1, timeout=0.3) == []


@pytest.mark.parametrize("change", ["left", "type_gone", "paused", "no_address"])
def test_a_nudge_whose_person_type_or_campaign_is_gone_is_skipped(
    app, dbs, make, mail_server, change
):
    org, _ambassador, (person,), campaign = arrange(make, dbs)
    stays = make.member(org, locale="en").user
    plan(app, org, campaign)
    row = next(r for r in nudge_rows(dbs, campaign_id=campaign.id) if r.user_id == person.id)
    if change == "left":
        membership = dbs.scalars(select(Membership).where(Membership.user_id == person.id)).one()
        membership.active = False
    elif change == "type_gone":
        row.nudge_type = "a_type_that_was_removed"
    elif change == "paused":
        campaign.status = "paused"
        dbs.add(campaign)
    else:
        person.email = None
        dbs.add(person)
    dbs.commit()

    result = run_drain(app, DRAIN_TIME)

    skipped = next(r for r in nudge_rows(dbs) if r.user_id == person.id)
    assert skipped.status == OutboxStatus.skipped and skipped.attempts == 0
    assert skipped.last_error
    if change == "paused":
        assert result.skipped == 2 and mail_server.wait_for(1, timeout=0.3) == []
    else:
        assert (result.sent, result.skipped) == (1, 1)
        assert [m["To"] for m in mail_server.wait_for(1)] == [stays.email]


_BATCH_LOADS = {
    "organisations": re.compile(r"FROM organisations\s*\n?\s*WHERE organisations\.id", re.M),
    "users": re.compile(r"FROM users\s*\n?\s*WHERE users\.id", re.M),
    "memberships and manager roles": re.compile(
        r"FROM memberships LEFT OUTER JOIN membership_roles", re.M
    ),
    "opt-outs": re.compile(r"FROM nudge_opt_outs", re.M),
    "campaigns": re.compile(r"FROM nudge_campaigns", re.M),
}


def test_the_batch_loads_people_and_organisations_in_a_fixed_number_of_queries(
    app, dbs, make, mail_server, count_queries
):
    """People, organisations, memberships with manager roles, opt-outs and campaigns: one
    query each per batch, whatever its size (some people opted out of another kind)."""
    counts = []
    for size in (2, 6):
        org, _ambassador, people, campaign = arrange(make, dbs, people=size)
        for person in people[: size // 2]:
            dbs.add(NudgeOptOut(org_id=org.id, user_id=person.id, category=Category.reminders))
        dbs.commit()
        plan(app, org, campaign)
        with count_queries() as counter:
            assert run_drain(app, DRAIN_TIME).sent == size
        counts.append(
            {
                name: sum(1 for s in counter.statements if pattern.search(s))
                for name, pattern in _BATCH_LOADS.items()
            }
        )
    assert counts == [dict.fromkeys(_BATCH_LOADS, 1)] * 2, counts


def _broken_type(monkeypatch, failure: str):
    """A registered type whose context fails: a bug, or a query the database refuses."""
    import dataclasses

    from sqlalchemy import text

    from app.nudges import registry

    def context(render):
        if failure == "database":
            db.session.execute(text("SELECT no_such_column FROM no_such_table"))
        raise ValueError("a bug in the type")

    meet = registry.get_type("meet_ambassador")
    broken = dataclasses.replace(meet, key="broken_type", context=context)
    monkeypatch.setitem(registry._TYPES, "broken_type", broken)


@pytest.mark.parametrize(
    ("failure", "status"),
    # A bug would fail the same way again: dead. A database error may pass: retried.
    [("bug", OutboxStatus.dead), ("database", OutboxStatus.failed)],
)
def test_a_type_that_fails_is_recorded_and_the_others_still_go(
    app, dbs, make, mail_server, monkeypatch, failure, status
):
    _broken_type(monkeypatch, failure)
    org, _ambassador, (person, other), campaign = arrange(make, dbs, people=2)
    plan(app, org, campaign)
    row = next(r for r in nudge_rows(dbs, campaign_id=campaign.id) if r.user_id == person.id)
    row.nudge_type = "broken_type"
    dbs.commit()

    result = run_drain(app, DRAIN_TIME)

    assert result.sent == 1
    assert [m["To"] for m in mail_server.wait_for(1)] == [other.email]
    broken = next(r for r in nudge_rows(dbs) if r.user_id == person.id)
    assert (broken.status, broken.attempts) == (status, 1) and broken.last_error
    assert (broken.subject, broken.body_text, broken.body_html) == ("", "", None)
