"""Demo data (A7): believable, idempotent, and the advertised sign-ins work."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, text

from app.accounts.models import User
from app.demo import DELINDE, FNV, VANDIJK, seed_demo
from app.extensions import db
from app.orgs.models import Membership, MembershipRole, Organisation, Team
from tests.conftest import post_form


def _row_counts(owner_engine, table_names) -> dict[str, int]:
    with owner_engine.connect() as conn:
        return {
            name: conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()  # noqa: S608
            for name in table_names
        }


@pytest.fixture()
def seeded(app):
    with app.app_context():
        summary = seed_demo()
        db.session.remove()
    return summary


def test_demo_has_the_promised_shape_and_seeding_twice_changes_nothing(
    app, seeded, dbs, owner_engine, table_names, client
):
    # Seeding is slow (a PIN hash per worker), so one test checks both.
    assert seeded.startswith("Demo data added")
    first = _row_counts(owner_engine, table_names)
    with app.app_context():
        second_summary = seed_demo()
        db.session.remove()
    assert "already there" in second_summary
    assert _row_counts(owner_engine, table_names) == first

    orgs = {o.slug: o for o in dbs.scalars(select(Organisation))}
    assert set(orgs) == {"vandijk", "delinde", "fnv-leren"}
    assert orgs["fnv-leren"].kind == "union"
    vandijk = orgs["vandijk"]

    people = dbs.scalar(select(func.count()).where(Membership.org_id == vandijk.id))
    assert people >= 60
    teams = dbs.scalars(select(Team).where(Team.org_id == vandijk.id)).all()
    units = {t.id: t.name for t in teams if t.parent_id is None}
    assert sorted(units.values()) == ["Logistiek", "Productie"]
    assert len([t for t in teams if t.parent_id in units]) == 6
    delinde_teams = dbs.scalar(select(func.count()).where(Team.org_id == orgs["delinde"].id))
    assert delinde_teams == 3

    without_email = dbs.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.org_id == vandijk.id, User.email.is_(None))
    ).all()
    assert len(without_email) >= 20
    assert all(u.username and u.credential_kind == "pin" for u in without_email)

    sanne = dbs.scalars(select(User).where(User.email == "sanne.rep@fnv.example")).one()
    sanne_orgs = dbs.scalars(select(Membership.org_id).where(Membership.user_id == sanne.id)).all()
    assert len(sanne_orgs) == 3
    roles = {
        (m.org_id, r)
        for m, r in dbs.execute(
            select(Membership, MembershipRole.role)
            .join(MembershipRole, MembershipRole.membership_id == Membership.id)
            .where(Membership.user_id == sanne.id)
        )
    }
    assert (vandijk.id, "ambassador") in roles
    assert (orgs["fnv-leren"].id, "rep") in roles

    def roles_of(email: str) -> set[str]:
        return set(
            dbs.scalars(
                select(MembershipRole.role)
                .join(Membership, Membership.id == MembershipRole.membership_id)
                .join(User, User.id == Membership.user_id)
                .where(User.email == email, Membership.org_id == vandijk.id)
            )
        )

    assert "admin" in roles_of("anna.admin@vandijk.example")
    assert "manager" in roles_of("mark.manager@vandijk.example")
    ambassadors = dbs.scalar(
        select(func.count())
        .select_from(MembershipRole)
        .where(MembershipRole.org_id == vandijk.id, MembershipRole.role == "ambassador")
    )
    assert ambassadors >= 3  # two colleagues and Sanne from the union
    _check_kpi_history(dbs, vandijk, teams)
    _check_kpi_dashboards(client, dbs, teams)


def _check_kpi_history(dbs, vandijk, teams) -> None:
    """Issue 7: a year of history, so the dashboard's 12-month trends mean something."""
    from app.db_types import utcnow
    from app.development.models import DevelopmentConversation, LearningLogEntry
    from app.manager_kpis.models import KpiTarget, ProductionMetric, ProductionValue

    now = utcnow()
    started = dbs.scalars(select(Membership.created_at).where(Membership.org_id == vandijk.id))
    days = sorted((now - when).days for when in started)
    assert days[0] < 365 and days[-1] > 2 * 365  # recent hires and old hands
    assert sum(d >= 365 for d in days) > 0.9 * len(days)
    part_time = dbs.scalar(
        select(func.count()).where(Membership.org_id == vandijk.id, Membership.fte < 1)
    )
    assert part_time >= 5
    small = [
        t
        for t in teams
        if t.parent_id is not None
        and dbs.scalar(select(func.count()).where(Membership.team_id == t.id))
        < vandijk.min_group_size
    ]
    assert [t.name for t in small] == ["Technische dienst"]

    metrics = dbs.scalars(select(ProductionMetric).where(ProductionMetric.org_id == vandijk.id))
    assert {m.aggregation for m in metrics} == {"sum", "average"}
    per_series = dbs.execute(
        select(func.count(), func.min(ProductionValue.month))
        .where(ProductionValue.org_id == vandijk.id)
        .group_by(ProductionValue.metric_id, ProductionValue.team_id)
    ).all()
    assert len(per_series) >= 8 and {n for n, _first in per_series} == {13}
    targets = dbs.scalars(select(KpiTarget).where(KpiTarget.org_id == vandijk.id)).all()
    assert {t.status for t in targets} == {"approved", "proposed"}
    assert any(t.kpi_key.startswith("metric:") for t in targets)
    # Learning and talks in (nearly) every one of the last 12 months.
    months = {
        (d.year, d.month)
        for d in dbs.scalars(
            select(LearningLogEntry.learned_on).where(LearningLogEntry.org_id == vandijk.id)
        )
    }
    assert len(months) >= 13
    talks = dbs.scalar(select(func.count()).where(DevelopmentConversation.org_id == vandijk.id))
    assert talks >= 40


