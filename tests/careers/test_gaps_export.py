"""The skill-gap overview as a CSV file: the page's counts with the same suppression,
a byte order mark, ";" in Dutch and "," in English, formulas defused, never stored."""

from __future__ import annotations

import csv
import io

from app.careers.models import Horizon
from app.orgs.models import Role
from tests.conftest import login

from .helpers import add_role_skill, english, make_role, make_skill, url
from .test_gaps_pages import add_people, give, viewer


def _rows(response, delimiter: str) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=delimiter))


def test_the_file_has_the_pages_counts_and_hides_the_same_cells(client, make, dbs):
    org = make.org(min_group_size=3, locale="en", slug="bakker")
    role = make_role(make, org, "=HYPERLINK(1)")
    offer = make.offer(org, title="@Scannen")
    add_role_skill(make, role, "Scanner", Horizon.now, offers=[offer])
    add_role_skill(make, role, "+Lassen", Horizon.two_three_years)
    scanner = make_skill(make, org, "Scanner")
    give(dbs, org, add_people(dbs, org, 4, role), scanner, confirmed=True)
    login(client, viewer(make, org))
    english(client)
    response = client.get(url(org, f"gaps/export.csv?job_role_id={role.id}&group=org"))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "no-store" in response.headers["Cache-Control"]
    disposition = response.headers["Content-Disposition"]
    assert (
        disposition.startswith('attachment; filename="skill-gaps-bakker-') and ".csv" in disposition
    )
    header, *rows = _rows(response, ",")
    assert header[:4] == ["Group", "Role", "Skill", "Needed"]
    by_skill = {row[2]: row for row in rows}
    assert set(by_skill) == {"Scanner", "'+Lassen"}
    scanner_row = by_skill["Scanner"]
    assert scanner_row[1] == "'=HYPERLINK(1)"
    assert scanner_row[4:8] == ["4", "4", "too few to show", "too few to show"]
    assert scanner_row[8] == "'@Scannen"
    assert by_skill["'+Lassen"][4:8] == ["4", "too few to show", "too few to show", "4"]


def test_dutch_uses_semicolons_and_a_small_group_is_never_a_number(client, make, dbs):
    org = make.org(min_group_size=5, locale="nl")
    role = make_role(make, org, "Orderpicker", [("Scanner", Horizon.now)])
    scanner = make_skill(make, org, "Scanner")
    give(dbs, org, add_people(dbs, org, 4, role), scanner, confirmed=True)
    login(client, make.admin(org, locale="nl").user)
    response = client.get(url(org, f"gaps/export.csv?job_role_id={role.id}"))
    header, row = _rows(response, ";")
    assert len(header) == 9 and len(row) == 9
    assert not any(value.strip().isdigit() for value in row[4:8]), row


def test_a_manager_downloads_only_their_teams(client, make, dbs):
    org = make.org(min_group_size=3, locale="en")
    role = make_role(make, org, "Orderpicker", [("Scanner", Horizon.now)])
    mine, other = make.team(org, name="Inpak"), make.team(org, name="Kantoor")
    add_people(dbs, org, 3, role, mine, "mine")
    add_people(dbs, org, 3, role, other, "other")
    login(client, viewer(make, org, roles=(Role.employee, Role.manager), team=mine))
    ok = client.get(url(org, f"gaps/export.csv?job_role_id={role.id}&group=team:{mine.id}"))
    assert ok.status_code == 200
    assert _rows(ok, ",")[1][0] == "Inpak"
    no = client.get(url(org, f"gaps/export.csv?job_role_id={role.id}&group=team:{other.id}"))
    assert no.status_code == 404
