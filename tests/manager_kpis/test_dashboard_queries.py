"""The dashboard and each of its tiles run the same SQL statements whatever the number of
people (acceptance 4): a team of 5 and of 500, an organisation of 1 000 and of 20 000.
People are inserted in bulk (Core INSERTs); the factories would take minutes."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import insert, text

from app.db_types import utcnow
from app.development.models import DevelopmentConversation
from app.manager_kpis.catalogue import KPI_KEYS
from app.manager_kpis.models import Aggregation, ProductionMetric, ProductionValue
from app.orgs.models import Role
from app.timeutil import org_today
from tests.conftest import login

from .dashboard_world import add_people

HX = {"HX-Request": "true"}


def _company(make, dbs, slug: str, team_size: int, others: int):
    """A company with a department, the manager's team of ``team_size`` in it, a second
    team of ``others`` people, conversations for a third of everyone and a metric."""
    org = make.org(slug=slug, min_group_size=5)
    today = org_today(org, utcnow())
    unit = make.team(org, name="Productie")
    team = make.team(org, name="Lijn 1", parent_id=unit.id)
    other = make.team(org, name="Lijn 2", parent_id=unit.id)
    manager = make.member(org, roles=(Role.employee, Role.manager), team=unit).user
    admin = make.admin(org, team=other).user
    people = add_people(dbs, org, team_size, team.id, "team") + add_people(
        dbs, org, others, other.id, "other"
    )
    dbs.execute(
        insert(DevelopmentConversation),
        [
            {"org_id": org.id, "user_id": person, "held_on": today - timedelta(days=40)}
            for person in people[::3]
        ],
    )
    metric = ProductionMetric(org_id=org.id, name="Stuks", aggregation=Aggregation.sum)
    dbs.add(metric)
    dbs.flush()
    dbs.add(
        ProductionValue(
            org_id=org.id, metric_id=metric.id, team_id=team.id, month=today.replace(day=1), value=5
        )
    )
    dbs.commit()
    return org, team.id, manager, admin, metric.id


def _statements(client, count_queries, paths: list[tuple[str, dict]]) -> dict[str, list[str]]:
    found = {}
    for path, headers in paths:
        with count_queries() as counter:
            response = client.get(path, headers=headers)
        assert response.status_code == 200, path
        found[f"{path} {headers}"] = counter.statements
    return found


def _paths(
    slug: str, team_id: int | None, metric_id: int, every_tile: bool = False
) -> list[tuple[str, dict]]:
    """The pages to count. ``every_tile``: each KPI's tile, not only two (a tile's code is
    the same for every development KPI; the team test, cheaper, requests them all)."""
    base = f"/o/{slug}/manager_kpis"
    group = f"{base}/teams/{team_id}" if team_id else f"{base}/organisation"
    tiles = (
        (*KPI_KEYS, f"metric:{metric_id}")
        if every_tile
        else ("participation", f"metric:{metric_id}")
    )
    return [
        (f"{base}/", {}),
        (group, {}),  # the whole page, every tile on the server
        (group, HX),  # the skeleton
        *((f"{group}/tiles/{key}", HX) for key in tiles),
        (f"{group}/tiles/conversations?kind=quarter", {}),
        (f"{group}/export.csv", {}),
        (f"{group}/print", {}),
        (f"{group}/series.json", {}),
    ]


def _same(small: dict[str, list[str]], large: dict[str, list[str]], slugs: tuple[str, str]):
    for (small_key, few), many in zip(small.items(), large.values(), strict=True):
        assert len(few) == len(many), (
            f"{small_key}: {len(few)} statements for the small one, {len(many)} for the "
            "large one:\n" + "\n---\n".join(many[len(few) :])
        )
        assert [s.replace(slugs[0], "") for s in few] == [s.replace(slugs[1], "") for s in many]


def test_same_statements_for_a_team_of_5_and_of_500(client, make, dbs, count_queries):
    counted = []
    for slug, size in (("klein", 5), ("groot", 500)):
        org, team_id, manager, _admin, metric_id = _company(make, dbs, slug, size, 5)
        login(client, manager)
        paths = _paths(slug, team_id, metric_id, every_tile=True)
        counted.append(_statements(client, count_queries, paths))
    _same(*counted, ("klein", "groot"))


def test_same_statements_for_an_organisation_of_1000_and_20000(client, make, dbs, count_queries):
    counted, seconds = [], []
    for slug, size in (("duizend", 1_000), ("twintigduizend", 20_000)):
        org, _team_id, _manager, admin, metric_id = _company(make, dbs, slug, size // 2, size // 2)
        login(client, admin)
        started = time.perf_counter()
        counted.append(_statements(client, count_queries, _paths(slug, None, metric_id)))
        seconds.append(time.perf_counter() - started)
    _same(*counted, ("duizend", "twintigduizend"))
    assert seconds[1] < 30, seconds
    if dbs.get_bind().dialect.name == "postgresql":
        # Emptying the tables row by row after the test takes seconds for 20 000 people.
        dbs.execute(text("TRUNCATE users, organisations CASCADE"))
        dbs.commit()