def test_demo_names_are_unique():
    plans = (VANDIJK, DELINDE, FNV)
    people = [p for plan in plans for group in plan.people.values() for p in group]
    usernames = [p.username for p in people if p.username]
    emails = [p.email for p in people if p.email]
    assert len(usernames) == len(set(usernames))
    assert len(emails) == len(set(emails))
    assert all(u.isascii() for u in usernames)


def test_piet_signs_in_with_username_and_pin(seeded, client):
    response = post_form(client, "/login/password", {"login": "piet.w", "secret": "482913"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/o/vandijk/")
    assert "Piet Willems" in client.get("/o/vandijk/").get_data(as_text=True)


def test_demo_development_shows_a_badge_a_goal_and_a_budget(seeded, client):
    post_form(client, "/login/password", {"login": "piet.w", "secret": "482913"})
    passport = client.get("/o/vandijk/development/skills").get_data(as_text=True)
    assert "Heftruck rijden" in passport and "Mark Jansen" in passport  # who confirmed it
    budget = client.get("/o/vandijk/development/budget").get_data(as_text=True)
    assert "750" in budget
    goals = client.get("/o/vandijk/development/goals").get_data(as_text=True)
    assert "Reachtruck leren rijden" in goals


def test_demo_learning_checks_reach_the_minimum_group_size(seeded, dbs):
    from app.development.models import LearningCheckFactor

    vandijk = dbs.scalars(select(Organisation).where(Organisation.slug == "vandijk")).one()
    busy = dbs.scalar(
        select(func.count(func.distinct(LearningCheckFactor.user_id))).where(
            LearningCheckFactor.org_id == vandijk.id, LearningCheckFactor.factor == "B-TIME"
        )
    )
    assert busy >= vandijk.min_group_size


def test_demo_reports_show_numbers_of_the_last_quarter(seeded, client, dbs):
    """The reports show only quarters that are over; the demo's talks of last quarter are
    enough for real numbers at Van Dijk (admin and union) and at De Linde (union)."""
    from app.ambassadors.reports import Quarter
    from app.db_types import utcnow
    from app.timeutil import org_today
    from tests.ambassadors.helpers_aggregates import cell, company_row, row_cell, text_of
    from tests.conftest import login
    from tests.development.helpers_goals import english

    orgs = {o.slug: o for o in dbs.scalars(select(Organisation))}
    last = Quarter.of(org_today(orgs["vandijk"], utcnow())).previous().key

    def person(email):
        return dbs.scalars(select(User).where(User.email == email)).one()

    login(client, person("anna.admin@vandijk.example"))
    english(client)
    report = text_of(client.get("/o/vandijk/ambassadors/reports"))
    assert int(cell(report, "topic", "course", last)) >= 5
    assert int(cell(report, "outcome", "set_goal", last)) >= 5

    login(client, person("hans.coord@fnv.example"))
    english(client)
    page = text_of(client.get(f"/o/fnv-leren/union/dashboard?quarter={last}"))
    for slug in ("vandijk", "delinde"):
        total = row_cell(company_row(page, orgs[slug].id, "companies-heading"), f"quarter-{last}")
        assert int(total) >= 5
        outcomes = company_row(page, orgs[slug].id, "outcomes-heading")
        assert int(row_cell(outcomes, "set_goal")) >= 5

    from app.ambassadors.models import AmbassadorProfile

    intros = dbs.scalars(
        select(AmbassadorProfile.intro).where(
            AmbassadorProfile.user_id == person("sanne.rep@fnv.example").id
        )
    ).all()
    assert intros and all("leerambassadeur van de vakbond" in intro for intro in intros)


def _check_kpi_dashboards(client, dbs, teams) -> None:
    """The head of production sees the maintenance team only inside Productie; the
    warehouse's trend has a figure for every month (no month too small to show)."""
    from tests.conftest import login
    from tests.development.helpers_goals import english

    def person(email):
        return dbs.scalars(select(User).where(User.email == email)).one()

    team = {t.name: t.id for t in teams}
    login(client, person("hanneke.jonker@vandijk.example"))
    english(client)
    overview = client.get("/o/vandijk/manager_kpis/").get_data(as_text=True)
    small = overview.split(f'data-group="team:{team["Technische dienst"]}"')[1].split("</tr>")[0]
    assert "data-too-small" in small and "Productie" in small
    unit = client.get(f"/o/vandijk/manager_kpis/teams/{team['Productie']}")
    assert unit.status_code == 200 and "data-hidden-group" not in unit.get_data(as_text=True)

    login(client, person("mark.manager@vandijk.example"))
    english(client)
    page = client.get(f"/o/vandijk/manager_kpis/teams/{team['Magazijn']}").get_data(as_text=True)
    assert "Orders gepickt" in page and 'class="suppressed"' not in page
    trend = page.split('id="trend-kpi-participation"')[1].split("</table>")[0]
    assert len(re.findall(r'<td data-value="[0-9.]+">', trend)) >= 2 * 12  # team and company


def test_demo_careers_roles_people_and_colleague_sessions(seeded, dbs):
    """Issue 8: three warehouse roles with skills for now, within a year and in 2-3 years,
    each with a reason; rewards and offers; enough order pickers for the skill-gap overview;
    an approved colleague session with sign-ups and one waiting for the admin."""
    from app.careers.models import JobRole, RoleSkill, RoleSkillOffer
    from app.development.skills_models import PersonSkill, Skill
    from app.offers.models import Offer, OfferSignup
    from app.offers.session_models import ColleagueSession, ColleagueSessionDate

    vandijk = dbs.scalars(select(Organisation).where(Organisation.slug == "vandijk")).one()
    roles = {r.name: r for r in dbs.scalars(select(JobRole).where(JobRole.org_id == vandijk.id))}
    assert set(roles) == {"Orderpicker", "Heftruckchauffeur", "Teamleider magazijn"}
    role_skills = dbs.scalars(select(RoleSkill).where(RoleSkill.org_id == vandijk.id)).all()
    for role in roles.values():
        mine = [rs for rs in role_skills if rs.role_id == role.id]
        assert {rs.horizon for rs in mine} == {"now", "within_year", "two_three_years"}
        assert all(rs.reason for rs in mine)
    assert {"pay_step", "certificate"} <= {rs.reward_kind for rs in role_skills}
    linked = dbs.scalar(
        select(func.count()).select_from(RoleSkillOffer).where(RoleSkillOffer.org_id == vandijk.id)
    )
    assert linked >= 6

    in_role = dict(
        dbs.execute(
            select(Membership.job_role_id, func.count())
            .where(Membership.org_id == vandijk.id, Membership.job_role_id.is_not(None))
            .group_by(Membership.job_role_id)
        ).all()
    )
    assert in_role[roles["Orderpicker"].id] >= 2 * vandijk.min_group_size
    assert in_role[roles["Heftruckchauffeur"].id] < vandijk.min_group_size  # "too few"

    def role_of(name: str) -> int | None:
        return dbs.scalar(
            select(Membership.job_role_id)
            .join(User, User.id == Membership.user_id)
            .where(Membership.org_id == vandijk.id, User.name == name)
        )

    assert role_of("Piet Willems") == roles["Heftruckchauffeur"].id
    # Piet: forklift confirmed (have), lifting claimed (on the way), reach truck not at all.
    piet = dbs.scalars(select(User).where(User.username == "piet.w")).one()
    passport = dict(
        dbs.execute(
            select(Skill.name, PersonSkill.confirmed_at.is_not(None))
            .join(PersonSkill, PersonSkill.skill_id == Skill.id)
            .where(PersonSkill.user_id == piet.id)
        ).all()
    )
    assert passport.get("Heftruck rijden") is True and passport.get("Veilig tillen") is False
    assert "Reachtruck rijden" not in passport

    sessions = {
        s.status: s
        for s in dbs.scalars(select(ColleagueSession).where(ColleagueSession.org_id == vandijk.id))
    }
    assert set(sessions) == {"approved", "proposed"}
    approved = sessions["approved"]
    dates = dbs.scalars(
        select(ColleagueSessionDate).where(ColleagueSessionDate.session_id == approved.id)
    ).all()
    offers = [dbs.get(Offer, d.offer_id) for d in dates]
    assert len(offers) == 2 and all(o.format == "colleague" for o in offers)
    assert all(o.in_work_time and not o.has_exam and o.capacity for o in offers)
    signups = dbs.scalar(
        select(func.count()).where(
            OfferSignup.offer_id.in_([o.id for o in offers]), OfferSignup.status == "signed_up"
        )
    )
    assert 0 < signups <= offers[0].capacity
    proposed = dbs.scalars(
        select(ColleagueSessionDate).where(
            ColleagueSessionDate.session_id == sessions["proposed"].id
        )
    ).all()
    assert proposed and all(d.offer_id is None for d in proposed)
