"""Placeholder: filled by the careers work (issue 8)."""

from . import bp  # noqa: F401
