"""Command-line tools: `flask demo seed`, `flask outbox drain`, `flask data purge`,
`flask scheduler run` (the one process that runs APScheduler) and `flask scheduler tick`."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .db_types import utcnow

demo_cli = AppGroup("demo", help="Demo data.")
org_cli = AppGroup("org", help="Organisations (for the operator).")
outbox_cli = AppGroup("outbox", help="Send queued e-mail.")
data_cli = AppGroup("data", help="Personal data: retention.")
scheduler_cli = AppGroup("scheduler", help="Plan nudges on time (run exactly one scheduler).")


def _parse_now(now_text: str | None) -> datetime:
    if not now_text:
        return utcnow()
    try:
        now = datetime.fromisoformat(now_text)
    except ValueError as error:
        raise click.BadParameter("use ISO 8601, e.g. 2026-01-31T12:00:00+00:00") from error
    return now if now.tzinfo else now.replace(tzinfo=UTC)


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


def purge_all(now: datetime) -> list:
    """Purge every organisation's expired rows, one transaction each, then old sent
    e-mail (the CLI and the scheduler's daily job); returns a ``Purged`` per organisation."""
    from .development.retention import organisation_ids, purge_organisation
    from .extensions import db
    from .orgs.models import Organisation
    from .outbox.services import purge_old_mail
    from .tenancy import org_context

    results = []
    for org_id in organisation_ids():
        with org_context((org_id,), None):
            results.append(purge_organisation(db.session.get(Organisation, org_id), now))
            db.session.commit()
    purge_old_mail(now)
    db.session.commit()
    return results


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
    from .extensions import db

    for result in purge_all(_parse_now(now_text)):
        click.echo(
            f"{result.org_slug}: {result.learning_checks} learning checks, "
            f"{result.notifications} notifications removed"
        )
    db.session.remove()


@scheduler_cli.command("run")
def scheduler_run() -> None:
    """Run the scheduler until stopped (Ctrl-C or SIGTERM). Run exactly one: it plans
    every active campaign on its schedule, refreshes the running period's KPIs every 10
    minutes and purges expired data daily."""
    from .nudges.scheduler import run_forever

    run_forever(current_app._get_current_object())


@scheduler_cli.command("tick")
@click.option(
    "--now",
    "now_text",
    default=None,
    help="Pretend it is this moment (ISO 8601, e.g. 2026-01-31T12:00:00+00:00); for tests.",
)
def scheduler_tick(now_text: str | None) -> None:
    """Plan every active campaign's current period once, then stop (for cron instead of
    `flask scheduler run`). Running it twice plans nothing new."""
    from .nudges.scheduler import tick

    lines = tick(_parse_now(now_text))
    for line in lines:
        if line.result is None:
            state = f"failed: {line.error}"
        elif line.result.skipped:
            state = line.result.skipped
        else:
            state = f"{line.result.rows} new nudges for {line.result.period.token}"
        click.echo(f"campaign {line.campaign_id} (organisation {line.org_id}): {state}")
    planned = sum(line.result.rows for line in lines if line.result)
    failed = sum(line.result is None for line in lines)
    click.echo(f"{len(lines)} active campaigns, {planned} new nudges, {failed} failed")
    if failed:
        raise click.exceptions.Exit(1)


@scheduler_cli.command("kpis")
@click.option(
    "--now",
    "now_text",
    default=None,
    help="Pretend it is this moment (ISO 8601, e.g. 2026-01-31T12:00:00+00:00); for tests.",
)
def scheduler_kpis(now_text: str | None) -> None:
    """Compute every company's figures of the running month and quarter once (what the
    scheduler does every 10 minutes; for cron instead of `flask scheduler run`)."""
    from .extensions import db
    from .manager_kpis.refresh import refresh_all

    results = refresh_all(_parse_now(now_text))
    db.session.remove()
    for r in results:
        state = f"failed: {r.error}" if r.error else "skipped (locked)" if r.skipped else "ok"
        click.echo(f"organisation {r.org_id}: {r.cells} figures stored, {state}")
    failed = sum(bool(r.error) for r in results)
    click.echo(f"{len(results)} companies, {failed} failed")
    if failed:
        raise click.exceptions.Exit(1)


@scheduler_cli.command("sessions")
@click.option(
    "--now",
    "now_text",
    default=None,
    help="Pretend it is this moment (ISO 8601, e.g. 2026-01-31T12:00:00+00:00); for tests.",
)
def scheduler_sessions(now_text: str | None) -> None:
    """Ask teachers and participants of colleague sessions that have ended to log them
    (what the scheduler does every 15 minutes; for cron instead of `flask scheduler run`).
    Running it twice asks nobody twice."""
    from .extensions import db
    from .offers.sessions import follow_up_all

    results = follow_up_all(_parse_now(now_text))
    db.session.remove()
    for r in results:
        state = f"failed: {r.error}" if r.error else "skipped (locked)" if r.skipped else "ok"
        click.echo(f"organisation {r.org_id}: {r.dates} dates, {r.messages} messages, {state}")
    failed = sum(bool(r.error) for r in results)
    click.echo(f"{len(results)} companies, {failed} failed")
    if failed:
        raise click.exceptions.Exit(1)


def register_cli(app: Flask) -> None:
    app.cli.add_command(demo_cli)
    app.cli.add_command(org_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(data_cli)
    app.cli.add_command(scheduler_cli)
