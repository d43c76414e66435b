"""Dates in the organisation's time zone (stored times are UTC)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def org_zone(org) -> ZoneInfo:
    try:
        return ZoneInfo(org.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Europe/Amsterdam")


def org_today(org, now: datetime) -> date:
    """The calendar date at ``now`` where the organisation is."""
    return now.astimezone(org_zone(org)).date()
