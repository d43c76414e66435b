"""Alembic environment. Migrations run as the database owner (DATABASE_OWNER_URL if set)."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy import create_engine, text

config = context.config
if config.config_file_name and not logging.getLogger().handlers:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db


def owner_url() -> str:
    url = current_app.config.get("DATABASE_OWNER_URL")
    if url:
        return url
    return target_db.engine.url.render_as_string(hide_password=False)


# Tables no migration manages: APScheduler's job store (`flask scheduler run` creates it).
UNMANAGED_TABLES = {"apscheduler_jobs"}


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Leave unmanaged tables (and their indexes) out of autogenerate."""
    table = obj if type_ == "table" else getattr(obj, "table", None)
    return getattr(table, "name", name) not in UNMANAGED_TABLES


def grant_app_role(connection) -> None:
    """Let the app's login role read and write every table, without owning any."""
    role = current_app.config.get("DATABASE_APP_ROLE")
    if connection.dialect.name != "postgresql" or not role:
        return
    quoted = connection.dialect.identifier_preparer.quote(role)
    connection.execute(text(f"GRANT USAGE ON SCHEMA public TO {quoted}"))  # noqa: S608
    connection.execute(
        text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}")
    )
    connection.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}"))
    connection.execute(text(f"REVOKE ALL ON TABLE alembic_version FROM {quoted}"))
    # The report and planning functions run as the owner (SECURITY DEFINER): only the
    # app's role may call them, not every role on the server (PostgreSQL's default).
    connection.execute(text("REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC"))
    connection.execute(text(f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {quoted}"))


def run_migrations_offline():
    context.configure(
        url=owner_url(),
        target_metadata=target_db.metadata,
        literal_binds=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    conf_args.setdefault("compare_type", True)
    conf_args.setdefault("include_object", include_object)
    engine = create_engine(owner_url())
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=target_db.metadata,
                **conf_args,
            )
            with context.begin_transaction():
                context.run_migrations()
                grant_app_role(connection)
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
