"""The campaign preview (N2): how many people it would reach now, and the real message for
a sample recipient, without ever showing the admin someone else's private data."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from app.ambassadors.models import ConversationStatus
from app.development.models import LearningCheck, LearningCheckFactor
from app.nudges import registry
from app.nudges.models import CampaignChannel, CampaignStatus, Category, NudgeOptOut
from tests.conftest import login

from ..ambassadors.helpers import make_ambassador, make_conversation, session_of
from .helpers import make_campaign
from .test_campaigns_pages import text_of, url

CANARY = "CANARY-PRIVATE-91b2"


@pytest.fixture()
def open_rule(monkeypatch):
    """ "Meet your ambassador" as if who gets it were no secret (a non-private type with
    real templates), for the parts of the preview that show a sample person."""
    original = registry.get_type("meet_ambassador")
    monkeypatch.setitem(
        registry._TYPES, "meet_ambassador", dataclasses.replace(original, private_rule=False)
    )


def _talked(make, org, person, ambassador) -> None:
    make_conversation(
        make,
        org,
        person.id,
        ambassador.user_id,
        status=ConversationStatus.held,
        held_on=date.today(),
    )


def _opt_out(dbs, org, person, category=Category.encouragement) -> None:
    dbs.add(NudgeOptOut(org_id=org.id, user_id=person.id, category=category))
    dbs.commit()


def _preview_page(client, org, campaign) -> str:
    response = client.get(url(org, f"campaigns/{campaign.id}"))
    assert response.status_code == 200
    return text_of(response)


def _mail_page(client, org, campaign):
    return client.get(url(org, f"campaigns/{campaign.id}/preview/mail"))


def test_reach_counts_the_people_the_rule_finds_minus_opt_outs(open_rule, make, dbs, client):
    org = make.org()
    workers = [make.member(org, name=f"Worker {n}") for n in range(6)]
    ambassador = make_ambassador(make, org, user_kwargs={"name": "Fatima"})
    admin = make.admin(org, name="Ada Admin", locale="en").user
    _talked(make, org, workers[0].user, ambassador)  # talked already: not reached
    _opt_out(dbs, org, workers[1].user)  # switched encouragement off: not reached
    _opt_out(dbs, org, workers[2].user, Category.reminders)  # another category: reached
    make.member(org, name="Former", active=False)  # left: not reached
    campaign = make_campaign(dbs, org, "meet_ambassador", status=CampaignStatus.draft)
    login(client, admin)

    page = _preview_page(client, org, campaign)

    # Workers 2-5 and the admin; not the ambassador, not worker 0 or 1, not the former.
    assert "It would reach 5 people now." in page
    # The real message, as the admin would get it: never another person's.
    assert "The message as you would get it yourself" in page
    assert "Someone at work you can ask about learning" in page  # subject
    assert "Hello Ada Admin," in page and "Our learning ambassadors: Fatima" in page
    assert "Worker" not in page.split('id="preview"')[1]
    assert "Example" not in page
    mail = _mail_page(client, org, campaign)
    body = text_of(mail)
    assert "Hello Ada Admin," in body and "Fatima" in body
    assert "default-src 'none'" in mail.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in mail.headers["Content-Security-Policy"]
    assert mail.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert 'sandbox title="The e-mail as people see it"' in page


def test_email_only_does_not_count_people_without_an_address(open_rule, make, dbs, client):
    org = make.org()
    make_ambassador(make, org)
    admin = make.admin(org, locale="en").user
    make.member(org, email=None)
    make.member(org)
    login(client, admin)
    both = make_campaign(dbs, org, "meet_ambassador", channel=CampaignChannel.both)
    email = make_campaign(dbs, org, "meet_ambassador", channel=CampaignChannel.email)
    assert "It would reach 3 people now." in _preview_page(client, org, both)
    assert "It would reach 2 people now." in _preview_page(client, org, email)


def test_the_campaign_page_runs_the_same_queries_for_few_and_many_people(
    open_rule, make, dbs, client, count_queries
):
    org = make.org()
    make_ambassador(make, org)
    admin = make.admin(org, locale="en").user
    campaign = make_campaign(dbs, org, "meet_ambassador")
    login(client, admin)

    def measure() -> int:
        client.get(url(org, f"campaigns/{campaign.id}"))
        with count_queries() as counter:
            assert client.get(url(org, f"campaigns/{campaign.id}")).status_code == 200
        return counter.count

    for _ in range(4):
        make.member(org)
    few = measure()
    for _ in range(40):
        make.member(org)
    assert measure() == few


def test_a_private_rule_shows_no_number_for_a_small_group_and_the_admins_own_message(
    make, dbs, client
):
    org = make.org(min_group_size=5)
    ambassador = make_ambassador(make, org, user_kwargs={"name": "Fatima"})
    admin = make.admin(org, name="Ada Admin", locale="en").user
    for n in range(3):
        make.member(org, name=f"Worker {n}")
    campaign = make_campaign(dbs, org, "meet_ambassador")
    login(client, admin)

    page = _preview_page(client, org, campaign)

    # Only the audience's size, never how many the rule picks (two audiences that differ
    # by one person would tell about that person).
    assert "It goes to people among the 5 people in this audience." in page
    assert "you do not see who gets it, or how many" in page
    assert "It would reach" not in page
    # The message is the admin's own, never a colleague's.
    assert "The message as you would get it yourself" in page
    assert "Hello Ada Admin," in page and "Worker" not in page
    assert "Worker" not in text_of(_mail_page(client, org, campaign))

    # However large the groups, no reach number for a private rule.
    workers = [make.member(org, name=f"Talker {n}").user for n in range(5)]
    for person in workers:
        _talked(make, org, person, ambassador)
    for n in range(5):
        make.member(org, name=f"Newcomer {n}")
    page = _preview_page(client, org, campaign)
    assert "It would reach" not in page
    assert "It goes to people among the 15 people in this audience." in page


def test_without_a_message_of_their_own_the_admin_sees_the_example(make, dbs, client):
    org = make.org(min_group_size=3)
    admin = make.admin(org, name="Ada Admin", locale="en").user
    for n in range(3):
        make.member(org, name=f"{CANARY} Worker {n}")
    # No ambassador yet: nobody (the admin included) has a real message to show.
    campaign = make_campaign(dbs, org, "meet_ambassador")
    login(client, admin)

    page = _preview_page(client, org, campaign)

    assert "Example message" in page
    assert "Example: made-up details. The real message is personal" in page
    assert "Fatima, Johan" in page  # the type's example variables
    assert CANARY not in page.split('id="preview"')[1]
    assert CANARY not in text_of(_mail_page(client, org, campaign))


def test_an_audience_chosen_by_the_learning_check_never_shows_a_sample_person(
    open_rule, make, dbs, client
):
    org = make.org(min_group_size=5)
    make_ambassador(make, org)
    admin = make.admin(org, name="Ada Admin", locale="en").user
    session = session_of(make)
    for n in range(2):
        person = make.member(org, name=f"{CANARY} Busy {n}").user
        check = LearningCheck(org_id=org.id, user_id=person.id, answers={})
        session.add(check)
        session.flush()
        session.add(
            LearningCheckFactor(
                org_id=org.id, check_id=check.id, user_id=person.id, factor="B-TIME"
            )
        )
    session.commit()
    for _ in range(8):
        make.member(org)
    campaign = make_campaign(dbs, org, "meet_ambassador", factors=["B-TIME"])
    login(client, admin)

    page = _preview_page(client, org, campaign)

    assert "It would reach" not in page  # a learning-check audience is private
    assert CANARY not in page
    assert "Hello Ada Admin," in page
    assert CANARY not in text_of(_mail_page(client, org, campaign))


def test_follow_up_preview_never_shows_an_employees_follow_up(make, dbs, client):
    if registry.get_type("follow_up") is None:
        pytest.skip("the follow-up nudge type is not registered")
    from ..ambassadors.helpers_conversations import add_follow_up, add_next_step

    org = make.org(min_group_size=3)
    ambassador = make_ambassador(make, org, user_kwargs={"name": f"{CANARY} Ambassador"})
    admin = make.admin(org, name="Ada Admin", locale="en").user
    employee = make.member(org, name=f"{CANARY} Employee").user
    talk = make_conversation(
        make,
        org,
        employee.id,
        ambassador.user_id,
        status=ConversationStatus.held,
        held_on=date.today(),
        topic_text=f"{CANARY} topic",
    )
    add_next_step(make, talk, f"{CANARY} step")
    add_follow_up(make, talk, due_on=date.today())
    campaign = make_campaign(dbs, org, "follow_up")
    login(client, admin)

    page = _preview_page(client, org, campaign)
    mail = text_of(_mail_page(client, org, campaign))

    assert CANARY not in page and CANARY not in mail
    assert "It would reach" not in page  # a private rule: no reach number
    # The admin has no follow-up of their own: the example, made-up details.
    assert "Example message" in page
    assert "Hello Ada Admin," in mail


def test_a_digest_of_team_posts_is_never_previewed_for_another_person(make, dbs, client):
    """The weekly digest shows team-only successes: an admin outside the team sees the
    example, never a team member's digest."""
    from datetime import timedelta

    from app.db_types import utcnow
    from app.feed.models import Audience

    org = make.org(min_group_size=3)
    team = make.team(org)
    admin = make.admin(org, name="Ada Admin", locale="en").user
    author = make.member(org, team=team, name="Tessa Team").user
    for n in range(3):
        make.member(org, team=team, name=f"Teammate {n}")
    make.post(
        org,
        author,
        audience=Audience.team,
        team_id=team.id,
        body=f"{CANARY} team-only success",
        created_at=utcnow() - timedelta(days=2),  # inside the digest's last week
    )
    campaign = make_campaign(dbs, org, "team_digest", team_ids=[team.id])
    login(client, admin)

    page = _preview_page(client, org, campaign)

    assert "Example message" in page
    assert CANARY not in page
    assert CANARY not in text_of(_mail_page(client, org, campaign))
