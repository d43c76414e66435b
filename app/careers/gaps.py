"""The skill-gap overview (R3): per role and group, how many people have each skill the
role needs now and later: confirmed, claimed only, or not yet. Only counts, never names.

Privacy (PRODUCT §4.5). The group's head count is the active members in the role in that
group (a unit includes the teams below it; the organisation everyone). Which groups are
hidden is decided over the whole team tree at once by
``manager_kpis.suppression.suppressed_groups`` (a group under k people, and a group that
could be worked out by subtracting shown groups), so choosing one group after another
gives nothing away. In a shown group every cell goes through
``aggregates.suppress_counts``: a cell of fewer than k people is hidden, and when one
hidden cell could be worked out from the total, the next-smallest one is hidden too.

Counting is done in SQL: one statement for the head counts of every group (per team,
added up the tree here, in a loop over teams, never over people) and one for the counts
of the chosen group (per skill). With ``role_profile`` (two) and the groups (one) a page
runs the same statements for 10 people as for 500.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from ..aggregates import Count, suppress_counts
from ..development.skills_models import PersonSkill
from ..extensions import db
from ..manager_kpis.groups import ORG_KEY, Group, org_groups, team_key
from ..manager_kpis.suppression import suppressed_groups
from ..orgs.models import Membership
from .models import Horizon, JobRole
from .queries import RoleSkillView, role_profile

CONFIRMED, CLAIMED, NOT_YET = "confirmed", "claimed", "not_yet"
CELLS = (CONFIRMED, CLAIMED, NOT_YET)

HORIZON_WORDS = {
    Horizon.now: _l("Needed now"),
    Horizon.within_year: _l("Needed within a year"),
    Horizon.two_three_years: _l("Needed in 2 to 3 years"),
}


def horizon_words(horizon: Horizon | str) -> str:
    return str(HORIZON_WORDS.get(Horizon(horizon), horizon))


@dataclass(frozen=True)
class GapRow:
    """One skill of the role in the chosen group; a count of None is "too few to show"."""

    skill: RoleSkillView
    people: int | None  # people in the role in the group
    confirmed: int | None  # with the skill confirmed in their passport
    claimed: int | None  # with the skill in their passport, not confirmed yet
    not_yet: int | None  # without it

    @property
    def any_hidden(self) -> bool:
        return None in (self.confirmed, self.claimed, self.not_yet)


@dataclass(frozen=True)
class GapOverview:
    role: JobRole
    group: Group
    parent: Group | None
    # The whole group is hidden: too few people in the role here (too_small), or hidden
    # so that a small team cannot be worked out from the others.
    hidden: bool
    too_small: bool
    people: int | None  # None when hidden
    rows: list[GapRow]
    min_group_size: int


def all_groups(org) -> list[Group]:
    """The organisation and its teams in tree order (one query)."""
    return org_groups(org.id, org.name)


def visible_groups(groups: Sequence[Group], visible: set[int] | None) -> list[Group]:
    """The groups a viewer may choose: all for admins (``visible`` None), else the teams
    in ``visible`` (``manager_kpis.groups.visible_team_ids``)."""
    if visible is None:
        return list(groups)
    return [g for g in groups if g.team_id is not None and g.team_id in visible]


def group_by_key(groups: Sequence[Group], key: str | None) -> Group | None:
    return next((g for g in groups if g.key == key), None)


def teams_in(groups: Sequence[Group], group: Group) -> set[int] | None:
    """The team ids a group counts: the team and every team below it; None for the
    organisation (everyone, people in no team too)."""
    if group.team_id is None:
        return None
    children: dict[str, list[Group]] = {}
    for g in groups:
        if g.parent_key is not None:
            children.setdefault(g.parent_key, []).append(g)
    found, todo = set(), [group]
    while todo:
        current = todo.pop()
        found.add(current.team_id)
        todo.extend(children.get(current.key, ()))
    return found


def head_counts(org_id: int, role_id: int, groups: Sequence[Group]) -> dict[str, int]:
    """Active members in the role per group key (a unit includes the teams below it; the
    organisation everyone). One query, grouped by team; added up the tree here."""
    rows = db.session.execute(
        select(Membership.team_id, func.count())
        .where(
            Membership.org_id == org_id,
            Membership.active.is_(True),
            Membership.job_role_id == role_id,
        )
        .group_by(Membership.team_id)
    ).all()
    parent = {g.key: g.parent_key for g in groups}
    counts: dict[str, int] = {g.key: 0 for g in groups}
    for team_id, n in rows:
        # The team, each unit above it and the organisation (people in no team, or in a
        # team missing from the tree, count for the organisation only).
        key = team_key(team_id) if team_id is not None else ORG_KEY
        if key not in parent:
            key = ORG_KEY
        while key is not None:
            counts[key] += int(n)
            key = parent.get(key)
    return counts


def skill_counts(
    org_id: int, role_id: int, skill_ids: Sequence[int], team_ids: set[int] | None
) -> dict[int, tuple[int, int]]:
    """skill id -> (confirmed, claimed only) among the active members in the role (in
    ``team_ids``; None: everyone). One query, grouped by skill."""
    if not skill_ids:
        return {}
    confirmed = PersonSkill.confirmed_at.is_not(None)
    query = (
        select(
            PersonSkill.skill_id,
            func.sum(case((confirmed, 1), else_=0)),
            func.sum(case((confirmed, 0), else_=1)),
        )
        .join(
            Membership,
            (Membership.user_id == PersonSkill.user_id) & (Membership.org_id == PersonSkill.org_id),
        )
        .where(
            PersonSkill.org_id == org_id,
            PersonSkill.skill_id.in_(list(skill_ids)),
            Membership.org_id == org_id,
            Membership.active.is_(True),
            Membership.job_role_id == role_id,
        )
        .group_by(PersonSkill.skill_id)
    )
    if team_ids is not None:
        query = query.where(Membership.team_id.in_(sorted(team_ids)))
    return {
        skill_id: (int(have or 0), int(claimed or 0))
        for skill_id, have, claimed in db.session.execute(query)
    }


def _row(skill: RoleSkillView, people: int, have: int, claimed: int, k: int) -> GapRow:
    not_yet = max(people - have - claimed, 0)
    table = suppress_counts(
        [
            Count(CONFIRMED, have, have),
            Count(CLAIMED, claimed, claimed),
            Count(NOT_YET, not_yet, not_yet),
        ],
        Count("people", people, people),
        k,
        keys=CELLS,
    )
    return GapRow(
        skill=skill,
        people=table.total,
        confirmed=table.get(CONFIRMED),
        claimed=table.get(CLAIMED),
        not_yet=table.get(NOT_YET),
    )


def gap_overview(org, role: JobRole, groups: Sequence[Group], group: Group) -> GapOverview:
    """The overview of ``role`` in ``group`` (one of ``groups``, the whole tree). Four
    statements whatever the number of people or skills (five with ``groups``)."""
    k = org.min_group_size
    profile = role_profile(org.id, role)
    populations = head_counts(org.id, role.id, groups)
    hidden_keys = suppressed_groups(populations, groups, k)
    people = populations.get(group.key, 0)
    parent = group_by_key(groups, group.parent_key)
    if group.key in hidden_keys:
        rows = [GapRow(s, None, None, None, None) for s in profile.skills]
        return GapOverview(role, group, parent, True, people < k, None, rows, k)
    counts = skill_counts(
        org.id, role.id, [s.skill_id for s in profile.skills], teams_in(groups, group)
    )
    rows = [_row(s, people, *counts.get(s.skill_id, (0, 0)), k) for s in profile.skills]
    return GapOverview(role, group, parent, False, False, people, rows, k)
