"""Helpers shared by every feature's Flask-WTF forms."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms import SelectChoice

LANGUAGE_OPTIONS = (("nl", "Nederlands"), ("en", "English"))


def options(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """Choices for a select, radio or checkbox field from (value, label) pairs."""
    return [SelectChoice(str(value), label) for value, label in pairs]


MAX_ID = 2**31 - 1  # ids are 32-bit integers; larger numbers cannot name a row


def query_int(name: str, default: int | None = None) -> int | None:
    """A whole number from the query string, or ``default`` when missing, wrong or too big."""
    from flask import request

    value = request.args.get(name, type=int)
    if value is None or not 0 < value <= MAX_ID:
        return default
    return value
