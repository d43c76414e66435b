"""Reporting periods of the KPIs: calendar months and quarters.

A period is written in URLs and the API as a token: "2026-11" (November 2026) or
"2026-Q4" (the fourth quarter of 2026). The current period is open: its figures count up
to today; a period whose last day is before today is closed (and its figures cached).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import format_date, gettext

from .models import PeriodKind

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True, order=True)
class Period:
    kind: PeriodKind
    start: date
    end: date  # the last day (inclusive)

    @property
    def token(self) -> str:
        if self.kind == PeriodKind.quarter:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}-{self.start.month:02d}"

    def label(self) -> str:
        """ "november 2026" / "4e kwartaal 2026" (in the current locale)."""
        if self.kind == PeriodKind.quarter:
            return gettext(
                "Q%(quarter)s %(year)s",
                quarter=(self.start.month - 1) // 3 + 1,
                year=self.start.year,
            )
        return format_date(self.start, "LLLL y")

    def is_closed(self, today: date) -> bool:
        """The period is over on ``today`` (its figures will not change by time alone)."""
        return self.end < today

    def last_day(self, today: date) -> date:
        """The day the figures count up to: the period's end, or today while it is open."""
        return min(self.end, today)

    def previous(self) -> Period:
        return period_of(self.kind, self.start - timedelta(days=1))

    def next(self) -> Period:
        return period_of(self.kind, self.end + timedelta(days=1))


def _month_end(year: int, month: int) -> date:
    first_next = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return first_next - timedelta(days=1)


def period_of(kind: PeriodKind | str, day: date) -> Period:
    """The month or quarter ``day`` falls in."""
    kind = PeriodKind(kind)
    if kind == PeriodKind.quarter:
        first_month = 3 * ((day.month - 1) // 3) + 1
        return Period(kind, date(day.year, first_month, 1), _month_end(day.year, first_month + 2))
    return Period(kind, date(day.year, day.month, 1), _month_end(day.year, day.month))


def last_periods(kind: PeriodKind | str, today: date, count: int = 12) -> list[Period]:
    """The ``count`` periods up to and including the current one, oldest first."""
    periods = [period_of(kind, today)]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return periods[::-1]


def parse_period(token: str | None) -> Period | None:
    """The period a token names ("2026-11", "2026-Q4"), or None if it names none."""
    value = (token or "").strip()
    if m := _QUARTER.match(value):
        year = int(m.group(1))
        if year < 1900:
            return None
        return period_of(PeriodKind.quarter, date(year, 3 * int(m.group(2)) - 2, 1))
    if m := _MONTH.match(value):
        year, month = int(m.group(1)), int(m.group(2))
        if year < 1900 or not 1 <= month <= 12:
            return None
        return period_of(PeriodKind.month, date(year, month, 1))
    return None
