"""Recording production values (K2): one service for the page, the CSV import and the API.

``record_values`` checks every row first (metric, team, month, number, duplicates) and
writes only when none has a problem: all or nothing. Writing is an upsert on the unique
key (organisation, metric, team, month), so a double submit or a repeated file changes
nothing the second time.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from ..audit.services import record_audit
from ..db_types import utcnow
from ..extensions import db
from ..orgs.importing import Problem, team_key
from ..orgs.models import Team
from .models import ProductionMetric, ProductionValue, ValueSource

# The columns a problem may point at (the CSV import shows the file's own column names).
COLUMNS = ("metric", "team", "month", "value")
# Numeric(16, 4): twelve digits before the decimal sign, four after.
VALUE_LIMIT = Decimal(10) ** 12
PLACES = Decimal("0.0001")
CHUNK = 500  # rows per statement; SQLite allows a limited number of parameters

_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")
# A number as people type it: 1250, 12.5 or 12,5 (Dutch), maybe with a sign.
_NUMBER_RE = re.compile(r"^[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)$")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")

AUDIT_ACTIONS = {
    ValueSource.page: "production_values.entered",
    ValueSource.csv: "production_values.imported",
    ValueSource.api: "production_values.posted",
}


@dataclass(frozen=True)
class ValueRow:
    """One value to record, as the caller has it.

    ``line`` is the caller's reference, repeated in problems (the file line, the index in
    an API list, a team id on the page). ``metric`` and ``team`` are an id or a name;
    ``month`` is "YYYY-MM" or a date in the month; ``value`` is a number or the text as
    typed ("12,5" works). ``value`` None clears the value; empty text is a problem.
    """

    line: int
    metric: int | str
    team: int | str
    month: str | date
    value: Decimal | int | float | str | None


@dataclass(frozen=True)
class CheckedValue:
    line: int
    metric_id: int
    team_id: int
    month: date
    value: Decimal | None  # None: clear


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def parse_month(text: str) -> date | None:
    """The first day of the month "2026-11" (or "2026-11-01") names; None if it names none."""
    match = _MONTH_RE.match(text.strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if year < 1900 or not 1 <= month <= 12:
        return None
    if match.group(3) is not None:
        try:
            date(year, month, int(match.group(3)))
        except ValueError:
            return None
    return date(year, month, 1)


def parse_number(value: Decimal | int | float | str) -> Decimal | None:
    """A finite number rounded to four decimals, or None when it is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = _SPACES.sub("", value)
        if not _NUMBER_RE.match(text):
            return None
        value = text.replace(",", ".")
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not number.is_finite():
        return None
    if abs(number) >= VALUE_LIMIT:
        return number  # far too big to round to four decimals: the caller refuses it
    return number.quantize(PLACES, rounding=ROUND_HALF_UP)


class _Lookup:
    """The organisation's metrics and teams by id and by name (one query each)."""

    def __init__(self, org_id: int, team_ids: set[int] | None):
        metrics = db.session.execute(
            select(ProductionMetric.id, ProductionMetric.name, ProductionMetric.active).where(
                ProductionMetric.org_id == org_id
            )
        ).all()
        self.metric_by_id = {m.id: m for m in metrics}
        self.metric_by_name = {team_key(m.name): m for m in metrics}
        teams = db.session.execute(select(Team.id, Team.name).where(Team.org_id == org_id)).all()
        self.allowed_team_ids = team_ids
        self.team_by_id = {t.id: t for t in teams}
        self.team_by_name = {team_key(t.name): t for t in teams}

    def metric(self, ref: int | str):
        if isinstance(ref, int) and not isinstance(ref, bool):
            return self.metric_by_id.get(ref)
        return self.metric_by_name.get(team_key(str(ref)))

    def team(self, ref: int | str):
        if isinstance(ref, int) and not isinstance(ref, bool):
            return self.team_by_id.get(ref)
        return self.team_by_name.get(team_key(str(ref)))


def _named(ref: int | str) -> str:
    return str(ref).strip()


def check_values(
    org_id: int, rows: Sequence[ValueRow], today: date, team_ids: set[int] | None = None
) -> tuple[list[CheckedValue], list[Problem]]:
    """Every row checked against the organisation (two queries); problems by line."""
    if not rows:
        return [], []
    lookup = _Lookup(org_id, team_ids)
    this_month = first_of_month(today)
    problems: list[Problem] = []
    checked: list[CheckedValue] = []
    for row in rows:

        def problem(column: str | None, message, row: ValueRow = row) -> None:
            problems.append(Problem(message, row.line, column))

        before = len(problems)
        metric = lookup.metric(row.metric)
        if metric is None:
            if _named(row.metric):
                problem("metric", _l("There is no metric %(name)s.", name=_named(row.metric)))
            else:
                problem("metric", _l("Fill in the name of a metric."))
        elif not metric.active:
            problem(
                "metric",
                _l(
                    "The metric %(name)s is switched off. Switch it on first, or leave this "
                    "line out.",
                    name=metric.name,
                ),
            )
        team = lookup.team(row.team)
        if team is None:
            if _named(row.team):
                problem("team", _l("There is no team %(name)s.", name=_named(row.team)))
            else:
                problem("team", _l("Fill in the name of a team."))
        elif lookup.allowed_team_ids is not None and team.id not in lookup.allowed_team_ids:
            problem(
                "team",
                _l("You cannot fill in values for team %(name)s.", name=team.name),
            )
        month = _month_of(row.month)
        if month is None:
            problem("month", _l("Write the month as year and month, for example 2026-11."))
        elif month > this_month:
            problem(
                "month",
                _l("This month has not started yet. You can fill in values up to this month."),
            )
        value = None
        if row.value is not None:
            value = parse_number(row.value)
            if isinstance(row.value, str) and not row.value.strip():
                problem("value", _l("Fill in a number."))
            elif value is None:
                problem(
                    "value",
                    _l("This is not a number. Write a number like 1250 or 12,5."),
                )
            elif abs(value) >= VALUE_LIMIT:
                problem("value", _l("This number is too big."))
        if len(problems) == before:
            checked.append(CheckedValue(row.line, metric.id, team.id, month, value))
    _check_duplicates(checked, problems)
    problems.sort(key=lambda p: (p.line is not None, p.line or 0))
    return checked, problems


