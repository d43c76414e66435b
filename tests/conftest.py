"""Shared fixtures: the app on a real database, a real SMTP server, clients and sign-in.

Test data is arranged through ``dbs`` (a session on the owner connection, which on
PostgreSQL bypasses row-level security like a DBA would). Everything under test runs
through the app, which connects as the non-owner app role. Every test starts from empty
tables.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from app import create_app
from app.config import TestConfig
from app.extensions import db, limiter

from . import backend
from .factories import bind_factories
from .mailserver import MailServer


@event.listens_for(Engine, "connect")
def _sqlite_without_fsync(dbapi_connection, connection_record) -> None:
    """Test databases need not survive a power cut: no fsync on each SQLite commit (it was
    about half the time of a test that commits a few times). Locking is unchanged."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous = OFF")
        cursor.close()


def pytest_report_header(config) -> str:
    return backend.describe()


@pytest.fixture(scope="session")
def database() -> Iterator[backend.Database]:
    database = backend.start()
    try:
        yield database
    finally:
        database.stop()


@pytest.fixture(scope="session")
def mail_server() -> Iterator[MailServer]:
    server = MailServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def app(database, mail_server, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        {
            **{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
            "SQLALCHEMY_DATABASE_URI": database.app_url,
            "DATABASE_OWNER_URL": database.owner_url,
            "DATABASE_APP_ROLE": database.app_role,
            "INSTANCE_DIR": instance,
            "MAIL_PORT": mail_server.port,
        }
    )
    with app.app_context():
        upgrade()
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def owner_engine(app, database):
    engine = create_engine(database.owner_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def table_names(app) -> list[str]:
    return [t.name for t in reversed(db.metadata.sorted_tables)]


def empty_tables(owner_engine, table_names) -> None:
    with owner_engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # DELETE, not TRUNCATE: a test leaves a few rows, and TRUNCATE of ~50 tables
            # (new files for each) cost 0.1 s per test, four minutes per run.
            conn.exec_driver_sql(
                "; ".join(f'DELETE FROM "{name}"' for name in table_names)  # noqa: S608
            )
        else:
            for name in table_names:
                conn.execute(text(f'DELETE FROM "{name}"'))  # noqa: S608 (fixed table names)


@pytest.fixture(scope="module")
def shared_data(owner_engine, table_names):
    """For a module whose tests share data made once (``pytestmark =
    pytest.mark.usefixtures("shared_data")``) and check that requests change nothing: the
    tables are emptied once after the module instead of after every test."""
    yield
    empty_tables(owner_engine, table_names)


@pytest.fixture(autouse=True)
def _clean_state(request, owner_engine, table_names, mail_server):
    """Every test starts with empty tables, an empty mailbox and fresh rate limits
    (the tables of a ``shared_data`` module: once the module is done)."""
    yield
    if "shared_data" not in request.fixturenames:
        empty_tables(owner_engine, table_names)
    mail_server.messages.clear()
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        with app.app_context():
            limiter.reset()


@pytest.fixture()
def dbs(owner_engine):
    """A session for arranging data and checking results (owner connection)."""
    session = sessionmaker(bind=owner_engine, expire_on_commit=False)()
    bind_factories(session)
    try:
        yield session
    finally:
        session.close()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def make(dbs):
    """Factories, bound to ``dbs``: ``make.org()``, ``make.member(org, roles=[...])``..."""
    from . import factories

    return factories


def login(client, user) -> None:
    """Sign ``user`` in on ``client`` the way a completed sign-in leaves the session."""
    now = datetime.now(UTC).timestamp()
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = f"{user.id}:{user.session_version}"
        session["_fresh"] = True
        session["signed_in_at"] = now
        session["seen_at"] = now


CSRF_RE = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


CSRF_VALUES = re.compile(
    r'(name="csrf_token"(?: type="hidden")? value=")[^"]+(")|("X-CSRFToken": ")[^"]+(")'
)


def without_csrf(body: str) -> str:
    """``body`` with its CSRF tokens masked: they carry a timestamp, so differ per request."""
    return CSRF_VALUES.sub(
        lambda m: (m.group(1) or m.group(3)) + "<csrf>" + (m.group(2) or m.group(4)), body
    )


def normalised_body(response, path: str) -> str:
    """The body without what differs by design: CSRF tokens and the requested path."""
    return without_csrf(response.get_data(as_text=True)).replace(path, "<path>")


def csrf_token(client, path: str = "/login") -> str:
    """A valid CSRF token for ``client``'s session, read from a page like a browser would."""
    response = client.get(path, follow_redirects=True)
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_form(client, url: str, data: dict | None = None, token_from: str = "/login", **kwargs):
    """POST a form with a valid CSRF token."""
    data = dict(data or {})
    data["csrf_token"] = csrf_token(client, token_from)
    return client.post(url, data=data, **kwargs)


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture()
def count_queries(app):
    """``with count_queries() as counter:`` counts SQL statements the app runs inside the block."""
    with app.app_context():
        engine = db.engine

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()

        def before(conn, cursor, statement, parameters, context, executemany):
            if "set_config" not in statement:
                counter.statements.append(statement)

        event.listen(engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counting
