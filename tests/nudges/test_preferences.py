"""The preferences page (N5): a member switches categories of nudges off and on again,
without JavaScript; the planner leaves out what they switched off."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.nudges.models import Category, NudgeOptOut
from app.orgs.models import Role
from tests.conftest import login, post_form

from .helpers import nudge_rows
from .helpers_delivery import arrange, plan


def url(org) -> str:
    return f"/o/{org.slug}/nudges/preferences"


def boxes(html: str) -> dict[str, bool]:
    """Each category box on the page and whether it is ticked."""
    found = {}
    for tag in re.findall(r"<input[^>]*type=\"checkbox\"[^>]*>", html):
        name = re.search(r'name="(\w+)"', tag).group(1)
        found[name] = " checked" in tag
    return found


def opt_outs(dbs, user) -> set[tuple[int, str, str]]:
    dbs.expire_all()
    rows = dbs.scalars(select(NudgeOptOut).where(NudgeOptOut.user_id == user.id))
    return {(r.org_id, str(r.category), r.via) for r in rows}


def test_switching_a_category_off_and_on_again(app, dbs, make, client):
    org = make.org()
    person = make.member(org, locale="en").user
    login(client, person)
    page = client.get(url(org)).get_data(as_text=True)
    assert boxes(page) == {"encouragement": True, "reminders": True, "colleagues": True}
    assert "For example: who the learning ambassadors are" in page
    assert 'aria-describedby="encouragement-hint"' in page

    saved = post_form(client, url(org), {"reminders": "y", "colleagues": "y"}, token_from=url(org))

    assert saved.status_code == 302 and saved.location.endswith(url(org))
    assert opt_outs(dbs, person) == {(org.id, "encouragement", "preferences")}
    page = client.get(url(org)).get_data(as_text=True)
    assert "Saved." in page
    assert boxes(page) == {"encouragement": False, "reminders": True, "colleagues": True}

    post_form(
        client,
        url(org),
        {"encouragement": "y", "reminders": "y", "colleagues": "y"},
        token_from=url(org),
    )
    assert opt_outs(dbs, person) == set()


def test_managers_also_choose_their_tips(app, dbs, make, client):
    org = make.org()
    manager = make.member(org, roles=(Role.employee, Role.manager), locale="en").user
    login(client, manager)
    assert boxes(client.get(url(org)).get_data(as_text=True))["manager"] is True
    post_form(client, url(org), {"encouragement": "y", "reminders": "y"}, token_from=url(org))
    assert {c for _, c, _ in opt_outs(dbs, manager)} == {"colleagues", "manager"}


def test_a_box_not_shown_is_not_changed(app, dbs, make, client):
    org = make.org()
    person = make.member(org).user
    login(client, person)
    post_form(
        client,
        url(org),
        {"encouragement": "y", "reminders": "y", "colleagues": "y"},
        token_from=url(org),
    )
    # Not a manager: "manager" is not on the page, so leaving it out switches nothing off.
    assert opt_outs(dbs, person) == set()


def test_what_the_link_switched_off_shows_and_can_be_switched_on(app, dbs, make, client):
    org = make.org()
    person = make.member(org).user
    dbs.add(NudgeOptOut(org_id=org.id, user_id=person.id, category=Category.manager, via="link"))
    dbs.commit()
    login(client, person)
    assert boxes(client.get(url(org)).get_data(as_text=True))["manager"] is False
    post_form(
        client,
        url(org),
        {"encouragement": "y", "reminders": "y", "colleagues": "y", "manager": "y"},
        token_from=url(org),
    )
    assert opt_outs(dbs, person) == set()


def test_without_a_valid_form_token_nothing_changes(app, dbs, make, client):
    org = make.org()
    person = make.member(org).user
    login(client, person)
    response = client.post(url(org), data={"reminders": "y"})
    assert response.status_code == 400
    assert opt_outs(dbs, person) == set()


def test_a_choice_in_one_organisation_leaves_the_other_alone(app, dbs, make, client):
    first, second = make.org(), make.org()
    person = make.member(first).user
    make.member(second, user=person)
    login(client, person)
    post_form(client, url(first), {"reminders": "y"}, token_from=url(first))
    assert opt_outs(dbs, person) == {
        (first.id, "encouragement", "preferences"),
        (first.id, "colleagues", "preferences"),
    }
    assert all(boxes(client.get(url(second)).get_data(as_text=True)).values())


def test_the_planner_leaves_out_a_category_switched_off_here(app, dbs, make, client):
    org, _ambassador, (person, other), campaign = arrange(make, dbs, people=2)
    login(client, person)
    post_form(client, url(org), {"reminders": "y", "colleagues": "y"}, token_from=url(org))
    plan(app, org, campaign)
    assert [r.user_id for r in nudge_rows(dbs, campaign_id=campaign.id)] == [other.id]


def test_the_account_page_links_to_the_preferences_of_each_organisation(app, dbs, make, client):
    first, second, left = make.org(), make.org(), make.org()
    person = make.member(first, locale="en").user
    make.member(second, user=person)
    make.member(left, user=person, active=False)
    login(client, person)
    page = client.get("/account").get_data(as_text=True)
    assert f'href="{url(first)}"' in page and f'href="{url(second)}"' in page
    assert f'href="{url(left)}"' not in page
    assert f"Which messages you get at {first.name}" in page
