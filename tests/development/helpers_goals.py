"""Helpers shared by the goals, learning-log and evidence tests."""

from __future__ import annotations

import html
import re
import secrets
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from app.development.models import Goal, GoalStep, LearningKind, LearningLogEntry
from tests.conftest import csrf_token
from tests.conftest import normalised_body as normalised  # noqa: F401 (used by tests)

HX = {"HX-Request": "true"}
TOKEN_RE = re.compile(r'name="client_token"(?: type="hidden")? value="([^"]+)"')

# Small but real files: each starts with the bytes that say what it is.
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001"
    "0d0a2db40000000049454e44ae426082"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


def url(org, path: str = "") -> str:
    return f"/o/{org.slug}/development/{path}"


def text_of(response) -> str:
    """The page as text, with HTML entities turned back into characters."""
    return html.unescape(response.get_data(as_text=True))


def english(client) -> None:
    client.post("/language", data={"locale": "en", "csrf_token": csrf_token(client)})


def client_token(page: str) -> str:
    match = TOKEN_RE.search(page)
    assert match, "no client_token in the form"
    return match.group(1)


def send(client, org, path: str, data: dict | None = None, headers: dict | None = None, **kw):
    """POST to a development URL with a valid CSRF token."""
    data = dict(data or {})
    data["csrf_token"] = csrf_token(client, url(org, "goals"))
    return client.post(path, data=data, headers=headers or {}, **kw)


def session_of(make):
    return make.OrganisationFactory._meta.sqlalchemy_session


def instance_dir(session) -> Path:
    """The INSTANCE_DIR of the app under test that uses this session's database.

    Object makers get only the factories (bound to the owner session), not the app; the
    evidence files they make must lie where that app looks. Flask-SQLAlchemy keeps the
    apps it serves, so the app is found by its database.
    """
    from app.extensions import db

    owner_url = session.get_bind().url
    for app in list(db._app_engines):  # noqa: SLF001 (see the docstring)
        configured = app.config.get("DATABASE_OWNER_URL")
        if configured and make_url(configured) == owner_url:
            return Path(app.config["INSTANCE_DIR"])
    raise LookupError("no app under test uses this database")


def first_admin_id(session, org) -> int | None:
    """The organisation's first active admin: the person who crawls in the isolation test."""
    from app.orgs.models import Membership, MembershipRole, Role

    return session.scalar(
        select(Membership.user_id)
        .join(MembershipRole, MembershipRole.membership_id == Membership.id)
        .where(
            Membership.org_id == org.id,
            Membership.active.is_(True),
            MembershipRole.role == str(Role.admin),
        )
        .order_by(Membership.id)
        .limit(1)
    )


def make_goal(session, org, user_id: int, title: str = "Reach truck", **values) -> Goal:
    steps = values.pop("steps", [])
    goal = Goal(
        org_id=org.id,
        user_id=user_id,
        title=title,
        why=values.pop("why", ""),
        client_token=secrets.token_hex(8),
        **values,
    )
    session.add(goal)
    session.flush()
    for position, text in enumerate(steps):
        session.add(
            GoalStep(org_id=org.id, goal_id=goal.id, user_id=user_id, text=text, position=position)
        )
    session.commit()
    return goal


def make_entry(
    session, org, user_id: int, title: str = "New scanner", **values
) -> LearningLogEntry:
    """A log entry; with ``evidence=bytes`` a file is stored where the app looks for it."""
    content = values.pop("evidence", None)
    entry = LearningLogEntry(
        org_id=org.id,
        user_id=user_id,
        title=title,
        kind=values.pop("kind", LearningKind.informal),
        minutes=values.pop("minutes", 60),
        in_work_time=values.pop("in_work_time", True),
        learned_on=values.pop("learned_on", date.today()),
        client_token=secrets.token_hex(8),
        **values,
    )
    if content is not None:
        key = secrets.token_hex(16)
        folder = instance_dir(session) / "evidence"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / key).write_bytes(content)
        entry.evidence_key = key
        entry.evidence_name = "certificate.pdf"
        entry.evidence_mimetype = "application/pdf"
        entry.evidence_size = len(content)
    session.add(entry)
    session.commit()
    return entry


@pytest.fixture(name="evidence_dir")
def evidence_dir_fixture(app) -> Path:
    """The evidence folder of the app, emptied first (other tests leave their files)."""
    folder = Path(app.config["INSTANCE_DIR"]) / "evidence"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())
