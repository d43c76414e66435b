"""The skill-gap overview (R3) from the admin's and the manager's side: counts per skill
of a role (confirmed / claimed / not yet), small groups and small cells hidden (k-1 and k
people), the groups each may choose, offers next to each gap, the nudge button for admins
and the htmx table."""

from __future__ import annotations

import re

from sqlalchemy import insert, select

from app.accounts.models import User
from app.careers.gap_cells import CELLS, CONFIRMED, NOT_YET
from app.careers.models import Horizon
from app.db_types import utcnow
from app.development.skills_models import PersonSkill
from app.orgs.models import Membership, Role
from tests.conftest import login

from .helpers import HX, add_role_skill, make_role, make_skill, text_of, url

TOO_FEW = "too few to show"


def add_people(dbs, org, count: int, role, team=None, tag: str = "p") -> list[int]:
    """``count`` active members of ``org`` in ``role`` (and ``team``), in two bulk INSERTs."""
    tag = f"{tag}.r{role.id if role else 0}.t{team.id if team else 0}.o{org.id}"
    dbs.execute(
        insert(User),
        [
            {"name": f"Gap person {i}", "email": f"g{i}.{tag}@gaps.example", "locale": "en"}
            for i in range(count)
        ],
    )
    ids = list(
        dbs.scalars(
            select(User.id).where(User.email.like(f"%.{tag}@gaps.example")).order_by(User.id)
        )
    )
    dbs.execute(
        insert(Membership),
        [
            {
                "org_id": org.id,
                "user_id": i,
                "team_id": team.id if team else None,
                "job_role_id": role.id if role else None,
            }
            for i in ids
        ],
    )
    dbs.commit()
    return ids


def give(dbs, org, user_ids, skill, confirmed: bool) -> None:
    """Put ``skill`` in the passports of ``user_ids`` (confirmed, or claimed only)."""
    if not user_ids:
        return
    now = utcnow()
    dbs.execute(
        insert(PersonSkill),
        [
            {
                "org_id": org.id,
                "user_id": i,
                "skill_id": skill.id,
                "note": "",
                "confirmed_at": now if confirmed else None,
                "created_at": now,
            }
            for i in user_ids
        ],
    )
    dbs.commit()


def viewer(make, org, roles=(Role.employee, Role.admin), team=None):
    return make.member(org, roles=roles, team=team, locale="en").user


def row_of(page: str, skill) -> str:
    match = re.search(rf'<tr data-skill="{skill.id}">.*?</tr>', page, re.S)
    assert match, f"no row for skill {skill.id}"
    return match.group(0)


