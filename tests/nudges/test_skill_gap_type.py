"""The skill-gap nudge (R3): who gets it (people in the campaign's role without the skill
confirmed, one SQL select), and the message in plain words: the skill, why the role will
need it, what the company gives, one short first step and a link to "my future at work"."""

from __future__ import annotations

from datetime import timedelta

from app.activity.models import ActivityKind
from app.careers.models import Horizon, JobRole, RewardKind
from app.development.skills_models import PersonSkill
from app.nudges.registry import get_type
from app.offers.models import OfferFormat, OfferSignup, SignupStatus
from app.orgs.models import Membership

from ..careers.helpers import (
    add_role_skill,
    give_skill,
    link_offers,
    make_role,
    make_skill,
    member_in_role,
    role_skills_of,
)
from .helpers import MONDAY_MORNING, make_campaign
from .test_types_a_support import message_of, people_of, planned

NOW = MONDAY_MORNING


def arrange(dbs, make):
    org = make.org(name="Van Dijk Logistiek")
    other = make.org()
    role = make_role(make, org, "Orderpicker")
    add_role_skill(
        make,
        role,
        "Handscanner",
        Horizon.within_year,
        reason="Volgend jaar werken we alleen nog met de handscanner.",
        reward_kind=RewardKind.pay_step,
        reward_text="",
    )
    driver = make_role(make, org, "Chauffeur", [("Handscanner", Horizon.now)])
    scanner = make_skill(make, org, "Handscanner")
    people = {
        "new": member_in_role(make, org, role, locale="en").user,
        "claimed": member_in_role(make, org, role, locale="en").user,
        "confirmed": member_in_role(make, org, role, locale="en").user,
        "driver": member_in_role(make, org, driver, locale="en").user,
        "no_role": member_in_role(make, org, None, locale="en").user,
        "switched_off": member_in_role(make, org, role, active=False).user,
    }
    give_skill(make, org, people["claimed"].id, "Handscanner")
    give_skill(make, org, people["confirmed"].id, "Handscanner", confirmed=True)
    # Confirmed in another organisation: not this one's passport.
    make.member(other, user=people["new"])
    give_skill(make, other, people["new"].id, "Handscanner", confirmed=True)
    return org, role, driver, scanner, people


def names(people, ids) -> set[str]:
    return {name for name, person in people.items() if person.id in ids}


def test_people_in_the_role_without_the_skill_confirmed_get_it(app, dbs, make):
    org, role, _driver, scanner, people = arrange(dbs, make)
    campaign = make_campaign(dbs, org, "skill_gap", skill_id=scanner.id, job_role_id=role.id)
    assert names(people, people_of(planned(app, dbs, org, campaign, NOW))) == {"new", "claimed"}


def test_without_a_role_everyone_in_the_audience_without_it_gets_it(app, dbs, make):
    org, _role, _driver, scanner, people = arrange(dbs, make)
    campaign = make_campaign(dbs, org, "skill_gap", skill_id=scanner.id, job_role_id=None)
    got = names(people, people_of(planned(app, dbs, org, campaign, NOW)))
    assert got == {"new", "claimed", "driver", "no_role"}


def test_a_switched_off_role_or_a_removed_skill_reaches_nobody(app, dbs, make):
    org, role, driver, scanner, _people = arrange(dbs, make)
    dbs.get(JobRole, driver.id).active = False
    dbs.commit()
    off = make_campaign(dbs, org, "skill_gap", skill_id=scanner.id, job_role_id=driver.id)
    assert planned(app, dbs, org, off, NOW) == []
    gone = make_campaign(dbs, org, "skill_gap", name="gone", skill_id=None, job_role_id=role.id)
    assert planned(app, dbs, org, gone, NOW) == []


def test_the_message_gives_the_reason_the_reward_and_the_shortest_step_in_work_time(app, dbs, make):
    org, role, _driver, scanner, people = arrange(dbs, make)
    role_skill = role_skills_of(make, role)[0]
    evening = make.offer(
        org,
        title="Driedaagse avondcursus met examen",
        duration_minutes=3 * 8 * 60,
        in_work_time=False,
        has_exam=True,
        format=OfferFormat.classroom,
    )
    short = make.offer(
        org, title="Handscanner in 30 minuten", duration_minutes=30, in_work_time=True
    )
    full = make.offer(org, title="Vol: 10 minuten", duration_minutes=10, capacity=1)
    past = make.offer(org, title="Voorbij", duration_minutes=5, starts_at=NOW - timedelta(days=1))
    link_offers(make, role_skill, [evening, short, full, past])
    dbs.add(OfferSignup(org_id=org.id, offer_id=full.id, user_id=people["driver"].id,
                        status=SignupStatus.signed_up))  # fmt: skip
    dbs.commit()
    campaign = make_campaign(dbs, org, "skill_gap", skill_id=scanner.id, job_role_id=role.id)
    rows = {row.user_id: row for row in planned(app, dbs, org, campaign, NOW)}
    subject, text, page = message_of(app, org, people["new"], rows[people["new"].id], NOW)
    assert subject == "A skill your work will need: Handscanner"
    assert "In your role (Orderpicker), this skill matters: Handscanner." in text
    assert "Your work will need this skill within a year." in text
    assert "Why: Volgend jaar werken we alleen nog met de handscanner." in text
    assert "What Van Dijk Logistiek gives when you have it: a pay step" in text
    assert "A short first step: Handscanner in 30 minuten" in text
    assert "You do it in work time." in text and "There is no exam." in text
    assert f"/o/{org.slug}/offers/{short.id}" in text
    assert f"/o/{org.slug}/careers/" in text and f"/o/{org.slug}/careers/" in page
    assert "avondcursus" not in text and "Vol:" not in text and "Voorbij" not in text


def test_without_an_offer_the_step_is_a_talk_and_a_confirmed_skill_skips_it(app, dbs, make):
    org, role, _driver, scanner, people = arrange(dbs, make)
    campaign = make_campaign(dbs, org, "skill_gap", skill_id=scanner.id, job_role_id=role.id)
    rows = {row.user_id: row for row in planned(app, dbs, org, campaign, NOW)}
    _subject, text, _page = message_of(app, org, people["new"], rows[people["new"].id], NOW)
    assert "talk to a learning ambassador" in text
    assert f"/o/{org.slug}/ambassadors" in text
    # Confirmed before the message went out: nothing to say any more.
    claimed = (
        dbs.query(PersonSkill)
        .filter(PersonSkill.org_id == org.id, PersonSkill.user_id == people["claimed"].id)
        .one()
    )
    claimed.confirmed_at = NOW
    dbs.commit()
    assert message_of(app, org, people["claimed"], rows[people["claimed"].id], NOW) is None
    # Moved to another role before it went out: skipped too.
    membership = (
        dbs.query(Membership)
        .filter(Membership.org_id == org.id, Membership.user_id == people["new"].id)
        .one()
    )
    membership.job_role_id = None
    dbs.commit()
    assert message_of(app, org, people["new"], rows[people["new"].id], NOW) is None


def test_the_type_is_registered_with_its_factors_and_conversions():
    nudge_type = get_type("skill_gap")
    assert {f.value for f in nudge_type.factors} == {"D-URG", "D-OUT", "B-SECURE", "B-SHORT"}
    assert nudge_type.category == "encouragement" and nudge_type.private_rule
    assert set(nudge_type.conversions) == {
        ActivityKind.goal_created.value,
        ActivityKind.offer_signed_up.value,
    }
