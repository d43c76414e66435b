"""Retention (P2): `flask data purge` removes learning-check answers and notifications older
than each organisation's settings, and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from app.development.models import LearningCheck, LearningCheckFactor
from app.notifications.models import Notification

NOW = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)


def _check(dbs, org, user, completed_at) -> LearningCheck:
    check = LearningCheck(
        org_id=org.id, user_id=user.id, answers={"q": "a"}, completed_at=completed_at
    )
    dbs.add(check)
    dbs.flush()
    for factor in ("B-TIME", "D-PRACT"):
        dbs.add(
            LearningCheckFactor(org_id=org.id, check_id=check.id, user_id=user.id, factor=factor)
        )
    dbs.commit()
    return check


def _note(dbs, org, user, created_at, kind="x") -> Notification:
    note = Notification(
        org_id=org.id, user_id=user.id, kind=kind, payload={}, created_at=created_at
    )
    dbs.add(note)
    dbs.commit()
    return note


def purge(app, *extra):
    result = app.test_cli_runner().invoke(args=["data", "purge", *extra])
    assert result.exit_code == 0, result.output
    return result.output


def _remaining(dbs, model, org) -> list[int]:
    dbs.expire_all()
    return sorted(dbs.scalars(select(model.id).where(model.org_id == org.id)))


def test_rows_older_than_the_setting_go_and_the_day_itself_stays(app, make, dbs):
    org = make.org(slug="smederij", check_retention_days=30, notification_retention_days=60)
    people = [make.member(org).user for _ in range(3)]
    kept_check = _check(dbs, org, people[0], NOW - timedelta(days=30)).id  # exactly 30 days
    _check(dbs, org, people[1], NOW - timedelta(days=30, seconds=1))
    _check(dbs, org, people[2], NOW - timedelta(days=31))
    kept_note = _note(dbs, org, people[0], NOW - timedelta(days=60)).id
    _note(dbs, org, people[0], NOW - timedelta(days=61))

    output = purge(app, "--now", NOW.isoformat())

    assert "smederij: 2 learning checks, 1 notifications removed" in output
    assert _remaining(dbs, LearningCheck, org) == [kept_check]
    # The factors of removed checks go too (explicitly: SQLite does not cascade here).
    factors = dbs.scalars(
        select(LearningCheckFactor.check_id).where(LearningCheckFactor.org_id == org.id)
    )
    assert sorted(factors) == [kept_check, kept_check]
    assert _remaining(dbs, Notification, org) == [kept_note]


def test_one_day_later_the_row_of_the_day_goes_too(app, make, dbs):
    org = make.org(check_retention_days=30, notification_retention_days=30)
    person = make.member(org).user
    _check(dbs, org, person, NOW - timedelta(days=30))
    _note(dbs, org, person, NOW - timedelta(days=30))

    purge(app, "--now", NOW.isoformat())
    assert len(_remaining(dbs, LearningCheck, org)) == 1
    assert len(_remaining(dbs, Notification, org)) == 1

    purge(app, "--now", (NOW + timedelta(days=1)).isoformat())
    assert _remaining(dbs, LearningCheck, org) == []
    assert _remaining(dbs, Notification, org) == []


def test_no_setting_keeps_everything(app, make, dbs):
    org = make.org(slug="bewaar")
    # Set after the insert: on insert a None would take the model's default.
    org.check_retention_days = org.notification_retention_days = None
    dbs.commit()
    person = make.member(org).user
    _check(dbs, org, person, NOW - timedelta(days=4000))
    _note(dbs, org, person, NOW - timedelta(days=4000))

    output = purge(app, "--now", NOW.isoformat())

    assert "bewaar: 0 learning checks, 0 notifications removed" in output
    assert len(_remaining(dbs, LearningCheck, org)) == 1
    assert len(_remaining(dbs, Notification, org)) == 1


def test_each_organisation_keeps_by_its_own_setting(app, make, dbs):
    short = make.org(slug="a-kort", check_retention_days=30, notification_retention_days=30)
    long = make.org(slug="b-lang", check_retention_days=3650, notification_retention_days=None)
    person = make.member(short).user
    make.member(long, user=person)
    _check(dbs, short, person, NOW - timedelta(days=100))
    _check(dbs, long, person, NOW - timedelta(days=100))
    _note(dbs, short, person, NOW - timedelta(days=100))
    _note(dbs, long, person, NOW - timedelta(days=100))

    output = purge(app, "--now", NOW.isoformat())

    assert output.splitlines() == [
        "a-kort: 1 learning checks, 1 notifications removed",
        "b-lang: 0 learning checks, 0 notifications removed",
    ]
    assert _remaining(dbs, LearningCheck, short) == []
    assert len(_remaining(dbs, LearningCheck, long)) == 1
    assert len(_remaining(dbs, Notification, long)) == 1


def test_running_it_twice_changes_nothing_more(app, make, dbs):
    org = make.org(slug="twee", check_retention_days=30, notification_retention_days=30)
    person = make.member(org).user
    _check(dbs, org, person, NOW - timedelta(days=40))
    _note(dbs, org, person, NOW - timedelta(days=40))
    _note(dbs, org, person, NOW - timedelta(days=1))

    first = purge(app, "--now", NOW.isoformat())
    second = purge(app, "--now", NOW.isoformat())

    assert "twee: 1 learning checks, 1 notifications removed" in first
    assert "twee: 0 learning checks, 0 notifications removed" in second
    assert len(_remaining(dbs, Notification, org)) == 1


def test_without_now_it_uses_the_clock(app, make, dbs):
    org = make.org(slug="klok", check_retention_days=30, notification_retention_days=30)
    person = make.member(org).user
    _note(dbs, org, person, NOW - timedelta(days=31))
    _note(dbs, org, person, NOW - timedelta(days=29))

    with time_machine.travel(NOW, tick=False):
        output = purge(app)

    assert "klok: 0 learning checks, 1 notifications removed" in output


def test_a_wrong_now_is_refused(app):
    result = app.test_cli_runner().invoke(args=["data", "purge", "--now", "yesterday"])
    assert result.exit_code != 0 and "ISO 8601" in result.output


def test_old_sent_and_undeliverable_mail_goes_but_nudges_and_mail_to_send_stay(app, make, dbs):
    from app.outbox.models import OutboxMessage, OutboxStatus
    from app.outbox.services import MAIL_RECORD_DAYS

    org = make.org()
    person = make.member(org).user
    old = NOW - timedelta(days=MAIL_RECORD_DAYS, seconds=1)
    rows = {
        "old sent": dict(status=OutboxStatus.sent, created_at=old),
        "old dead": dict(status=OutboxStatus.dead, created_at=old),
        "recent sent": dict(status=OutboxStatus.sent, created_at=NOW - timedelta(days=1)),
        "old waiting": dict(status=OutboxStatus.failed, created_at=old),
        "old nudge": dict(
            status=OutboxStatus.sent,
            created_at=old,
            org_id=org.id,
            user_id=person.id,
            nudge_type="meet_ambassador",
        ),
    }
    for key, values in rows.items():
        dbs.add(
            OutboxMessage(
                key=key, kind="x", to_address="a@example.test", subject="", body_text="", **values
            )
        )
    dbs.commit()

    purge(app, "--now", NOW.isoformat())
    purge(app, "--now", NOW.isoformat())  # twice changes nothing more

    dbs.expire_all()
    left = set(dbs.scalars(select(OutboxMessage.key)))
    assert left == {"recent sent", "old waiting", "old nudge"}
