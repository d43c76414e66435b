"""Routes of personal development: each area keeps its own module, imported here."""

from . import (  # noqa: F401
    badge_routes,
    budget_routes,
    check_routes,
    conversation_routes,
    goal_routes,
    hub_routes,
    log_routes,
    mydata_routes,
    skill_routes,
)
