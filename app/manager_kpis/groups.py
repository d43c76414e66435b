"""The groups KPIs are shown for: the whole organisation and every team.

A team with child teams is a "unit": its figures include the people of all teams below
it. Keys: ``"org"`` and ``"team:<id>"``. Team history is not kept: a person counts in
their current team.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..orgs.models import Membership, Role, Team

ORG_KEY = "org"


def team_key(team_id: int) -> str:
    return f"team:{team_id}"


def team_id_of(group_key: str) -> int | None:
    """The team id in a group key ("team:12" -> 12); None for "org" or anything else."""
    prefix, _, rest = (group_key or "").partition(":")
    if prefix == "team" and rest.isdigit():
        return int(rest)
    return None


@dataclass(frozen=True)
class Group:
    key: str  # "org" or "team:<id>"
    team_id: int | None  # None for the organisation
    name: str
    parent_key: str | None  # None for the organisation; "org" for a top-level team
    depth: int  # 0 for the organisation, 1 for a top-level team, ...
    is_unit: bool = False  # has child teams (its figures include theirs)


def org_groups(org_id: int, org_name: str = "") -> list[Group]:
    """The organisation and its teams, in tree order (each team after its parent, sibling
    teams by name). One query. ``org_name`` is the organisation group's name."""
    rows = db.session.execute(
        select(Team.id, Team.name, Team.parent_id).where(Team.org_id == org_id)
    ).all()
    return build_groups(rows, org_name)


def build_groups(rows, org_name: str = "") -> list[Group]:
    """Groups from (team id, name, parent id) rows; a parent that is missing or part of a
    loop is treated as the organisation."""
    names = {tid: name for tid, name, _ in rows}
    parents = {tid: pid if pid in names else None for tid, _, pid in rows}
    # Break loops: a team whose chain of parents comes back to itself hangs under the org.
    for tid in list(parents):
        seen = {tid}
        current = parents[tid]
        while current is not None:
            if current in seen:
                parents[tid] = None
                break
            seen.add(current)
            current = parents[current]
    children: dict[int | None, list[int]] = {}
    for tid in sorted(names, key=lambda t: (names[t].lower(), t)):
        children.setdefault(parents[tid], []).append(tid)
    groups = [Group(ORG_KEY, None, org_name, None, 0, is_unit=bool(children.get(None)))]

    def walk(parent: int | None, parent_key: str, depth: int) -> None:
        for tid in children.get(parent, []):
            groups.append(
                Group(team_key(tid), tid, names[tid], parent_key, depth, bool(children.get(tid)))
            )
            walk(tid, team_key(tid), depth + 1)

    walk(None, ORG_KEY, 1)
    return groups


def visible_team_ids(org_id: int, membership: Membership | None) -> set[int] | None:
    """Teams whose KPIs ``membership`` may see: None (all) for admins; for a manager their
    own team and the teams directly under it (as ``development.conversations._in_scope``);
    for anyone else no team. At most one query."""
    if membership is None or not membership.active or membership.org_id != org_id:
        return set()
    roles = membership.roles
    if Role.admin in roles:
        return None
    if Role.manager not in roles or membership.team_id is None:
        return set()
    children = db.session.scalars(
        select(Team.id).where(Team.org_id == org_id, Team.parent_id == membership.team_id)
    ).all()
    return {membership.team_id, *children}
