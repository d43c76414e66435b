"""Planning (N3-N6): turn one campaign's period into outbox rows, in a fixed number of
SQL statements whatever the number of people.

One ``INSERT … SELECT … ON CONFLICT (key) DO NOTHING`` per channel: the type's recipients
query, narrowed to the campaign's audience, minus people who switched the category off,
minus (for e-mail) people who reached the weekly cap, each row marked ``held_out`` when
the person is in the campaign's holdout group. The unique key (campaign, period,
channel, person, object) makes a second run, a second scheduler or a rerun after a crash
harmless. On PostgreSQL the run also takes ``pg_try_advisory_xact_lock`` for the
campaign (a second process skips at once) and waits on a lock per organisation (so two
campaigns never both count the same person under the cap).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    Integer,
    String,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    null,
    or_,
    select,
    text,
    true,
)

from ..accounts.models import User
from ..development.models import LearningCheckFactor
from ..extensions import db
from ..orgs.models import Membership, MembershipRole, Organisation, Role
from ..outbox.models import OutboxMessage, OutboxStatus
from ..tenancy import org_context
from .holdout import BUCKETS
from .models import CampaignChannel, NudgeCampaign, NudgeOptOut
from .registry import NudgeType, PlanContext, get_type
from .schedule import Period, current_period, next_send_time

CAP_WINDOW = timedelta(days=7)
MIN_REPEAT = timedelta(days=7)  # one campaign's nudge (about no object) at most once a week
# pg advisory lock namespaces (two-int form): one per campaign run, one per organisation.
LOCK_CAMPAIGN = 7_301
LOCK_ORG = 7_302


@dataclass
class PlanResult:
    campaign_id: int
    period: Period | None = None
    rows: int = 0  # new outbox rows (held-out rows included)
    skipped: str = ""  # why nothing was planned: "not due", "locked", "unknown type"


def audience_query(org: Organisation, campaign: NudgeCampaign, nudge_type: NudgeType):
    """Active members of the organisation matching the campaign's teams, roles and
    learning-check factors (and managers only, for manager prompts): a subquery with
    one column ``user_id``."""
    m = Membership
    query = select(m.user_id.label("user_id")).where(m.org_id == org.id, m.active.is_(True))
    if campaign.team_ids:
        query = query.where(m.team_id.in_([int(t) for t in campaign.team_ids]))
    roles = list(campaign.roles or [])
    if nudge_type.for_role == "managers":
        roles = [Role.manager.value]
    if roles:
        query = query.where(
            exists().where(
                MembershipRole.org_id == org.id,
                MembershipRole.membership_id == m.id,
                MembershipRole.role.in_(roles),
            )
        )
    if campaign.factors:
        query = query.where(
            exists().where(
                LearningCheckFactor.org_id == org.id,
                LearningCheckFactor.user_id == m.user_id,
                LearningCheckFactor.factor.in_(list(campaign.factors)),
            )
        )
    return query.subquery("audience")


def channels_of(campaign: NudgeCampaign) -> list[str]:
    if campaign.channel == CampaignChannel.both:
        return ["email", "in_app"]
    return [str(campaign.channel)]


def _computed_once(query, name: str):
    """A per-person count joined to the recipients, computed once per statement.

    On PostgreSQL a ``MATERIALIZED`` CTE: with stale statistics (a table that grew since
    its last ANALYZE) the planner otherwise nests the grouped subquery inside the loop
    over people and runs it once per person (5 000 people: seconds instead of
    milliseconds). SQLite plans the plain subquery well."""
    if db.session.get_bind().dialect.name == "postgresql":
        return query.cte(name).prefix_with("MATERIALIZED")
    return query.subquery(name)


def _insert_rows(
    org: Organisation,
    campaign: NudgeCampaign,
    nudge_type: NudgeType,
    recipients,
    period: Period,
    channel: str,
    now: datetime,
) -> int:
    """One INSERT … SELECT for one channel; returns the number of new rows."""
    o = OutboxMessage.__table__
    earlier = o.alias("earlier")
    user_id, ref_id = recipients.c.user_id, cast(recipients.c.ref_id, Integer)
    key = (
        literal(f"nudge:{campaign.id}:{period.token}:{channel}:")
        + cast(user_id, String)
        + literal(":")
        + func.coalesce(cast(ref_id, String), literal("-"))
    )
    holdout = func.nudge_bucket(campaign.id, user_id) < campaign.holdout_percent * (BUCKETS // 100)
    opted_out = exists().where(
        NudgeOptOut.org_id == org.id,
        NudgeOptOut.user_id == user_id,
        NudgeOptOut.category == nudge_type.category,
    )
    columns = [
        key.label("key"),
        user_id.label("user_id"),
        ref_id.label("ref_id"),
        User.email.label("email"),
        holdout.label("holdout"),
    ]
    where = [~opted_out]
    if channel == "email":
        where.append(User.email.is_not(None))
        # The weekly cap counts every nudge e-mail planned for the person in the seven
        # days before this period, held-out ones too (so both groups are capped alike).
        # Counted once per person and joined (not a subquery per person: with a table
        # its statistics call empty, PostgreSQL scanned it, and the rows this very
        # statement was adding, once per person: quadratic).
        sent_before = (
            select(earlier.c.user_id.label("user_id"), func.count().label("count"))
            .where(
                earlier.c.org_id == org.id,
                earlier.c.channel == "email",
                earlier.c.nudge_type.is_not(None),
                earlier.c.planned_at > period.moment - CAP_WINDOW,
                earlier.c.status.not_in([OutboxStatus.skipped.value, OutboxStatus.dead.value]),
            )
            .group_by(earlier.c.user_id)
        )
        sent_before = _computed_once(sent_before, "sent_before")
        already = func.coalesce(sent_before.c.count, 0)
        rank = func.row_number().over(partition_by=user_id, order_by=ref_id)
        columns.append((already + rank).label("nth"))
    # Never the same campaign's nudge twice within a week (whatever its schedule), unless
    # it is about a new object (a follow-up, a post): a join, like the cap.
    recent = (
        select(earlier.c.user_id.label("user_id"))
        .where(
            earlier.c.org_id == org.id,
            earlier.c.campaign_id == campaign.id,
            earlier.c.channel == channel,
            earlier.c.ref_id.is_(None),
            earlier.c.planned_at > period.moment - MIN_REPEAT,
        )
        .group_by(earlier.c.user_id)
    )
    recent = _computed_once(recent, "recent")
    where.append(or_(recent.c.user_id.is_(None), ref_id.is_not(None)))
    candidates = (
        select(*columns)
        .select_from(recipients)
        .join(User, User.id == user_id)
        .outerjoin(recent, recent.c.user_id == user_id)
    )
    if channel == "email":
        candidates = candidates.outerjoin(sent_before, sent_before.c.user_id == user_id)
    candidates = candidates.where(*where).subquery("candidates")
    c = candidates.c
    send_at = next_send_time(org, now) if channel == "email" else now
    rows = select(
        c.key,
        literal("nudge"),
        func.coalesce(c.email, literal("")) if channel == "email" else literal(""),
        literal(""),
        literal(""),
        null(),
        case(
            (c.holdout, literal(OutboxStatus.held_out.value)),
            else_=literal(OutboxStatus.pending.value),
        ),
        literal(0),
        literal(send_at, OutboxMessage.next_attempt_at.type),
        literal(now, OutboxMessage.created_at.type),
        literal(org.id),
        c.user_id,
        literal(campaign.id),
        literal(nudge_type.key),
        literal(channel),
        c.ref_id,
        case((c.holdout, true()), else_=false()),
        literal(period.moment, OutboxMessage.planned_at.type),
        literal(period.moment + nudge_type.conversion_window, OutboxMessage.convert_until.type),
    )
    if channel == "email":
        rows = rows.where(c.nth <= org.nudge_email_cap)
    else:  # SQLite reads "FROM (...) AS candidates ON CONFLICT" as a join without a WHERE
        rows = rows.where(true())
    names = [
        "key", "kind", "to_address", "subject", "body_text", "body_html", "status",
        "attempts", "next_attempt_at", "created_at", "org_id", "user_id", "campaign_id",
        "nudge_type", "channel", "ref_id", "holdout", "planned_at", "convert_until",
    ]  # fmt: skip
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    statement = dialect_insert(OutboxMessage).from_select(names, rows)
    statement = statement.on_conflict_do_nothing(index_elements=["key"])
    result = db.session.connection().execute(
        statement, execution_options={"preserve_rowcount": True}
    )
    return max(result.rowcount, 0)


def _try_locks(org_id: int, campaign_id: int) -> bool:
    if db.session.get_bind().dialect.name != "postgresql":
        return True  # SQLite: one writer at a time; the unique key does the rest
    got = db.session.execute(
        text("SELECT pg_try_advisory_xact_lock(:ns, :id)"),
        {"ns": LOCK_CAMPAIGN, "id": campaign_id},
    ).scalar_one()
    if got:
        db.session.execute(
            text("SELECT pg_advisory_xact_lock(:ns, :id)"), {"ns": LOCK_ORG, "id": org_id}
        )
    return bool(got)


def plan_campaign(org_id: int, campaign_id: int, now: datetime, commit: bool = True) -> PlanResult:
    """Plan the campaign's current period (if one is due). Safe to run any number of
    times, in any number of processes at once. Commits unless ``commit`` is False."""
    result = PlanResult(campaign_id)
    with org_context((org_id,), None):
        org = db.session.get(Organisation, org_id)
        campaign = db.session.scalar(
            select(NudgeCampaign).where(
                NudgeCampaign.id == campaign_id, NudgeCampaign.org_id == org_id
            )
        )
        nudge_type = get_type(campaign.nudge_type) if campaign else None
        if org is None or campaign is None or nudge_type is None:
            result.skipped = "unknown campaign or type"
            return result
        period = current_period(campaign, org, now)
        result.period = period
        if period is None:
            result.skipped = "not due"
            return result
        if not _try_locks(org_id, campaign_id):
            db.session.rollback()
            result.skipped = "locked"
            return result
        audience = audience_query(org, campaign, nudge_type)
        plan = PlanContext(
            org=org,
            campaign=campaign,
            audience=audience,
            period=period.moment,
            since=period.previous,
            now=now,
        )
        recipients = nudge_type.recipients(plan).subquery("recipients")
        for channel in channels_of(campaign):
            result.rows += _insert_rows(org, campaign, nudge_type, recipients, period, channel, now)
        if campaign.last_period is None or campaign.last_period < period.moment:
            campaign.last_period = period.moment
        if commit:
            db.session.commit()
    return result


def due_campaigns(now: datetime) -> list[tuple[int, int]]:
    """(org_id, campaign_id) of every active campaign, across organisations (for the
    scheduler, which has no organisation of its own)."""
    pairs: list[tuple[int, int]] = []
    org_ids = list(db.session.scalars(select(Organisation.id).order_by(Organisation.id)))
    if not org_ids:
        return pairs
    with org_context(org_ids, None):
        pairs = [
            (row.org_id, row.id)
            for row in db.session.execute(
                select(NudgeCampaign.org_id, NudgeCampaign.id)
                .where(NudgeCampaign.status == "active")
                .order_by(NudgeCampaign.id)
            )
        ]
    return pairs
