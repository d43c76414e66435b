"""Every page of the careers feature: role profiles (admin), the career scan, the gaps."""

from . import admin_routes, gap_routes, scan_routes  # noqa: F401
