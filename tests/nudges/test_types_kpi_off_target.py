"""Manager prompt "a KPI off target" (issue 6 N7, issue 7): managers of teams with an
approved target hear, once last month is over, which figure of their team is behind it.

Planning picks the managers in SQL (a team of theirs has an approved target for last
month); at send time the figures are computed as the manager and the nudge is skipped
when nothing shown is behind (on track, or a team too small to show).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import update

from app.development.models import ConversationStatus, DevelopmentConversation
from app.manager_kpis.models import KpiTarget, TargetStatus
from app.nudges.models import CampaignChannel
from app.orgs.models import Membership, Role

from ..mailserver import body_text
from .helpers import make_campaign
from .test_types_b import deliver, html_of, mail_to, plan, planned, status_of

MANAGER = (Role.employee, Role.manager)
OCTOBER = date(2026, 10, 1)  # the last closed month on Monday 23 November 2026


def target(dbs, org, kpi_key, team, value, valid_from=OCTOBER, status=TargetStatus.approved):
    dbs.add(
        KpiTarget(
            org_id=org.id,
            kpi_key=kpi_key,
            team_id=team.id if team else None,
            team_key=team.id if team else 0,
            valid_from=valid_from,
            value=Decimal(str(value)),
            status=status,
        )
    )
    dbs.commit()


def joined_long_ago(dbs, org) -> None:
    """Everyone was there before October (the factories stamp today's date)."""
    dbs.execute(
        update(Membership)
        .where(Membership.org_id == org.id)
        .values(created_at=datetime(2026, 1, 5, tzinfo=UTC))
    )
    dbs.commit()


def test_planned_for_managers_of_teams_with_an_approved_target_for_last_month(app, dbs, make):
    org = make.org()
    unit = make.team(org, name="Logistiek")
    inpak = make.team(org, name="Inpak", parent_id=unit.id)
    others = {name: make.team(org, name=name) for name in ("Later", "Voorstel", "Geen")}
    boss = make.member(org, roles=MANAGER, team=inpak).user  # own team's target
    unit_boss = make.member(org, roles=MANAGER, team=unit).user  # a team under theirs
    make.member(org, roles=MANAGER, team=others["Later"])  # target from December only
    make.member(org, roles=MANAGER, team=others["Voorstel"])  # only proposed
    make.member(org, roles=MANAGER, team=others["Geen"])  # no target at all
    make.member(org, roles=MANAGER)  # no team
    make.member(org, roles=(Role.employee, Role.admin), team=inpak)  # not a manager
    target(dbs, org, "participation", inpak, 0.6)
    target(dbs, org, "participation", others["Later"], 0.6, valid_from=date(2026, 12, 1))
    target(dbs, org, "goals", others["Voorstel"], 0.5, status=TargetStatus.proposed)
    other_org = make.org()
    other_team = make.team(other_org)
    make.member(other_org, roles=MANAGER, team=other_team)
    target(dbs, other_org, "participation", None, 0.6)  # all teams, but another company
    campaign = make_campaign(dbs, org, "kpi_off_target", channel=CampaignChannel.in_app)

    plan(app, campaign)

    assert planned(dbs, campaign) == {(boss.id, None), (unit_boss.id, None)}

    # A target for all teams counts for every manager with a team.
    target(dbs, org, "successes", None, 3)
    later = make_campaign(dbs, org, "kpi_off_target", channel=CampaignChannel.in_app)
    plan(app, later)
    assert len(planned(dbs, later)) == 5


def test_mail_names_the_figure_and_target_and_is_skipped_when_nothing_is_behind(
    app, dbs, make, mail_server
):
    """k = 3. Inpak (4 people) took no part in learning: 0 % against 60 %. Expeditie (5)
    had 3 conversations against 50 %: on track. Klein (2) is too small to show; Rest (3)
    is then hidden too (against subtraction): their targets give no message."""
    org = make.org(min_group_size=3, nudge_email_cap=5)
    teams = {name: make.team(org, name=name) for name in ("Inpak", "Expeditie", "Klein", "Rest")}
    boss = make.member(org, roles=MANAGER, team=teams["Inpak"], name="Marieke", locale="en").user
    names = [
        make.member(org, team=teams["Inpak"], name=f"Inpakker {n}").user.name for n in range(3)
    ]
    on_track = make.member(org, roles=MANAGER, team=teams["Expeditie"], locale="en").user
    expeditie = [make.member(org, team=teams["Expeditie"]).user_id for _ in range(4)]
    small = make.member(org, roles=MANAGER, team=teams["Klein"], locale="en").user
    make.member(org, team=teams["Klein"])
    for _ in range(3):
        make.member(org, team=teams["Rest"])
    joined_long_ago(dbs, org)
    for user_id in expeditie[:3]:
        dbs.add(
            DevelopmentConversation(
                org_id=org.id,
                user_id=user_id,
                held_on=date(2026, 6, 1),
                status=ConversationStatus.recorded,
            )
        )
    target(dbs, org, "participation", teams["Inpak"], 0.6)
    target(dbs, org, "conversations", teams["Expeditie"], 0.5)
    target(dbs, org, "participation", teams["Klein"], 0.6)
    campaign = make_campaign(dbs, org, "kpi_off_target")
    plan(app, campaign)

    result = deliver(app)

    assert (result.sent, result.skipped) == (1, 2)
    assert status_of(dbs, campaign, on_track) == "skipped"
    assert status_of(dbs, campaign, small) == "skipped"
    message = mail_to(mail_server, boss, 1)
    assert message["Subject"] == "A team figure to work on together"
    text = body_text(message)
    assert text.startswith("Hello Marieke,")
    assert "The figures of your team for October 2026 are ready." in text
    assert "- Taking part in learning, Inpak: 0% (target: 60%)" in text
    for name in names:
        assert name not in text  # figures only, never people
    url = f"http://localhost/o/{org.slug}/manager_kpis/teams/{teams['Inpak'].id}"
    assert f"{url}?kind=month&period=2026-10" in text
    assert f'href="{url}?kind=month&amp;period=2026-10"' in html_of(message)
