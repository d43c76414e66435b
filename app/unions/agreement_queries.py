"""Read models for the learning agreement pages (U1): lists, reps, and "are the terms met?".

Every function reads a fixed number of statements, however many agreements, reps or
ambassadors there are.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import and_, case, func, select

from ..accounts.models import User
from ..ambassadors.services import active_ambassadors
from ..development.budget import ORG_WIDE, budget_policies
from ..extensions import db
from ..orgs.models import Membership, MembershipRole, Organisation, OrgKind, Role
from .models import AgreementRep, AgreementStatus, LearningAgreement

# Open agreements first (waiting for an answer before active), then the history.
_STATUS_ORDER = case(
    (LearningAgreement.status == AgreementStatus.proposed, 0),
    (LearningAgreement.status == AgreementStatus.active, 1),
    else_=2,
)


@dataclass(frozen=True)
class AgreementRow:
    id: int
    status: AgreementStatus
    partner_name: str
    proposed_at: datetime
    approved_at: datetime | None
    ended_at: datetime | None
    changed_at: datetime | None


def agreement_rows(org: Organisation) -> list[AgreementRow]:
    """The agreements of ``org`` (as union or as company) with the other party's name."""
    is_union = org.kind == OrgKind.union
    mine = LearningAgreement.union_id if is_union else LearningAgreement.company_id
    partner = LearningAgreement.company_id if is_union else LearningAgreement.union_id
    rows = db.session.execute(
        select(
            LearningAgreement.id,
            LearningAgreement.status,
            Organisation.name,
            LearningAgreement.proposed_at,
            LearningAgreement.approved_at,
            LearningAgreement.ended_at,
            LearningAgreement.changed_at,
        )
        .join(Organisation, Organisation.id == partner)
        .where(mine == org.id)
        .order_by(_STATUS_ORDER, func.lower(Organisation.name), LearningAgreement.id.desc())
    ).all()
    return [AgreementRow(*row) for row in rows]


def company_by_address(address: str) -> Organisation | None:
    """The company with exactly this address (slug); never a list of companies."""
    if not address:
        return None
    return db.session.scalars(
        select(Organisation).where(
            Organisation.slug == address, Organisation.kind == OrgKind.company
        )
    ).first()


def rep_choices(union_id: int) -> list[tuple[int, str]]:
    """(user id, name) of the union's active people with the rep role."""
    return [
        (row.id, row.name)
        for row in db.session.execute(
            select(User.id, User.name)
            .join(Membership, and_(Membership.user_id == User.id, Membership.org_id == union_id))
            .join(
                MembershipRole,
                and_(
                    MembershipRole.membership_id == Membership.id,
                    MembershipRole.role == str(Role.rep),
                ),
            )
            .where(Membership.active.is_(True))
            .order_by(func.lower(User.name), User.id)
        )
    ]


@dataclass(frozen=True)
class RepRow:
    user_id: int
    name: str
    membership_created: bool


def agreement_reps(agreement_id: int) -> list[RepRow]:
    """The reps an agreement names, by name."""
    rows = db.session.execute(
        select(AgreementRep.user_id, User.name, AgreementRep.membership_created)
        .join(User, User.id == AgreementRep.user_id)
        .where(AgreementRep.agreement_id == agreement_id)
        .order_by(func.lower(User.name), User.id)
    ).all()
    return [RepRow(*row) for row in rows]


def people_names(user_ids) -> dict[int, str]:
    """Names of the people who proposed, changed, approved or ended (one statement)."""
    ids = sorted({i for i in user_ids if i})
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


@dataclass(frozen=True)
class TermsCheck:
    """What the company has in place now, next to what was agreed.

    The company admin sees all of it (their own people). The union sees it through
    ``for_union``: nothing about hours unless the agreement shares facility time, and only
    "met" or "not met" unless at least the company's ``min_group_size`` ambassadors are
    behind the numbers (with one ambassador, "the lowest is 7 hours" is that person's
    working time).
    """

    ambassadors_agreed: int
    ambassadors_now: int
    hours_agreed: int
    ambassadors_with_hours: int | None  # granted at least the agreed hours; None: hidden
    lowest_minutes: int | None  # the smallest grant among the ambassadors now; None: hidden
    budget_year: int
    budget_agreed_cents: int | None
    budget_everyone_cents: int | None  # the amount for everyone this year
    budget_lowest_team_cents: int | None  # the smallest amount of a team, if teams have one
    budget_currency: str
    learning_days: int
    hours_met: bool = False  # every ambassador now is granted at least the agreed hours
    shows_hours: bool = True  # False: the reader sees nothing about hours
    hours_detail: bool = True  # False: only met / not met

    @property
    def ambassadors_met(self) -> bool:
        return self.ambassadors_now >= self.ambassadors_agreed

    @property
    def budget_met(self) -> bool | None:
        """None when no budget was agreed; else True when everyone gets at least that."""
        if self.budget_agreed_cents is None:
            return None
        if self.budget_everyone_cents is None:
            return False
        lowest = min(
            self.budget_everyone_cents,
            self.budget_lowest_team_cents
            if self.budget_lowest_team_cents is not None
            else self.budget_everyone_cents,
        )
        return lowest >= self.budget_agreed_cents

    @property
    def all_met(self) -> bool:
        return (
            self.ambassadors_met
            and (self.hours_met or not self.shows_hours)
            and self.budget_met is not False
        )

    def for_union(self, min_group_size: int, shares_facility_time: bool) -> TermsCheck:
        """What the union may see: the hours only when the agreement shares facility time,
        and how many ambassadors get the hours and the lowest grant only when at least
        ``min_group_size`` ambassadors are behind them; otherwise only met or not met."""
        detail = shares_facility_time and self.ambassadors_now >= min_group_size
        return replace(
            self,
            ambassadors_with_hours=self.ambassadors_with_hours if detail else None,
            lowest_minutes=self.lowest_minutes if detail else None,
            hours_met=self.hours_met if shares_facility_time else False,
            shows_hours=shares_facility_time,
            hours_detail=detail,
        )


def terms_check(agreement: LearningAgreement, today: date) -> TermsCheck:
    """Ambassadors appointed now and their facility hours (one statement), and this year's
    learning budget (one statement), of the agreement's company. The caller has the
    company in the org context."""
    company_id = agreement.company_id
    rows = db.session.execute(active_ambassadors(company_id)).all()
    minutes = [profile.facility_minutes_per_month if profile else 0 for _user, profile in rows]
    agreed_minutes = agreement.facility_hours_per_month * 60
    policies = budget_policies(company_id, today.year)
    everyone = policies.get(ORG_WIDE)
    teams = [p.amount_cents for key, p in policies.items() if key != ORG_WIDE]
    currency = everyone.currency if everyone else "EUR"
    with_hours = sum(1 for m in minutes if m >= agreed_minutes)
    return TermsCheck(
        ambassadors_agreed=agreement.ambassadors_agreed,
        ambassadors_now=len(rows),
        hours_agreed=agreement.facility_hours_per_month,
        ambassadors_with_hours=with_hours,
        hours_met=bool(rows) and with_hours == len(rows),
        lowest_minutes=min(minutes) if minutes else None,
        budget_year=today.year,
        budget_agreed_cents=agreement.yearly_budget_cents,
        budget_everyone_cents=everyone.amount_cents if everyone else None,
        budget_lowest_team_cents=min(teams) if teams else None,
        budget_currency=currency,
        learning_days=agreement.learning_days,
    )
