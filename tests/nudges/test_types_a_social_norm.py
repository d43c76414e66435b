"""Social norm (D-NORM): "This month 6 of the 11 people in your team learned something"."""

from __future__ import annotations

from app.activity.models import ActivityKind

from .helpers import MONDAY_MORNING, make_campaign
from .test_types_a_support import (
    add_event,
    many_members,
    message_of,
    people_of,
    planned,
    utc,
)

NOV = utc(2026, 11, 10, 12, 0)  # a day in the campaign's month (November, Amsterdam)
KINDS = [
    ActivityKind.learning_logged,
    ActivityKind.success_posted,
    ActivityKind.offer_completed,
    ActivityKind.goal_step_done,
    ActivityKind.skill_confirmed,
]


def _team(make, org, size: int, **kwargs):
    team = make.team(org, **kwargs)
    return team, [make.member(org, team=team).user for _ in range(size)]


def arrange(dbs, make):
    """Company (k = 5) with four teams and three people without a team:

    - A: 11 people, 6 learned this month (one at 00:30 on 1 November, Amsterdam time)
      -> favourable;
    - B: 10 people, 4 learned; 2 only gave applause, 2 learned in another organisation
      they also belong to, 1 learned on 31 October -> under half;
    - C: 4 people, all learned -> too small;
    - D: 6 people, 3 learned: half, but 3 is fewer than k to show;
    - without a team: 3 people, nobody learned; the company as a whole is 17 of 34.
    """
    org = make.org(name="Van Dijk Metaal")
    other = make.org(name="Elders BV")
    team_a, a = _team(make, org, 11, name="Magazijn")
    for i, person in enumerate(a[:5]):
        add_event(dbs, org, person, KINDS[i % len(KINDS)], NOV)
    add_event(dbs, org, a[5], ActivityKind.learning_logged, utc(2026, 10, 31, 23, 30))
    gone = make.member(org, team=team_a, active=False).user  # left: not counted
    add_event(dbs, org, gone, ActivityKind.learning_logged, NOV)
    _team_b, b = _team(make, org, 10)
    for person in b[:4]:
        add_event(dbs, org, person, ActivityKind.goal_done, NOV)
    for person in b[4:6]:
        add_event(dbs, org, person, ActivityKind.applause_given, NOV)
    for person in b[6:8]:
        make.member(other, user=person)
        add_event(dbs, other, person, ActivityKind.learning_logged, NOV)
    add_event(dbs, org, b[8], ActivityKind.learning_logged, utc(2026, 10, 31, 22, 30))
    _team_c, c = _team(make, org, 4)
    for person in c:
        add_event(dbs, org, person, ActivityKind.learning_logged, NOV)
    _team_d, d = _team(make, org, 6)
    for person in d[:3]:
        add_event(dbs, org, person, ActivityKind.offer_signed_up, NOV)
    loners = [make.member(org).user for _ in range(3)]
    return org, {"a": a, "b": b, "c": c, "d": d, "loners": loners}


def test_only_favourable_big_enough_groups_are_planned(app, dbs, make):
    org, people = arrange(dbs, make)
    campaign = make_campaign(dbs, org, "social_norm")
    rows = planned(app, dbs, org, campaign, MONDAY_MORNING)
    assert people_of(rows) == {p.id for p in people["a"] + people["loners"]}
    assert all(row.ref_id is None and row.status == "pending" for row in rows)


def _team_a_messages(app, dbs, make, locale: str):
    """(org, message of a team A member who learned, message of one who did not)."""
    org, people = arrange(dbs, make)
    learner, newcomer = people["a"][0], people["a"][7]
    campaign = make_campaign(dbs, org, "social_norm")
    rows = {r.user_id: r for r in planned(app, dbs, org, campaign, MONDAY_MORNING)}
    later = MONDAY_MORNING.replace(hour=9)
    return (
        org,
        message_of(app, org, learner, rows[learner.id], later, locale),
        message_of(app, org, newcomer, rows[newcomer.id], later, locale),
    )


