"""A campaign for one skill gap, from the admin's side: the button on the skill-gap
overview opens the new-campaign form with the skill and role filled in; the skill is
required and must be this organisation's; a started campaign keeps its skill and role."""

from __future__ import annotations

import re

from app.careers.models import Horizon
from app.nudges.models import CampaignStatus
from app.orgs.models import Role
from tests.conftest import login

from ..careers.helpers import make_role, make_skill, member_in_role
from .test_campaigns_pages import campaigns, form_data, send, text_of, url


def selected(page: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
    return re.findall(r'<option selected value="([^"]*)"', select)


def arrange(make, client):
    org = make.org(min_group_size=3)
    role = make_role(make, org, "Orderpicker", [("Handscanner", Horizon.within_year)])
    make_role(make, org, "Chauffeur", [("Rijbewijs C", Horizon.now)])
    scanner = make_skill(make, org, "Handscanner")
    admin = make.admin(org, locale="en").user
    login(client, admin)
    return org, role, scanner


def test_the_overview_button_opens_a_filled_in_form_and_saves_the_gap(client, make, dbs):
    org, role, scanner = arrange(make, client)
    for _ in range(3):
        member_in_role(make, org, role)
    overview = client.get(f"/o/{org.slug}/careers/gaps?job_role_id={role.id}").get_data(
        as_text=True
    )
    href = re.search(r'href="([^"]*campaigns/new\?type=skill_gap[^"]*)"', overview).group(1)
    page = text_of(client.get(href.replace("&amp;", "&")))
    assert selected(page, "skill_id") == [str(scanner.id)]
    assert selected(page, "job_role_id") == [str(role.id)]
    assert 'value="A skill your work will need: Handscanner (Orderpicker)"' in page
    assert "People who have this skill confirmed in their skills passport do not get it." in page
    response = send(
        client,
        org,
        "campaigns/new",
        form_data(
            nudge_type="skill_gap",
            name="Handscanner voor orderpickers",
            skill_id=str(scanner.id),
            job_role_id=str(role.id),
        ),
    )
    assert response.status_code == 302
    (campaign,) = campaigns(dbs, org)
    assert (campaign.nudge_type, campaign.skill_id, campaign.job_role_id) == (
        "skill_gap",
        scanner.id,
        role.id,
    )
    shown = text_of(client.get(response.headers["Location"]))
    assert "Skill: Handscanner" in shown and "Role: Orderpicker" in shown


def test_the_skill_is_required_and_must_be_this_organisations(client, make, dbs):
    org, role, scanner = arrange(make, client)
    other = make.org()
    foreign_skill = make_skill(make, other, "Handscanner")
    foreign_role = make_role(make, other, "Orderpicker")
    # A foreign id in the link is not filled in.
    page = text_of(
        client.get(
            url(
                org,
                f"campaigns/new?type=skill_gap&skill_id={foreign_skill.id}"
                f"&job_role_id={foreign_role.id}",
            )
        )
    )
    assert selected(page, "skill_id") == [""] and selected(page, "job_role_id") == [""]
    for fields, message in (
        ({"skill_id": ""}, "Choose a skill from the list."),
        ({"skill_id": str(foreign_skill.id)}, "Choose a skill from the list."),
        ({"skill_id": "x"}, "Choose a skill from the list."),
        (
            {"skill_id": str(scanner.id), "job_role_id": str(foreign_role.id)},
            "Choose a role from the list.",
        ),
        ({"skill_id": str(scanner.id), "job_role_id": "x"}, "Choose a role from the list."),
    ):
        response = send(client, org, "campaigns/new", form_data(nudge_type="skill_gap", **fields))
        assert response.status_code == 400, fields
        assert message in text_of(response), fields
    assert campaigns(dbs, org) == []
    # Everyone in any role (no role) is fine.
    ok = send(
        client,
        org,
        "campaigns/new",
        form_data(nudge_type="skill_gap", skill_id=str(scanner.id), job_role_id=""),
    )
    assert ok.status_code == 302
    assert [(c.skill_id, c.job_role_id) for c in campaigns(dbs, org)] == [(scanner.id, None)]


def test_a_started_campaign_keeps_its_skill_and_role(client, make, dbs):
    org, role, scanner = arrange(make, client)
    other_skill = make_skill(make, org, "Rijbewijs C")
    send(
        client,
        org,
        "campaigns/new",
        form_data(nudge_type="skill_gap", skill_id=str(scanner.id), job_role_id=str(role.id)),
    )
    (campaign,) = campaigns(dbs, org)
    send(client, org, f"campaigns/{campaign.id}/start")
    (campaign,) = campaigns(dbs, org)
    assert campaign.status == CampaignStatus.active
    edit = text_of(client.get(url(org, f"campaigns/{campaign.id}/edit")))
    assert "data-skill-gap" in edit and "Handscanner" in edit
    response = send(
        client,
        org,
        f"campaigns/{campaign.id}/edit",
        form_data(
            nudge_type="skill_gap", name="Nieuw", skill_id=str(other_skill.id), job_role_id=""
        ),
    )
    assert response.status_code == 302
    (campaign,) = campaigns(dbs, org)
    assert (campaign.name, campaign.skill_id, campaign.job_role_id) == (
        "Nieuw",
        scanner.id,
        role.id,
    )


def test_other_kinds_of_nudge_have_no_skill_on_their_form(client, make, dbs):
    org, _role, scanner = arrange(make, client)
    page = text_of(client.get(url(org, "campaigns/new?type=meet_ambassador")))
    assert 'name="skill_id"' not in page
    response = send(
        client, org, "campaigns/new", form_data(skill_id=str(scanner.id), job_role_id="")
    )
    assert response.status_code == 302
    assert [(c.nudge_type, c.skill_id) for c in campaigns(dbs, org)] == [("meet_ambassador", None)]


def test_the_button_is_only_for_admins(client, make, dbs):
    org = make.org(min_group_size=3)
    team = make.team(org)
    role = make_role(make, org, "Orderpicker", [("Handscanner", Horizon.now)])
    manager = make.member(org, roles=(Role.employee, Role.manager), team=team, locale="en").user
    login(client, manager)
    page = client.get(f"/o/{org.slug}/careers/gaps?job_role_id={role.id}").get_data(as_text=True)
    assert 'data-skill="' in page  # the table is shown, without the button
    assert "Orderpicker" in page and "skill_gap" not in page and "campaigns/new" not in page
    assert client.get(url(org, "campaigns/new?type=skill_gap")).status_code in (403, 404)
