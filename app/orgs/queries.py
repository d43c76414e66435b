"""Read models for the admin pages."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from ..accounts.models import User
from ..extensions import db
from .models import Membership, Team

PAGE_SIZE = 50


@dataclass
class MemberPage:
    members: list[Membership]
    total: int
    page: int
    pages: int


def member_page(
    org_id: int, search: str = "", team_id: int | None = None, page: int = 1
) -> MemberPage:
    """One page of the organisation's people with user, team and roles, in three queries."""
    filters = [Membership.org_id == org_id]
    if search:
        escaped = search.strip().lower().replace("\\", "\\\\")
        like = "%" + escaped.replace("%", "\\%").replace("_", "\\_") + "%"
        filters.append(
            or_(
                func.lower(User.name).like(like, escape="\\"),
                func.lower(User.email).like(like, escape="\\"),
                func.lower(User.username).like(like, escape="\\"),
            )
        )
    if team_id:
        filters.append(Membership.team_id == team_id)
    total = db.session.scalar(
        select(func.count(Membership.id)).join(User, User.id == Membership.user_id).where(*filters)
    )
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    members = db.session.scalars(
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .outerjoin(Team, Team.id == Membership.team_id)
        .where(*filters)
        .options(
            contains_eager(Membership.user),
            contains_eager(Membership.team),
            selectinload(Membership.role_rows),
        )
        .order_by(Membership.active.desc(), func.lower(User.name), Membership.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return MemberPage(members=list(members), total=total, page=page, pages=pages)


@dataclass
class TeamRow:
    team: Team
    parent_name: str | None
    member_count: int


def team_rows(org_id: int) -> list[TeamRow]:
    """Teams with their parent's name and how many active people are in each (one query)."""
    parent = db.aliased(Team)
    counts = (
        select(Membership.team_id, func.count(Membership.id).label("n"))
        .where(Membership.org_id == org_id, Membership.active.is_(True))
        .group_by(Membership.team_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Team, parent.name, func.coalesce(counts.c.n, 0))
        .outerjoin(parent, parent.id == Team.parent_id)
        .outerjoin(counts, counts.c.team_id == Team.id)
        .where(Team.org_id == org_id)
        .order_by(func.lower(Team.name))
    ).all()
    return [TeamRow(team=t, parent_name=p, member_count=n) for t, p, n in rows]


def team_choices(org_id: int) -> list[tuple[int, str]]:
    """(id, name) of the organisation's teams, by name: the list every form offers."""
    return [
        (row.id, row.name)
        for row in db.session.execute(
            select(Team.id, Team.name)
            .where(Team.org_id == org_id)
            .order_by(func.lower(Team.name), Team.id)
        )
    ]


def team_parents(org_id: int) -> dict[int, int | None]:
    rows = db.session.execute(select(Team.id, Team.parent_id).where(Team.org_id == org_id))
    return {row.id: row.parent_id for row in rows}


@dataclass
class AuditRow:
    created_at: object
    actor_name: str | None
    action: str
    subject_name: str | None


def audit_page(org_id: int, page: int = 1) -> tuple[list[AuditRow], int]:
    """Newest audit events of the organisation with actor and subject names (two queries)."""
    from ..audit.models import AuditEvent

    actor = db.aliased(User)
    subject = db.aliased(User)
    total = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.org_id == org_id))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        select(AuditEvent.created_at, actor.name, AuditEvent.action, subject.name)
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .outerjoin(subject, subject.id == AuditEvent.subject_user_id)
        .where(AuditEvent.org_id == org_id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return [AuditRow(*row) for row in rows], pages
