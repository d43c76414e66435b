"""Placeholder: colleague sessions (F6), filled by issue 8."""

from . import bp  # noqa: F401
