"""Facility time (B5): the hours an ambassador spends on ambassador work, by activity.

An ambassador logs hours (conversations, training, events, preparation) and sees a month:
hours per activity and the total used against the hours the employer granted. The admin
sees per ambassador and month only hours used and granted, never what the work was about.
Every sum runs in SQL (GROUP BY), so the pages run the same queries for any number of
entries or ambassadors. Services flush; routes commit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, literal, select, union

from ..accounts.models import User
from ..db_utils import insert_or_get
from ..extensions import db
from ..orgs.models import Membership, MembershipRole, Role
from .models import AmbassadorProfile, FacilityActivity, FacilityTimeEntry

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
EARLIEST_MONTH = date(2000, 1, 1)


# --- months -------------------------------------------------------------------------


def month_from_query(value: str | None, today: date) -> date:
    """The first day of the month ``value`` names ("2026-05"), or of this month when it
    is missing, unreadable, before 2000 or in the future."""
    this_month = today.replace(day=1)
    match = MONTH_RE.match((value or "").strip())
    if not match:
        return this_month
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        return this_month
    chosen = date(year, month, 1)
    if chosen < EARLIEST_MONTH or chosen > this_month:
        return this_month
    return chosen


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def month_key(month: date) -> str:
    """The ``?month=`` value of a month: "2026-05"."""
    return f"{month.year:04d}-{month.month:02d}"


def _in_month(column, month: date):
    return and_(column >= month, column < next_month(month))


# --- the ambassador's own hours -------------------------------------------------------


@dataclass(frozen=True)
class FacilityMonth:
    """One ambassador's month: minutes per activity, used in total and granted."""

    month: date
    minutes_by_activity: dict[FacilityActivity, int]
    used_minutes: int
    granted_minutes: int  # 0: nothing granted (yet)
    entries: list[FacilityTimeEntry] = field(default_factory=list)

    @property
    def over_minutes(self) -> int:
        """How far the month went past the hours granted (0 when within)."""
        if not self.granted_minutes:
            return 0
        return max(0, self.used_minutes - self.granted_minutes)

    @property
    def left_minutes(self) -> int:
        return max(0, self.granted_minutes - self.used_minutes)


def granted_minutes(org_id: int, user_id: int) -> int:
    """Facility time the employer granted this ambassador per month (0: none set)."""
    minutes = db.session.scalar(
        select(AmbassadorProfile.facility_minutes_per_month).where(
            AmbassadorProfile.org_id == org_id,
            AmbassadorProfile.user_id == user_id,
            AmbassadorProfile.retired_at.is_(None),
        )
    )
    return minutes or 0


def facility_month(org_id: int, user_id: int, month: date) -> FacilityMonth:
    """The month view of ``user_id``: sums per activity (one grouped query), the hours
    granted, and the entries of that month (newest first) to correct a mistake."""
    sums = dict(
        db.session.execute(
            select(FacilityTimeEntry.activity, func.sum(FacilityTimeEntry.minutes))
            .where(
                FacilityTimeEntry.org_id == org_id,
                FacilityTimeEntry.user_id == user_id,
                _in_month(FacilityTimeEntry.worked_on, month),
            )
            .group_by(FacilityTimeEntry.activity)
        ).all()
    )
    by_activity = {activity: int(sums.get(activity) or 0) for activity in FacilityActivity}
    entries = list(
        db.session.scalars(
            select(FacilityTimeEntry)
            .where(
                FacilityTimeEntry.org_id == org_id,
                FacilityTimeEntry.user_id == user_id,
                _in_month(FacilityTimeEntry.worked_on, month),
            )
            .order_by(FacilityTimeEntry.worked_on.desc(), FacilityTimeEntry.id.desc())
        )
    )
    return FacilityMonth(
        month=month,
        minutes_by_activity=by_activity,
        used_minutes=sum(by_activity.values()),
        granted_minutes=granted_minutes(org_id, user_id),
        entries=entries,
    )


def add_facility_entry(
    org_id: int,
    user_id: int,
    activity: FacilityActivity,
    minutes: int,
    worked_on: date,
    client_token: str,
) -> tuple[int, bool]:
    """Log hours once per form token: the entry's id and whether this call made it (a
    second submit of the same form finds the first entry)."""
    return insert_or_get(
        FacilityTimeEntry,
        {
            "org_id": org_id,
            "user_id": user_id,
            "activity": activity,
            "minutes": minutes,
            "worked_on": worked_on,
            "client_token": client_token,
        },
        ["user_id", "client_token"],
    )


def delete_facility_entry(entry: FacilityTimeEntry) -> None:
    db.session.delete(entry)
    db.session.flush()


# --- the admin's overview -----------------------------------------------------------


@dataclass(frozen=True)
class AmbassadorHours:
    user_id: int
    name: str
    used_minutes: int
    granted_minutes: int
    active: bool  # an ambassador now (else: retired, but logged hours this month)

    @property
    def over_minutes(self) -> int:
        if not self.granted_minutes:
            return 0
        return max(0, self.used_minutes - self.granted_minutes)


@dataclass(frozen=True)
class FacilityOverview:
    month: date
    rows: list[AmbassadorHours]

    @property
    def used_minutes(self) -> int:
        return sum(r.used_minutes for r in self.rows)

    @property
    def granted_minutes(self) -> int:
        return sum(r.granted_minutes for r in self.rows if r.active)


def facility_overview(org_id: int, month: date) -> FacilityOverview:
    """Hours used and granted per ambassador in ``month``: everyone who is an ambassador
    now, and anyone who logged hours that month (e.g. retired since). Hours only: never
    the activities or dates. One query."""
    used = (
        select(
            FacilityTimeEntry.user_id.label("user_id"),
            func.sum(FacilityTimeEntry.minutes).label("minutes"),
        )
        .where(FacilityTimeEntry.org_id == org_id, _in_month(FacilityTimeEntry.worked_on, month))
        .group_by(FacilityTimeEntry.user_id)
        .subquery("used")
    )
    ambassadors = (
        select(Membership.user_id.label("user_id"))
        .join(
            MembershipRole,
            and_(
                MembershipRole.membership_id == Membership.id,
                MembershipRole.role == str(Role.ambassador),
            ),
        )
        .where(Membership.org_id == org_id, Membership.active.is_(True))
        .subquery("ambassadors")
    )
    people = union(select(ambassadors.c.user_id), select(used.c.user_id)).subquery("people")
    is_active = (
        select(literal(1))
        .where(ambassadors.c.user_id == people.c.user_id)
        .exists()
        .label("is_active")
    )
    statement = (
        select(
            User.id,
            User.name,
            func.coalesce(used.c.minutes, 0),
            func.coalesce(AmbassadorProfile.facility_minutes_per_month, 0),
            is_active,
        )
        .select_from(people)
        .join(User, User.id == people.c.user_id)
        .outerjoin(used, used.c.user_id == people.c.user_id)
        .outerjoin(
            AmbassadorProfile,
            and_(
                AmbassadorProfile.org_id == org_id,
                AmbassadorProfile.user_id == people.c.user_id,
            ),
        )
        .order_by(func.lower(User.name), User.id)
    )
    rows = [
        AmbassadorHours(
            user_id=user_id,
            name=name,
            used_minutes=int(minutes),
            granted_minutes=int(granted) if active else 0,
            active=bool(active),
        )
        for user_id, name, minutes, granted, active in db.session.execute(statement)
    ]
    return FacilityOverview(month=month, rows=rows)
