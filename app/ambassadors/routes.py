"""Route modules of the ambassadors blueprint (each area adds its module here)."""

from . import access  # noqa: F401
from . import conversation_routes  # noqa: F401
from . import directory_routes  # noqa: F401
from . import manage_routes  # noqa: F401
from . import facility_routes, report_routes  # noqa: F401
