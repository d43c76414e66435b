"""Goal reminder (D-SELF, D-URG): "When and where will you work on it?"."""

from __future__ import annotations

from datetime import date

from app.development.models import Goal, GoalStatus, GoalStep, LearningKind, LearningLogEntry

from .helpers import MONDAY_MORNING, make_campaign
from .test_types_a_support import context_of, many_members, message_of, people_of, planned, utc

NOW = MONDAY_MORNING  # Monday 23 November 2026; quiet means nothing since 9 November
OLD = utc(2026, 10, 1, 12, 0)
# Goal titles are private: a canary in them must never be in a message.
CANARY = "Canary-4471"
NEW = utc(2026, 11, 20, 12, 0)


def add_goal(dbs, org, user, title="Beter leren rekenen", created_at=OLD, **values) -> Goal:
    goal = Goal(org_id=org.id, user_id=user.id, title=title, created_at=created_at, **values)
    dbs.add(goal)
    dbs.commit()
    return goal


def add_step(dbs, goal, done_at=None) -> None:
    dbs.add(
        GoalStep(
            org_id=goal.org_id, goal_id=goal.id, user_id=goal.user_id, text="Stap", done_at=done_at
        )
    )
    dbs.commit()


def add_log(dbs, org, user, created_at) -> None:
    dbs.add(
        LearningLogEntry(
            org_id=org.id,
            user_id=user.id,
            title="Iets geleerd",
            kind=LearningKind.informal,
            minutes=30,
            learned_on=created_at.date(),
            created_at=created_at,
        )
    )
    dbs.commit()


def arrange(dbs, make):
    org = make.org(name="Van Dijk Metaal")
    other = make.org()
    names = (
        "quiet", "stepped", "logged", "done", "soon", "new", "far", "two_quiet",
        "elsewhere", "logged_elsewhere",
    )  # fmt: skip
    people = {name: make.member(org).user for name in names}
    goals = {}
    goals["quiet"] = add_goal(dbs, org, people["quiet"], title=f"{CANARY} Excel leren")
    add_step(dbs, goals["quiet"], done_at=utc(2026, 10, 20, 12, 0))  # long ago
    add_step(dbs, goals["quiet"])  # open
    add_step(dbs, add_goal(dbs, org, people["stepped"]), done_at=utc(2026, 11, 20, 12, 0))
    add_goal(dbs, org, people["logged"])
    add_log(dbs, org, people["logged"], utc(2026, 11, 18, 12, 0))
    add_goal(dbs, org, people["done"], status=GoalStatus.done)
    add_goal(dbs, org, people["soon"], title="Ouder doel zonder datum")
    goals["soon"] = add_goal(
        dbs,
        org,
        people["soon"],
        title=f"{CANARY} heftruckcertificaat halen",
        created_at=NEW,
        target_date=date(2026, 12, 3),
    )
    add_goal(dbs, org, people["new"], created_at=NEW)
    add_goal(dbs, org, people["far"], created_at=NEW, target_date=date(2027, 1, 15))
    add_goal(dbs, org, people["two_quiet"], created_at=OLD)
    goals["two_quiet"] = add_goal(dbs, org, people["two_quiet"], created_at=utc(2026, 9, 1))
    make.member(other, user=people["elsewhere"])
    add_goal(dbs, other, people["elsewhere"])
    make.member(other, user=people["logged_elsewhere"])
    goals["logged_elsewhere"] = add_goal(dbs, org, people["logged_elsewhere"])
    add_log(dbs, other, people["logged_elsewhere"], utc(2026, 11, 18, 12, 0))
    return org, people, goals


def test_one_quiet_or_nearly_due_goal_per_person_is_planned(app, dbs, make):
    org, people, goals = arrange(dbs, make)
    campaign = make_campaign(dbs, org, "goal_reminder")
    rows = planned(app, dbs, org, campaign, NOW)
    expected = ("quiet", "soon", "two_quiet", "logged_elsewhere")
    assert {(r.user_id, r.ref_id) for r in rows} == {
        (people[name].id, goals[name].id) for name in expected
    }


