"""Migrations make exactly the models' schema, and every step can be undone and redone.

Runs on both backends. The session's database was made by ``flask db upgrade`` (the ``app``
fixture); the round trip runs on a fresh database of its own (a new SQLite file, or a second
PostgreSQL database) so it never disturbs other tests.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, make_url, text
from sqlalchemy.engine import Engine

from app import create_app
from app.extensions import db

from .backend import backend_name

FRESH_DB = "leercultuur_migrations"


def schema_drift(engine: Engine) -> list:
    """What autogenerate would put in a new migration (types compared too)."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_migrated_schema_matches_the_models(app, owner_engine):
    assert schema_drift(owner_engine) == [], "models and migrations differ: add a migration"


@pytest.fixture()
def fresh_database(database, owner_engine, tmp_path) -> Iterator[tuple[str, str]]:
    """(app URL, owner URL) of an empty database of its own."""
    if backend_name() == "sqlite":
        url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
        yield url, url
        return
    admin = owner_engine.execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {FRESH_DB} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {FRESH_DB}"))
    try:
        yield tuple(
            make_url(url).set(database=FRESH_DB).render_as_string(hide_password=False)
            for url in (database.app_url, database.owner_url)
        )
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {FRESH_DB} WITH (FORCE)"))


@pytest.fixture()
def fresh_app(app, fresh_database):
    app_url, owner_url = fresh_database
    fresh = create_app(
        {**app.config, "SQLALCHEMY_DATABASE_URI": app_url, "DATABASE_OWNER_URL": owner_url}
    )
    yield fresh
    with fresh.app_context():
        db.session.remove()
        db.engine.dispose()


def test_every_migration_downgrades_and_upgrades_again(fresh_app, fresh_database):
    owner = create_engine(fresh_database[1])
    try:
        with fresh_app.app_context():
            config = current_app.extensions["migrate"].migrate.get_config()
            script = ScriptDirectory.from_config(config)
            revisions = list(reversed(list(script.walk_revisions("base", "heads"))))
            assert revisions, "no migrations found"
            # Stairway: each step up, back down and up again, so every downgrade is tried
            # against the schema its own upgrade made.
            for revision in revisions:
                upgrade(revision=revision.revision)
                downgrade(revision="-1")
                upgrade(revision=revision.revision)
            assert schema_drift(owner) == []

            downgrade(revision="base")
            owner.dispose()
            assert set(inspect(owner).get_table_names()) <= {"alembic_version"}

            upgrade()
            owner.dispose()
            assert schema_drift(owner) == []
            # The app's own connection works on the rebuilt schema (grants are back).
            assert db.session.scalar(text("SELECT count(*) FROM teams")) == 0
            db.session.rollback()
            if backend_name() == "postgresql":
                with owner.connect() as conn:
                    forced = conn.scalar(
                        text("SELECT relforcerowsecurity FROM pg_class WHERE relname = 'teams'")
                    )
                assert forced is True
    finally:
        owner.dispose()
