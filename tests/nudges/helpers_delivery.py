"""Arrangements for the delivery, unsubscribe and preferences tests: plan a real
'meet your ambassador' campaign and drain the outbox against the test SMTP server."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.db_types import utcnow
from app.extensions import db
from app.nudges.planner import plan_campaign

from ..ambassadors.helpers import make_ambassador
from .helpers import MONDAY_MORNING, make_campaign

# Monday 23 November 2026, 09:35 in Amsterdam: five minutes after the planning run.
DRAIN_TIME = MONDAY_MORNING + timedelta(minutes=5)


def arrange(make, dbs, people: int = 1, locale: str = "en", **campaign_values):
    """A company with one ambassador, ``people`` colleagues who never talked to one and an
    active 'meet your ambassador' campaign (e-mail unless told). Returns (org,
    ambassador membership, people, campaign)."""
    org = make.org()
    ambassador = make_ambassador(make, org, user_kwargs={"name": "Fatima Amrani"})
    members = [make.member(org, locale=locale).user for _ in range(people)]
    campaign = make_campaign(dbs, org, "meet_ambassador", **campaign_values)
    return org, ambassador, members, campaign


def plan(app, org, campaign, now: datetime = MONDAY_MORNING):
    with app.app_context():
        result = plan_campaign(org.id, campaign.id, now)
        db.session.remove()
    return result


def run_drain(app, now: datetime | None = None, **config):
    """``drain(now)`` in its own app context, with mail settings changed for the call
    (``MAIL_PORT`` to point at a server that is down, silent or refusing)."""
    from app.outbox.services import drain

    with app.app_context():
        saved = {k: app.config[k] for k in config}
        state = app.extensions["mail"]
        saved_port, saved_suppress = state.port, state.suppress
        app.config.update(config)
        if "MAIL_PORT" in config:
            state.port = config["MAIL_PORT"]
        state.suppress = app.config.get("MAIL_SUPPRESS_SEND", False)
        try:
            return drain(now or utcnow())
        finally:
            app.config.update(saved)
            state.port, state.suppress = saved_port, saved_suppress
            db.session.remove()
