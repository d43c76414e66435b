"""The managers' KPI dashboard (K1-K5): overview, dashboard per group, tiles, export."""

from __future__ import annotations

from . import bp  # noqa: F401
