"""Route modules of the ambassadors blueprint (each area adds its module here)."""

from . import access  # noqa: F401
