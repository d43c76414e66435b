"""The union's cross-firm dashboard (U3): per company, side by side, only aggregates.

Which companies, and which of their figures, is decided by ``app/unions/scope.py``
(``company_ids_sharing``) on every request; the route puts exactly those organisations in
the context before anything here reads. Conversation counts are read with the context
narrowed to the companies that share reports, and every count about employees goes
through ``suppress_counts`` with that company's own ``min_group_size`` (via
``app/ambassadors/reports.py``), and only for quarters that are over. The number of
active ambassadors and the hours the agreement grants them are the employer's terms, so
they are shown as they are. The hours the ambassadors USED are their working time: a
month's sum is shown only when at least the company's ``min_group_size`` different
ambassadors wrote hours down in it, and only for months that are over (the route picks
the month). Every figure is one grouped query for all companies together.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, select

from ..ambassadors.facility import next_month
from ..ambassadors.models import FacilityTimeEntry
from ..ambassadors.reports import QuarterReport, quarter_reports
from ..extensions import db
from ..orgs.models import Membership, MembershipRole, Organisation, Role
from ..tenancy import org_context
from ..timeutil import org_today
from .models import AgreementStatus, LearningAgreement

TREND_LEVELS = 8  # bar heights 0-8 in the trend column


@dataclass(frozen=True)
class TrendPoint:
    report: QuarterReport
    level: int | None  # 0-8 bar height; None: too few to show


@dataclass(frozen=True)
class CompanyFigures:
    agreement_id: int
    company_id: int
    name: str
    min_group_size: int
    ambassadors_active: int
    facility_hours_agreed_each: int  # per ambassador per month, from the agreement
    reports: list[QuarterReport] | None  # newest first; None: the agreement does not share
    shares_facility_time: bool
    # Hours used in the month; None: not shared, or too few ambassadors wrote hours down.
    facility_used_minutes: int | None

    @property
    def shares_reports(self) -> bool:
        return self.reports is not None

    @property
    def facility_agreed_minutes(self) -> int:
        """Agreed hours per ambassador times the ambassadors active now, in minutes."""
        return self.facility_hours_agreed_each * self.ambassadors_active * 60

    def trend(self) -> list[TrendPoint]:
        """The quarters oldest first, with a bar height relative to the busiest one shown."""
        if self.reports is None:
            return []
        shown = [r.total for r in self.reports if r.total is not None]
        top = max(shown, default=0)
        return [
            TrendPoint(
                report,
                None
                if report.total is None
                else (round(TREND_LEVELS * report.total / top) if top else 0),
            )
            for report in reversed(self.reports)
        ]

    def report_for(self, quarter) -> QuarterReport | None:
        for report in self.reports or ():
            if report.quarter == quarter:
                return report
        return None


def active_agreements(
    union_id: int, company_ids: Sequence[int]
) -> list[tuple[LearningAgreement, Organisation]]:
    """The union's active agreements with ``company_ids`` and their companies, by name
    (one statement). The caller has put the union and ``company_ids`` in the context."""
    if not company_ids:
        return []
    return [
        (agreement, company)
        for agreement, company in db.session.execute(
            select(LearningAgreement, Organisation)
            .join(Organisation, Organisation.id == LearningAgreement.company_id)
            .where(
                LearningAgreement.union_id == union_id,
                LearningAgreement.status == AgreementStatus.active,
                LearningAgreement.company_id.in_(company_ids),
            )
            .order_by(func.lower(Organisation.name), Organisation.id)
        ).all()
    ]


def earliest_today(orgs: Iterable[Organisation], now: datetime) -> date:
    """The date at ``now`` in the organisation that is furthest behind: a quarter or a
    month is over only when it is over in every company shown (their bookings and hours
    carry their own local dates)."""
    return min(org_today(org, now) for org in orgs)


def company_figures(
    union_id: int,
    user_id: int,
    agreements: Sequence[tuple[LearningAgreement, Organisation]],
    report_ids: Sequence[int],
    facility_ids: Sequence[int],
    month: date,
    today: date,
) -> list[CompanyFigures]:
    """Figures of the companies of ``agreements`` (from ``active_agreements``),
    conversations only for ``report_ids`` and facility hours only for ``facility_ids``.
    Quarters are those over on ``today``; ``month`` should be a month that is over.
    The caller has put the union and the companies in the context."""
    if not agreements:
        return []
    companies = {company.id: company for _agreement, company in agreements}
    company_ids = list(companies)
    active = _ambassadors_active(company_ids)
    report_ids = [i for i in report_ids if i in companies]
    facility_ids = [i for i in facility_ids if i in companies]
    # Count conversations with only the sharing companies in the context, so the counting
    # function cannot even see the others.
    with org_context([union_id, *report_ids], user_id):
        reports = quarter_reports(
            report_ids, {i: companies[i].min_group_size for i in report_ids}, today
        )
    used = {
        company_id: minutes
        for company_id, (minutes, ambassadors) in _facility_minutes(facility_ids, month).items()
        if ambassadors >= companies[company_id].min_group_size
    }
    return [
        CompanyFigures(
            agreement_id=agreement.id,
            company_id=company.id,
            name=company.name,
            min_group_size=company.min_group_size,
            ambassadors_active=active.get(company.id, 0),
            facility_hours_agreed_each=agreement.facility_hours_per_month,
            reports=reports.get(company.id),
            shares_facility_time=company.id in facility_ids,
            facility_used_minutes=used.get(company.id),
        )
        for agreement, company in agreements
    ]


def _ambassadors_active(company_ids: Sequence[int]) -> dict[int, int]:
    """People with the ambassador role and an active membership, per company."""
    rows = db.session.execute(
        select(Membership.org_id, func.count(func.distinct(Membership.user_id)))
        .join(
            MembershipRole,
            and_(
                MembershipRole.membership_id == Membership.id,
                MembershipRole.role == str(Role.ambassador),
            ),
        )
        .where(Membership.org_id.in_(company_ids), Membership.active.is_(True))
        .group_by(Membership.org_id)
    ).all()
    return {org_id: int(count) for org_id, count in rows}


def _facility_minutes(company_ids: Sequence[int], month: date) -> dict[int, tuple[int, int]]:
    """Facility time logged in ``month``, per company: (minutes, distinct ambassadors)."""
    rows = db.session.execute(
        select(
            FacilityTimeEntry.org_id,
            func.sum(FacilityTimeEntry.minutes),
            func.count(func.distinct(FacilityTimeEntry.user_id)),
        )
        .where(
            FacilityTimeEntry.org_id.in_(company_ids),
            FacilityTimeEntry.worked_on >= month,
            FacilityTimeEntry.worked_on < next_month(month),
        )
        .group_by(FacilityTimeEntry.org_id)
    ).all()
    return {org_id: (int(minutes or 0), int(people)) for org_id, minutes, people in rows}
