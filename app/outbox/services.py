"""Queueing and draining the outbox.

States: pending -> sending -> sent | failed (retried at ``next_attempt_at``) | dead.
A row stuck in ``sending`` past its lease is picked up again. SMTP 4xx and connection
errors are retried with exponential back-off and jitter; 5xx is permanent.

Nudge rows (``nudge_type`` set) are rendered into memory just before sending by
``app.nudges.delivery`` and never hold their text (subject and body stay empty, also when
the send fails); they may also end as ``skipped`` (no longer relevant), go back to
``pending`` until quiet hours end, or go to the notification centre (in-app rows).
"""

from __future__ import annotations

import logging
import random
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from ..db_utils import insert_or_ignore
from ..extensions import db
from ..mail import build_message, open_connection, render_mail
from ..nudges.delivery import NudgeBatch, Prepared, forget_text
from .models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8
BASE_DELAY_SECONDS = 30


def queue_mail(key: str, to: str, template: str, locale: str, kind: str, **context) -> bool:
    """Render a templated mail and add it to the outbox; a second call with the same key is a no-op.

    Returns True when a new row was added.
    """
    rendered = render_mail(template, locale, **context)
    values = dict(
        key=key,
        kind=kind,
        to_address=to,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        status=OutboxStatus.pending,
        attempts=0,
        next_attempt_at=context.get("now") or _now(),
    )
    return insert_or_ignore(OutboxMessage, values, ["key"]) is not None


def _now() -> datetime:
    from ..db_types import utcnow

    return utcnow()


def claim_due(now: datetime, limit: int = 50) -> list[int]:
    """Mark due rows as sending (with a lease) and return their ids. Safe with several
    drainers: on PostgreSQL the select skips rows another drainer has locked; on SQLite
    (no row locks) the update checks again that each row is still due and returns only
    the rows this drainer changed, so two drainers never claim the same row."""
    claimable = or_(
        OutboxMessage.status.in_([OutboxStatus.pending, OutboxStatus.failed])
        & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == OutboxStatus.sending) & (OutboxMessage.lease_until < now),
    )
    due = (
        select(OutboxMessage.id)
        .where(claimable)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(due))
    if ids:
        ids = list(
            db.session.scalars(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids), claimable)
                .values(status=OutboxStatus.sending, lease_until=now + LEASE)
                .returning(OutboxMessage.id)
                .execution_options(synchronize_session=False)
            )
        )
    db.session.commit()
    return sorted(ids)


@dataclass
class DrainResult:
    sent: int = 0
    failed: int = 0
    dead: int = 0
    skipped: int = 0  # nudges no longer relevant when it was time to send
    waiting: int = 0  # nudge e-mails held back until quiet hours end


def _backoff(attempts: int) -> timedelta:
    delay = BASE_DELAY_SECONDS * (2 ** (attempts - 1))
    return timedelta(seconds=min(delay, 6 * 3600) * random.uniform(0.8, 1.2))


def _is_permanent(error: Exception) -> bool:
    code = getattr(error, "smtp_code", None)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [c for c, _ in error.recipients.values()]
        code = min(codes) if codes else None
    return code is not None and 500 <= code < 600


# The server cannot be reached or stopped answering: the rest of the batch is not tried.
UNREACHABLE = (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)


class _Sender:
    """The console, or one SMTP connection for the whole batch, opened on first use.

    Once the server cannot be reached (down, or silent until the timeout), the other
    e-mails of the batch fail at once with the same reason instead of waiting for the
    timeout one by one (so a batch never outlives its lease).
    """

    def __init__(self) -> None:
        self.console = current_app.config["MAIL_TRANSPORT"] == "console"
        self.connection = None
        self.unreachable: Exception | None = None

    def send(self, row: OutboxMessage, prepared: Prepared) -> None:
        """Send the row's mail, or the nudge rendered in memory (``prepared.mail``)."""
        mail = prepared.mail
        subject, text, html = (
            (mail.subject, mail.text, mail.html)
            if mail is not None
            else (row.subject, row.body_text, row.body_html)
        )
        if self.console:
            log.info("mail to=%s subject=%s\n%s", row.to_address, subject, text)
            return
        if self.unreachable is not None:
            error = self.unreachable
            raise smtplib.SMTPServerDisconnected(f"not tried: {type(error).__name__}: {error}")
        if self.connection is None:
            self.connection = open_connection().__enter__()
        message = build_message(row.to_address, subject, text, html, row.key, prepared.headers)
        self.connection.send(message)

    def close(self) -> None:
        if self.connection is not None:
            _close_quietly(self.connection)
            self.connection = None


