"""Routes of the offers feature."""

from . import bp  # noqa: F401
