"""The skill-gap overview (R3): per role and group, how many people have each skill the
role needs now and later: confirmed, claimed only, or not yet. Only counts, never names.

Privacy (PRODUCT §4.5). The group's head count is the active members in the role in that
group (a unit includes the teams below it; the organisation everyone). Which groups are
hidden is decided over the whole team tree at once by
``manager_kpis.suppression.suppressed_groups`` (a group under k people, and a group that
could be worked out by subtracting shown groups), so choosing one group after another
gives nothing away. Which cells of a shown group are hidden is decided over the tree too,
by ``gap_cells.hidden_cells``: a cell of fewer than k people, a cell the group's total
would give away, and a cell that subtracting the shown groups below would give away.

Counting is done in SQL: one statement for the head counts of every group and one for
the counts per team and skill (both added up the tree here, in a loop over teams, never
over people). With ``role_profile`` (two) and the groups (one) a page runs the same
statements for 10 people as for 500.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from ..development.skills_models import PersonSkill
from ..extensions import db
from ..manager_kpis.groups import ORG_KEY, Group, org_groups, team_key
from ..manager_kpis.suppression import suppressed_groups
from ..orgs.models import Membership
from .gap_cells import CLAIMED, CONFIRMED, NOT_YET, hidden_cells, row_values
from .models import Horizon, JobRole
from .queries import RoleSkillView, role_profile

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
    keys = _up_the_tree(groups)
    counts: dict[str, int] = {g.key: 0 for g in groups}
    for team_id, n in rows:
        for key in keys(team_id):
            counts[key] += int(n)
    return counts


def _up_the_tree(groups: Sequence[Group]):
    """A function from a team id to the keys it counts for: the team, each unit above it
    and the organisation (people in no team, or in a team missing from the tree, count
    for the organisation only)."""
    parent = {g.key: g.parent_key for g in groups}

    def keys(team_id: int | None) -> list[str]:
        key = team_key(team_id) if team_id is not None else ORG_KEY
        if key not in parent:
            key = ORG_KEY
        found = []
        while key is not None:
            found.append(key)
            key = parent.get(key)
        return found

    return keys


def skill_counts(
    org_id: int, role_id: int, skill_ids: Sequence[int], groups: Sequence[Group]
) -> dict[int, dict[str, tuple[int, int]]]:
    """skill id -> group key -> (confirmed, claimed only) among the active members in the
    role. One query, grouped by team and skill; added up the tree here."""
    if not skill_ids:
        return {}
    confirmed = PersonSkill.confirmed_at.is_not(None)
    query = (
        select(
            Membership.team_id,
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
        .group_by(Membership.team_id, PersonSkill.skill_id)
    )
    keys = _up_the_tree(groups)
    counts: dict[int, dict[str, tuple[int, int]]] = {}
    for team_id, skill_id, have, claimed in db.session.execute(query):
        per_group = counts.setdefault(skill_id, {})
        for key in keys(team_id):
            old_have, old_claimed = per_group.get(key, (0, 0))
            per_group[key] = (old_have + int(have or 0), old_claimed + int(claimed or 0))
    return counts


def _cell(values, hidden: set[str], cell: str) -> int | None:
    return None if cell in hidden else values[cell]


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
    counts = skill_counts(org.id, role.id, [s.skill_id for s in profile.skills], groups)
    shown = [g.key for g in groups if g.key not in hidden_keys]
    rows = []
    for skill in profile.skills:
        per_group = counts.get(skill.skill_id, {})
        values = {key: row_values(populations[key], *per_group.get(key, (0, 0))) for key in shown}
        hidden = hidden_cells(values, populations, groups, hidden_keys, k)[group.key]
        mine = values[group.key]
        rows.append(
            GapRow(
                skill=skill,
                people=people,
                confirmed=_cell(mine, hidden, CONFIRMED),
                claimed=_cell(mine, hidden, CLAIMED),
                not_yet=_cell(mine, hidden, NOT_YET),
            )
        )
    return GapOverview(role, group, parent, False, False, people, rows, k)
