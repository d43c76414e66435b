"""How fast is nudge planning? People planned per second by ``plan_campaign`` against one
hand-written bulk ``INSERT … SELECT`` doing the same work (acceptance 6; target: the
planner at least a quarter of the hand-written statement's speed).

    .venv/bin/python bench/nudge_planning.py                      # 50 000 people, temp SQLite
    .venv/bin/python bench/nudge_planning.py --people 5000
    .venv/bin/python bench/nudge_planning.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

It starts nothing: without ``--database-url`` it uses a new SQLite file in a temp folder
(removed afterwards); with one, it migrates that database (use a throwaway PostgreSQL
database and a role that may bypass row-level security, e.g. the superuser) and adds a new
organisation to it.

The campaign is of a bench-only, non-private type whose recipients are the whole
audience, on both channels (e-mail and in-app) with a 10 % holdout, 10 % of the people
without an e-mail address and 1 % opted out: so the hand-written statement can do exactly
the planner's work (audience, opt-outs, the weekly e-mail cap, holdout, keys, quiet
hours) and the comparison measures the planner's own cost. Each run plans a fresh
period of the hourly campaign, and its rows are removed afterwards, so every run finds
the same outbox (who goes first alternates; the best of ``--rounds`` counts). After each
hand-written run the planner plans that same period again and must find nothing to add:
the hand-written statement made exactly the planner's rows.
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import bindparam, func, insert, literal, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app  # noqa: E402
from app.accounts.models import User  # noqa: E402
from app.db_types import UTCDateTime  # noqa: E402
from app.extensions import db  # noqa: E402
from app.nudges.holdout import BUCKETS  # noqa: E402
from app.nudges.models import (  # noqa: E402
    CampaignChannel,
    CampaignStatus,
    Category,
    NudgeCampaign,
    NudgeOptOut,
    ScheduleKind,
)
from app.nudges.planner import CAP_WINDOW, MIN_REPEAT, plan_campaign  # noqa: E402
from app.nudges.registry import NudgeType, get_type, register  # noqa: E402
from app.nudges.schedule import current_period, next_send_time  # noqa: E402
from app.orgs.models import Membership, Organisation, OrgKind  # noqa: E402
from app.outbox.models import OutboxMessage  # noqa: E402
from app.tenancy import org_context  # noqa: E402

TYPE_KEY = "bench_everyone"
HOLDOUT_PERCENT = 10
CHUNK = 10_000
# Tuesday 1 December 2026, 10:05 in Amsterdam: outside quiet hours.
BASE = datetime(2026, 12, 1, 9, 5, tzinfo=UTC)

HAND_WRITTEN = """
INSERT INTO outbox_messages (key, kind, to_address, subject, body_text, body_html, status,
    attempts, next_attempt_at, created_at, org_id, user_id, campaign_id, nudge_type, channel,
    ref_id, holdout, planned_at, convert_until)
SELECT :prefix || ch.channel || ':' || CAST(p.user_id AS VARCHAR) || ':-',
       'nudge',
       CASE WHEN ch.channel = 'email' THEN p.email ELSE '' END,
       '', '', NULL,
       CASE WHEN p.held THEN 'held_out' ELSE 'pending' END,
       0,
       CASE WHEN ch.channel = 'email' THEN :send_at ELSE :now END,
       :now, :org_id, p.user_id, :campaign_id, :nudge_type, ch.channel, NULL,
       p.held, :period, :convert_until
FROM (
    SELECT m.user_id, u.email,
           nudge_bucket(CAST(:campaign_id AS INTEGER), m.user_id) < :held_below AS held,
           COALESCE(e.sent, 0) AS earlier
    FROM memberships m JOIN users u ON u.id = m.user_id
    LEFT JOIN (SELECT user_id, count(*) AS sent FROM outbox_messages
                WHERE org_id = :org_id AND channel = 'email' AND nudge_type IS NOT NULL
                  AND planned_at > :cap_since AND status NOT IN ('skipped', 'dead')
                GROUP BY user_id) AS e ON e.user_id = m.user_id
    WHERE m.org_id = :org_id AND m.active
      AND NOT EXISTS (SELECT 1 FROM nudge_opt_outs o
                      WHERE o.org_id = :org_id AND o.user_id = m.user_id
                        AND o.category = :category)
) AS p
CROSS JOIN (SELECT 'email' AS channel UNION ALL SELECT 'in_app') AS ch
LEFT JOIN (SELECT user_id, channel FROM outbox_messages
            WHERE org_id = :org_id AND campaign_id = :campaign_id AND ref_id IS NULL
              AND planned_at > :repeat_since
            GROUP BY user_id, channel) AS r
       ON r.user_id = p.user_id AND r.channel = ch.channel
