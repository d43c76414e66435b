"""A small step for your barrier (B-TIME, B-FEAR, ...): one offer that fits the check."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from app.activity.models import ActivityKind
from app.development.models import LearningCheck, LearningCheckFactor
from app.offers.models import Offer, OfferFormat

from ..development.helpers_check import seed_check
from .helpers import MONDAY_MORNING, make_campaign
from .test_types_a_support import (
    add_event,
    context_of,
    many_members,
    message_of,
    people_of,
    planned,
)

NOW = MONDAY_MORNING


def arrange(dbs, make):
    org = make.org(name="Van Dijk Metaal")
    other = make.org()
    offers = {
        "long": make.offer(
            org,
            title="Heftruck met theorie-examen",
            duration_minutes=8 * 60,
            in_work_time=False,
            has_exam=True,
            format=OfferFormat.classroom,
        ),
        "short": make.offer(
            org,
            title="Veilig tillen op de werkvloer",
            duration_minutes=60,
            in_work_time=True,
            cost_covered=True,
            has_exam=False,
            format=OfferFormat.on_the_job,
        ),
    }
    people = {name: make.member(org).user for name in (
        "time", "fear", "signed", "signed_long_ago", "driver_only", "life", "no_check",
        "elsewhere", "signed_elsewhere",
    )}  # fmt: skip
    seed_check(dbs, org, people["time"], {"B-TIME": 1, "D-INT": 1})
    seed_check(dbs, org, people["fear"], {"B-FEAR": 2, "B-TIME": 1})
    seed_check(dbs, org, people["signed"], {"B-TIME": 1})
    add_event(dbs, org, people["signed"], ActivityKind.offer_signed_up, NOW - timedelta(days=10))
    seed_check(dbs, org, people["signed_long_ago"], {"B-THEORY": 1})
    add_event(
        dbs, org, people["signed_long_ago"], ActivityKind.offer_signed_up, NOW - timedelta(40)
    )
    seed_check(dbs, org, people["driver_only"], {"D-INT": 2, "D-PEER": 1})
    seed_check(dbs, org, people["life"], {"B-TIME": 1, "B-LIFE": 1})
    # Another organisation's check and sign-ups are not this organisation's business.
    make.member(other, user=people["elsewhere"])
    seed_check(dbs, other, people["elsewhere"], {"B-TIME": 1})
    make.member(other, user=people["signed_elsewhere"])
    seed_check(dbs, org, people["signed_elsewhere"], {"B-MONEY": 1})
    add_event(dbs, other, people["signed_elsewhere"], ActivityKind.offer_signed_up, NOW)
    return org, people, offers


def test_people_with_a_barrier_and_no_recent_sign_up_are_planned(app, dbs, make):
    org, people, _offers = arrange(dbs, make)
    campaign = make_campaign(dbs, org, "small_step")
    rows = planned(app, dbs, org, campaign, NOW)
    expected = {"time", "fear", "signed_long_ago", "signed_elsewhere"}
    assert people_of(rows) == {people[name].id for name in expected}


def _messages(app, dbs, make, locale: str):
    """(offer link, message for little time, message for fear of exams)."""
    org, people, offers = arrange(dbs, make)
    campaign = make_campaign(dbs, org, "small_step")
    rows = {r.user_id: r for r in planned(app, dbs, org, campaign, NOW)}
    time, fear = people["time"], people["fear"]
    return (
        f"/o/{org.slug}/offers/{offers['short'].id}",
        message_of(app, org, time, rows[time.id], NOW, locale),
        message_of(app, org, fear, rows[fear.id], NOW, locale),
    )


# What the person said in the learning check: never in a message (subject, text or HTML).
BARRIER_SENTENCES = (
    "You said",
    "time is tight",
    "exams can feel tense",
    "money can be a worry",
    "Je gaf aan",
    "weinig tijd",
    "spannend",
    "geld",
)


def _assert_barrier_absent(message) -> None:
    for part in message:
        for sentence in BARRIER_SENTENCES:
            assert sentence not in part, (sentence, part)


def test_the_message_gives_the_offer_and_its_facts_only_in_english(app, dbs, make):
    offer_url, time, fear = _messages(app, dbs, make, "en")
    _assert_barrier_absent(time)
    _assert_barrier_absent(fear)
    assert time[0] == fear[0] == "A small step that fits you"
    # Little time or fear of exams: the same offer fits both, with the same facts.
    for body in time[1:] + fear[1:]:
        assert "A small step is a good start." in body
        assert "Veilig tillen op de werkvloer" in body
        assert "It takes 1 hour." in body
        assert "You do it in work time." in body
        assert "It costs you nothing." in body
        assert "There is no exam." in body
        assert "How: On the job" in body
        assert offer_url in body
        assert "Heftruck" not in body


def test_the_message_gives_the_offer_and_its_facts_only_in_dutch(app, dbs, make):
    offer_url, time, fear = _messages(app, dbs, make, "nl")
    _assert_barrier_absent(time)
    _assert_barrier_absent(fear)
    assert time[0] == fear[0] == "Een kleine stap die bij je past"
    for body in time[1:] + fear[1:]:
        assert "Een kleine stap is een goed begin." in body
        assert "Veilig tillen op de werkvloer" in body
        assert "Het duurt 1 uur." in body
        assert "Je doet het in werktijd." in body
        assert "Het kost jou niets." in body
        assert "Er is geen examen." in body
        assert "Hoe: Op het werk" in body
        assert offer_url in body


def test_the_message_is_skipped_when_no_offer_fits_or_the_barrier_is_gone(app, dbs, make):
    org, people, offers = arrange(dbs, make)
    campaign = make_campaign(dbs, org, "small_step")
    rows = {r.user_id: r for r in planned(app, dbs, org, campaign, NOW)}
    fear, time = people["fear"], people["time"]
    context = context_of(app, org, fear, rows[fear.id], NOW)
    assert context["offer_title"] == offers["short"].title
    assert "barrier" not in context  # the offer's facts only, nothing the person said

    # Only the long course with an exam is left: nothing fits fear or little time.
    dbs.get(Offer, offers["short"].id).active = False
    dbs.commit()
    assert context_of(app, org, fear, rows[fear.id], NOW) is None
    assert context_of(app, org, time, rows[time.id], NOW) is None

    # The check is gone (or was taken again without a barrier).
    dbs.get(Offer, offers["short"].id).active = True
    for model in (LearningCheckFactor, LearningCheck):
        dbs.execute(delete(model).where(model.user_id == time.id))
    dbs.commit()
    assert context_of(app, org, time, rows[time.id], NOW) is None
    assert context_of(app, org, fear, rows[fear.id], NOW) is not None


def test_planning_takes_the_same_statements_for_10_and_100_people(app, dbs, make, count_queries):
    counts = []
    for size in (10, 100):
        org = make.org()
        people = many_members(dbs, org, size)
        for person in people:
            seed_check(dbs, org, person, {"B-TIME": 1})
        campaign = make_campaign(dbs, org, "small_step", channel="both")
        with count_queries() as counter:
            rows = planned(app, dbs, org, campaign, NOW)
        assert len(people_of(rows)) == size
        counts.append(counter.count)
    assert 0 < counts[0] == counts[1]
