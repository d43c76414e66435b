"""CSV import of production values (K2): read, check, preview, and write all or nothing.

The file is read with the people import's pieces (``app.orgs.importing``: size, letters,
delimiter, records, formula cells, problems). Its columns are metric, team, month
(YYYY-MM) and value; line 1 names them in English or Dutch. Every line is then checked by
``values.check_values``, the same check the page and the API go through, and written by
``values.record_values`` only when no line has a problem.

Between the preview and "Import now" nothing is kept on the server: the preview form
carries the checked values (ids, month, number; small) and they are checked again in full
before anything is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..orgs.importing import (
    FORMULA_MESSAGE,
    Problem,
    UnreadableLine,
    csv_records,
    map_header,
    sniff_delimiter,
    starts_like_formula,
    unreadable_line_problem,
)
from ..orgs.models import Team
from .models import ProductionMetric, ProductionValue, ValueSource
from .values import CheckedValue, ValueRow, check_values, parse_number, record_values

MAX_VALUE_IMPORT_BYTES = 1024 * 1024
MAX_CELL = 120

COLUMN_NAMES = {
    "metric": ("metric", "metric_name", "kpi", "productiecijfer", "cijfer", "meetwaarde"),
    "team": ("team", "team_name", "teamnaam"),
    "month": ("month", "period", "maand", "periode"),
    "value": ("value", "number", "waarde", "getal", "aantal"),
}
_COLUMN_BY_NAME = {alias: key for key, aliases in COLUMN_NAMES.items() for alias in aliases}


@dataclass
class ValueFile:
    rows: list[ValueRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # column key -> name on line 1
    ignored_columns: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PreviewLine:
    line: int
    metric: str
    team: str
    month: date
    value: Decimal
    before: Decimal | None  # the value there is now (None: none yet)


@dataclass
class ValuePreview:
    problems: list[Problem] = field(default_factory=list)
    lines: list[PreviewLine] = field(default_factory=list)
    checked: list[CheckedValue] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.checked)

    @property
    def file_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.line is None]

    @property
    def row_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.line is not None]

    @property
    def new_count(self) -> int:
        return sum(1 for line in self.lines if line.before is None)

    @property
    def changed_count(self) -> int:
        return sum(1 for line in self.lines if line.before not in (None, line.value))

    @property
    def same_count(self) -> int:
        return sum(1 for line in self.lines if line.before == line.value)


def _map_columns(header: list[str], parsed: ValueFile) -> dict[str, int]:
    columns = map_header(header, _COLUMN_BY_NAME, parsed)
    missing = [key for key in COLUMN_NAMES if key not in columns]
    if missing:
        parsed.problems.append(
            Problem(
                _l(
                    "Line 1 of the file must hold the column names metric, team, month and "
                    "value. These columns are missing: %(columns)s.",
                    columns=", ".join(missing),
                )
            )
        )
    return columns


def parse_value_csv(text: str, max_rows: int = 5000) -> ValueFile:
    """The lines of a values file, with the problems of single cells and of the file."""
    parsed = ValueFile()
    records = csv_records(text, sniff_delimiter(text))
    try:
        first = next(records, None)
        if first is None:
            parsed.problems.append(Problem(_l("The file is empty.")))
            return parsed
        columns = _map_columns(first[1], parsed)
        if parsed.problems:
            return parsed
        for line, cells in records:
            if len(parsed.rows) >= max_rows:
                parsed.problems.append(
                    Problem(
                        _l(
                            "The file has more than %(max)d values. Split it into smaller "
                            "files and import them one after the other.",
                            max=max_rows,
                        )
                    )
                )
                return parsed
            row = _parse_row(line, cells, columns, len(first[1]), parsed)
            if row is not None:
                parsed.rows.append(row)
    except UnreadableLine as error:
        parsed.problems.append(unreadable_line_problem(error.line))
        return parsed
    if not parsed.rows and not parsed.problems:
        parsed.problems.append(Problem(_l("The file has no values in it, only column names.")))
    return parsed


def _parse_row(
    line: int, cells: list[str], columns: dict[str, int], width: int, parsed: ValueFile
) -> ValueRow | None:
    """The line as a ValueRow, or None when a cell is refused (reported)."""
    found: dict[str, str] = {}
    refused = False
    for key, index in columns.items():
        raw = cells[index] if index < len(cells) else ""
        # A number may start with - or +; anything else that could be a formula may not.
        if starts_like_formula(raw) and not (key == "value" and parse_number(raw) is not None):
            parsed.problems.append(Problem(FORMULA_MESSAGE, line, parsed.headers[key]))
            refused = True
            continue
        value = " ".join(raw.split())
        if len(value) > MAX_CELL:
            parsed.problems.append(
                Problem(
                    _l("This is too long: at most %(max)d characters.", max=MAX_CELL),
                    line,
                    parsed.headers[key],
                )
            )
            refused = True
            continue
        found[key] = value
    if len(cells) > width and any(cell.strip() for cell in cells[width:]):
        parsed.problems.append(
            Problem(_l("This line has more cells than line 1 has column names."), line)
        )
    if refused:
        return None
    return ValueRow(line, found["metric"], found["team"], found["month"], found["value"])


def _with_file_columns(problems: list[Problem], headers: dict[str, str]) -> list[Problem]:
    """Problems of ``check_values`` point at a column key; show the file's own name."""
    return [
        Problem(p.message, p.line, headers.get(p.column, p.column) if p.column else None)
        for p in problems
    ]


