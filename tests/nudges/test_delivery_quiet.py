"""Quiet hours (N5): a nudge e-mail never goes out between 20:00 and 08:00 in the
organisation's time zone; it waits for the window to open, also when the drainer runs
late. In-app messages are not held back."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import time_machine

from app.db_types import utcnow
from app.outbox.models import OutboxStatus

from .helpers import nudge_rows
from .helpers_delivery import arrange, plan, run_drain

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in November 2026, Amsterdam time (the 23rd is a Monday)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=AMSTERDAM)


def test_a_row_planned_at_ten_at_night_is_sent_when_the_window_opens(app, dbs, make, mail_server):
    org, _ambassador, (person,), campaign = arrange(make, dbs, cron="0 22 * * 1")
    with time_machine.travel(at(23, 22), tick=False):
        assert plan(app, org, campaign, utcnow()).rows == 1
    (row,) = nudge_rows(dbs, campaign_id=campaign.id)
    assert row.next_attempt_at == at(24, 8)

    with time_machine.travel(at(23, 22, 5), tick=False):
        result = run_drain(app)
    assert result.sent == 0
    assert mail_server.wait_for(1, timeout=0.3) == []
    (row,) = nudge_rows(dbs, campaign_id=campaign.id)
    assert (row.status, row.attempts) == (OutboxStatus.pending, 0)

    with time_machine.travel(at(24, 8), tick=False):
        result = run_drain(app)
    assert result.sent == 1
    assert [m["To"] for m in mail_server.wait_for(1)] == [person.email]
    (row,) = nudge_rows(dbs, campaign_id=campaign.id)
    assert row.status == OutboxStatus.sent and row.sent_at == at(24, 8).astimezone(UTC)


def test_a_drainer_that_runs_late_holds_the_mail_until_morning(app, dbs, make, mail_server):
    org, _ambassador, (person,), campaign = arrange(make, dbs, cron="30 19 * * 1")
    with time_machine.travel(at(23, 19, 30), tick=False):
        plan(app, org, campaign, utcnow())
    (row,) = nudge_rows(dbs, campaign_id=campaign.id)
    assert row.next_attempt_at == at(23, 19, 30)  # due before quiet hours...

    with time_machine.travel(at(23, 22, 5), tick=False):  # ...but the drainer was down
        result = run_drain(app)
    assert (result.sent, result.waiting) == (0, 1)
    assert mail_server.wait_for(1, timeout=0.3) == []
    (row,) = nudge_rows(dbs, campaign_id=campaign.id)
    assert (row.status, row.attempts, row.next_attempt_at) == (OutboxStatus.pending, 0, at(24, 8))
    assert (row.subject, row.body_text, row.body_html) == ("", "", None)  # nothing rendered

    with time_machine.travel(at(24, 7, 59), tick=False):
        assert run_drain(app).sent == 0
    with time_machine.travel(at(24, 8), tick=False):
        assert run_drain(app).sent == 1
    assert [m["To"] for m in mail_server.wait_for(1)] == [person.email]


def test_the_weekend_is_quiet_too(app, dbs, make, mail_server):
    """Saturday and Sunday are quiet days by default: Monday 08:00 is the next opening."""
    org, _ambassador, _people, campaign = arrange(make, dbs, cron="0 11 * * 6")
    with time_machine.travel(at(28, 11), tick=False):
        plan(app, org, campaign, utcnow())
    (row,) = nudge_rows(dbs, campaign_id=campaign.id)
    assert row.next_attempt_at == at(30, 8)


def test_in_app_nudges_are_not_held_back_at_night(app, dbs, make):
    org, _ambassador, _people, campaign = arrange(make, dbs, cron="0 22 * * 1", channel="in_app")
    with time_machine.travel(at(23, 22), tick=False):
        plan(app, org, campaign, utcnow())
    with time_machine.travel(at(23, 22, 5), tick=False):
        assert run_drain(app).sent == 1
    (row,) = nudge_rows(dbs, campaign_id=campaign.id)
    assert row.status == OutboxStatus.sent