def drain(now: datetime, limit: int = 50) -> DrainResult:
    """Send what is due now; every outcome is recorded on its row."""
    result = DrainResult()
    ids = claim_due(now, limit)
    if not ids:
        return result
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))).all()
    nudges = NudgeBatch(rows, now)
    sender = _Sender()
    try:
        for row in rows:
            outcome = _deliver(row, nudges, sender, now)
            setattr(result, outcome, getattr(result, outcome) + 1)
            db.session.commit()
    finally:
        sender.close()
    return result


def _deliver(row: OutboxMessage, nudges: NudgeBatch, sender: _Sender, now: datetime) -> str:
    """Send one row (a nudge is rendered first) and record what happened; returns the
    outcome: sent, failed, dead, skipped or waiting."""
    try:
        prepared = nudges.prepare(row) if row.nudge_type is not None else Prepared()
        if prepared.outcome:
            return prepared.outcome
        sender.send(row, prepared)
    except Exception as error:  # noqa: BLE001  (any failure is recorded on the row)
        return _record_failure(row, error, sender, now)
    row.attempts += 1
    row.status = OutboxStatus.sent
    row.sent_at = now
    row.lease_until = None
    row.last_error = None
    # Sign-in links are secrets: once sent, keep the record (and the subject) but not the
    # body. (A nudge row never held its text: it was rendered into memory.)
    row.body_text = ""
    row.body_html = None
    return "sent"


def _record_failure(row: OutboxMessage, error: Exception, sender: _Sender, now: datetime) -> str:
    if isinstance(error, SQLAlchemyError):
        # Reading a nudge's context failed: start a clean transaction for the record.
        db.session.rollback()
    if row.nudge_type is not None:
        forget_text(row)  # also after the rollback reloaded the row
    row.attempts += 1
    row.last_error = f"{type(error).__name__}: {error}"[:500]
    row.lease_until = None
    # Errors other than SMTP, network and database ones (a bad header, an encoding error)
    # would fail the same way again: the row is dead at once.
    transient = isinstance(error, (smtplib.SMTPException, OSError, SQLAlchemyError))
    if isinstance(error, UNREACHABLE) and sender.unreachable is None:
        sender.unreachable = error
    if not isinstance(error, smtplib.SMTPResponseException):
        sender.close()
    log.warning("mail %s not sent: %s", row.key, row.last_error)
    if not transient or _is_permanent(error) or row.attempts >= MAX_ATTEMPTS:
        row.status = OutboxStatus.dead
        return "dead"
    row.status = OutboxStatus.failed
    row.next_attempt_at = now + _backoff(row.attempts)
    return "failed"


def _close_quietly(connection) -> None:
    try:
        connection.__exit__(None, None, None)
    except (smtplib.SMTPException, OSError):
        pass


# Sent and dead mail is kept a while for the record (and "download my data"), then goes.
# Nudge rows stay: they are the effect report's people; they never hold a message's text.
MAIL_RECORD_DAYS = 90


def purge_old_mail(now: datetime) -> int:
    """Remove sent and dead e-mail (not nudges) older than MAIL_RECORD_DAYS; how many."""
    result = db.session.execute(
        delete(OutboxMessage)
        .where(
            OutboxMessage.nudge_type.is_(None),
            OutboxMessage.status.in_([OutboxStatus.sent, OutboxStatus.dead]),
            OutboxMessage.created_at < now - timedelta(days=MAIL_RECORD_DAYS),
        )
        .execution_options(synchronize_session=False)
    )
    log.info("outbox: %d sent or undeliverable e-mails removed", result.rowcount)
    return result.rowcount