WHERE r.user_id IS NULL
  AND (ch.channel = 'in_app' OR (p.email IS NOT NULL AND p.earlier < :cap))
ON CONFLICT (key) DO NOTHING
"""


def register_bench_type() -> None:
    if get_type(TYPE_KEY) is not None:
        return
    register(
        NudgeType(
            key=TYPE_KEY,
            label="Everyone (bench)",
            description="",
            factors=(),
            category=Category.encouragement,
            audience_rule="",
            recipients=lambda plan: select(
                plan.audience.c.user_id.label("user_id"), literal(None).label("ref_id")
            ),
            context=lambda render: {},
            conversions=(),
        )
    )


def arrange(people: int) -> tuple[int, int]:
    """A new organisation with ``people`` members and an hourly campaign; (org, campaign)."""
    tag = secrets.token_hex(4)
    org = Organisation(
        slug=f"bench-{tag}",
        name=f"Bench {tag}",
        kind=OrgKind.company,
        locale="nl",
        timezone="Europe/Amsterdam",
    )
    db.session.add(org)
    db.session.commit()
    org_id = org.id
    with org_context((org_id,), None):
        for start in range(0, people, CHUNK):
            db.session.execute(
                insert(User),
                [
                    {
                        "name": f"Person {i}",
                        "email": None if i % 10 == 9 else f"p{i}.{tag}@bench.example",
                        "username": f"p{i}.{tag}" if i % 10 == 9 else None,
                        "locale": "nl",
                    }
                    for i in range(start, min(start + CHUNK, people))
                ],
            )
        ids = list(
            db.session.scalars(
                select(User.id)
                .where(
                    (User.email.like(f"%.{tag}@bench.example")) | (User.username.like(f"%.{tag}"))
                )
                .order_by(User.id)
            )
        )
        for start in range(0, len(ids), CHUNK):
            db.session.execute(
                insert(Membership),
                [{"org_id": org.id, "user_id": i} for i in ids[start : start + CHUNK]],
            )
        db.session.execute(
            insert(NudgeOptOut),
            [
                {"org_id": org.id, "user_id": i, "category": Category.encouragement}
                for i in ids[::100]
            ],
        )
        campaign = NudgeCampaign(
            org_id=org.id,
            nudge_type=TYPE_KEY,
            name="bench",
            status=CampaignStatus.active,
            schedule_kind=ScheduleKind.interval,
            interval_hours=1,
            channel=CampaignChannel.both,
            holdout_percent=HOLDOUT_PERCENT,
            team_ids=[],
            roles=[],
            factors=[],
            started_at=BASE - timedelta(days=1, minutes=5),
        )
        db.session.add(campaign)
        db.session.commit()
        campaign_id = campaign.id
    db.session.remove()
    # Fresh statistics, as a live database has them (autovacuum): without them PostgreSQL
    # takes the bulk-loaded tables for nearly empty and picks nested loops over them.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE")
    return org_id, campaign_id


def run_planner(org_id: int, campaign_id: int, now: datetime) -> tuple[float, int]:
    started = time.perf_counter()
    result = plan_campaign(org_id, campaign_id, now)
    seconds = time.perf_counter() - started
    db.session.remove()
    return seconds, result.rows


def run_hand_written(org_id: int, campaign_id: int, now: datetime) -> tuple[float, int]:
    with org_context((org_id,), None):
        org = db.session.get(Organisation, org_id)
        campaign = db.session.get(NudgeCampaign, campaign_id)
        period = current_period(campaign, org, now)
        when = UTCDateTime()
        statement = text(HAND_WRITTEN).bindparams(
            *(
                bindparam(name, type_=when)
                for name in (
                    "send_at",
                    "now",
                    "period",
                    "convert_until",
                    "cap_since",
                    "repeat_since",
                )
            )
        )
        values = {
            "prefix": f"nudge:{campaign.id}:{period.token}:",
            "send_at": next_send_time(org, now),
            "now": now,
            "org_id": org.id,
            "campaign_id": campaign.id,
            "nudge_type": TYPE_KEY,
            "held_below": HOLDOUT_PERCENT * (BUCKETS // 100),
            "period": period.moment,
            "convert_until": period.moment + get_type(TYPE_KEY).conversion_window,
            "cap_since": period.moment - CAP_WINDOW,
            "repeat_since": period.moment - MIN_REPEAT,
            "category": Category.encouragement.value,
            "cap": org.nudge_email_cap,
        }
        db.session.commit()  # the lookups above are not part of the timed statement
        started = time.perf_counter()
        result = db.session.connection().execute(
            statement, values, execution_options={"preserve_rowcount": True}
        )
        db.session.commit()
        seconds = time.perf_counter() - started
    db.session.remove()
    return seconds, result.rowcount


def row_shape(org_id: int, period_moment: datetime) -> list[tuple]:
    """(channel, status, holdout, count) of one period's rows: must match between runs."""
    with org_context((org_id,), None):
        o = OutboxMessage
        shape = db.session.execute(
            select(o.channel, o.status, o.holdout, func.count())
            .where(o.org_id == org_id, o.planned_at == period_moment)
            .group_by(o.channel, o.status, o.holdout)
            .order_by(o.channel, o.status, o.holdout)
        ).all()
    db.session.remove()
    return [tuple(row) for row in shape]


