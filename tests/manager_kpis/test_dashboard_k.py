"""Acceptance 2 on the dashboard itself: with k = 5 a team of 4 is "too few to show" on every
tile and counts only in its department (the overview says so and has no link to it); with
k = 3 it has a link and its own figures. The status is there in words, not only as a
colour or a shape."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import insert

from app.db_types import utcnow
from app.development.models import LearningKind, LearningLogEntry
from app.manager_kpis.models import KpiTarget, TargetStatus
from app.orgs.models import Organisation
from app.timeutil import org_today
from tests.conftest import login

from .dashboard_world import PERSON_MARK, add_people
from .test_dashboard_pages import DEV_KEYS, _cell, _tile


def _row(html: str, team_id: int) -> str:
    return re.search(rf'<tr data-group="team:{team_id}".*?</tr>', html, re.S).group(0)


def test_a_team_of_4_is_shown_only_in_its_department_until_k_is_3(client, make, dbs):
    org = make.org(name="Bakker", slug="bakker", min_group_size=5, locale="en")
    today = org_today(org, utcnow())
    unit = make.team(org, name="Productie")
    line = make.team(org, name="Lijn 1", parent_id=unit.id)
    other = make.team(org, name="Lijn 2", parent_id=unit.id)
    small = make.team(org, name="Onderhoud", parent_id=unit.id)
    admin = make.admin(org, team=line, locale="en").user
    add_people(dbs, org, 5, line.id, "lijn1")
    add_people(dbs, org, 6, other.id, "lijn2")
    learners = add_people(dbs, org, 4, small.id, "onderhoud")
    # Only the small team learned this month (a week ago, or today early in a month).
    day = max(today - timedelta(days=7), today.replace(day=1))
    dbs.execute(
        insert(LearningLogEntry),
        [
            {
                "org_id": org.id,
                "user_id": person,
                "title": "Heftruck",
                "kind": LearningKind.informal,
                "minutes": 60,
                "in_work_time": True,
                "learned_on": day,
            }
            for person in learners
        ],
    )
    dbs.add(
        KpiTarget(
            org_id=org.id,
            kpi_key="participation",
            team_id=None,
            team_key=0,
            valid_from=today.replace(day=1),
            value=Decimal("0.2"),
            status=TargetStatus.approved,
        )
    )
    dbs.commit()
    login(client, admin)
    base = "/o/bakker/manager_kpis"

    overview = client.get(f"{base}/").get_data(as_text=True)
    row = _row(overview, small.id)
    assert "data-too-small" in row and "They count in Productie" in row
    assert "<a " not in row
    page = client.get(f"{base}/teams/{small.id}").get_data(as_text=True)
    for key in DEV_KEYS:
        assert _cell(_tile(page, key), "value") == "too few to show", key
    assert 'data-cell="status"' not in page
    # Its people count in the department: 4 of its 16 learned.
    unit_page = client.get(f"{base}/teams/{unit.id}").get_data(as_text=True)
    participation = _tile(unit_page, "participation")
    assert _cell(participation, "value") == "25%"
    assert "On track" in _cell(participation, "status")  # 25 % against a target of 20 %
    assert PERSON_MARK not in overview + page + unit_page

    dbs.get(Organisation, org.id).min_group_size = 3
    dbs.commit()
    overview = client.get(f"{base}/").get_data(as_text=True)
    row = _row(overview, small.id)
    assert "data-too-small" not in row and f'href="{base}/teams/{small.id}"' in row
    page = client.get(f"{base}/teams/{small.id}").get_data(as_text=True)
    for key in DEV_KEYS:  # this month (the trend before it is empty: nobody was there yet)
        assert _cell(_tile(page, key), "value") != "too few to show", key
    participation = _tile(page, "participation")
    assert _cell(participation, "value") == "100%"
    assert "On track" in _cell(participation, "status")