def _messages(app, dbs, make, locale: str):
    """(org, goals, message about the goal due soon, message about the quiet goal)."""
    org, people, goals = arrange(dbs, make)
    campaign = make_campaign(dbs, org, "goal_reminder")
    rows = {r.user_id: r for r in planned(app, dbs, org, campaign, NOW)}
    soon, quiet = people["soon"], people["quiet"]
    return (
        org,
        goals,
        message_of(app, org, soon, rows[soon.id], NOW, locale),
        message_of(app, org, quiet, rows[quiet.id], NOW, locale),
    )


def _assert_goal_absent(message) -> None:
    for part in message:  # subject, text, HTML
        assert CANARY not in part
        assert "Excel" not in part and "eftruck" not in part
        assert "2026" not in part and "December" not in part and "december" not in part


def test_the_message_asks_when_and_where_without_the_goal_in_english(app, dbs, make):
    org, goals, soon, quiet = _messages(app, dbs, make, "en")
    _assert_goal_absent(soon)
    _assert_goal_absent(quiet)
    assert soon[0] == quiet[0] == "When and where will you work on your goal?"
    for body in soon[1:]:
        assert "You have a learning goal. The date you chose for it is coming soon." in body
        assert "When and where will you work on it?" in body
        assert "For example: Tuesday after my shift, in the canteen." in body
        assert f"/o/{org.slug}/development/goals/{goals['soon'].id}#add-step" in body
    assert "Add it as a small step:" in soon[1]
    assert "Add a small step" in soon[2]
    for body in quiet[1:]:
        assert "You have a learning goal." in body
        assert "coming soon" not in body
        assert f"/o/{org.slug}/development/goals/{goals['quiet'].id}#add-step" in body


def test_the_message_asks_when_and_where_without_the_goal_in_dutch(app, dbs, make):
    org, goals, soon, quiet = _messages(app, dbs, make, "nl")
    _assert_goal_absent(soon)
    _assert_goal_absent(quiet)
    assert soon[0] == "Wanneer en waar werk je aan je doel?"
    for body in soon[1:]:
        assert "Je hebt een leerdoel. De datum die je ervoor koos, komt dichtbij." in body
        assert "Bijvoorbeeld: dinsdag na mijn dienst, in de kantine." in body
        assert f"/o/{org.slug}/development/goals/{goals['soon'].id}#add-step" in body
    assert "Voeg het toe als kleine stap:" in soon[1]
    for body in quiet[1:]:
        assert "Je hebt een leerdoel." in body
        assert "dichtbij" not in body


def test_the_message_is_skipped_when_the_goal_is_reached_or_not_theirs(app, dbs, make):
    org, people, goals = arrange(dbs, make)
    campaign = make_campaign(dbs, org, "goal_reminder")
    rows = {r.user_id: r for r in planned(app, dbs, org, campaign, NOW)}
    row = rows[people["quiet"].id]
    assert context_of(app, org, people["soon"], row, NOW) is None  # someone else's goal
    # Only whether the date is near and the link: no title, no date.
    assert set(context_of(app, org, people["quiet"], row, NOW)) == {"due_soon", "url"}
    goal = dbs.get(Goal, goals["quiet"].id)
    goal.status = GoalStatus.done
    dbs.commit()
    assert context_of(app, org, people["quiet"], row, NOW) is None


def test_planning_takes_the_same_statements_for_10_and_100_people(app, dbs, make, count_queries):
    counts = []
    for size in (10, 100):
        org = make.org()
        people = many_members(dbs, org, size)
        dbs.add_all(Goal(org_id=org.id, user_id=p.id, title="Doel", created_at=OLD) for p in people)
        dbs.commit()
        campaign = make_campaign(dbs, org, "goal_reminder", channel="both")
        with count_queries() as counter:
            rows = planned(app, dbs, org, campaign, NOW)
        assert len(people_of(rows)) == size
        counts.append(counter.count)
    assert 0 < counts[0] == counts[1]
