"""Access rows for goals (E1) and the learning log with evidence (E2).

Goals, steps, log entries and evidence are personal: only their owner reaches them (OWNER);
everyone else, the manager and admin too, gets the same 404 as for a missing id. Without a
person (the isolation crawl) the makers give the object to the organisation's first admin,
who is the one crawling; if there is none, to a new member.
"""

from tests.access import MEMBER, OWNER, roles

from .helpers_goals import PDF, first_admin_id, make_entry, make_goal, session_of

ACCESS = {
    # Goals (E1)
    "development.goals": MEMBER,
    "development.new_goal": MEMBER,
    "development.goal": OWNER,
    "development.edit_goal": OWNER,
    "development.add_goal_step": OWNER,
    "development.goal_status": OWNER,
    "development.goal_sharing": OWNER,
    "development.step_done": OWNER,
    "development.delete_goal_step": OWNER,
    "development.goal_from_wish": OWNER,
    # Admins open the page but see no goal as admin (people share with manager or ambassadors).
    "development.shared_goals": roles("manager", "ambassador", "admin"),
    # Learning log (E2)
    "development.log": MEMBER,
    "development.log_entry": OWNER,
    "development.delete_log_entry": OWNER,
    "development.evidence": OWNER,
}


def _owner_id(make, org, person) -> int:
    if person is not None:
        return person.id
    return first_admin_id(session_of(make), org) or make.member(org).user_id


def _goal(make, org, person=None) -> int:
    owner_id = _owner_id(make, org, person)
    return make_goal(session_of(make), org, owner_id, f"{org.name} goal", steps=["A step"]).id


def _goal_step(make, org, person=None) -> int:
    owner_id = _owner_id(make, org, person)
    goal = make_goal(session_of(make), org, owner_id, f"{org.name} goal", steps=["A step"])
    from sqlalchemy import select

    from app.development.models import GoalStep

    return session_of(make).scalar(select(GoalStep.id).where(GoalStep.goal_id == goal.id))


def _log_entry(make, org, person=None) -> int:
    """An entry with a proof file on disk, so the evidence route has something to serve."""
    owner_id = _owner_id(make, org, person)
    return make_entry(session_of(make), org, owner_id, f"{org.name} entry", evidence=PDF).id


OBJECT_MAKERS: dict = {
    "goal_id": _goal,
    "goal_step_id": _goal_step,
    "log_entry_id": _log_entry,
}
