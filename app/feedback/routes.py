"""Routes of the feedback feature."""

from . import bp  # noqa: F401
