"""Demo data for the manager KPIs (issue 7) at Metaalbedrijf Van Dijk: a year of history.

Without history the 12-month trends would be empty: the seed makes every membership
"now". So people get a start date one to three years back (three recent hires months
ago), some work part-time, the company tracks three production figures with 13 months of
values per team, targets are set (one proposed by a manager, waiting for the admin), and
``demo_kpi_activity`` adds a year of learning, talks, goals, successes, feedback and
confirmed skills. The maintenance team has three people: fewer than the minimum group
size of 5, so the dashboard shows "too few to show" for it.

Idempotent: start dates only move back, part-time only replaces full time, metrics are
found by name, values by (metric, team, month), and targets and activity are added only
when the company has none yet. Rows are written in bulk.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import bindparam, insert, select

from .accounts.models import User
from .demo_kpi_activity import seed_activity
from .extensions import db
from .manager_kpis.models import (
    Aggregation,
    KpiTarget,
    ProductionMetric,
    ProductionValue,
    TargetStatus,
    ValueSource,
)
from .orgs.models import Membership, MembershipRole, Organisation, Role, Team
from .tenancy import org_context
from .timeutil import org_today

ADMIN = "Anna de Vries"
SEED = 2026  # the same random history on every run

# Days since a few people started; everyone else started 400 to 1100 days ago.
NEW_HIRES = {"Luuk Scholten": 75, "Georgi Ivanov": 130, "João Silva": 200}
PART_TIME = {
    "Fatma Yıldız": "0.60",
    "Karin Visser": "0.80",
    "Linda Peters": "0.80",
    "Naima Bouzid": "0.60",
    "Katarzyna Zielińska": "0.80",
    "Sandra Wijnands": "0.60",
    "Ayşe Arslan": "0.80",
    "Jolanda Post": "0.50",
    "Dewi Soekhoe": "0.80",
    "Otto Brink": "0.90",
}


@dataclass
class DemoPerson:
    membership_id: int
    user_id: int
    name: str
    team: str | None  # team name; None: in no team
    team_id: int | None
    manager: bool
    employee: bool  # not a guest (the union's ambassador): only employees get a history
    joined: date


@dataclass(frozen=True)
class DemoMetric:
    name: str
    unit: str
    higher_is_better: bool
    aggregation: Aggregation
    description: str
    source: ValueSource
    # team -> (value 12 months ago, value now, spread): a straight line with some noise
    teams: dict[str, tuple[float, float, float]]
    places: int = 0


METRICS = (
    DemoMetric(
        "Orders gepickt",
        "orders",
        True,
        Aggregation.sum,
        "Het aantal orders dat het team in de maand klaarzette. Komt uit het magazijnsysteem.",
        ValueSource.api,
        {"Magazijn": (3600, 4300, 180), "Expeditie": (2900, 3300, 150)},
    ),
    DemoMetric(
        "Foutpercentage",
        "%",
        False,
        Aggregation.average,
        "Het deel van het werk dat over moest, of dat de klant terugstuurde.",
        ValueSource.csv,
        {
            "Plaatwerk": (3.4, 2.6, 0.25),
            "Lassen": (2.9, 2.7, 0.25),
            "Montage": (2.2, 1.6, 0.2),
            "Magazijn": (3.1, 1.9, 0.2),
            "Expeditie": (2.4, 2.3, 0.2),
        },
        places=2,
    ),
    DemoMetric(
        "Klanttevredenheid",
        "cijfer",
        True,
        Aggregation.average,
        "Het gemiddelde rapportcijfer (1 tot 10) dat klanten en collega's geven.",
        ValueSource.csv,
        {
            "Montage": (7.3, 7.9, 0.15),
            "Expeditie": (7.0, 7.2, 0.2),
            "Technische dienst": (7.6, 8.1, 0.2),
        },
        places=1,
    ),
)


@dataclass(frozen=True)
class DemoTarget:
    kpi: str  # a development KPI key, or "metric:<name>"
    value: str
    team: str | None = None
    months_ago: int = 12  # valid from the first day of that month
    status: TargetStatus = TargetStatus.approved
    proposed_by: str | None = None
    note: str = ""


TARGETS = (
    DemoTarget("conversations", "0.80"),
    DemoTarget("participation", "0.50"),
    DemoTarget("participation", "0.60", months_ago=5, note="Omhoog na een goed eerste half jaar."),
    DemoTarget("goals", "0.30"),
    DemoTarget("metric:Foutpercentage", "2.5"),
    DemoTarget("metric:Orders gepickt", "4000", team="Magazijn"),
    DemoTarget("metric:Klanttevredenheid", "7.5"),
    DemoTarget(
        "participation",
        "0.75",
        team="Magazijn",
        months_ago=0,
        status=TargetStatus.proposed,
        proposed_by="Mark Jansen",
        note="Iedereen in het magazijn doet mee met de reachtrucktraining.",
    ),
)


def seed_kpis(org: Organisation, now: datetime) -> int:
    """Add the KPI demo history for ``org``; returns how many rows were new or changed."""
    rng = random.Random(SEED)
    with org_context((org.id,)):
        today = org_today(org, now)
        people = _people(org)
        changed = _start_dates_and_fte(people, rng, now)
        teams = dict(
            db.session.execute(select(Team.name, Team.id).where(Team.org_id == org.id)).all()
        )
        users = {p.name: p.user_id for p in people}
        changed += _metrics(org, teams, users, rng, today, now)
        changed += _targets(org, teams, users, today)
        employees = [p for p in people if p.employee]
        changed += seed_activity(org, employees, rng, today, now)
        db.session.flush()
    return changed


def _people(org: Organisation) -> list[DemoPerson]:
    roles = db.session.execute(
        select(MembershipRole.membership_id, MembershipRole.role).where(
            MembershipRole.org_id == org.id,
            MembershipRole.role.in_([Role.manager, Role.employee]),
        )
    ).all()
    managers = {mid for mid, role in roles if role == Role.manager}
    employees = {mid for mid, role in roles if role == Role.employee}
    rows = db.session.execute(
        select(Membership.id, User.id, User.name, Team.name, Team.id, Membership.created_at)
        .join(User, User.id == Membership.user_id)
        .outerjoin(Team, Team.id == Membership.team_id)
        .where(Membership.org_id == org.id)
        .order_by(User.name)
    ).all()
    return [
        DemoPerson(mid, uid, name, team, team_id, mid in managers, mid in employees, created.date())
        for mid, uid, name, team, team_id, created in rows
    ]


def _start_dates_and_fte(people: list[DemoPerson], rng: random.Random, now: datetime) -> int:
    """Start dates one to three years back (only ever moved back) and part-time factors."""
    current = dict(
        db.session.execute(
            select(Membership.id, Membership.created_at).where(
                Membership.id.in_([p.membership_id for p in people])
            )
        ).all()
    )
    fte = dict(
        db.session.execute(
            select(Membership.id, Membership.fte).where(
                Membership.id.in_([p.membership_id for p in people])
            )
        ).all()
    )
    moves, parts = [], []
    for person in people:
        days = NEW_HIRES.get(person.name) or rng.randint(400, 1100)
        started = datetime.combine(now.date() - timedelta(days=days), time(8), tzinfo=UTC)
        if current[person.membership_id] > started:
            moves.append({"mid": person.membership_id, "when": started})
            person.joined = started.date()
        else:
            person.joined = current[person.membership_id].date()
        part = PART_TIME.get(person.name)
        if part and fte[person.membership_id] == Decimal("1.00"):
            parts.append({"mid": person.membership_id, "fte": Decimal(part)})
    table = Membership.__table__
    if moves:
        db.session.execute(
            table.update()
            .where(table.c.id == bindparam("mid"))
            .values(created_at=bindparam("when")),
            moves,
        )
    if parts:
        db.session.execute(
            table.update().where(table.c.id == bindparam("mid")).values(fte=bindparam("fte")),
            parts,
        )
    return len(moves) + len(parts)


def _months(today: date, count: int) -> list[date]:
    """The first days of the last ``count`` months, oldest first, ending with this month."""
    firsts = [today.replace(day=1)]
    while len(firsts) < count:
        firsts.append((firsts[-1] - timedelta(days=1)).replace(day=1))
    return firsts[::-1]


def _metrics(
    org: Organisation,
    teams: dict[str, int],
    users: dict[str, int],
    rng: random.Random,
    today: date,
    now: datetime,
) -> int:
    added = 0
    have = dict(
        db.session.execute(
            select(ProductionMetric.name, ProductionMetric.id).where(
                ProductionMetric.org_id == org.id
            )
        ).all()
    )
    for plan in METRICS:
        if plan.name not in have:
            metric = ProductionMetric(
                org_id=org.id,
                name=plan.name,
                unit=plan.unit,
                higher_is_better=plan.higher_is_better,
                aggregation=plan.aggregation,
                description=plan.description,
                created_at=now - timedelta(days=400),
            )
            db.session.add(metric)
            db.session.flush()
            have[plan.name] = metric.id
            added += 1
    stored = set(
        db.session.execute(
            select(ProductionValue.metric_id, ProductionValue.team_id, ProductionValue.month).where(
                ProductionValue.org_id == org.id
            )
        ).all()
    )
    months = _months(today, 13)
    month_days = ((today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(1)).day
    rows = []
    for plan in METRICS:
        for team, (first, last, spread) in plan.teams.items():
            for index, month in enumerate(months):
                value = first + (last - first) * index / (len(months) - 1) + rng.gauss(0, spread)
                if plan.aggregation == Aggregation.sum and month == months[-1]:
                    value *= today.day / month_days  # this month so far
                key = (have[plan.name], teams[team], month)
                if key in stored:
                    continue
                entered = min(now, _at(month + timedelta(days=34)))
                rows.append(
                    {
                        "org_id": org.id,
                        "metric_id": key[0],
                        "team_id": key[1],
                        "month": month,
                        "value": round(Decimal(str(value)), plan.places),
                        "source": plan.source,
                        "updated_by_id": None if plan.source == ValueSource.api else users[ADMIN],
                        "updated_at": entered,
                    }
                )
    if rows:
        db.session.execute(insert(ProductionValue), rows)
    return added + len(rows)


def _targets(org: Organisation, teams: dict[str, int], users: dict[str, int], today: date) -> int:
    if db.session.scalar(select(KpiTarget.id).where(KpiTarget.org_id == org.id).limit(1)):
        return 0
    metrics = dict(
        db.session.execute(
            select(ProductionMetric.name, ProductionMetric.id).where(
                ProductionMetric.org_id == org.id
            )
        ).all()
    )
    months = _months(today, 13)
    rows = []
    for plan in TARGETS:
        kpi = plan.kpi
        if kpi.startswith("metric:"):
            kpi = f"metric:{metrics[kpi.removeprefix('metric:')]}"
        team_id = teams[plan.team] if plan.team else None
        valid_from = months[-1 - plan.months_ago]
        decided = plan.status != TargetStatus.proposed
        # Set ten days before it starts; a proposal waits since a few days.
        created = _at(valid_from - timedelta(days=10) if decided else today - timedelta(days=3))
        rows.append(
            {
                "org_id": org.id,
                "kpi_key": kpi,
                "team_id": team_id,
                "team_key": team_id or 0,
                "valid_from": valid_from,
                "value": Decimal(plan.value),
                "status": plan.status,
                "note": plan.note,
                "proposed_by_id": users[plan.proposed_by] if plan.proposed_by else users[ADMIN],
                "decided_by_id": users[ADMIN] if decided else None,
                "created_at": created,
                "decided_at": created + timedelta(days=1) if decided else None,
            }
        )
    db.session.execute(insert(KpiTarget), rows)
    return len(rows)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)