def test_the_message_has_the_team_figures_in_english(app, dbs, make):
    org, (subject, text, html), (_s, other_text, other_html) = _team_a_messages(
        app, dbs, make, "en"
    )
    assert subject == "This month 6 of 11 colleagues learned something"
    for body in (text, html):
        assert "This month, 6 of the 11 people in your team Magazijn learned something new." in body
        assert "You are one of them. Well done!" in body
        assert f"/o/{org.slug}/development/log" in body
    for body in (other_text, other_html):
        assert "This month, 6 of the 11 people in your team Magazijn learned something new." in body
        assert "Would you like to join them? A small step is enough." in body
        assert "one of them" not in body


def test_the_message_has_the_team_figures_in_dutch(app, dbs, make):
    org, (subject, text, html), (_s, other_text, other_html) = _team_a_messages(
        app, dbs, make, "nl"
    )
    assert subject == "Deze maand leerden 6 van de 11 collega's iets"
    assert text.startswith("Hallo ")
    for body in (text, html):
        assert "Deze maand leerden 6 van de 11 mensen in je team Magazijn iets nieuws." in body
        assert "Jij bent een van hen. Goed gedaan!" in body
        assert f"/o/{org.slug}/development/log" in body
    for body in (other_text, other_html):
        assert "Deze maand leerden 6 van de 11 mensen in je team Magazijn iets nieuws." in body
        assert "Doe je ook mee? Een kleine stap is genoeg." in body
        assert "Jij bent" not in body


def test_people_without_a_team_see_the_whole_organisation(app, dbs, make):
    org, people = arrange(dbs, make)
    loner = people["loners"][0]
    campaign = make_campaign(dbs, org, "social_norm")
    rows = {r.user_id: r for r in planned(app, dbs, org, campaign, MONDAY_MORNING)}
    _subject, text, html = message_of(app, org, loner, rows[loner.id], MONDAY_MORNING, "en")
    for body in (text, html):
        assert "This month, 17 of the 34 people at Van Dijk Metaal learned something new." in body


def test_a_company_under_half_does_not_reach_people_without_a_team(app, dbs, make):
    org = make.org()
    team = make.team(org)
    for person in [make.member(org, team=team).user for _ in range(5)]:
        add_event(dbs, org, person, ActivityKind.learning_logged, NOV)
    loners = [make.member(org).user for _ in range(6)]  # 5 of 11: under half
    campaign = make_campaign(dbs, org, "social_norm")
    rows = planned(app, dbs, org, campaign, MONDAY_MORNING)
    assert people_of(rows).isdisjoint({p.id for p in loners})
    assert len(rows) == 5


def test_the_message_is_skipped_when_the_group_is_no_longer_big_enough(app, dbs, make):
    org, people = arrange(dbs, make)
    campaign = make_campaign(dbs, org, "social_norm")
    rows = {r.user_id: r for r in planned(app, dbs, org, campaign, MONDAY_MORNING)}
    person = people["a"][0]
    assert message_of(app, org, person, rows[person.id], MONDAY_MORNING) is not None
    org.min_group_size = 7  # 6 learners are now too few to show
    dbs.commit()
    assert message_of(app, org, person, rows[person.id], MONDAY_MORNING) is None


def test_planning_takes_the_same_statements_for_10_and_100_people(app, dbs, make, count_queries):
    counts = []
    for size in (10, 100):
        org = make.org()
        team = make.team(org)
        people = many_members(dbs, org, size, team=team)
        many_members(dbs, org, size // 10, prefix="loner")
        for person in people[: size * 6 // 10]:  # 60 %, also of the company with loners
            add_event(dbs, org, person, ActivityKind.learning_logged, NOV)
        campaign = make_campaign(dbs, org, "social_norm", channel="both")
        with count_queries() as counter:
            rows = planned(app, dbs, org, campaign, MONDAY_MORNING)
        assert len({r.user_id for r in rows}) == size + size // 10
        counts.append(counter.count)
    assert 0 < counts[0] == counts[1]
