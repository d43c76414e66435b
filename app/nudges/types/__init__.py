"""Every nudge type; importing this package registers them all (see ../registry.py)."""

from . import meet_ambassador  # noqa: F401
