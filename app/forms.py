"""Helpers shared by every feature's Flask-WTF forms."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms import SelectChoice

LANGUAGE_OPTIONS = (("nl", "Nederlands"), ("en", "English"))


def options(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """Choices for a select, radio or checkbox field from (value, label) pairs."""
    return [SelectChoice(str(value), label) for value, label in pairs]
