"""A company for the dashboard tests: a department with three teams (one too small to
show), a team outside it, development conversations, a production metric with values
and targets. People carry PERSON_MARK in their names: no dashboard page may show it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from app.accounts.models import User
from app.db_types import utcnow
from app.development.models import DevelopmentConversation
from app.manager_kpis.models import (
    Aggregation,
    KpiTarget,
    ProductionMetric,
    ProductionValue,
    TargetStatus,
)
from app.orgs.models import Membership, Organisation, Role
from app.timeutil import org_today

PERSON_MARK = "PERSON-7c1e"


@dataclass
class World:
    org: Organisation
    manager: User
    admin: User
    unit_id: int
    inpak_id: int
    expeditie_id: int
    small_id: int
    office_id: int
    metric_id: int
    today: date


def add_people(dbs, org, count: int, team_id: int | None, tag: str) -> list[int]:
    """``count`` members of ``org`` in ``team_id``, in two bulk INSERTs."""
    tag = f"{tag}.o{org.id}"
    dbs.execute(
        insert(User),
        [
            {"name": f"{PERSON_MARK} {i}", "email": f"p{i}.{tag}@kpi.example", "locale": "nl"}
            for i in range(count)
        ],
    )
    ids = list(
        dbs.scalars(
            select(User.id).where(User.email.like(f"%.{tag}@kpi.example")).order_by(User.id)
        )
    )
    dbs.execute(
        insert(Membership), [{"org_id": org.id, "user_id": i, "team_id": team_id} for i in ids]
    )
    dbs.commit()
    return ids


def build_world(make, dbs, locale: str = "en") -> World:
    org = make.org(name="Van Dijk", slug="vandijk", min_group_size=5, locale=locale)
    today = org_today(org, utcnow())
    unit = make.team(org, name="Logistiek")
    inpak = make.team(org, name="Inpak", parent_id=unit.id)
    expeditie = make.team(org, name="=Expeditie", parent_id=unit.id)  # formula-like name
    small = make.team(org, name="Klein", parent_id=unit.id)
    office = make.team(org, name="Kantoor")
    manager = make.member(
        org,
        roles=(Role.employee, Role.manager),
        team=unit,
        name=f"{PERSON_MARK} Marieke",
        email="marieke@vandijk.test",
        locale=locale,
    ).user
    admin = make.admin(
        org, team=office, name=f"{PERSON_MARK} Anouk", email="anouk@vandijk.test", locale=locale
    ).user
    inpak_people = add_people(dbs, org, 6, inpak.id, "inpak")
    add_people(dbs, org, 6, expeditie.id, "expeditie")
    # Klein (4) is too small; with Marieke, the one person in Logistiek's own team, the
    # rest of Logistiek beside Inpak and Expeditie is 5 people, so both can be shown.
    add_people(dbs, org, 4, small.id, "klein")
    add_people(dbs, org, 4, office.id, "kantoor")  # and Anouk: 5
    # Three of Inpak's six had a development conversation a month ago: 50 %.
    held = today - timedelta(days=20)
    for person in inpak_people[:3]:
        dbs.add(DevelopmentConversation(org_id=org.id, user_id=person, held_on=held))
    metric = ProductionMetric(
        org_id=org.id,
        name="Orders picked",
        unit="orders",
        higher_is_better=True,
        aggregation=Aggregation.sum,
    )
    dbs.add(metric)
    dbs.flush()
    month = today.replace(day=1)
    for team, value in ((inpak, 900), (expeditie, 700), (small, 100), (office, 300)):
        dbs.add(
            ProductionValue(
                org_id=org.id, metric_id=metric.id, team_id=team.id, month=month, value=value
            )
        )
    # Inpak: target 1 000 orders (900 is close: within 10 %); every team: 40 % conversations.
    for key, team_id, value in (
        (f"metric:{metric.id}", inpak.id, Decimal("1000")),
        ("conversations", None, Decimal("0.4")),
    ):
        dbs.add(
            KpiTarget(
                org_id=org.id,
                kpi_key=key,
                team_id=team_id,
                team_key=team_id or 0,
                valid_from=month.replace(year=month.year - 1),
                value=value,
                status=TargetStatus.approved,
            )
        )
    dbs.commit()
    return World(
        org=org,
        manager=manager,
        admin=admin,
        unit_id=unit.id,
        inpak_id=inpak.id,
        expeditie_id=expeditie.id,
        small_id=small.id,
        office_id=office.id,
        metric_id=metric.id,
        today=today,
    )
