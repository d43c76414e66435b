"""The union's view of the companies' development KPIs (U3, K4): per company, side by side,
the whole company's figures for the quarters that are over.

Only companies with an active agreement that shares ``learning_figures`` (decided by
``scope.company_ids_sharing`` on every request) are read, each with only the union and
that company in the context. Only the organisation group is asked for: the union never
sees a team. Each company's figures go through the engine (``manager_kpis.dev_kpis``),
which hides a company with fewer people than its own ``min_group_size`` ("too few to
show"). Quarters that are over are cached by the engine, so a page mostly reads one
cache row per company.

Cost: one ``compute`` per company (one query when its quarters are cached, a handful the
first time), whatever the number of people; it grows with the number of companies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ..manager_kpis import dev_kpis
from ..manager_kpis.dashboard import Kpi, development_kpis
from ..manager_kpis.figures import Figure
from ..manager_kpis.groups import ORG_KEY, Group
from ..manager_kpis.models import PeriodKind
from ..manager_kpis.periods import Period, last_periods
from ..orgs.models import Organisation
from ..tenancy import org_context
from .dashboard import TREND_LEVELS
from .models import LearningAgreement

QUARTERS_SHOWN = 4


def closed_quarters(today: date, count: int = QUARTERS_SHOWN) -> list[Period]:
    """The last ``count`` quarters that are over on ``today``, oldest first."""
    return last_periods(PeriodKind.quarter, today, count + 1)[:-1]


@dataclass(frozen=True)
class CompanyKpis:
    agreement_id: int
    company_id: int
    name: str
    min_group_size: int
    # (KPI key, period token) -> figure; None: the agreement does not share them.
    figures: dict[tuple[str, str], Figure] | None

    @property
    def shares(self) -> bool:
        return self.figures is not None

    def figure(self, kpi_key: str, period: Period) -> Figure | None:
        return (self.figures or {}).get((kpi_key, period.token))

    def trend(self, kpi_key: str, periods: Sequence[Period]) -> list[tuple[Period, int | None]]:
        """Each period with a bar height 0-8 relative to the highest figure shown; None:
        too few to show (or nothing to count)."""
        values = {p.token: (f.value if (f := self.figure(kpi_key, p)) else None) for p in periods}
        top = max((v for v in values.values() if v is not None), default=0)
        return [
            (
                p,
                None
                if values[p.token] is None
                else (round(TREND_LEVELS * values[p.token] / top) if top else 0),
            )
            for p in periods
        ]


def company_kpis(
    union_id: int,
    user_id: int,
    agreements: Sequence[tuple[LearningAgreement, Organisation]],
    sharing_ids: Sequence[int],
    periods: Sequence[Period],
    today: date,
) -> list[CompanyKpis]:
    """The organisation-level development KPIs of the companies in ``sharing_ids`` (the
    others of ``agreements`` are listed as not sharing) for ``periods`` (closed on
    ``today``). Each company is read with only the union and itself in the context.
    Figures computed for the first time are added to the engine's cache in the session:
    the caller commits."""
    result = []
    for agreement, company in agreements:
        figures = None
        if company.id in sharing_ids:
            group = Group(ORG_KEY, None, company.name, None, 0)
            with org_context([union_id, company.id], user_id):
                computed = dev_kpis.compute(company, [group], periods, today, commit=False)
            figures = {
                (kpi, token): figure
                for (key, kpi, token), figure in computed.items()
                if key == ORG_KEY
            }
        result.append(
            CompanyKpis(
                agreement_id=agreement.id,
                company_id=company.id,
                name=company.name,
                min_group_size=company.min_group_size,
                figures=figures,
            )
        )
    return result


def kpis() -> list[Kpi]:
    """The development KPIs in the dashboard's order (with label, unit and explanation)."""
    return development_kpis()
