"""A real SMTP server (aiosmtpd) on a free local port, collecting what it receives."""

from __future__ import annotations

import email
import email.policy
import time
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from .backend import free_port


class _Collector(Message):
    def __init__(self, messages: list[EmailMessage]):
        super().__init__(message_class=EmailMessage)
        self.messages = messages

    def handle_message(self, message) -> None:
        self.messages.append(
            email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
        )


class MailServer:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.port = free_port()
        self.controller = Controller(
            _Collector(self.messages), hostname="127.0.0.1", port=self.port
        )

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def wait_for(self, count: int = 1, timeout: float = 5.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.messages)


def body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""