def forget(org_id: int, period_moment: datetime) -> None:
    """Remove one period's rows, so every timed run finds the same outbox."""
    with org_context((org_id,), None):
        db.session.execute(
            OutboxMessage.__table__.delete().where(
                OutboxMessage.org_id == org_id, OutboxMessage.planned_at == period_moment
            )
        )
        db.session.commit()
    db.session.remove()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE outbox_messages")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3, help="timed runs of each (best counts)")
    parser.add_argument(
        "--database-url",
        help="a throwaway PostgreSQL database (postgresql+psycopg://...); "
        "default: a new SQLite file in a temp folder",
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="nudge-bench-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.sqlite'}"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": url,
            "INSTANCE_DIR": folder / "instance",
            "LOG_LEVEL": "WARNING",
            "LOG_JSON": False,
        }
    )
    try:
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            db.session.remove()
            register_bench_type()
            dialect = db.engine.dialect.name
            began = time.perf_counter()
            org_id, campaign_id = arrange(args.people)
            print(
                f"{dialect}: {args.people} people arranged in {time.perf_counter() - began:.1f} s"
            )
            planner, hand, shapes = [], [], []
            now = BASE
            for number in range(args.rounds):
                # Alternate who goes first; each run finds the outbox as the last left it.
                order = ("planner", "hand") if number % 2 == 0 else ("hand", "planner")
                for who in order:
                    if who == "planner":
                        seconds, rows = run_planner(org_id, campaign_id, now)
                        planner.append(seconds)
                        extra = 0
                    else:
                        seconds, rows = run_hand_written(org_id, campaign_id, now)
                        hand.append(seconds)
                        _, extra = run_planner(org_id, campaign_id, now)
                    period = now.replace(minute=0)
                    shapes.append(row_shape(org_id, period))
                    print(f"  {who:<8} period {period:%H}:00  {rows} rows  {seconds:.3f} s")
                    if extra or rows != sum(shape[-1] for shape in shapes[-1]):
                        raise SystemExit(f"not the planner's rows: the planner added {extra}")
                    forget(org_id, period)
                    now += timedelta(hours=1)
            if any(shape != shapes[0] for shape in shapes):
                raise SystemExit(f"periods differ: {shapes}")
            best_planner, best_hand = min(planner), min(hand)
            planner_rate = args.people / best_planner
            hand_rate = args.people / best_hand
            ratio = planner_rate / hand_rate
            print(
                f"{dialect}, {args.people} people, both channels, best of {args.rounds}:\n"
                f"  plan_campaign:        {best_planner:.3f} s  {planner_rate:,.0f} people/s\n"
                f"  hand-written INSERT:  {best_hand:.3f} s  {hand_rate:,.0f} people/s\n"
                f"  ratio planner/hand-written: {ratio:.2f} (target >= 0.25)"
            )
            db.session.remove()
            db.engine.dispose()
            return 0 if ratio >= 0.25 else 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
