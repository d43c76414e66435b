"""The union's view of the companies' development KPIs (U3, K4 last sentence), from the
coordinator's side: whole-company figures side by side for the last quarter that is over
and a trend, each company hidden by its own k, no team ever, only companies whose active
agreement shares learning figures (checked on every request)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import delete, insert, select, update

from app.accounts.models import User
from app.development.models import ConversationStatus, DevelopmentConversation
from app.manager_kpis.models import KpiCacheEntry
from app.orgs.models import Membership, OrgKind, Role
from app.unions.models import AgreementStatus, LearningAgreement
from tests.ambassadors.helpers import make_agreement
from tests.ambassadors.helpers_aggregates import text_of
from tests.conftest import login
from tests.development.helpers_goals import english

NOW = datetime(2026, 11, 14, 10, 0, tzinfo=UTC)  # Q4: July-September is the last one over
HIDDEN = "too few to show"
URL = "/o/{slug}/union/dashboard/kpis"


def _people(dbs, org, count: int, tag: str, team_id: int | None = None) -> list[int]:
    """``count`` members of ``org`` who joined in January 2025 (two bulk INSERTs)."""
    dbs.execute(
        insert(User),
        [{"name": f"{tag} {i}", "email": f"{tag}{i}.o{org.id}@kpi.example"} for i in range(count)],
    )
    ids = list(dbs.scalars(select(User.id).where(User.email.like(f"%.o{org.id}@kpi.example"))))
    ids = [i for i in ids if i not in _known(dbs, org)]
    joined = datetime(2025, 1, 5, tzinfo=UTC)
    dbs.execute(
        insert(Membership),
        [{"org_id": org.id, "user_id": i, "team_id": team_id, "created_at": joined} for i in ids],
    )
    dbs.commit()
    return ids


def _known(dbs, org) -> set[int]:
    return set(dbs.scalars(select(Membership.user_id).where(Membership.org_id == org.id)))


def _talk(dbs, org, user_id: int, held_on: date) -> None:
    dbs.add(
        DevelopmentConversation(
            org_id=org.id, user_id=user_id, held_on=held_on, status=ConversationStatus.recorded
        )
    )
    dbs.commit()


def _cell(page: str, table: str, row_key: str, cell_key: str) -> str:
    part = page.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    row = re.search(rf'<tr data-(?:kpi|company)="{row_key}">(.*?)</tr>', part, re.S)
    assert row, f"no row {row_key} in {table}"
    found = re.search(rf'<td [^>]*data-(?:company|cell)="{cell_key}"[^>]*>(.*?)</td>', row[1], re.S)
    assert found, f"no cell {cell_key} in row {row_key}"
    return " ".join(re.sub(r"<[^>]+>", "", found[1]).split())


@pytest.fixture()
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture()
def world(make, dbs, frozen):
    """Alpha (k=3, 4 people in two teams) and Bakker (k=5, 4 people) share learning
    figures; Chemie's agreement does not; Delta's is only proposed; Eiland works with
    another union."""
    union = make.org(kind=OrgKind.union, name="FNV Leren")
    alpha = make.org(name="Alpha Logistiek", min_group_size=3)
    bakker = make.org(name="Bakker Brood", min_group_size=5)
    chemie = make.org(name="Chemie Noord", min_group_size=3)
    delta = make.org(name="Delta Proposed", min_group_size=3)
    eiland = make.org(name="Eiland Elsewhere", min_group_size=3)
    shares = {"shares_learning_figures": True}
    agreements = {
        "alpha": make_agreement(make, union, alpha, **shares),
        "bakker": make_agreement(make, union, bakker, **shares),
        "chemie": make_agreement(make, union, chemie),
        "delta": make_agreement(make, union, delta, status=AgreementStatus.proposed, **shares),
        "eiland": make_agreement(make, make.org(kind=OrgKind.union), eiland, **shares),
    }
    inpak, expeditie = make.team(alpha, name="Inpakteam"), make.team(alpha, name="Expeditieteam")
    alpha_people = _people(dbs, alpha, 2, "Alpha", inpak.id) + _people(
        dbs, alpha, 2, "Alfa", expeditie.id
    )
    _talk(dbs, alpha, alpha_people[0], date(2026, 2, 1))  # Q1, Q2 and Q3: 1 of 4
    for user_id in alpha_people[1:3]:
        _talk(dbs, alpha, user_id, date(2026, 8, 10))  # Q3: 3 of 4
    for user_id in _people(dbs, bakker, 4, "Bakker"):
        _talk(dbs, bakker, user_id, date(2026, 8, 10))  # 4 of 4, but Bakker's k is 5
    for company in (chemie, delta, eiland):
        _people(dbs, company, 4, company.name.split()[0])
    return {"union": union, "alpha": alpha, "bakker": bakker, "agreements": agreements}


def _page(client, union, query: str = "") -> str:
    response = client.get(URL.format(slug=union.slug) + query)
    assert response.status_code == 200
    return text_of(response)


def test_companies_side_by_side_each_with_its_own_k_and_never_a_team(client, make, dbs, world):
    union, alpha, bakker = world["union"], world["alpha"], world["bakker"]
    login(client, make.member(union, roles=(Role.coordinator,)).user)
    english(client)

    page = _page(client, union)

    assert "Figures in Q3 2026" in page
    assert _cell(page, "kpi-companies", "conversations", str(alpha.id)) == "75%"
    assert _cell(page, "kpi-companies", "participation", str(alpha.id)) == "0%"
    # Bakker has 4 people and a k of 5: every figure is hidden, even a 100 %.
    assert _cell(page, "kpi-companies", "conversations", str(bakker.id)) == HIDDEN
    assert _cell(page, "kpi-companies", "hours_work", str(bakker.id)) == HIDDEN
    # The trend of development conversations, oldest quarter first.
    trend = [
        _cell(page, "kpi-trend", str(alpha.id), token)
        for token in ("2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3")
    ]
    assert trend == ["0%", "25%", "25%", "75%"]
    assert _cell(page, "kpi-trend", str(bakker.id), "2026-Q3") == HIDDEN
    # Chemie does not share these figures; Delta and Eiland have no active agreement here.
    assert re.search(r"Chemie Noord\s*<span[^>]*>not shared", page)
    assert "Delta" not in page and "Eiland" not in page
    # Whole companies only: no team and no person.
    for word in ("Inpakteam", "Expeditieteam", "Alpha 0", "Bakker 0"):
        assert word not in page

    # Another figure's trend; then Alpha stops sharing: gone on the very next request.
    goals = _page(client, union, "?kpi=goals")
    assert "Learning goals: the last 4 quarters" in goals
    assert _cell(goals, "kpi-trend", str(alpha.id), "2026-Q3") == "0%"
    dbs.execute(
        update(LearningAgreement)
        .where(LearningAgreement.id == world["agreements"]["alpha"].id)
        .values(shares_learning_figures=False)
    )
    dbs.commit()
    page = _page(client, union)
    assert re.search(r"Alpha Logistiek\s*<span[^>]*>not shared", page)
    assert f'data-company="{alpha.id}">' not in page.split("Companies that do not share")[0]


def test_query_count_does_not_grow_with_the_number_of_people(
    client, make, dbs, world, count_queries
):
    """Computed afresh each time (cache emptied): 4 people in Alpha, then 404."""
    union, alpha = world["union"], world["alpha"]
    login(client, make.member(union, roles=(Role.admin,)).user)
    counts = []
    for extra in (0, 400):
        if extra:
            _people(dbs, alpha, extra, "Extra")
        dbs.execute(delete(KpiCacheEntry))
        dbs.commit()
        with count_queries() as counter:
            _page(client, union)
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
    # Per company sharing figures, about four statements the first time; then the cache.
    with count_queries() as cached:
        _page(client, union)
    assert cached.count < counts[0]
