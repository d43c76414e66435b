"""Route modules of the manager KPIs blueprint: importing one attaches its routes to ``bp``.
Add each feature's route module to this list."""

from . import (
    dashboard_routes,  # noqa: F401
    metric_routes,  # noqa: F401
    target_routes,  # noqa: F401
    value_routes,  # noqa: F401
)
