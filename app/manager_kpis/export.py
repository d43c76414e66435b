"""The dashboard's numbers as a CSV file (K5) and as JSON, the same numbers the page shows.

The CSV file follows the app's other CSV files: UTF-8 with a byte order mark (so Excel
reads it as UTF-8), in Dutch with ";" between cells and a decimal comma (as Dutch Excel
expects), in English with ",". Text that a spreadsheet would run as a formula (it starts
with =, +, - or @) gets a leading apostrophe. A hidden figure is written as "too few to
show", never as a number. A figure counted only for the whole company (talks with an
ambassador) is written for a team or department as "only counted for the whole company",
with the company's figure in the company column.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _

from ..orgs.importing import starts_like_formula
from .catalogue import Unit
from .dashboard import Dashboard, Kpi, Point
from .dashboard_format import status_words


def safe_text(text: str) -> str:
    """Text for a CSV cell that no spreadsheet program runs as a formula: the import's
    rule (``starts_like_formula``: =, +, - or @, also after spaces, or a tab or line
    break first) gets a leading apostrophe."""
    return "'" + text if starts_like_formula(text) else text


def _scaled(kpi: Kpi, value: float | Decimal | None) -> float | None:
    """The number in the unit the CSV names: a share as a percentage."""
    if value is None:
        return None
    value = float(value)
    return value * 100 if kpi.unit == Unit.share else value


def _number(kpi: Kpi, value: float | Decimal | None) -> str:
    scaled = _scaled(kpi, value)
    return "" if scaled is None else format_decimal(round(scaled, 2), "0.##")


def _unit(kpi: Kpi) -> str:
    if kpi.unit == Unit.share:
        return "%"
    if kpi.unit == Unit.hours:
        return _("hours per FTE")
    if kpi.unit == Unit.count:
        return _("number")
    return kpi.metric_unit


def _row(board: Dashboard, kpi: Kpi, point: Point) -> list[str]:
    too_few = _("too few to show")
    if kpi.org_only and not board.is_org and not point.suppressed:
        return [
            safe_text(board.group.name),
            point.period.token,
            safe_text(point.period.label()),
            safe_text(kpi.label),
            _("only counted for the whole company"),
            safe_text(_unit(kpi)),
            "",
            "",
            too_few if point.average_hidden else _number(kpi, point.average),
        ]
    return [
        safe_text(board.group.name),
        point.period.token,
        safe_text(point.period.label()),
        safe_text(kpi.label),
        too_few if point.suppressed else _number(kpi, point.value),
        safe_text(_unit(kpi)),
        _number(kpi, point.target),
        "" if point.suppressed else status_words(point.status),
        too_few if point.average_hidden else _number(kpi, point.average),
    ]


def dashboard_csv(org, board: Dashboard) -> tuple[str, str]:
    """(file name, text) of the dashboard's CSV file: a line per KPI and period of the
    trend, the chosen period last."""
    dutch = str(get_locale()) == "nl"
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if dutch else ",", lineterminator="\r\n")
    writer.writerow(
        [
            _("Group"),
            _("Period code"),
            _("Period"),
            _("Figure"),
            _("Value"),
            _("Unit"),
            _("Target"),
            _("Status"),
            _("Company average"),
        ]
    )
    for tile in board.tiles:
        for point in tile.points:
            writer.writerow(_row(board, tile.kpi, point))
    name = re.sub(r"[^a-z0-9]+", "-", board.group.name.lower()).strip("-") or "group"
    prefix = _("team-figures")
    filename = f"{prefix}-{org.slug}-{name}-{board.choice.period.token}.csv"
    return filename, "\ufeff" + out.getvalue()


def _float(value: float | Decimal | None) -> float | None:
    return None if value is None else float(value)


def series(board: Dashboard) -> dict:
    """The dashboard's numbers as JSON: shares as 0-1, hours per FTE, counts."""
    return {
        "group": {"key": board.group.key, "name": board.group.name},
        "kind": board.choice.kind.value,
        "period": board.choice.period.token,
        "periods": [p.token for p in board.choice.trend],
        "kpis": [
            {
                "key": tile.kpi.key,
                "section": tile.kpi.section,
                "label": tile.kpi.label,
                "unit": tile.kpi.unit,
                "metric_unit": tile.kpi.metric_unit,
                "higher_is_better": tile.kpi.higher_is_better,
                # No figure of its own for a team or department: "company_average" is
                # the whole company's figure.
                "org_only": tile.kpi.org_only,
                "points": [
                    {
                        "period": point.period.token,
                        "value": _float(point.value),
                        "suppressed": point.suppressed,
                        "target": _float(point.target),
                        "status": point.status,
                        "company_average": _float(point.average),
                        "company_average_suppressed": point.average_hidden,
                    }
                    for point in tile.points
                ],
            }
            for tile in board.tiles
        ],
    }
