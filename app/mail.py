"""E-mail: paired templates rendered into outbox rows, and SMTP with a timeout."""

from __future__ import annotations

import hashlib
import smtplib
from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mail import Connection, Message


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def render_mail(template: str, locale: str, /, **context) -> RenderedMail:
    """Render ``<template>.subject.txt``, ``.txt`` and ``.html`` in the person's language.

    ``template`` and ``locale`` are positional only, so the context may hold a ``locale``
    too (nudge templates use it for ``<html lang>``)."""
    with force_locale(locale):
        subject = render_template(f"{template}.subject.txt", **context)
        text = render_template(f"{template}.txt", **context)
        html = render_template(f"{template}.html", **context)
    return RenderedMail(subject=" ".join(subject.split()), text=text, html=html)


class TimeoutConnection(Connection):
    """Flask-Mail opens SMTP without a timeout; a silent server would hang a sender."""

    def configure_host(self):
        timeout = current_app.config["MAIL_TIMEOUT_SECONDS"]
        if self.mail.use_ssl:
            host = smtplib.SMTP_SSL(self.mail.server, self.mail.port, timeout=timeout)
        else:
            host = smtplib.SMTP(self.mail.server, self.mail.port, timeout=timeout)
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


def message_id_for(key: str) -> str:
    """A stable Message-ID derived from the outbox key, so a resend is recognisable."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    domain = current_app.config["MAIL_DEFAULT_SENDER"].rsplit("@", 1)[-1].strip(">") or "localhost"
    return f"<{digest}@{domain}>"


def open_connection() -> TimeoutConnection:
    """An SMTP connection with the app's mail settings and an explicit timeout."""
    return TimeoutConnection(current_app.extensions["mail"])


def build_message(
    to: str,
    subject: str,
    text: str,
    html: str | None,
    key: str,
    headers: dict[str, str] | None = None,
) -> Message:
    """A message whose Message-ID derives from ``key``; ``headers`` are added as they are
    (e.g. ``List-Unsubscribe`` on nudges)."""
    msg = Message(
        subject=subject, recipients=[to], body=text, html=html, extra_headers=headers or None
    )
    msg.msgId = message_id_for(key)
    return msg
