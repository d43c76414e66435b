"""How the KPI dashboard writes its numbers and words (in the current language): values
per unit, the status in words, short period names, plain numbers for the chart script."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import format_date, format_decimal, format_percent
from flask_babel import gettext as _

from .catalogue import Unit
from .models import PeriodKind
from .periods import Period

if TYPE_CHECKING:
    from .dashboard import Kpi


def format_value(kpi: Kpi, value: float | Decimal | None) -> str:
    """A KPI's number as the dashboard writes it (in the current language)."""
    if value is None:
        return ""
    if kpi.unit == Unit.share:
        return format_percent(float(value), "#,##0%")
    if kpi.unit == Unit.hours:
        return format_decimal(float(value), "#,##0.0")
    if kpi.unit == Unit.count:
        return format_decimal(float(value), "#,##0.#")
    return format_decimal(float(value), "#,##0.##")


def unit_words(kpi: Kpi) -> str:
    """What the number counts, after it: "hours per FTE", "orders"."""
    if kpi.unit == Unit.hours:
        return _("hours per FTE")
    if kpi.unit == "metric":
        return kpi.metric_unit
    return ""


def chart_number(kpi: Kpi, value: float | Decimal | None) -> str:
    """A number for the chart script (a share as a percentage, "." as decimal point)."""
    if value is None:
        return ""
    number = float(value) * (100 if kpi.unit == Unit.share else 1)
    return f"{round(number, 4):g}"


def short_period(period: Period) -> str:
    """A period in a few characters, for chart labels and table heads: "nov 26", "Q4 '26"."""
    if period.kind == PeriodKind.quarter:
        return _(
            "Q%(quarter)s '%(year)s",
            quarter=(period.start.month - 1) // 3 + 1,
            year=f"{period.start.year % 100:02d}",
        )
    return format_date(period.start, "MMM yy")


STATUS_WORDS = {
    "on_track": lambda: _("On track"),
    "close": lambda: _("Close to target"),
    "behind": lambda: _("Behind target"),
}


def status_words(status: str | None) -> str:
    return STATUS_WORDS[status]() if status in STATUS_WORDS else ""
