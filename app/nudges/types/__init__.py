"""Every nudge type; importing this package registers them all (see ../registry.py)."""

from . import (
    feedback_loop,  # noqa: F401
    follow_up,  # noqa: F401
    goal_reminder,  # noqa: F401
    kpi_off_target,  # noqa: F401
    manager_conversations,  # noqa: F401
    manager_recognise,  # noqa: F401
    meet_ambassador,  # noqa: F401
    skill_gap,  # noqa: F401
    small_step,  # noqa: F401
    social_norm,  # noqa: F401
    team_digest,  # noqa: F401
)
