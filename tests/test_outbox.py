"""The outbox: e-mail is a row first; a drainer sends it to a real SMTP server, and no
failure loses a message (SMTP down, 4xx, 5xx, a server that never answers)."""

from __future__ import annotations

import socket
import threading
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller

from app.db_types import utcnow
from app.extensions import db
from app.outbox.models import OutboxMessage, OutboxStatus
from app.outbox.services import drain, queue_mail
from tests.backend import free_port


def enqueue(app, key="test:1", to="someone@example.org"):
    with app.app_context():
        added = queue_mail(
            key=key,
            to=to,
            template="accounts/emails/magic_link",
            locale="nl",
            kind="magic_link",
            link="http://localhost/login/link/x",
            name="Ali",
            minutes=15,
        )
        db.session.commit()
        db.session.remove()
    return added


def run_drain(app, now=None, **config):
    with app.app_context():
        saved = {k: app.config[k] for k in config}
        state = app.extensions["mail"]
        saved_port = state.port
        app.config.update(config)
        if "MAIL_PORT" in config:
            state.port = config["MAIL_PORT"]
        try:
            return drain(now or utcnow())
        finally:
            app.config.update(saved)
            state.port = saved_port
            db.session.remove()


def row(dbs, key="test:1") -> OutboxMessage:
    dbs.expire_all()
    return dbs.query(OutboxMessage).filter_by(key=key).one()


def test_same_key_queues_one_message(app, dbs):
    assert enqueue(app) is True
    assert enqueue(app) is False
    assert dbs.query(OutboxMessage).count() == 1


def test_message_is_delivered_once_with_a_stable_message_id(app, dbs, mail_server):
    enqueue(app)
    result = run_drain(app)
    assert result.sent == 1
    messages = mail_server.wait_for(1)
    assert len(messages) == 1
    assert messages[0]["Subject"] == "Je inloglink voor Leercultuur"
    assert messages[0]["Message-ID"].startswith("<") and "@" in messages[0]["Message-ID"]
    sent = row(dbs)
    assert sent.status == OutboxStatus.sent and sent.body_text == ""  # the link is not kept
    assert run_drain(app).sent == 0  # nothing sent twice
    assert len(mail_server.wait_for(2, timeout=0.3)) == 1


def test_smtp_down_keeps_the_message_for_later(app, dbs, mail_server):
    enqueue(app)
    down_port = free_port()  # nothing listens here
    result = run_drain(app, MAIL_PORT=down_port)
    assert result.failed == 1
    failed = row(dbs)
    assert failed.status == OutboxStatus.failed and failed.attempts == 1
    assert failed.next_attempt_at > utcnow()
    assert failed.last_error
    # Not due yet: nothing happens. Once due, it is sent to the real server.
    assert run_drain(app).sent == 0
    assert run_drain(app, now=utcnow() + timedelta(hours=1)).sent == 1
    assert len(mail_server.wait_for(1)) == 1


class _Refusing:
    def __init__(self, code: str):
        self.code = code

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook name)
        return self.code


@pytest.mark.parametrize(
    ("reply", "status"),
    [
        ("451 4.3.0 try again later", OutboxStatus.failed),
        ("550 5.1.1 no such user", OutboxStatus.dead),
    ],
)
def test_temporary_and_permanent_refusals(app, dbs, reply, status):
    port = free_port()
    controller = Controller(_Refusing(reply), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        enqueue(app)
        run_drain(app, MAIL_PORT=port)
    finally:
        controller.stop()
    refused = row(dbs)
    assert refused.status == status
    assert reply.split()[0] in refused.last_error
    if status == OutboxStatus.dead:
        # A permanent failure is never retried.
        assert run_drain(app, now=utcnow() + timedelta(days=2)).dead == 0
        assert row(dbs).attempts == 1


def test_a_server_that_never_answers_ends_within_the_timeout(app, dbs):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    accepted = []
    thread = threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True)
    thread.start()
    enqueue(app)
    started = time.monotonic()
    try:
        result = run_drain(app, MAIL_PORT=port, MAIL_TIMEOUT_SECONDS=1)
    finally:
        for conn, _addr in accepted:
            conn.close()
        listener.close()
    assert time.monotonic() - started < 5
    assert result.failed == 1
    assert row(dbs).status == OutboxStatus.failed


def test_a_row_stuck_in_sending_is_picked_up_after_its_lease(app, dbs, mail_server):
    enqueue(app)
    stuck = row(dbs)
    stuck.status = OutboxStatus.sending
    stuck.lease_until = utcnow() + timedelta(minutes=5)
    dbs.commit()
    assert run_drain(app).sent == 0
    assert run_drain(app, now=utcnow() + timedelta(minutes=6)).sent == 1
    assert len(mail_server.wait_for(1)) == 1


def test_web_requests_never_send_mail(app, client, make, mail_server):
    from tests.conftest import post_form

    make.member(make.org(), email="queued@example.org")
    post_form(client, "/login", {"email": "queued@example.org"})
    assert mail_server.wait_for(1, timeout=0.3) == []


def test_a_message_that_cannot_be_built_is_dead_and_does_not_stop_the_others(app, dbs, mail_server):
    enqueue(app, key="bad", to="broken\naddress@example.org")
    enqueue(app, key="good", to="fine@example.org")
    result = run_drain(app)
    assert (result.dead, result.sent) == (1, 1)
    assert row(dbs, "bad").status == OutboxStatus.dead and row(dbs, "bad").last_error
    assert [m["To"] for m in mail_server.wait_for(1)] == ["fine@example.org"]
