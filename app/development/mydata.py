"""Download my data (P2): everything about a person in one organisation, as JSON in a zip.

Built from the registry in ``data_registry.py``: one SELECT per entry, whatever the number
of rows. Other people are never named: each gets a pseudonym ("person-1") that is the same
in every file of one download and means nothing outside it.
"""

from __future__ import annotations

import enum
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select

from ..accounts.models import User
from ..audit.services import record_audit
from ..extensions import db
from ..orgs.models import Membership
from ..tenancy import OrgScoped
from .data_registry import REGISTRY, Entry, Person, user_columns
from .evidence import evidence_path
from .models import LearningLogEntry

YOU = "you"
# Keys in a notification's payload that hold a person's name (the kinds' templates read
# them). A key ending in "name" counts too, so a new kind is covered.
NAME_KEYS = frozenset(
    {"giver", "requester", "author", "actor", "person", "from", "confirmer", "manager"}
)
EXPORTED_ACTION = "data.exported"


class Pseudonyms:
    """Stable pseudonyms for other people within one download."""

    def __init__(self, person: Person, members: dict[str, int] | None = None) -> None:
        self.person = person
        self._given: dict[tuple, str] = {}
        # Names of the organisation's people: a name in a payload gets the same
        # pseudonym as that person's id elsewhere in the download.
        self.members = members or {}

    def _for(self, key: tuple) -> str:
        if key not in self._given:
            self._given[key] = f"person-{len(self._given) + 1}"
        return self._given[key]

    def user(self, user_id: int | None) -> str | None:
        if user_id is None:
            return None
        if user_id == self.person.id:
            return YOU
        return self._for(("user", user_id))

    def outsider(self, *values: str | None) -> str | None:
        """Someone known only by a name or an address (a named expert)."""
        if not any(values):
            return None
        mine = {self.person.name, self.person.email}
        if any(value in mine for value in values if value):
            return YOU
        return self._for(("outsider", *values))

    def name(self, value: str) -> str:
        if value == self.person.name:
            return YOU
        if value in self.members:
            return self.user(self.members[value])
        return self._for(("name", value))

    def is_member_name(self, value: object) -> bool:
        return isinstance(value, str) and value in self.members


@dataclass
class Export:
    """The JSON files of one download and the evidence files to put beside them."""

    files: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    evidence: list[tuple[str, Path]] = field(default_factory=list)

    def row_count(self) -> int:
        return sum(len(rows) for rows in self.files.values())

    def evidence_bytes(self) -> int:
        return sum(path.stat().st_size for _, path in self.evidence)


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return None
    return value


def _scrub_names(value: Any, pseudonyms: Pseudonyms) -> Any:
    """A JSON value with every person's name (by its key) replaced by a pseudonym."""
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            # By key, and any value that is exactly a colleague's name (a new kind's key).
            is_name = (
                key in NAME_KEYS or str(key).endswith("name") or pseudonyms.is_member_name(item)
            )
            if is_name and isinstance(item, str) and item:
                result[key] = pseudonyms.name(item)
            else:
                result[key] = _scrub_names(item, pseudonyms)
        return result
    if isinstance(value, list):
        return [_scrub_names(item, pseudonyms) for item in value]
    return _plain(value)


def _serialise(entry: Entry, obj: Any, extras: dict[str, Any], pseudonyms: Pseudonyms) -> dict:
    people = set(user_columns(entry.model))
    dropped = entry.dropped()
    outsider = pseudonyms.outsider(*(getattr(obj, n) for n in entry.text_pseudonyms))
    row: dict[str, Any] = {}
    for attribute in sa_inspect(entry.model).column_attrs:
        key = attribute.key
        if key in dropped:
            continue
        value = getattr(obj, key)
        if key in people:
            row[key] = pseudonyms.user(value)
        elif key in entry.text_pseudonyms:
            row[key] = outsider if value else None
        else:
            row[key] = _scrub_names(value, pseudonyms)
    for key, value in extras.items():
        row[key] = _plain(value)
    return row


_SUFFIX_RE = re.compile(r"\.([A-Za-z0-9]{1,8})$")


def _evidence_arcname(entry: LearningLogEntry) -> str:
    """``evidence/<log entry id>.<ext>``: the id and the type, never the person's file name."""
    match = _SUFFIX_RE.search(entry.evidence_name or "")
    suffix = f".{match.group(1).lower()}" if match else ""
    return f"evidence/{entry.id}{suffix}"


def collect_export(person: Person, org_id: int) -> Export:
    """Every row about ``person`` in organisation ``org_id``: one SELECT per registry entry."""
    members = dict(
        db.session.execute(
            select(User.name, User.id)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.org_id == org_id, User.id != person.id)
        ).all()
    )
    pseudonyms = Pseudonyms(person, members)
    export = Export()
    for entry in REGISTRY:
        extras = entry.extra() if entry.extra else {}
        statement = select(entry.model, *(v.label(k) for k, v in extras.items())).where(
            entry.where(person)
        )
        if issubclass(entry.model, OrgScoped):
            statement = statement.where(entry.model.org_id == org_id)
        rows = db.session.execute(statement.order_by(entry.model.id)).all()
        serialised = []
        for row in rows:
            obj, values = row[0], dict(zip(extras, row[1:], strict=True))
            item = _serialise(entry, obj, values, pseudonyms)
            if isinstance(obj, LearningLogEntry) and obj.evidence_key:
                path = evidence_path(obj.evidence_key)
                stored = path is not None and path.is_file()
                item["evidence_file"] = _evidence_arcname(obj) if stored else None
                if stored:
                    export.evidence.append((item["evidence_file"], path))
            serialised.append(item)
        export.files[entry.name] = serialised
    return export


def record_export(org_id: int, person: Person) -> None:
    """Note in the audit log that the person downloaded their data."""
    record_audit(org_id, person.id, EXPORTED_ACTION, subject_user_id=person.id)


def write_zip(export: Export, target: IO[bytes], readme: str, about: dict[str, Any]) -> None:
    """Write the download: a README, ``about.json``, one JSON file per entry, the evidence."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme)
        archive.writestr("about.json", _json(about))
        for name, rows in export.files.items():
            archive.writestr(f"{name}.json", _json(rows))
        for arcname, path in export.evidence:
            archive.write(path, arcname)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False)
