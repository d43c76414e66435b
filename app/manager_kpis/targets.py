"""Targets per KPI, team and month (K3): which target applies, the status against it, and
setting, proposing and deciding targets.

A target counts from its ``valid_from`` month on, until a later one for the same KPI and
team. A team's own target beats the target for all teams. The target for all teams
counts for each team on its own; for a figure that adds up over teams (a count, a summed
metric) it does not count for a unit or the whole organisation, whose figure is the sum
of several teams. A proposed or rejected target never counts.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..accounts.models import User
from ..audit.services import record_audit
from ..extensions import db
from ..notifications.services import notify
from ..orgs.models import Team
from . import catalogue
from .groups import ORG_KEY, Group
from .models import Aggregation, KpiTarget, ProductionMetric, TargetStatus
from .periods import Period

ON_TRACK, CLOSE, BEHIND = "on_track", "close", "behind"
CLOSE_BAND = Decimal("0.1")  # "close": within 10 % of the target
ALL_TEAMS = 0  # team_key of a target for all teams


# --- which target applies ------------------------------------------------------------------


def _adds_up(org_id: int, kpi_keys: Iterable[str]) -> set[str]:
    """The keys whose figure is a sum over teams: counts, and summed metrics (at most one
    query, only when metric keys are asked for)."""
    keys = set(kpi_keys)
    # (A count of the whole company only, ``org_only``, is not a sum over teams: a target
    # for all teams is the company's own.)
    adding = {
        k
        for k in keys
        if (d := catalogue.get(k)) and d.unit == catalogue.Unit.count and not d.org_only
    }
    metric_ids = {int(k.partition(":")[2]) for k in keys if catalogue.is_metric_key(k)}
    if metric_ids:
        summed = db.session.scalars(
            select(ProductionMetric.id).where(
                ProductionMetric.org_id == org_id,
                ProductionMetric.id.in_(metric_ids),
                ProductionMetric.aggregation == Aggregation.sum,
            )
        )
        adding |= {catalogue.metric_key(metric_id) for metric_id in summed}
    return adding


def applicable(
    org_id: int, kpi_keys: Sequence[str], groups: Sequence[Group], periods: Sequence[Period]
) -> dict[tuple[str, str, str], Decimal]:
    """The approved target of each (group key, KPI key, period token) that has one: the one
    with the latest ``valid_from`` on or before the period's first day, the team's own
    before the one for all teams. At most two queries, whatever the number of groups."""
    if not kpi_keys or not groups or not periods:
        return {}
    last_start = max(p.start for p in periods)
    rows = db.session.execute(
        select(KpiTarget.kpi_key, KpiTarget.team_key, KpiTarget.valid_from, KpiTarget.value)
        .where(
            KpiTarget.org_id == org_id,
            KpiTarget.status == TargetStatus.approved,
            KpiTarget.kpi_key.in_(set(kpi_keys)),
            KpiTarget.valid_from <= last_start,
        )
        .order_by(KpiTarget.valid_from)
    ).all()
    if not rows:
        return {}
    # (kpi key, team key) -> starts and values, in the order of valid_from
    starts: dict[tuple[str, int], list[date]] = defaultdict(list)
    values: dict[tuple[str, int], list[Decimal]] = defaultdict(list)
    for row in rows:
        starts[(row.kpi_key, row.team_key)].append(row.valid_from)
        values[(row.kpi_key, row.team_key)].append(row.value)
    adds_up = _adds_up(org_id, {row.kpi_key for row in rows if row.team_key == ALL_TEAMS})

    def at(key: tuple[str, int], day: date) -> Decimal | None:
        index = bisect_right(starts.get(key, ()), day)
        return values[key][index - 1] if index else None

    found: dict[tuple[str, str, str], Decimal] = {}
    for kpi_key in {row.kpi_key for row in rows}:
        for group in groups:
            whole = group.key == ORG_KEY or group.is_unit
            all_teams_counts = not (whole and kpi_key in adds_up)
            for period in periods:
                target = None
                if group.team_id is not None:
                    target = at((kpi_key, group.team_id), period.start)
                if target is None and all_teams_counts:
                    target = at((kpi_key, ALL_TEAMS), period.start)
                if target is not None:
                    found[(group.key, kpi_key, period.token)] = target
    return found


def status(
    value: float | Decimal | None, target: float | Decimal | None, higher_is_better: bool
) -> str | None:
    """ "on_track" (the target is reached), "close" (within 10 % of it) or "behind"; None
    when there is no value or no target."""
    if value is None or target is None:
        return None
    value, target = Decimal(str(value)), Decimal(str(target))
    band = abs(target) * CLOSE_BAND
    if higher_is_better:
        if value >= target:
            return ON_TRACK
        return CLOSE if value >= target - band else BEHIND
    if value <= target:
        return ON_TRACK
    return CLOSE if value <= target + band else BEHIND


# --- setting, proposing, deciding ----------------------------------------------------------


def _upsert(values: dict) -> int:
    """Insert the target, or change the value (and note) of the one with the same KPI,
    team, month and status: a double submit or a second proposal changes nothing more."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(KpiTarget).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["org_id", "kpi_key", "team_key", "valid_from", "status"],
        set_={
            "value": statement.excluded.value,
            "note": statement.excluded.note,
            "proposed_by_id": statement.excluded.proposed_by_id,
            "decided_by_id": statement.excluded.decided_by_id,
            "decided_at": statement.excluded.decided_at,
        },
    ).returning(KpiTarget.id)
    return db.session.execute(statement).scalar_one()


