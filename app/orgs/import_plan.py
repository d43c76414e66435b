"""What a checked import file would change in an organisation, and making those changes.

``plan_import`` only reads: who is new, who is already here and what changes for them,
which teams are new or move to another unit, and the problems only the database can
show (a username that belongs to someone else, a team that would end up inside itself).
``apply_plan`` writes through the services in ``services.py``; the route commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..audit.services import record_audit
from ..extensions import db
from .importing import ImportRow, ParsedFile, Problem, roles_for, team_key
from .models import ImportBatch, ImportStatus, Membership, Organisation, Role, Team
from .services import (
    add_member,
    create_team,
    find_or_create_user,
    set_roles,
    update_member,
    update_team,
)

CHUNK = 500  # values per IN (...) list; SQLite allows a limited number of parameters


@dataclass
class Change:
    what: str  # "team", "job_title", "fte" or "roles"
    before: Any
    after: Any


@dataclass
class PlannedPerson:
    row: ImportRow
    roles: tuple[str, ...]
    name: str = ""  # the name we know them by (their own for people already here)
    user: User | None = None  # a person we already know (maybe from another organisation)
    membership: Membership | None = None  # set when they are already in this organisation
    changes: list[Change] = field(default_factory=list)


@dataclass
class PlannedTeam:
    key: str
    name: str
    parent_key: str | None
    parent_name: str | None
    team: Team | None = None  # an existing team that moves to another unit


@dataclass
class ImportPlan:
    problems: list[Problem] = field(default_factory=list)
    new_people: list[PlannedPerson] = field(default_factory=list)
    changed_people: list[PlannedPerson] = field(default_factory=list)
    unchanged_people: list[PlannedPerson] = field(default_factory=list)
    new_teams: list[PlannedTeam] = field(default_factory=list)
    moved_teams: list[PlannedTeam] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    teams: dict[str, Team] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(
            self.new_people or self.changed_people or self.unchanged_people
        )

    @property
    def file_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.line is None]

    @property
    def row_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.line is not None]


def _chunks(values: list) -> list[list]:
    return [values[i : i + CHUNK] for i in range(0, len(values), CHUNK)]


def _known_people(rows: list[ImportRow]) -> tuple[dict[str, User], dict[str, User]]:
    """People who already exist, by (normalised) e-mail and by lower-cased username."""
    emails = sorted({r.email for r in rows if r.email})
    usernames = sorted({r.username.lower() for r in rows if r.username})
    by_email: dict[str, User] = {}
    by_username: dict[str, User] = {}
    for chunk in _chunks(emails):
        for user in db.session.scalars(select(User).where(User.email.in_(chunk))):
            by_email[user.email] = user
    for chunk in _chunks(usernames):
        statement = select(User).where(func.lower(User.username).in_(chunk))
        for user in db.session.scalars(statement):
            by_username[user.username.lower()] = user
    return by_email, by_username


def _memberships(org_id: int, user_ids: list[int]) -> dict[int, Membership]:
    found: dict[int, Membership] = {}
    for chunk in _chunks(sorted(user_ids)):
        statement = (
            select(Membership)
            .where(Membership.org_id == org_id, Membership.user_id.in_(chunk))
            .options(selectinload(Membership.role_rows))
        )
        for membership in db.session.scalars(statement):
            found[membership.user_id] = membership
    return found


def plan_import(org: Organisation, parsed: ParsedFile, actor_id: int | None) -> ImportPlan:
    """Say what importing ``parsed`` into ``org`` would do, with every problem found."""
    plan = ImportPlan(problems=list(parsed.problems), ignored_columns=parsed.ignored_columns)
    if parsed.file_problems:
        return plan
    _, base_role = roles_for(org.kind)
    bad_lines = {p.line for p in plan.problems}
    rows = [r for r in parsed.rows if r.line not in bad_lines]
    by_email, by_username = _known_people(rows)
    known = {u.id for u in by_email.values()} | {u.id for u in by_username.values()}
    memberships = _memberships(org.id, list(known))
    plan.teams = {
        team_key(t.name): t for t in db.session.scalars(select(Team).where(Team.org_id == org.id))
    }
    team_names = {t.id: t.name for t in plan.teams.values()}
    line_of_user: dict[int, int] = {}

    def problem(row: ImportRow, key: str | None, message) -> None:
        plan.problems.append(Problem(message, row.line, parsed.header(key) if key else None))

    for row in rows:
        email_user = by_email.get(row.email) if row.email else None
        username_user = by_username.get(row.username.lower()) if row.username else None
        if username_user is not None and username_user is not email_user:
            # Only a username-only line may point at someone by username, and only at
            # someone in this organisation: never pull in a stranger by guessing a name.
            if email_user is not None or row.email or username_user.id not in memberships:
                problem(row, "username", _l("This username is already taken by someone else."))
                continue
        if email_user is not None and row.username and username_user is None:
            # Never give an existing account a (new) username: with one, this organisation's
            # admin could make a sign-in card for an account that is also used elsewhere.
            problem(
                row,
                "username",
                _l(
                    "This e-mail address already has an account. "
                    "Leave the username empty for this person."
                ),
            )
            continue
        user = email_user or username_user
        if user is not None:
            if user.id in line_of_user:
                problem(
                    row,
                    None,
                    _l("This is the same person as on line %(line)d.", line=line_of_user[user.id]),
                )
                continue
            line_of_user[user.id] = row.line
        membership = memberships.get(user.id) if user is not None else None
        roles = tuple(sorted({str(base_role), *row.roles}))
        person = PlannedPerson(
            row=row,
            roles=roles,
            name=user.name if user is not None else row.name,
            user=user,
            membership=membership,
        )
        if membership is None:
            plan.new_people.append(person)
            continue
        if user.id == actor_id and row.roles and str(Role.admin) not in roles:
            problem(row, "roles", _l("You cannot take away your own admin role."))
            continue
        _describe_changes(person, team_names)
        (plan.changed_people if person.changes else plan.unchanged_people).append(person)
    _plan_teams(plan, rows, parsed)
    plan.problems.sort(key=lambda p: p.line or 0)
    return plan


def _describe_changes(person: PlannedPerson, team_names: dict[int, str]) -> None:
    row, membership = person.row, person.membership
    current_team = team_names.get(membership.team_id) if membership.team_id else None
    if row.team and team_key(row.team) != team_key(current_team or ""):
        person.changes.append(Change("team", current_team, row.team))
    if row.job_title and row.job_title != (membership.job_title or ""):
        person.changes.append(Change("job_title", membership.job_title, row.job_title))
    if row.fte is not None and row.fte != membership.fte:
        person.changes.append(Change("fte", membership.fte, row.fte))
    current_roles = tuple(sorted(str(r) for r in membership.roles))
    if row.roles and person.roles != current_roles:
        person.changes.append(Change("roles", current_roles, person.roles))


def _plan_teams(plan: ImportPlan, rows: list[ImportRow], parsed: ParsedFile) -> None:
    """New teams (units before the teams in them) and existing teams that move to a unit."""
    names: dict[str, str] = {}
    wanted_parent: dict[str, str] = {}
    line_of: dict[str, ImportRow] = {}
    for row in rows:
        if row.team:
            names.setdefault(team_key(row.team), row.team)
        if row.team and row.parent_unit:
            names.setdefault(team_key(row.parent_unit), row.parent_unit)
            wanted_parent.setdefault(team_key(row.team), team_key(row.parent_unit))
            line_of.setdefault(team_key(row.team), row)
    by_id = {t.id: key for key, t in plan.teams.items()}
    current_parent = {key: by_id.get(t.parent_id) for key, t in plan.teams.items()}
    parent_of = {**current_parent, **wanted_parent}
    for key in wanted_parent:
        seen, current = set(), parent_of.get(key)
        while current is not None and current not in seen and current != key:
            seen.add(current)
            current = parent_of.get(current)
        if current == key:
            row = line_of[key]
            plan.problems.append(
                Problem(
                    _l("Team %(team)s would end up inside its own sub-team.", team=row.team),
                    row.line,
                    parsed.header("parent_unit"),
                )
            )
            return

    def planned(key: str, team: Team | None = None) -> PlannedTeam:
        parent = wanted_parent.get(key)
        parent_name = names.get(parent) or (plan.teams[parent].name if parent else None)
        return PlannedTeam(key, names[key], parent, parent_name, team)

    def visit(key: str) -> None:
        if key in plan.teams or key in new_keys:
            return
        if wanted_parent.get(key):
            visit(wanted_parent[key])
        new_keys.add(key)
        plan.new_teams.append(planned(key))

    new_keys: set[str] = set()

    for key in names:
        visit(key)
    for key, parent in wanted_parent.items():
        if key in plan.teams and current_parent.get(key) != parent:
            plan.moved_teams.append(planned(key, plan.teams[key]))


def apply_plan(
    org: Organisation, plan: ImportPlan, batch: ImportBatch, actor_id: int | None
) -> None:
    """Make the planned changes with the usual services, and record one audit event."""
    if not plan.ok:
        raise ValueError("an import with problems cannot be applied")
    teams = dict(plan.teams)
    for planned in plan.new_teams:
        parent_id = teams[planned.parent_key].id if planned.parent_key else None
        teams[planned.key] = create_team(org, planned.name, parent_id, actor_id)
    for planned in plan.moved_teams:
        team = planned.team
        update_team(team, team.name, teams[planned.parent_key].id, actor_id)
    for person in plan.new_people:
        row = person.row
        user = person.user or find_or_create_user(
            row.name, email=row.email or None, username=row.username or None
        )
        team = teams[team_key(row.team)] if row.team else None
        add_member(org, user, person.roles, team, row.job_title or None, actor_id, row.fte)
    for person in plan.changed_people:
        row, membership = person.row, person.membership
        changed = {change.what for change in person.changes}
        if changed & {"team", "job_title", "fte"}:
            team_id = teams[team_key(row.team)].id if "team" in changed else membership.team_id
            job_title = row.job_title if "job_title" in changed else membership.job_title
            fte = row.fte if "fte" in changed else None
            update_member(membership, team_id, job_title, actor_id, fte)
        if "roles" in changed:
            set_roles(membership, person.roles, actor_id)
    record_audit(org.id, actor_id, "people.imported", batch)
    db.session.flush()


def store_batch(org: Organisation, actor_id: int, filename: str, content: str) -> ImportBatch:
    """Keep a checked file until the admin confirms it; their older unconfirmed files go."""
    db.session.execute(
        update(ImportBatch)
        .where(
            ImportBatch.org_id == org.id,
            ImportBatch.created_by_id == actor_id,
            ImportBatch.status == ImportStatus.pending,
        )
        .values(status=ImportStatus.discarded, content="")
        .execution_options(synchronize_session=False)
    )
    batch = ImportBatch(
        org_id=org.id, created_by_id=actor_id, filename=filename[:255], content=content
    )
    db.session.add(batch)
    db.session.flush()
    return batch


def claim_batch(batch: ImportBatch, now: datetime) -> bool:
    """Mark a pending batch as imported and drop its content; False if it was not pending.

    One UPDATE that only matches a pending row: of two submits at the same moment, only
    one gets the row, the other waits for it (PostgreSQL) and then matches nothing.
    """
    result = db.session.execute(
        update(ImportBatch)
        .where(
            ImportBatch.id == batch.id,
            ImportBatch.org_id == batch.org_id,
            ImportBatch.status == ImportStatus.pending,
        )
        .values(status=ImportStatus.committed, committed_at=now, content="")
        .execution_options(synchronize_session=False)
    )
    db.session.expire(batch)
    return result.rowcount == 1