def preview_values(org_id: int, parsed: ValueFile, today: date) -> ValuePreview:
    """What importing the file would write, with every problem found (writes nothing)."""
    preview = ValuePreview(problems=list(parsed.problems), ignored_columns=parsed.ignored_columns)
    if preview.file_problems:
        return preview
    checked, problems = check_values(org_id, parsed.rows, today)
    preview.problems = sorted(
        [*preview.problems, *_with_file_columns(problems, parsed.headers)],
        key=lambda p: p.line or 0,
    )
    if not checked:
        return preview
    preview.checked = checked
    preview.lines = _preview_lines(org_id, checked)
    return preview


def _preview_lines(org_id: int, checked: list[CheckedValue]) -> list[PreviewLine]:
    """Each checked line with its metric and team name and the value there is now (three
    queries, whatever the number of lines)."""
    metric_ids = {v.metric_id for v in checked}
    months = {v.month for v in checked}
    metrics = dict(
        db.session.execute(
            select(ProductionMetric.id, ProductionMetric.name).where(
                ProductionMetric.org_id == org_id, ProductionMetric.id.in_(metric_ids)
            )
        ).all()
    )
    teams = dict(
        db.session.execute(
            select(Team.id, Team.name).where(
                Team.org_id == org_id, Team.id.in_({v.team_id for v in checked})
            )
        ).all()
    )
    now = {
        (row.metric_id, row.team_id, row.month): row.value
        for row in db.session.execute(
            select(
                ProductionValue.metric_id,
                ProductionValue.team_id,
                ProductionValue.month,
                ProductionValue.value,
            ).where(
                ProductionValue.org_id == org_id,
                ProductionValue.metric_id.in_(metric_ids),
                ProductionValue.month.in_(months),
            )
        )
    }
    return [
        PreviewLine(
            v.line,
            metrics.get(v.metric_id, ""),
            teams.get(v.team_id, ""),
            v.month,
            v.value,
            now.get((v.metric_id, v.team_id, v.month)),
        )
        for v in checked
    ]


# --- the checked values between the preview and "Import now" ---------------------------------


def encode_checked(checked: list[CheckedValue]) -> str:
    """One checked value per line: "line metric-id team-id YYYY-MM value"."""
    return "\n".join(
        f"{v.line} {v.metric_id} {v.team_id} {v.month:%Y-%m} {v.value}" for v in checked
    )


_ENCODED_RE = re.compile(
    r"^(\d{1,9}) (\d{1,10}) (\d{1,10}) (\d{4}-\d{2}) (-?\d{1,13}(?:\.\d{1,4})?)$"
)


def decode_rows(text: str) -> list[ValueRow] | None:
    """The rows ``encode_checked`` wrote, to be checked again; None if the text is not that."""
    rows = []
    for raw in (text or "").splitlines():
        match = _ENCODED_RE.match(raw.strip())
        if match is None:
            return None
        line, metric, team, month, value = match.groups()
        rows.append(ValueRow(int(line), int(metric), int(team), month, value))
    return rows or None


def import_values(
    org_id: int, rows: list[ValueRow], actor_id: int | None, today: date
) -> tuple[int, list[Problem]]:
    """Write the previewed values (checked again in full first): all or nothing."""
    return record_values(org_id, rows, ValueSource.csv, actor_id, today)
