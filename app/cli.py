"""Command-line tools: `flask demo seed`, `flask outbox drain`, `flask data purge`."""

from __future__ import annotations

import time

import click
from flask import Flask
from flask.cli import AppGroup

from .db_types import utcnow

demo_cli = AppGroup("demo", help="Demo data.")
org_cli = AppGroup("org", help="Organisations (for the operator).")
outbox_cli = AppGroup("outbox", help="Send queued e-mail.")
data_cli = AppGroup("data", help="Personal data: retention.")


@demo_cli.command("seed")
def demo_seed() -> None:
    """Fill the database with a believable demo setting (running it twice changes nothing)."""
    from .demo import seed_demo

    summary = seed_demo()
    click.echo(summary)


@outbox_cli.command("drain")
@click.option("--loop", is_flag=True, help="Keep running; check for new mail every few seconds.")
@click.option("--interval", default=3.0, show_default=True, help="Seconds between checks.")
def outbox_drain(loop: bool, interval: float) -> None:
    """Send the e-mail that is due. Several drainers may run at once."""
    from .extensions import db
    from .outbox.services import drain

    while True:
        result = drain(utcnow())
        db.session.remove()
        if result.sent or result.failed or result.dead or not loop:
            click.echo(f"sent={result.sent} failed={result.failed} dead={result.dead}")
        if not loop:
            return
        time.sleep(interval)


@org_cli.command("create")
@click.argument("slug")
@click.argument("name")
@click.option("--kind", type=click.Choice(["company", "union"]), default="company")
@click.option("--admin-email", required=True, help="The first admin; signs in with a link.")
@click.option("--admin-name", required=True)
@click.option("--locale", type=click.Choice(["nl", "en"]), default="nl")
def org_create(slug: str, name: str, kind: str, admin_email: str, admin_name: str, locale: str):
    """Create an organisation with its first admin."""
    from .extensions import db
    from .orgs.services import OrganisationExists, create_organisation

    try:
        org = create_organisation(slug, name, kind, admin_name, admin_email, locale)
    except OrganisationExists as error:
        raise click.ClickException(f"an organisation with slug {slug!r} exists already") from error
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"created {org.slug}; {admin_email} can now ask for a sign-in link at /login")


@data_cli.command("purge")
@click.option(
    "--now",
    "now_text",
    default=None,
    help="Pretend it is this moment (ISO 8601, e.g. 2026-01-31T12:00:00+00:00); for tests.",
)
def data_purge(now_text: str | None) -> None:
    """Remove learning-check answers and notifications older than each organisation's
    retention settings. Running it twice changes nothing."""
    from datetime import UTC, datetime

    from .development.retention import organisation_ids, purge_organisation
    from .extensions import db
    from .orgs.models import Organisation
    from .tenancy import org_context

    if now_text:
        try:
            now = datetime.fromisoformat(now_text)
        except ValueError as error:
            raise click.BadParameter("use ISO 8601, e.g. 2026-01-31T12:00:00+00:00") from error
        now = now if now.tzinfo else now.replace(tzinfo=UTC)
    else:
        now = utcnow()
    for org_id in organisation_ids():
        with org_context((org_id,), None):
            result = purge_organisation(db.session.get(Organisation, org_id), now)
            db.session.commit()
        click.echo(
            f"{result.org_slug}: {result.learning_checks} learning checks, "
            f"{result.notifications} notifications removed"
        )
    db.session.remove()


def register_cli(app: Flask) -> None:
    app.cli.add_command(demo_cli)
    app.cli.add_command(org_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(data_cli)
