"""Ambassador talks are counted for the whole company only, and months add up exactly to
their quarter: no difference of groups or periods gives one person's numbers.

* The SECURITY DEFINER function, called directly as the app's role with crafted
  arguments, gives nothing per person, team or day (PostgreSQL).
* The dashboard says on a team's tile, its CSV, print view and JSON that talks are only
  counted for the whole company, with the company's own figure.
* Flow KPIs (hours, successes, feedback, confirmed skills) of a team with a leaver and a
  newcomer: January + February + March = the first quarter, to the minute.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import ProgrammingError

from app.ambassadors.models import AmbassadorConversation, Channel
from app.ambassadors.models import ConversationStatus as TalkStatus
from app.development.skills_models import (
    ConfirmationStatus,
    ConfirmerRole,
    PersonSkill,
    Skill,
    SkillConfirmation,
)
from app.extensions import db
from app.feedback.models import Feedback
from app.manager_kpis.catalogue import FLOW
from app.manager_kpis.dev_kpi_sql import make_bounds
from app.manager_kpis.dev_kpi_talks import ambassador_totals
from app.manager_kpis.models import PeriodKind
from app.manager_kpis.periods import period_of
from app.orgs.models import Membership
from app.tenancy import org_context
from tests.backend import backend_name
from tests.conftest import login

from .dashboard_world import build_world
from .dev_kpi_seed import APRIL, TODAY, add_people, compute, local, token
from .test_dev_kpis import _post_maker, log

pg_only = pytest.mark.skipif(backend_name() != "postgresql", reason="a PostgreSQL function")


def talk(dbs, org, employee: int, ambassador: int, booked_on: date, status=TalkStatus.held):
    dbs.add(
        AmbassadorConversation(
            org_id=org.id,
            employee_id=employee,
            ambassador_id=ambassador,
            channel=Channel.in_person,
            status=status,
            booked_on=booked_on,
            client_token=token(),
        )
    )


def test_ambassador_totals_need_k_members_in_the_period(app, dbs, make):
    org = make.org(min_group_size=5)
    early = add_people(dbs, org, 2, created_at=local(date(2026, 2, 10)))
    later = add_people(dbs, org, 3, created_at=local(date(2026, 4, 10)))
    # One of the five left in April: still a member in April (five), not in May.
    add_people(dbs, org, 1, active=False, disabled_at=local(date(2026, 4, 20)))
    talk(dbs, org, early[0], later[0], date(2026, 3, 5))
    talk(dbs, org, early[1], later[0], date(2026, 4, 5))
    talk(dbs, org, early[1], later[0], date(2026, 4, 6), TalkStatus.cancelled)
    dbs.commit()
    march, may = APRIL.previous(), APRIL.next()
    future = period_of(PeriodKind.month, date(2027, 1, 1))
    with app.app_context(), org_context((org.id,)):
        bounds = make_bounds(org, [march, APRIL, may, future], TODAY)
        totals = ambassador_totals(org, bounds)
        db.session.remove()
    # March: 3 members (2 + the leaver): no number. April: 6 members. May: 5 (open, up to
    # today). A period that has not begun is not counted at all.
    assert totals[0] is None and totals[1] == 1 and totals[2] == 0 and 3 not in totals
    with app.app_context(), org_context((org.id + 1000,)):  # another organisation's context
        assert not any(ambassador_totals(org, bounds).values())
        db.session.remove()


@pg_only
def test_the_function_called_directly_gives_nothing_per_person(app, dbs, make):
    """The app's role sets app.org_ids and calls the function with crafted arguments: a
    start that is not the first of a month, one in the future, a quarter that starts in
    February, an unknown kind, a month with fewer than k members. Nothing comes back per
    person, team or day; the old per-team signature does not exist any more."""
    org = make.org(min_group_size=5)
    first = add_people(dbs, org, 2, created_at=local(date(2025, 6, 1)))
    rest = add_people(dbs, org, 4, created_at=local(date(2025, 12, 20)))
    talk(dbs, org, first[0], rest[0], date(2025, 11, 10))  # only 2 members then
    talk(dbs, org, first[0], rest[0], date(2026, 1, 15))
    talk(dbs, org, first[1], rest[0], date(2026, 1, 20))
    talk(dbs, org, rest[1], rest[0], date(2026, 2, 3))
    dbs.commit()
    other = make.org()

    def call(kind: str, starts: list, org_ids=str(org.id)):
        with app.app_context(), db.engine.begin() as conn:
            if org_ids is not None:
                conn.execute(text("SELECT set_config('app.org_ids', :ids, true)"), {"ids": org_ids})
            result = conn.execute(
                text("SELECT * FROM kpi_ambassador_contacts(:org, :kind, CAST(:starts AS date[]))"),
                {"org": org.id, "kind": kind, "starts": starts},
            )
            assert list(result.keys()) == ["period_idx", "contacts"]
            return [tuple(row) for row in result]

    starts = [date(2026, 1, 1), date(2026, 1, 15), date(2026, 2, 1), date(2099, 1, 1), None]
    assert call("month", starts) == [(1, 2), (3, 1)]  # the 15th, 2099 and NULL: nothing
    assert call("month", [date(2025, 11, 1)]) == [(1, None)]  # 2 members < k
    assert call("quarter", [date(2026, 1, 1), date(2026, 2, 1), date(2026, 4, 1)]) == [
        (1, 3),
        (3, 0),
    ]
    for kind in ("day", "week", "year", "", "Month"):
        assert call(kind, [date(2026, 1, 1)]) == [], kind
    # Another organisation's context, or none: nothing at all.
    assert call("month", [date(2026, 1, 1)], org_ids=str(other.id)) == []
    assert call("month", [date(2026, 1, 1)], org_ids=None) == []
    # The old signature (team roots, any dates and cutoffs) is gone.
    with pytest.raises(ProgrammingError, match="does not exist"):
        with app.app_context(), db.engine.begin() as conn:
            conn.execute(
                text(
                    "SELECT * FROM kpi_ambassador_contacts(:org, ARRAY[0], "
                    "ARRAY[DATE '2026-01-15'], ARRAY[DATE '2026-01-15'], ARRAY[now()])"
                ),
                {"org": org.id},
            )


def _tile(html: str, key: str) -> str:
    match = re.search(
        r'<article class="kpi-tile[^"]*"[^>]*data-kpi="' + key + '".*?</article>', html, re.S
    )
    assert match, key
    return match.group(0)


def _cell(tile: str, name: str) -> str:
    match = re.search(r'data-cell="' + name + r'">(.*?)</(?:p|dd)>', tile, re.S)
    assert match, name
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_a_team_shows_talks_only_for_the_whole_company(client, make, dbs):
    world = build_world(make, dbs)
    inpak = dbs.scalars(select(Membership.user_id).where(Membership.team_id == world.inpak_id))
    inpak = list(inpak)
    month = world.today.replace(day=1)
    for employee in inpak[:3]:
        talk(dbs, world.org, employee, world.admin.id, month)
    dbs.commit()
    login(client, world.admin)
    base = "/o/vandijk/manager_kpis"

    team = _tile(
        client.get(f"{base}/teams/{world.inpak_id}").get_data(as_text=True), "ambassador_contacts"
    )
    assert _cell(team, "value") == "Only counted for the whole company"
    assert "nobody can work out who talked to one" in _cell(team, "org-only")
    assert _cell(team, "average") == "3"  # the company's own figure, not scaled to the team
    assert "Whole company" in team and 'data-cell="target"' not in team
    assert 'data-series="group"' not in team  # no line of the team's own
    company = _tile(
        client.get(f"{base}/organisation").get_data(as_text=True), "ambassador_contacts"
    )
    assert _cell(company, "value") == "3"

    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"{base}/teams/{world.inpak_id}/export.csv")
                .get_data(as_text=True)
                .lstrip("\ufeff")
            )
        )
    )
    talks = [
        r for r in rows if r[3] == "Talks with an ambassador" and r[1] == month.strftime("%Y-%m")
    ]
    assert [(r[4], r[8]) for r in talks] == [("only counted for the whole company", "3")]

    series = client.get(f"{base}/teams/{world.inpak_id}/series.json").get_json()
    (kpi,) = [k for k in series["kpis"] if k["key"] == "ambassador_contacts"]
    assert kpi["org_only"] and kpi["points"][-1]["value"] is None
    assert kpi["points"][-1]["company_average"] == 3
    printed = client.get(f"{base}/teams/{world.inpak_id}/print").get_data(as_text=True)
    assert "only counted for the whole company" in printed
    about = client.get(f"{base}/about").get_data(as_text=True)
    assert "only counted for the whole company, never for a team or department" in about


def test_months_add_up_to_their_quarter_with_a_leaver_and_a_newcomer(app, dbs, make):
    """Hours, successes, feedback and confirmed skills of January, February and March add
    up exactly to the first quarter: "quarter minus its months" is nobody. Someone who
    left on 14 February counts in January and February (not in March: a log dated then
    counts nowhere); someone who joined on 16 February counts from February (a course
    they dated in January counts nowhere). The shares of the quarter are March's."""
    org = make.org(min_group_size=3)
    team = make.team(org)
    stayers = add_people(dbs, org, 5, team)
    (leaver,) = add_people(dbs, org, 1, team, active=False, disabled_at=local(date(2026, 2, 14)))
    (newcomer,) = add_people(dbs, org, 1, team, created_at=local(date(2026, 2, 16)))
    for person in stayers:
        log(dbs, org, person, date(2026, 1, 8), 60)
        log(dbs, org, person, date(2026, 2, 8), 30, work=False)
        log(dbs, org, person, date(2026, 3, 31), 45)
    for person, day, minutes, work in (
        (leaver, date(2026, 1, 10), 600, True),
        (leaver, date(2026, 2, 2), 120, False),
        (leaver, date(2026, 3, 5), 999, True),  # after leaving
        (newcomer, date(2026, 1, 20), 300, True),  # before joining
        (newcomer, date(2026, 2, 20), 90, False),
        (newcomer, date(2026, 3, 3), 50, True),
    ):
        log(dbs, org, person, day, minutes, work)
    post = _post_maker(dbs, org)
    post(leaver, local(date(2026, 1, 12)))
    post(stayers[0], local(date(2026, 2, 1), 0, 30))
    post(newcomer, local(date(2026, 3, 1)))
    for giver, recipient, day in (
        (leaver, stayers[1], date(2026, 2, 10)),
        (stayers[2], newcomer, date(2026, 2, 25)),
        (newcomer, stayers[3], date(2026, 3, 2)),
    ):
        dbs.add(
            Feedback(
                org_id=org.id,
                giver_id=giver,
                recipient_id=recipient,
                went_well="Goed",
                client_token=token(),
                created_at=local(day),
            )
        )
    skill = Skill(org_id=org.id, name="Heftruck", name_key="heftruck")
    dbs.add(skill)
    dbs.flush()
    owned = {}
    for person in (leaver, stayers[4]):
        owned[person] = PersonSkill(org_id=org.id, user_id=person, skill_id=skill.id)
        dbs.add(owned[person])
    dbs.flush()
    # The leaver's skill confirmed in February, and again in March after leaving.
    for person, confirmer, answered in (
        (leaver, stayers[0], date(2026, 2, 1)),
        (leaver, stayers[1], date(2026, 3, 15)),
        (stayers[4], stayers[0], date(2026, 1, 5)),
    ):
        dbs.add(
            SkillConfirmation(
                org_id=org.id,
                person_skill_id=owned[person].id,
                user_id=person,
                confirmer_id=confirmer,
                confirmer_role=ConfirmerRole.colleague,
                status=ConfirmationStatus.confirmed,
                expires_at=local(date(2026, 6, 1)),
                answered_at=local(answered),
            )
        )
    dbs.commit()
    months = [period_of(PeriodKind.month, date(2026, m, 1)) for m in (1, 2, 3)]
    quarter = period_of(PeriodKind.quarter, date(2026, 1, 1))
    figures = compute(app, org, (*months, quarter))
    key = f"team:{team.id}"

    def numerator(kpi, period):
        figure = figures[(key, kpi, period.token)]
        assert not figure.suppressed
        return figure.numerator

    for kpi in FLOW:
        assert sum(numerator(kpi, m) for m in months) == pytest.approx(
            numerator(kpi, quarter), abs=1e-9
        ), kpi
    jan, feb, mar = months
    # Work time: the stayers' 60 and 45 minutes, the leaver's 600 in January, the
    # newcomer's 50 in March.
    assert [numerator("hours_work", p) for p in (jan, feb, mar, quarter)] == pytest.approx(
        [15, 0, 275 / 60, 1175 / 60]
    )
    assert [numerator("hours_own", p) for p in (jan, feb, mar, quarter)] == pytest.approx(
        [0, 360 / 60, 0, 6]
    )
    # Each with their whole FTE: the leaver in January and February, the newcomer from
    # February; all seven in the quarter.
    assert [
        figures[(key, "hours_work", p.token)].denominator for p in (jan, feb, mar, quarter)
    ] == [6, 7, 6, 7]
    assert [numerator("successes", p) for p in (jan, feb, mar, quarter)] == [1, 1, 1, 3]
    assert [numerator("feedback", p) for p in (jan, feb, mar, quarter)] == [0, 4, 2, 6]
    assert [numerator("skills_confirmed", p) for p in (jan, feb, mar, quarter)] == [1, 1, 0, 2]
    # Shares: the people on the last day; the quarter's are March's (the leaver is not one).
    for kpi in ("conversations", "participation", "goals"):
        assert figures[(key, kpi, quarter.token)] == figures[(key, kpi, mar.token)]
    assert figures[(key, "participation", quarter.token)].people == 6
    assert figures[(key, "participation", feb.token)].people == 6
