"""Route modules of the unions blueprint (each area adds its module here)."""

from . import scope  # noqa: F401