def cell(row: str, name: str) -> str:
    found = re.search(rf'<td data-cell="{name}"[^>]*>(.*?)</td>', row, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", found).split()).replace("◌ ", "").replace("◌", "")


def test_counts_per_skill_with_k_people_and_too_few_with_k_minus_1(client, make, dbs):
    org = make.org(min_group_size=3, locale="en")
    role = make_role(make, org, "Orderpicker", [("Scanner", Horizon.now)])
    scanner = make_skill(make, org, "Scanner")
    login(client, viewer(make, org))
    # k - 1 = 2 people in the role: nothing is shown, not even the number of people.
    first = add_people(dbs, org, 2, role, tag="a")
    give(dbs, org, first, scanner, confirmed=True)
    page = text_of(client.get(url(org, f"gaps?job_role_id={role.id}")))
    assert "Too few people in this role here to show numbers (fewer than 3)." in page
    assert cell(row_of(page, scanner), "confirmed") == TOO_FEW
    assert "2 people in this role" not in page
    # k = 3 people, all confirmed: the count is shown; the empty cells are hidden.
    third = add_people(dbs, org, 1, role, tag="b")
    give(dbs, org, third, scanner, confirmed=True)
    page = text_of(client.get(url(org, f"gaps?job_role_id={role.id}")))
    assert "Too few people" not in page
    assert "3 people in this role here." in page
    row = row_of(page, scanner)
    assert cell(row, "confirmed") == "3"
    assert cell(row, "claimed") == TOO_FEW and cell(row, "not_yet") == TOO_FEW


def test_a_small_cell_is_hidden_with_the_next_smallest(client, make, dbs):
    """9 people: 3 confirmed, 3 claimed, 3 not yet -> all shown. 8 people (3, 3, 2): the
    2 is hidden, and one more so that 8 - 3 - 3 does not give it away."""
    org = make.org(min_group_size=3, locale="en")
    role = make_role(make, org, "Heftruck", [("Reachtruck", Horizon.within_year)])
    reach = make_skill(make, org, "Reachtruck")
    login(client, viewer(make, org))
    have = add_people(dbs, org, 3, role, tag="have")
    claimed = add_people(dbs, org, 3, role, tag="claim")
    give(dbs, org, have, reach, confirmed=True)
    give(dbs, org, claimed, reach, confirmed=False)
    rest = add_people(dbs, org, 3, role, tag="rest")
    row = row_of(text_of(client.get(url(org, "gaps"))), reach)
    assert [cell(row, c) for c in ("confirmed", "claimed", "not_yet")] == ["3", "3", "3"]
    assert "Needed within a year" in row
    dbs.execute(Membership.__table__.delete().where(Membership.user_id == rest[0]))
    dbs.commit()
    row = row_of(text_of(client.get(url(org, "gaps"))), reach)
    values = [cell(row, c) for c in ("confirmed", "claimed", "not_yet")]
    assert values[2] == TOO_FEW and values.count(TOO_FEW) == 2, values


def test_people_outside_the_role_or_switched_off_do_not_count(client, make, dbs):
    org = make.org(min_group_size=3, locale="en")
    role = make_role(make, org, "Orderpicker", [("Scanner", Horizon.now)])
    other = make_role(make, org, "Chauffeur", [("Scanner", Horizon.now)])
    scanner = make_skill(make, org, "Scanner")
    login(client, viewer(make, org))
    mine = add_people(dbs, org, 3, role, tag="mine")
    give(dbs, org, mine, scanner, confirmed=True)
    give(dbs, org, add_people(dbs, org, 4, other, tag="other"), scanner, confirmed=True)
    give(dbs, org, add_people(dbs, org, 5, None, tag="none"), scanner, confirmed=True)
    page = text_of(client.get(url(org, f"gaps?job_role_id={role.id}")))
    assert cell(row_of(page, scanner), "confirmed") == "3"
    dbs.execute(
        Membership.__table__.update().where(Membership.user_id == mine[0]).values(active=False)
    )
    dbs.commit()
    page = text_of(client.get(url(org, f"gaps?job_role_id={role.id}")))
    assert "Too few people in this role here" in page


def _unit_world(make, dbs, k=3):
    """A unit "Logistiek" with teams "Inpak" (k people in the role) and "Klein" (k-1),
    nobody directly in the unit; a manager of the unit; a team "Kantoor" elsewhere."""
    org = make.org(min_group_size=k, locale="en")
    role = make_role(make, org, "Orderpicker", [("Scanner", Horizon.now)])
    scanner = make_skill(make, org, "Scanner")
    unit = make.team(org, name="Logistiek")
    inpak = make.team(org, name="Inpak", parent_id=unit.id)
    small = make.team(org, name="Klein", parent_id=unit.id)
    office = make.team(org, name="Kantoor")
    give(dbs, org, add_people(dbs, org, k, role, inpak, "inpak"), scanner, True)
    give(dbs, org, add_people(dbs, org, k - 1, role, small, "klein"), scanner, True)
    add_people(dbs, org, k + 2, role, office, "kantoor")
    manager = viewer(make, org, roles=(Role.employee, Role.manager), team=unit)
    return org, role, scanner, unit, inpak, small, office, manager


def test_a_team_that_subtraction_would_give_away_is_hidden_too(client, make, dbs):
    """The unit (5 people) is shown; "Klein" (2) is too small; "Inpak" (3) is hidden as
    well, or the unit minus Inpak would be Klein's number."""
    org, role, scanner, unit, inpak, small, _office, manager = _unit_world(make, dbs)
    login(client, manager)
    page = text_of(client.get(url(org, f"gaps?job_role_id={role.id}&group=team:{unit.id}")))
    assert cell(row_of(page, scanner), "confirmed") == "5"
    page = text_of(client.get(url(org, f"gaps?job_role_id={role.id}&group=team:{inpak.id}")))
    assert "cannot be worked out" in page
    assert cell(row_of(page, scanner), "confirmed") == TOO_FEW
    page = text_of(client.get(url(org, f"gaps?job_role_id={role.id}&group=team:{small.id}")))
    assert "Too few people in this role here" in page and "They count in Logistiek." in page


def test_a_manager_chooses_only_their_teams_and_never_the_company(client, make, dbs):
    org, role, _scanner, unit, inpak, small, office, manager = _unit_world(make, dbs)
    other_org = make.org()
    foreign_role = make_role(make, other_org, "Orderpicker")
    login(client, manager)
    page = text_of(client.get(url(org, "gaps")))
    options = re.findall(r'<option[^>]*value="([^"]+)"', page)
    assert f"team:{unit.id}" in options and f"team:{inpak.id}" in options
    assert f"team:{office.id}" not in options and "org" not in options
    # Default: the manager's own team first.
    assert "Orderpicker in Logistiek" in page
    for query in (
        f"group=team:{office.id}",
        "group=org",
        "group=team:999999",
        f"job_role_id={foreign_role.id}",
        "job_role_id=abc",
    ):
        assert client.get(url(org, f"gaps?{query}")).status_code == 404, query
        assert client.get(url(org, f"gaps/export.csv?{query}")).status_code == 404, query
    # The nudge button is for admins only (the rows it would sit in are there).
    assert 'data-skill="' in page
    assert "nudges/campaigns/new" not in page and "Start a nudge campaign" not in page


def test_a_manager_without_a_team_gets_a_plain_message(client, make, dbs):
    org = make.org(locale="en")
    make_role(make, org, "Orderpicker", [("Scanner", Horizon.now)])
    login(client, viewer(make, org, roles=(Role.employee, Role.manager)))
    page = text_of(client.get(url(org, "gaps")))
    assert "You are not the manager of a team in Leercultuur yet." in page
    export = client.get(url(org, "gaps/export.csv"))
    assert export.status_code == 200
    assert export.get_data(as_text=True).strip().count("\n") == 0  # the header only


def test_no_roles_yet(client, make, dbs):
    org = make.org(locale="en")
    login(client, viewer(make, org))
    page = text_of(client.get(url(org, "gaps")))
    assert "There are no roles yet." in page


def test_admin_sees_offers_and_a_nudge_button_per_skill_and_htmx_swaps_the_table(client, make, dbs):
    org = make.org(min_group_size=3, locale="en")
    role = make_role(make, org, "Orderpicker")
    offer = make.offer(org, title="Scannen in 30 minuten")
    add_role_skill(make, role, "Scanner", Horizon.two_three_years, offers=[offer])
    add_role_skill(make, role, "Plannen", Horizon.now, reason="Minder papier")
    second = make_role(make, org, "Zzz tweede rol", [("Lassen", Horizon.now)])
    scanner, plannen = make_skill(make, org, "Scanner"), make_skill(make, org, "Plannen")
    add_people(dbs, org, 4, role)
    login(client, viewer(make, org))
    response = client.get(url(org, f"gaps?job_role_id={role.id}&group=org"))
    assert response.status_code == 200
    page = text_of(response)
    # Needed now first, then later.
    assert page.index("Plannen") < page.index("Scanner")
    assert "Minder papier" in page and "Needed in 2 to 3 years" in row_of(page, scanner)
    assert f'href="/o/{org.slug}/offers/{offer.id}"' in row_of(page, scanner)
    assert "No offer linked yet." in row_of(page, plannen)
    button = (
        f"/o/{org.slug}/nudges/campaigns/new?type=skill_gap&amp;skill_id={scanner.id}"
        f"&amp;job_role_id={role.id}"
    )
    assert button in response.get_data(as_text=True)
    assert f"gaps/export.csv?job_role_id={role.id}&amp;group=org" in response.get_data(as_text=True)
    # htmx: only the table of the other role.
    partial = client.get(url(org, f"gaps?job_role_id={second.id}&group=org"), headers=HX)
    body = text_of(partial)
    assert "<html" not in body and "Zzz tweede rol in the whole company" in body
    assert "Lassen" in body and "Scanner" not in body


def test_the_kpi_overview_links_to_the_overview(client, make, dbs):
    org = make.org(locale="en")
    team = make.team(org)
    login(client, viewer(make, org, roles=(Role.employee, Role.manager), team=team))
    page = client.get(f"/o/{org.slug}/manager_kpis/").get_data(as_text=True)
    assert f'href="/o/{org.slug}/careers/gaps"' in page


def _cells(page: str, skill) -> dict[str, int | None]:
    row = row_of(page, skill)
    return {c: None if cell(row, c) == TOO_FEW else int(cell(row, c)) for c in CELLS}


def test_no_cell_of_fewer_than_k_can_be_worked_out_by_subtracting_a_team(client, make, dbs):
    """k = 5. Unit "Expeditie": 10 people directly in it (1 confirmed) and team "Laden"
    of 10 (5 confirmed). Shown naively, the unit says 6 and the team 5: the 1 of the
    direct people would be given away. Whatever is shown, unit minus team is never a
    number from 1 to 4, for any cell, and no row has a lone hidden cell with people in it."""
    org = make.org(min_group_size=5, locale="en")
    role = make_role(make, org, "Orderpicker", [("Scanner", Horizon.now)])
    scanner = make_skill(make, org, "Scanner")
    unit = make.team(org, name="Expeditie")
    team = make.team(org, name="Laden", parent_id=unit.id)
    direct = add_people(dbs, org, 10, role, unit, "direct")
    laden = add_people(dbs, org, 10, role, team, "laden")
    give(dbs, org, direct[:1], scanner, True)
    give(dbs, org, laden[:5], scanner, True)
    login(client, viewer(make, org))
    pages = {
        key: text_of(client.get(url(org, f"gaps?job_role_id={role.id}&group={key}")))
        for key in ("org", f"team:{unit.id}", f"team:{team.id}")
    }
    assert "20 people in this role here." in pages[f"team:{unit.id}"]
    assert "10 people in this role here." in pages[f"team:{team.id}"]
    company, upper, lower = (_cells(pages[key], scanner) for key in pages)
    assert upper == company  # everyone in the role is in the unit
    assert lower[CONFIRMED] is None or upper[CONFIRMED] is None
    for c in CELLS:
        if upper[c] is not None and lower[c] is not None:
            assert not 0 < upper[c] - lower[c] < 5, (c, upper, lower)
    for row, total in ((upper, 20), (lower, 10)):
        hidden = [c for c in CELLS if row[c] is None]
        # A lone hidden cell would be the total minus the others: only when that is 0.
        assert len(hidden) != 1 or total == sum(v for v in row.values() if v), row
    # With 5 of the direct people confirmed too, nothing needs hiding in the unit's
    # "confirmed" (10 - 5 = 5 people is not too few).
    give(dbs, org, direct[1:5], scanner, True)
    upper = _cells(
        text_of(client.get(url(org, f"gaps?job_role_id={role.id}&group=team:{unit.id}"))),
        scanner,
    )
    lower = _cells(
        text_of(client.get(url(org, f"gaps?job_role_id={role.id}&group=team:{team.id}"))),
        scanner,
    )
    assert (upper[CONFIRMED], lower[CONFIRMED]) == (10, 5)
    assert (upper[NOT_YET], lower[NOT_YET]) == (10, 5)