def set_target(
    org_id: int,
    kpi_key: str,
    team_id: int | None,
    valid_from: date,
    value: Decimal,
    actor_id: int | None,
    now: datetime,
) -> int:
    """An approved target from the admin (it replaces one for the same KPI, team and month)."""
    target_id = _upsert(
        {
            "org_id": org_id,
            "kpi_key": kpi_key,
            "team_id": team_id,
            "team_key": team_id or ALL_TEAMS,
            "valid_from": valid_from.replace(day=1),
            "value": value,
            "status": TargetStatus.approved,
            "note": "",
            "proposed_by_id": None,
            "decided_by_id": actor_id,
            "decided_at": now,
            "created_at": now,
        }
    )
    record_audit(org_id, actor_id, "kpi_target.set", object_type="KpiTarget", object_id=target_id)
    return target_id


def propose_target(
    org_id: int,
    kpi_key: str,
    team_id: int,
    valid_from: date,
    value: Decimal,
    note: str,
    actor_id: int,
    now: datetime,
) -> int:
    """A manager's proposal for one of their teams; it counts once an admin approves it."""
    target_id = _upsert(
        {
            "org_id": org_id,
            "kpi_key": kpi_key,
            "team_id": team_id,
            "team_key": team_id,
            "valid_from": valid_from.replace(day=1),
            "value": value,
            "status": TargetStatus.proposed,
            "note": note.strip(),
            "proposed_by_id": actor_id,
            "decided_by_id": None,
            "decided_at": None,
            "created_at": now,
        }
    )
    record_audit(
        org_id, actor_id, "kpi_target.proposed", object_type="KpiTarget", object_id=target_id
    )
    return target_id


