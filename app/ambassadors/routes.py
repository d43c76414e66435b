"""Route modules of the ambassadors blueprint."""

from . import (  # noqa: F401
    conversation_routes,
    directory_routes,
    facility_routes,
    manage_routes,
    report_routes,
)
