"""Route modules of the unions blueprint."""

from . import (  # noqa: F401
    agreement_routes,
    caseload_routes,
    dashboard_routes,
    kpi_routes,
    offer_routes,
)