def decide_target(
    target: KpiTarget, approve: bool, actor_id: int, now: datetime, team_name: str = ""
) -> bool:
    """Approve or reject a proposal; False when it was decided already (a double submit).

    The first UPDATE claims the proposal (a second decision at the same moment waits for
    it on PostgreSQL and then matches nothing). An approved target replaces the approved
    one for the same KPI, team and month. The proposer gets a notification.
    """
    org_id, target_id, proposer_id = target.org_id, target.id, target.proposed_by_id
    key = (target.kpi_key, target.team_key, target.valid_from)
    claimed = db.session.execute(
        update(KpiTarget)
        .where(
            KpiTarget.id == target_id,
            KpiTarget.org_id == org_id,
            KpiTarget.status == TargetStatus.proposed,
            KpiTarget.decided_at.is_(None),
        )
        .values(decided_by_id=actor_id, decided_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.expire(target)
        return False
    new_status = TargetStatus.approved if approve else TargetStatus.rejected
    db.session.execute(
        delete(KpiTarget)
        .where(
            KpiTarget.org_id == org_id,
            KpiTarget.kpi_key == key[0],
            KpiTarget.team_key == key[1],
            KpiTarget.valid_from == key[2],
            KpiTarget.status == new_status,
            KpiTarget.id != target_id,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(KpiTarget)
        .where(KpiTarget.id == target_id, KpiTarget.org_id == org_id)
        .values(status=new_status)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(target)
    action = "kpi_target.approved" if approve else "kpi_target.rejected"
    record_audit(org_id, actor_id, action, object_type="KpiTarget", object_id=target_id)
    if proposer_id is not None:
        notify(
            org_id,
            proposer_id,
            "kpi_target_decided",
            {
                "target_id": target_id,
                "approved": approve,
                "team_name": team_name,
                "valid_from": key[2].isoformat(),
            },
            now,
            dedupe_key=f"kpi_target_decided:{target_id}",
        )
    return True


def remove_target(target: KpiTarget, actor_id: int) -> None:
    """The admin takes a target away (an older one for the same KPI and team counts again)."""
    record_audit(target.org_id, actor_id, "kpi_target.removed", target)
    db.session.delete(target)
    db.session.flush()


# --- the list of targets -------------------------------------------------------------------


@dataclass(frozen=True)
class TargetRow:
    id: int
    kpi_key: str
    team_id: int | None  # None: all teams
    team_name: str | None
    valid_from: date
    value: Decimal
    status: TargetStatus
    note: str
    proposed_by: str | None  # the proposer's name
    upcoming: bool  # counts from a later month than this one


def target_rows(
    org_id: int, today: date, team_ids: set[int] | None = None
) -> tuple[list[TargetRow], list[TargetRow]]:
    """(the targets that count now or will count later, the proposals waiting for a
    decision), for every team (``team_ids`` None) or for these teams and the targets for
    all teams. One query; a target replaced by a later one that counts now is left out."""
    statement = (
        select(KpiTarget, Team.name, User.name)
        .outerjoin(Team, (Team.id == KpiTarget.team_id) & (Team.org_id == KpiTarget.org_id))
        .outerjoin(User, User.id == KpiTarget.proposed_by_id)
        .where(
            KpiTarget.org_id == org_id,
            KpiTarget.status.in_([TargetStatus.approved, TargetStatus.proposed]),
        )
        .order_by(KpiTarget.kpi_key, KpiTarget.team_key, KpiTarget.valid_from, KpiTarget.id)
    )
    if team_ids is not None:
        statement = statement.where(
            or_(KpiTarget.team_id.is_(None), KpiTarget.team_id.in_(team_ids or {-1}))
        )
    this_month = today.replace(day=1)
    counted: dict[tuple[str, int], TargetRow] = {}
    upcoming: list[TargetRow] = []
    proposals: list[TargetRow] = []
    for target, team_name, proposer in db.session.execute(statement):
        row = TargetRow(
            target.id,
            target.kpi_key,
            target.team_id,
            team_name,
            target.valid_from,
            target.value,
            target.status,
            target.note,
            proposer,
            target.valid_from > this_month,
        )
        if target.status == TargetStatus.proposed:
            proposals.append(row)
        elif row.upcoming:
            upcoming.append(row)
        else:
            counted[(target.kpi_key, target.team_key)] = row  # the latest wins (ordered)
    return [*counted.values(), *upcoming], proposals
