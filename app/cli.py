"""Command-line tools: `flask demo seed`, `flask outbox drain`."""

from __future__ import annotations

import time

import click
from flask import Flask
from flask.cli import AppGroup

from .db_types import utcnow

demo_cli = AppGroup("demo", help="Demo data.")
org_cli = AppGroup("org", help="Organisations (for the operator).")
outbox_cli = AppGroup("outbox", help="Send queued e-mail.")


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


def register_cli(app: Flask) -> None:
    app.cli.add_command(demo_cli)
    app.cli.add_command(org_cli)
    app.cli.add_command(outbox_cli)
