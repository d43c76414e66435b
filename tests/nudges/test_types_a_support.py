"""Shared arrangements for the types-a tests (social norm, follow-up, small step, goal
reminder): plan a period through the planner, then build the message of a planned row the
way delivery does (the type's context as the recipient, plus the common variables)."""

from __future__ import annotations

import html
from datetime import UTC, datetime

from app.accounts.models import User
from app.activity.models import ActivityEvent
from app.extensions import db
from app.mail import render_mail
from app.nudges.planner import plan_campaign
from app.nudges.registry import RenderContext, get_type
from app.orgs.models import Membership, MembershipRole, Organisation, Role
from app.tenancy import org_context

from .helpers import nudge_rows


def planned(app, dbs, org, campaign, now) -> list:
    """Plan at ``now`` and return the campaign's rows (read on the owner session)."""
    with app.app_context():
        plan_campaign(org.id, campaign.id, now)
        db.session.remove()
    return nudge_rows(dbs, campaign_id=campaign.id)


def people_of(rows) -> set[int]:
    return {row.user_id for row in rows}


def context_of(app, org, user, row, now):
    """The type's context for ``row``, read as ``user`` (None: skip)."""
    with app.app_context():
        try:
            with org_context((org.id,), user.id):
                fresh_org = db.session.get(Organisation, org.id)
                fresh_user = db.session.get(User, user.id)
                render = RenderContext(
                    org=fresh_org,
                    user=fresh_user,
                    row=row,
                    now=now,
                    locale=fresh_user.locale or "nl",
                )
                return get_type(row.nudge_type).context(render)
        finally:
            db.session.remove()


def message_of(app, org, user, row, now, locale: str | None = None):
    """(subject, text, html with entities unescaped) of ``row`` for ``user``, or None when
    the type says skip."""
    context = context_of(app, org, user, row, now)
    if context is None:
        return None
    locale = locale or user.locale or "nl"
    with app.app_context():
        variables = {
            **context,
            "name": user.name,
            "org_name": org.name,
            "locale": locale,
            "unsubscribe_url": "https://leercultuur.test/u/TOKEN",
            "preferences_url": f"https://leercultuur.test/o/{org.slug}/nudges/preferences",
        }
        mail = render_mail(get_type(row.nudge_type).template, locale, **variables)
    return mail.subject, mail.text, html.unescape(mail.html)


def add_event(dbs, org, user, kind: str, at: datetime) -> None:
    dbs.add(ActivityEvent(org_id=org.id, user_id=user.id, kind=kind, created_at=at))
    dbs.commit()


def many_members(dbs, org, count: int, team=None, prefix: str = "bulk") -> list[User]:
    """``count`` active employees of ``org`` (in ``team``), made in one commit."""
    users = [
        User(name=f"{prefix} {org.id}-{i}", email=f"{prefix}{org.id}-{i}@example.test")
        for i in range(count)
    ]
    for person in users:
        person.session_version = 1
    dbs.add_all(users)
    dbs.flush()
    for person in users:
        membership = Membership(
            org_id=org.id, user_id=person.id, team_id=team.id if team else None, active=True
        )
        membership.role_rows = [MembershipRole(org_id=org.id, role=str(Role.employee))]
        dbs.add(membership)
    dbs.commit()
    return users


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)
