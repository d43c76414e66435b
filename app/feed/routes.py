"""Routes of the feed feature."""

from . import bp  # noqa: F401
