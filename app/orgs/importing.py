"""CSV import of people and teams (A4): read, check, plan and apply; nothing half-imported.

``read_upload`` and ``parse_csv`` are pure: bytes or text in, rows and problems out.
``plan_import`` reads the organisation's people and teams and says what would change;
``apply_plan`` makes those changes through the services in ``services.py``. The route
commits once, and only when the plan has no problems.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from ..accounts.services import normalise_email
from .fte import out_of_range_message, parse_fte
from .models import COMPANY_ROLES, UNION_ROLES, OrgKind, Role

MAX_IMPORT_BYTES = 5 * 1024 * 1024
# Spreadsheet programs run cells that start with these as formulas (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@")
USERNAME_RE = re.compile(r"^[A-Za-z0-9._-]{3,60}$")
MAX_LENGTHS = {
    "name": 120,
    "email": 254,
    "username": 60,
    "team": 120,
    "parent_unit": 120,
    "job_title": 120,
    "roles": 200,
    "fte": 10,
}

# Column names as they may appear on line 1, after lower-casing and turning spaces and
# dashes into underscores; English and Dutch.
COLUMN_NAMES = {
    "name": ("name", "naam", "full_name", "volledige_naam"),
    "email": ("email", "e_mail", "email_address", "e_mail_address", "e_mailadres", "emailadres"),
    "username": ("username", "user_name", "gebruikersnaam"),
    "team": ("team", "teamnaam"),
    "parent_unit": ("parent_unit", "unit", "parent", "afdeling", "eenheid", "onderdeel"),
    "job_title": ("job_title", "job", "function", "functie", "functienaam"),
    "roles": ("roles", "role", "rollen", "rol"),
    "fte": ("fte", "part_time_factor", "deeltijdfactor", "deeltijd"),
}
_COLUMN_BY_NAME = {alias: key for key, aliases in COLUMN_NAMES.items() for alias in aliases}
ROLE_NAMES = {
    "employee": Role.employee,
    "medewerker": Role.employee,
    "ambassador": Role.ambassador,
    "ambassadeur": Role.ambassador,
    "learning_ambassador": Role.ambassador,
    "leerambassadeur": Role.ambassador,
    "manager": Role.manager,
    "leidinggevende": Role.manager,
    "admin": Role.admin,
    "beheerder": Role.admin,
    "rep": Role.rep,
    "vakbondsambassadeur": Role.rep,
    "coordinator": Role.coordinator,
    "coördinator": Role.coordinator,
}


def column_label(key: str) -> Any:
    labels = {
        "name": _l("name"),
        "email": _l("email"),
        "username": _l("username"),
        "email_or_username": _l("email or username"),
    }
    return labels.get(key, key)


def roles_for(kind: OrgKind) -> tuple[tuple[Role, ...], Role]:
    """The roles an import may give in this kind of organisation, and the role everyone has."""
    if kind == OrgKind.union:
        return UNION_ROLES, Role.rep
    return COMPANY_ROLES, Role.employee


def team_key(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class Problem:
    """Something that stops the import. ``line`` is None for the file as a whole."""

    message: Any  # a lazy string, translated when shown
    line: int | None = None
    column: str | None = None

    @property
    def text(self) -> str:
        """The message in the current language as plain text, so templates escape it.

        Jinja treats a lazy string as safe HTML (it has ``__html__``), and these messages
        quote cells from the uploaded file.
        """
        return str(self.message)


@dataclass
class ImportRow:
    line: int
    name: str = ""
    email: str = ""
    username: str = ""
    team: str = ""
    parent_unit: str = ""
    job_title: str = ""
    roles: tuple[str, ...] = ()
    fte: Decimal | None = None  # None: not in the file (new people work full time)


@dataclass
class ParsedFile:
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # column key -> name on line 1
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def file_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.line is None]

    def header(self, key: str) -> str | None:
        return self.headers.get(key)


def read_upload(data: bytes, max_bytes: int = MAX_IMPORT_BYTES) -> tuple[str, list[Problem]]:
    """The file's text (UTF-8, with or without BOM), or the reason it cannot be read."""
    if len(data) > max_bytes:
        return "", [
            Problem(
                _l(
                    "The file is larger than %(size)d MB. Split it into smaller files and "
                    "import them one after the other.",
                    size=max_bytes // (1024 * 1024),
                )
            )
        ]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "", [
            Problem(
                _l(
                    "We cannot read the letters in this file. In your spreadsheet program, "
                    "choose Save as and then the type 'CSV UTF-8'. Then choose that file here."
                )
            )
        ]
    if "\x00" in text:
        return "", [Problem(_l("This is not a CSV file. Save your spreadsheet as 'CSV UTF-8'."))]
    if not text.strip():
        return "", [Problem(_l("The file is empty."))]
    return text, []


