"""Queueing and draining the outbox.

States: pending -> sending -> sent | failed (retried at ``next_attempt_at``) | dead.
A row stuck in ``sending`` past its lease is picked up again. SMTP 4xx and connection
errors are retried with exponential back-off and jitter; 5xx is permanent.
"""

from __future__ import annotations

import logging
import random
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from ..db_utils import insert_or_ignore
from ..extensions import db
from ..mail import build_message, open_connection, render_mail
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
    """Mark due rows as sending (with a lease) and return their ids. Safe with several drainers."""
    due = (
        select(OutboxMessage.id)
        .where(
            or_(
                OutboxMessage.status.in_([OutboxStatus.pending, OutboxStatus.failed])
                & (OutboxMessage.next_attempt_at <= now),
                (OutboxMessage.status == OutboxStatus.sending) & (OutboxMessage.lease_until < now),
            )
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(due))
    if ids:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(status=OutboxStatus.sending, lease_until=now + LEASE)
        )
    db.session.commit()
    return ids


@dataclass
class DrainResult:
    sent: int = 0
    failed: int = 0
    dead: int = 0


def _backoff(attempts: int) -> timedelta:
    delay = BASE_DELAY_SECONDS * (2 ** (attempts - 1))
    return timedelta(seconds=min(delay, 6 * 3600) * random.uniform(0.8, 1.2))


def _is_permanent(error: Exception) -> bool:
    code = getattr(error, "smtp_code", None)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [c for c, _ in error.recipients.values()]
        code = min(codes) if codes else None
    return code is not None and 500 <= code < 600


def drain(now: datetime, limit: int = 50) -> DrainResult:
    """Send what is due now; every outcome is recorded on its row."""
    result = DrainResult()
    ids = claim_due(now, limit)
    if not ids:
        return result
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))).all()
    transport = current_app.config["MAIL_TRANSPORT"]
    connection = None
    try:
        for row in rows:
            try:
                if transport == "console":
                    log.info(
                        "mail to=%s subject=%s\n%s", row.to_address, row.subject, row.body_text
                    )
                else:
                    if connection is None:
                        connection = open_connection().__enter__()
                    connection.send(
                        build_message(
                            row.to_address, row.subject, row.body_text, row.body_html, row.key
                        )
                    )
            except Exception as error:  # noqa: BLE001  (any failure is recorded on the row)
                row.attempts += 1
                row.last_error = f"{type(error).__name__}: {error}"[:500]
                row.lease_until = None
                # Errors other than SMTP and network ones (a bad header, an encoding error)
                # would fail the same way again: the row is dead at once.
                transient = isinstance(error, (smtplib.SMTPException, OSError))
                if not transient or _is_permanent(error) or row.attempts >= MAX_ATTEMPTS:
                    row.status = OutboxStatus.dead
                    result.dead += 1
                else:
                    row.status = OutboxStatus.failed
                    row.next_attempt_at = now + _backoff(row.attempts)
                    result.failed += 1
                if not isinstance(error, smtplib.SMTPResponseException) and connection:
                    _close_quietly(connection)
                    connection = None
                log.warning("mail %s not sent: %s", row.key, row.last_error)
            else:
                row.attempts += 1
                row.status = OutboxStatus.sent
                row.sent_at = now
                row.lease_until = None
                row.last_error = None
                # Sign-in links are secrets: once sent, keep the record but not the body.
                row.body_text = ""
                row.body_html = None
                result.sent += 1
            db.session.commit()
    finally:
        if connection is not None:
            _close_quietly(connection)
    return result


def _close_quietly(connection) -> None:
    try:
        connection.__exit__(None, None, None)
    except (smtplib.SMTPException, OSError):
        pass
