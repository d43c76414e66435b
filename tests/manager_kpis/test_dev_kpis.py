"""Development KPIs equal hand-computed values for a seeded team (acceptance 1): one test
per KPI, with the boundaries (day 90 vs day 91, someone who left mid-period, part-time).
Someone who left mid-period is not one of the people of the period's shares (measured on
its last day) but is a member in its hours and counts (counted over the period).

Today is 15 May 2026; April 2026 is the (closed) period under test, in Amsterdam time.
The organisation's k is 3, so a team of five shows its numbers.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.ambassadors.models import AmbassadorConversation, Channel
from app.ambassadors.models import ConversationStatus as TalkStatus
from app.development.models import (
    ConversationStatus,
    DevelopmentConversation,
    Goal,
    GoalStatus,
    LearningKind,
    LearningLogEntry,
)
from app.development.skills_models import (
    ConfirmationStatus,
    ConfirmerRole,
    PersonSkill,
    Skill,
    SkillConfirmation,
)
from app.feed.models import PostKind
from app.feedback.models import Feedback
from app.manager_kpis.catalogue import KPI_KEYS

from .dev_kpi_seed import APRIL, MAY, add_people, compute, local, token, value


@pytest.fixture()
def team(make, dbs):
    org = make.org(min_group_size=3)
    team = make.team(org, name="Magazijn")
    people = add_people(dbs, org, 5, team)
    return org, team, people


def key(team):
    return f"team:{team.id}"


def log(dbs, org, user_id, day, minutes=60, work=True):
    dbs.add(
        LearningLogEntry(
            org_id=org.id,
            user_id=user_id,
            title="Heftruck",
            kind=LearningKind.informal,
            minutes=minutes,
            in_work_time=work,
            learned_on=day,
        )
    )


def test_conversations_in_the_12_months_up_to_the_last_day(app, dbs, team):
    org, team, (p0, p1, p2, p3, p4) = team
    for user_id, held_on, status in (
        (p0, date(2025, 4, 30), ConversationStatus.confirmed),  # a year and a day: no
        (p1, date(2025, 5, 1), ConversationStatus.recorded),  # exactly 12 months: yes
        (p2, date(2026, 4, 30), ConversationStatus.confirmed),  # the last day: yes
        (p2, date(2026, 1, 5), ConversationStatus.confirmed),  # a second one: still one person
        (p3, date(2026, 3, 1), ConversationStatus.disputed),  # "did not take place": no
        (p4, date(2026, 5, 2), ConversationStatus.recorded),  # after April: no (but May)
    ):
        dbs.add(
            DevelopmentConversation(org_id=org.id, user_id=user_id, held_on=held_on, status=status)
        )
    dbs.commit()
    figures = compute(app, org, (APRIL, MAY))
    april = figures[(key(team), "conversations", APRIL.token)]
    assert (april.value, april.numerator, april.denominator, april.people) == (0.4, 2, 5, 5)
    # May is open: its last day is today (15 May), so p1's (1 May 2025) is over a year old.
    assert value(figures, key(team), "conversations", MAY) == pytest.approx(2 / 5)
    assert set(figures) == {
        (g, kpi, p.token) for g in ("org", key(team)) for kpi in KPI_KEYS for p in (APRIL, MAY)
    }


def test_participation_day_90_counts_and_day_91_not_and_leavers_do_not_count(app, dbs, team):
    org, team, (p0, p1, p2, p3, p4) = team
    # Someone who left mid-April is not counted; someone who left in May still is.
    (gone,) = add_people(dbs, org, 1, team, active=False, disabled_at=local(date(2026, 4, 15)))
    (later,) = add_people(dbs, org, 1, team, active=False, disabled_at=local(date(2026, 5, 3)))
    (new,) = add_people(dbs, org, 1, team, created_at=local(date(2026, 5, 2)))  # joined after
    last_day = APRIL.end  # day 1
    day_90 = last_day - timedelta(days=89)
    assert day_90 == date(2026, 1, 31)
    log(dbs, org, p0, day_90)  # counts
    log(dbs, org, p1, day_90 - timedelta(days=1))  # day 91: does not
    log(dbs, org, gone, date(2026, 4, 10))
    log(dbs, org, later, date(2026, 4, 10))
    log(dbs, org, new, date(2026, 4, 10))
    log(dbs, org, p4, date(2026, 5, 1))  # after the last day
    dbs.commit()
    make_post = _post_maker(dbs, org)
    make_post(p2, local(date(2026, 4, 30), 20))  # a shared success on the last day, 20:00
    make_post(p3, local(date(2026, 4, 20)), removed=True)  # removed: not
    make_post(p4, local(date(2026, 5, 1), 0, 30))  # 00:30 on 1 May (22:30 UTC on 30 April)
    figures = compute(app, org)
    figure = figures[(key(team), "participation", APRIL.token)]
    # people: p0-p4 and the one who left in May (6); active: p0, p2, the one who left later
    assert (figure.numerator, figure.denominator, figure.value) == (3, 6, 0.5)


def _post_maker(dbs, org):
    from app.feed.models import Audience, SuccessPost

    def make_post(author_id, created_at, kind=PostKind.success, removed=False, hidden=False):
        dbs.add(
            SuccessPost(
                org_id=org.id,
                author_id=author_id,
                kind=kind,
                audience=Audience.company,
                body="Geleerd",
                client_token=token(),
                created_at=created_at,
                removed_at=created_at if removed else None,
                hidden_at=created_at if hidden else None,
            )
        )
        dbs.commit()

    return make_post


def test_learning_hours_per_fte_in_work_and_own_time(app, dbs, make):
    org = make.org(min_group_size=3)
    team = make.team(org)
    p0, p1, p2, p3, p4 = add_people(dbs, org, 5, team, fte=[1, 1, 0.5, 0.5, 0.8])  # 3.8 FTE
    (gone,) = add_people(dbs, org, 1, team, active=False, disabled_at=local(date(2026, 4, 20)))
    log(dbs, org, p0, date(2026, 4, 1), 120)
    log(dbs, org, p2, date(2026, 4, 30), 90)
    log(dbs, org, p3, date(2026, 4, 12), 60, work=False)
    log(dbs, org, p4, date(2026, 4, 13), 30, work=False)
    log(dbs, org, p1, date(2026, 3, 31), 600)  # March
    log(dbs, org, p1, date(2026, 5, 1), 600)  # May
    # Left in April: a member in April, with their hours and their whole FTE (1.0).
    log(dbs, org, gone, date(2026, 4, 2), 600)
    dbs.commit()
    figures = compute(app, org)
    work = figures[(key(team), "hours_work", APRIL.token)]
    own = figures[(key(team), "hours_own", APRIL.token)]
    assert work.numerator == pytest.approx(13.5) and work.denominator == pytest.approx(4.8)
    assert work.value == pytest.approx(13.5 / 4.8, abs=1e-4) and work.people == 6
    assert own.value == pytest.approx(1.5 / 4.8, abs=1e-4)
    # The shares of April are over the five there on its last day.
    assert figures[(key(team), "participation", APRIL.token)].people == 5


def test_goals_open_on_the_last_day_or_reached_in_the_period(app, dbs, team):
    org, team, (p0, p1, p2, p3, p4) = team

    def goal(user_id, created, status=GoalStatus.open, done=None, updated=None):
        dbs.add(
            Goal(
                org_id=org.id,
                user_id=user_id,
                title="Leren plannen",
                status=status,
                created_at=local(created),
                done_at=local(done) if done else None,
                updated_at=local(updated or done or created),
            )
        )

    goal(p0, date(2026, 2, 1))  # open: yes
    goal(p1, date(2026, 1, 1), GoalStatus.done, done=date(2026, 4, 10))  # reached in April
    goal(p2, date(2026, 1, 1), GoalStatus.done, done=date(2026, 3, 20))  # reached before: no
    goal(p3, date(2026, 1, 1), GoalStatus.dropped, updated=date(2026, 5, 5))  # open on 30 April
    goal(p4, date(2026, 5, 3))  # made after April: no
    goal(p4, date(2026, 1, 1), GoalStatus.dropped, updated=date(2026, 4, 20))  # dropped: no
    dbs.commit()
    figure = compute(app, org)[(key(team), "goals", APRIL.token)]
    assert (figure.numerator, figure.denominator, figure.value) == (3, 5, 0.6)


def test_successes_shared_in_the_period(app, dbs, make, team):
    org, team, (p0, p1, p2, p3, p4) = team
    # In another team (of three: a lone person outside the team would hide it, as the
    # organisation's figure minus the team's would give that person away).
    elsewhere, *_ = add_people(dbs, org, 3, make.team(org))
    make_post = _post_maker(dbs, org)
    make_post(p0, local(date(2026, 4, 1), 0, 30))  # 22:30 UTC on 31 March: April here
    make_post(p0, local(date(2026, 4, 30), 23, 30))
    make_post(p1, local(date(2026, 4, 5)), hidden=True)
    make_post(p2, local(date(2026, 4, 5)), removed=True)
    make_post(p3, local(date(2026, 4, 5)), kind=PostKind.shared_feedback)
    make_post(p4, local(date(2026, 3, 31), 23, 30))  # March
    make_post(elsewhere, local(date(2026, 4, 5)))
    figures = compute(app, org)
    assert value(figures, key(team), "successes") == 2
    assert value(figures, "org", "successes") == 3


def test_feedback_given_or_received(app, dbs, make, team):
    org, team, (p0, p1, p2, p3, p4) = team
    outsider, *_ = add_people(dbs, org, 3, make.team(org))

    def feedback(giver, recipient, day, removed=False):
        dbs.add(
            Feedback(
                org_id=org.id,
                giver_id=giver,
                recipient_id=recipient,
                went_well="Goed uitgelegd",
                client_token=token(),
                created_at=local(day),
                removed_at=local(day) if removed else None,
            )
        )

    feedback(p0, p1, date(2026, 4, 2))  # within the team: given and received, 2
    feedback(p2, outsider, date(2026, 4, 3))  # given by the team: 1
    feedback(outsider, p3, date(2026, 4, 4))  # received by the team: 1
    feedback(p0, p4, date(2026, 4, 5), removed=True)
    feedback(p0, p4, date(2026, 5, 1))
    dbs.commit()
    figures = compute(app, org)
    assert value(figures, key(team), "feedback") == 4
    assert value(figures, "org", "feedback") == 6  # each of the three: given and received


def test_skills_confirmed_in_the_period(app, dbs, make, team):
    org, team, (p0, p1, p2, p3, p4) = team
    skill = Skill(org_id=org.id, name="Heftruck", name_key="heftruck")
    dbs.add(skill)
    dbs.flush()
    owned = {}
    for user_id in (p0, p1):
        owned[user_id] = PersonSkill(org_id=org.id, user_id=user_id, skill_id=skill.id)
        dbs.add(owned[user_id])
    dbs.flush()
    confirmers = iter([p1, p2, p3, p4, p0])

    def confirmation(user_id, status, answered):
        dbs.add(
            SkillConfirmation(
                org_id=org.id,
                person_skill_id=owned[user_id].id,
                user_id=user_id,
                confirmer_id=next(confirmers),
                confirmer_role=ConfirmerRole.colleague,
                status=status,
                expires_at=local(date(2026, 6, 1)),
                answered_at=local(answered) if answered else None,
            )
        )

    confirmation(p0, ConfirmationStatus.confirmed, date(2026, 4, 10))
    confirmation(p0, ConfirmationStatus.declined, date(2026, 4, 11))
    confirmation(p0, ConfirmationStatus.pending, None)
    confirmation(p0, ConfirmationStatus.confirmed, date(2026, 3, 10))
    confirmation(p1, ConfirmationStatus.confirmed, date(2026, 4, 29))
    dbs.commit()
    assert value(compute(app, org), key(team), "skills_confirmed") == 2


def test_ambassador_contacts_booked_in_the_period_for_the_whole_company(app, dbs, make, team):
    org, team, (p0, p1, p2, p3, p4) = team
    ambassador = make.member(org, roles=["ambassador"])

    def talk(employee, booked_on, status):
        dbs.add(
            AmbassadorConversation(
                org_id=org.id,
                employee_id=employee,
                ambassador_id=ambassador.user_id,
                channel=Channel.in_person,
                status=status,
                booked_on=booked_on,
                client_token=token(),
            )
        )

    talk(p0, date(2026, 4, 1), TalkStatus.planned)
    talk(p0, date(2026, 4, 20), TalkStatus.cancelled)
    talk(p1, date(2026, 4, 30), TalkStatus.held)
    talk(p2, date(2026, 5, 1), TalkStatus.requested)
    talk(p3, date(2026, 3, 31), TalkStatus.held)
    dbs.commit()
    figures = compute(app, org, (APRIL, MAY))
    assert value(figures, "org", "ambassador_contacts") == 2
    assert value(figures, "org", "ambassador_contacts", MAY) == 1
    # Never per team: the team's figure is empty, and not "too few to show" either.
    for period in (APRIL, MAY):
        figure = figures[(key(team), "ambassador_contacts", period.token)]
        assert (figure.value, figure.people, figure.suppressed) == (None, 0, False)