def sniff_delimiter(text: str) -> str:
    """Comma or semicolon (Dutch Excel), judged from the line with the column names."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    if first.count(";") > first.count(","):
        return ";"
    if "," not in first and "\t" in first:
        return "\t"
    return ","


class UnreadableLine(Exception):
    """A record the CSV reader cannot read (e.g. a quote that is never closed)."""

    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


def csv_records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Non-empty records with the file line they start on (a quoted cell may span lines);
    raises ``UnreadableLine`` at a record the reader cannot read."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise UnreadableLine(line) from error
        if any(cell.strip() for cell in cells):
            yield line, cells
        line = reader.line_num + 1


def unreadable_line_problem(line: int) -> Problem:
    return Problem(_l("We cannot read line %(line)d. Save the file as 'CSV UTF-8'.", line=line))


def starts_like_formula(raw: str) -> bool:
    """A cell a spreadsheet program could run as a formula (CSV injection)."""
    return raw.startswith(("\t", "\r", "\n")) or raw.strip().startswith(FORMULA_STARTS)


FORMULA_MESSAGE = _l(
    "A cell may not start with =, +, -, @, a tab or a line break: spreadsheet "
    "programs could run it as a formula. Remove that first character."
)


def map_header(header: list[str], column_by_name: dict[str, str], parsed) -> dict[str, int]:
    """Column key -> index for a file's first line, by the names in ``column_by_name``
    (capitals, spaces and dashes ignored). Unknown names go to ``parsed.ignored_columns``,
    a column named twice to ``parsed.problems``; ``parsed.headers`` keeps each key's name
    as written. Shared by the people import and the production values import."""
    columns: dict[str, int] = {}
    for index, raw in enumerate(header):
        written = raw.strip().lstrip("\ufeff").strip()
        key = column_by_name.get(re.sub(r"[\s\-]+", "_", written.lower()))
        if key is None:
            if written:
                parsed.ignored_columns.append(written)
        elif key in columns:
            parsed.problems.append(
                Problem(_l("Line 1 names the column %(column)s twice.", column=written))
            )
        else:
            columns[key] = index
            parsed.headers[key] = written
    return columns


def _map_columns(header: list[str], parsed: ParsedFile) -> dict[str, int]:
    columns = map_header(header, _COLUMN_BY_NAME, parsed)
    missing = [k for k in ("name",) if k not in columns]
    if "email" not in columns and "username" not in columns:
        missing.append("email_or_username")
    if missing:
        parsed.problems.append(
            Problem(
                _l(
                    "Line 1 of the file must hold the column names. These columns are "
                    "missing: %(columns)s.",
                    columns=", ".join(str(column_label(k)) for k in missing),
                )
            )
        )
    return columns


def parse_csv(text: str, kind: OrgKind = OrgKind.company, max_rows: int = 5000) -> ParsedFile:
    """Read the rows of an import file and check each cell on its own and the file as a whole."""
    parsed = ParsedFile()
    delimiter = sniff_delimiter(text)
    records = csv_records(text, delimiter)
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
                            "The file has more than %(max)d people. Split it into smaller "
                            "files and import them one after the other.",
                            max=max_rows,
                        )
                    )
                )
                return parsed
            parsed.rows.append(_parse_row(line, cells, columns, len(first[1]), parsed, kind))
    except UnreadableLine as error:
        parsed.problems.append(unreadable_line_problem(error.line))
        return parsed
    if not parsed.rows:
        parsed.problems.append(Problem(_l("The file has no people in it, only column names.")))
        return parsed
    _check_duplicates(
        parsed,
        "email",
        lambda lines: _l("This e-mail address is also on line %(lines)s.", lines=lines),
    )
    _check_duplicates(
        parsed,
        "username",
        lambda lines: _l("This username is also on line %(lines)s.", lines=lines),
    )
    _check_units(parsed)
    parsed.problems.sort(key=lambda p: (p.line or 0))
    return parsed


def _parse_row(
    line: int,
    cells: list[str],
    columns: dict[str, int],
    width: int,
    parsed: ParsedFile,
    kind: OrgKind,
) -> ImportRow:
    row = ImportRow(line=line)

    def problem(key: str | None, message) -> None:
        parsed.problems.append(Problem(message, line, parsed.header(key) if key else None))

    refused = set()
    for key, index in columns.items():
        raw = cells[index] if index < len(cells) else ""
        if starts_like_formula(raw):
            refused.add(key)
            problem(key, FORMULA_MESSAGE)
            continue
        value = " ".join(raw.split())
        if len(value) > MAX_LENGTHS[key]:
            refused.add(key)
            problem(key, _l("This is too long: at most %(max)d characters.", max=MAX_LENGTHS[key]))
            continue
        if key == "roles":
            if value:
                row.roles = _parse_roles(value, kind, lambda message: problem("roles", message))
        elif key == "fte":
            row.fte = parse_fte(value) if value else None
            if value and row.fte is None:
                problem("fte", out_of_range_message())
        else:
            setattr(row, key, value)
    if len(cells) > width and any(cell.strip() for cell in cells[width:]):
        problem(None, _l("This line has more cells than line 1 has column names."))
    if not row.name and "name" not in refused:
        problem("name", _l("Fill in a name."))
    if not row.email and not row.username and not refused & {"email", "username"}:
        problem(
            "email" if "email" in columns else "username",
            _l("Fill in an e-mail address or a username."),
        )
    if row.email:
        try:
            validate_email(row.email, check_deliverability=False)
        except EmailNotValidError:
            problem("email", _l("This is not an e-mail address."))
        row.email = normalise_email(row.email)
    if row.username and not USERNAME_RE.match(row.username):
        problem(
            "username",
            _l("A username has 3 to 60 characters: letters, digits, dots, dashes or underscores."),
        )
    return row


def _parse_roles(value: str, kind: OrgKind, problem: Callable[[Any], None]) -> tuple[str, ...]:
    """Role names (English or Dutch) to roles; unknown ones are reported, not guessed."""
    allowed, _base = roles_for(kind)
    roles = []
    for word in (w.strip() for w in re.split(r"[;,]", value)):
        if not word:
            continue
        role = ROLE_NAMES.get(re.sub(r"[\s\-]+", "_", word.casefold()))
        if role not in allowed:
            if kind == OrgKind.union:
                problem(_l("Unknown role: %(role)s. Use rep, coordinator or admin.", role=word))
            else:
                problem(
                    _l(
                        "Unknown role: %(role)s. Use employee, ambassador, manager or admin.",
                        role=word,
                    )
                )
            continue
        roles.append(str(role))
    return tuple(sorted(set(roles)))


def _check_duplicates(parsed: ParsedFile, attribute: str, message: Callable[[str], Any]) -> None:
    """Every line with a value that is on another line too names those other lines."""
    lines_by_value: dict[str, list[int]] = defaultdict(list)
    for row in parsed.rows:
        value = getattr(row, attribute)
        if value:
            lines_by_value[value.casefold()].append(row.line)
    for lines in lines_by_value.values():
        for line in lines if len(lines) > 1 else ():
            others = [str(other) for other in lines if other != line]
            # A few are enough to find them; listing thousands would bloat the page.
            others = ", ".join(others[:5]) + (", …" if len(others) > 5 else "")
            parsed.problems.append(Problem(message(others), line, parsed.header(attribute)))


def _check_units(parsed: ParsedFile) -> None:
    """A unit needs a team; a team is not its own unit; a team has one unit in the whole file."""
    first_unit: dict[str, tuple[str, int]] = {}
    for row in parsed.rows:
        column = parsed.header("parent_unit")
        if row.parent_unit and not row.team:
            parsed.problems.append(
                Problem(_l("Fill in a team too, or leave the unit empty."), row.line, column)
            )
        elif row.team and row.parent_unit:
            if team_key(row.team) == team_key(row.parent_unit):
                parsed.problems.append(
                    Problem(_l("A team cannot be its own unit."), row.line, column)
                )
                continue
            unit, line = first_unit.setdefault(team_key(row.team), (row.parent_unit, row.line))
            if team_key(unit) != team_key(row.parent_unit):
                parsed.problems.append(
                    Problem(
                        _l(
                            "On line %(line)d, team %(team)s is part of %(unit)s.",
                            line=line,
                            team=row.team,
                            unit=unit,
                        ),
                        row.line,
                        column,
                    )
                )