def _month_of(value: str | date) -> date | None:
    if isinstance(value, date):
        return first_of_month(value)
    return parse_month(str(value))


def _check_duplicates(checked: list[CheckedValue], problems: list[Problem]) -> None:
    """A metric, team and month twice in one go: which one counts would be a guess."""
    lines_by_key: dict[tuple, list[int]] = defaultdict(list)
    for value in checked:
        lines_by_key[(value.metric_id, value.team_id, value.month)].append(value.line)
    for lines in lines_by_key.values():
        for line in lines if len(lines) > 1 else ():
            others = [str(other) for other in lines if other != line]
            others = ", ".join(others[:5]) + (", …" if len(others) > 5 else "")
            problems.append(
                Problem(
                    _l(
                        "The same metric, team and month are also on line %(lines)s.",
                        lines=others,
                    ),
                    line,
                    None,
                )
            )


def record_values(
    org_id: int,
    rows: Sequence[ValueRow],
    source: ValueSource | str,
    actor_id: int | None,
    today: date,
    *,
    team_ids: set[int] | None = None,
) -> tuple[int, list[Problem]]:
    """Check every row, then write them all (or nothing): (values written, problems).

    ``today`` is the organisation's date (a later month is refused). ``team_ids`` limits
    the teams that may be filled in (a manager's teams); None allows every team. A value
    None clears that team's value for that month. Flushes; the caller commits.
    """
    source = ValueSource(source)
    checked, problems = check_values(org_id, rows, today, team_ids)
    if problems or not checked:
        return 0, problems
    now = utcnow()
    to_write = [v for v in checked if v.value is not None]
    to_clear = [v for v in checked if v.value is None]
    for chunk in _chunks(to_write):
        _upsert(org_id, chunk, source, actor_id, now)
    for chunk in _chunks(to_clear):
        db.session.execute(
            delete(ProductionValue)
            .where(
                ProductionValue.org_id == org_id,
                tuple_(
                    ProductionValue.metric_id, ProductionValue.team_id, ProductionValue.month
                ).in_([(v.metric_id, v.team_id, v.month) for v in chunk]),
            )
            .execution_options(synchronize_session=False)
        )
    metric_ids = {v.metric_id for v in checked}
    record_audit(
        org_id,
        actor_id,
        AUDIT_ACTIONS[source],
        object_type="ProductionMetric",
        object_id=next(iter(metric_ids)) if len(metric_ids) == 1 else None,
    )
    db.session.flush()
    return len(checked), []


def _chunks(values: list) -> Iterable[list]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _upsert(org_id: int, values: list[CheckedValue], source: ValueSource, actor_id, now) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(ProductionValue).values(
        [
            {
                "org_id": org_id,
                "metric_id": v.metric_id,
                "team_id": v.team_id,
                "month": v.month,
                "value": v.value,
                "source": source,
                "updated_by_id": actor_id,
                "updated_at": now,
            }
            for v in values
        ]
    )
    excluded = statement.excluded
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["org_id", "metric_id", "team_id", "month"],
            set_={
                "value": excluded.value,
                "source": excluded.source,
                "updated_by_id": excluded.updated_by_id,
                "updated_at": excluded.updated_at,
            },
        )
    )


def values_for_month(org_id: int, metric_id: int, month: date) -> dict[int, Decimal]:
    """team id -> value of one metric in one month (one query)."""
    rows = db.session.execute(
        select(ProductionValue.team_id, ProductionValue.value).where(
            ProductionValue.org_id == org_id,
            ProductionValue.metric_id == metric_id,
            ProductionValue.month == first_of_month(month),
        )
    )
    return {row.team_id: row.value for row in rows}


def fillable_teams(org_id: int, team_ids: set[int] | None) -> list[tuple[int, str]]:
    """(id, name) of the teams someone may fill in (``team_ids`` None: every team), by
    name (one query)."""
    statement = select(Team.id, Team.name).where(Team.org_id == org_id)
    if team_ids is not None:
        statement = statement.where(Team.id.in_(team_ids))
    statement = statement.order_by(func.lower(Team.name), Team.id)
    return [(row.id, row.name) for row in db.session.execute(statement)]
