"""People in a role (R1): who is in which role, put in by team, in bulk or one by one.

Services flush, never commit; the route commits once. Every change is audit-logged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, case, func, or_, select, update

from ..accounts.models import User
from ..audit.services import record_audit
from ..extensions import db
from ..orgs.models import Membership, Team
from ..orgs.queries import team_parents
from .models import JobRole


@dataclass(frozen=True)
class PersonRow:
    membership_id: int
    name: str
    team_name: str | None
    role_id: int | None
    role_name: str | None


def team_and_below(org_id: int, team_id: int) -> set[int]:
    """The team and every team below it (a unit includes its teams). One query."""
    children: dict[int | None, list[int]] = {}
    for tid, parent in team_parents(org_id).items():
        children.setdefault(parent, []).append(tid)
    found: set[int] = set()
    todo = [team_id] if any(team_id in ids for ids in children.values()) else []
    while todo:
        tid = todo.pop()
        if tid not in found:
            found.add(tid)
            todo.extend(children.get(tid, []))
    return found


def people_for_role(org_id: int, role_id: int, team_ids: set[int] | None) -> list[PersonRow]:
    """Active members (of ``team_ids`` when given), people in this role first, then by
    name, each with their team and current role. One query."""
    statement = (
        select(Membership.id, User.name, Team.name, Membership.job_role_id, JobRole.name)
        .join(User, User.id == Membership.user_id)
        .outerjoin(Team, and_(Team.id == Membership.team_id, Team.org_id == org_id))
        .outerjoin(JobRole, and_(JobRole.id == Membership.job_role_id, JobRole.org_id == org_id))
        .where(Membership.org_id == org_id, Membership.active.is_(True))
        .order_by(
            case((Membership.job_role_id == role_id, 0), else_=1),
            func.lower(User.name),
            Membership.id,
        )
    )
    if team_ids is not None:
        statement = statement.where(Membership.team_id.in_(team_ids or {-1}))
    return [PersonRow(*row) for row in db.session.execute(statement)]


def set_people_role(
    org_id: int, role: JobRole, membership_ids: Iterable[int], put_in: bool, actor_id: int | None
) -> int:
    """Put these active members in the role (out of any other), or take them out of it
    (only those in it). Returns how many changed; one audit event per person."""
    ids = set(membership_ids)
    if not ids:
        return 0
    condition = [
        Membership.org_id == org_id,
        Membership.active.is_(True),
        Membership.id.in_(ids),
    ]
    if put_in:
        condition.append(or_(Membership.job_role_id.is_(None), Membership.job_role_id != role.id))
    else:
        condition.append(Membership.job_role_id == role.id)
    changed = db.session.execute(
        select(Membership.id, Membership.user_id).where(*condition).order_by(Membership.id)
    ).all()
    if not changed:
        return 0
    db.session.execute(
        update(Membership)
        .where(Membership.org_id == org_id, Membership.id.in_([row.id for row in changed]))
        .values(job_role_id=role.id if put_in else None)
        .execution_options(synchronize_session=False)
    )
    action = "member.job_role_set" if put_in else "member.job_role_cleared"
    for row in changed:
        record_audit(org_id, actor_id, action, role, subject_user_id=row.user_id)
    db.session.flush()
    return len(changed)


def member_role_choices(org_id: int, current_role_id: int | None) -> list[tuple[int, str, bool]]:
    """(id, name, active) of the switched-on roles, plus the person's current role when it
    is switched off. One query."""
    condition = JobRole.active.is_(True)
    if current_role_id is not None:
        condition = or_(condition, JobRole.id == current_role_id)
    rows = db.session.execute(
        select(JobRole.id, JobRole.name, JobRole.active)
        .where(JobRole.org_id == org_id, condition)
        .order_by(JobRole.name_key, JobRole.id)
    ).all()
    return [(row.id, row.name, row.active) for row in rows]


def set_member_role(
    org_id: int, membership: Membership, role_id: int | None, actor_id: int | None
) -> bool:
    """Put one person in a role (None: in no role). Returns whether it changed."""
    if membership.job_role_id == role_id:
        return False
    old_role_id = membership.job_role_id
    membership.job_role_id = role_id
    db.session.flush()
    record_audit(
        org_id,
        actor_id,
        "member.job_role_set" if role_id is not None else "member.job_role_cleared",
        object_type="JobRole",
        object_id=role_id if role_id is not None else old_role_id,
        subject_user_id=membership.user_id,
    )
    return True
