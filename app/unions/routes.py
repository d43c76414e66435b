"""Route modules of the unions blueprint (each area adds its module here)."""

from . import offer_routes  # noqa: F401
from . import scope  # noqa: F401
from . import dashboard_routes  # noqa: F401
from . import agreement_routes  # noqa: F401
from . import caseload_routes  # noqa: F401
