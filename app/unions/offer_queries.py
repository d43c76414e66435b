"""What a union sees of its own offers and events (U4): sign-ups per company, never who.

Counts of a company's people are shown only for companies with an active agreement
(``company_ids_sharing``), and each cell is hidden below that company's own
``min_group_size`` (PRODUCT §4.5). The number of places taken on an offer is shown as a
total: people see "N places left" anyway; complementary suppression keeps the total from
giving a hidden cell away. When there is no other cell to hide with the one hidden cell
(one company with a few sign-ups), the union does not see the total or the places left
either: "1 of 20 places taken" next to a hidden cell would name that cell.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask_login import current_user
from sqlalchemy import func, select

from ..aggregates import Count, CountTable, suppress_counts
from ..extensions import db
from ..offers.models import Offer, OfferSignup
from ..offers.queries import SHARED, TAKES_A_PLACE, places_left, places_taken_expression
from ..orgs.models import Organisation
from ..tenancy import set_org_context
from .scope import company_ids_sharing

# The key of sign-ups of organisations the union no longer shares with (an ended
# agreement): they still hold places, and are counted together, never per company.
ELSEWHERE = "elsewhere"


@dataclass(frozen=True)
class Company:
    id: int
    name: str
    min_group_size: int


@dataclass
class UnionOfferRow:
    offer: Offer
    taken: int | None  # places taken in all organisations; None: too few to show
    places_left: int | None  # None: no capacity, or hidden with the total
    counts: CountTable  # per company id (and ELSEWHERE), suppressed


@dataclass
class UnionOffersView:
    companies: list[Company]
    rows: list[UnionOfferRow]


def suppress_per_company(
    counts: dict, thresholds: dict, total: int, total_known: bool, keys: list, default_k: int
) -> CountTable:
    """``suppress_counts`` for one row of cells that each have their own threshold.

    ``counts`` maps a key to (sign-ups, distinct people); ``thresholds`` a key to its k:
    each cell is hidden below its own company's k, and the complementary suppression runs
    across the row. ``total_known``: the total is public anyway (places left on an event
    with a capacity), so it is shown and the cells are protected against it; otherwise
    the total itself is hidden below the strictest k (``default_k`` when there are no cells).
    """
    strictest = max(thresholds.values(), default=default_k)
    cells = []
    people_in_row = 0
    for key in keys:
        count, people = counts.get(key, (0, 0))
        people_in_row += people
        cells.append(Count(key, count, people, thresholds[key]))
    total_people = max(people_in_row, strictest) if total_known else people_in_row
    table = suppress_counts(cells, Count("total", total, total_people), strictest, keys=keys)
    if table.total is not None and _lone_hidden_cell(cells, table):
        # Nothing could be hidden with it: the total would be that cell's number.
        return CountTable(cells=table.cells, total=None)
    return table


def _lone_hidden_cell(cells: list[Count], table: CountTable) -> bool:
    """Exactly one hidden cell has people in it (empty hidden cells protect nobody)."""
    hidden = {cell.key for cell in table.cells if cell.hidden}
    return sum(1 for cell in cells if cell.key in hidden and cell.people > 0) == 1


def union_offers_view(union: Organisation) -> UnionOffersView:
    """The union's offers (newest event first, then the rest), with sign-ups per company.

    Four statements, whatever the number of companies or offers. Reads other companies'
    sign-ups, so it sets the context to the union and the companies of its active
    agreements, and sets it back to the union alone afterwards.
    """
    company_ids = company_ids_sharing(union.id, "offers")
    companies = [
        Company(*row)
        for row in db.session.execute(
            select(Organisation.id, Organisation.name, Organisation.min_group_size)
            .where(Organisation.id.in_(company_ids))
            .order_by(func.lower(Organisation.name), Organisation.id)
        )
    ]
    offers = db.session.execute(
        select(Offer, places_taken_expression())
        .where(Offer.org_id == union.id)
        .order_by(
            Offer.active.desc(),
            Offer.starts_at.is_(None),
            Offer.starts_at.desc(),
            func.lower(Offer.title),
            Offer.id,
        )
        .execution_options(**SHARED)
    ).all()
    by_offer: dict[int, dict] = defaultdict(dict)
    if companies and offers:
        set_org_context([union.id, *company_ids], current_user.id)
        try:
            for offer_id, org_id, signups, people in db.session.execute(
                select(
                    OfferSignup.offer_id,
                    OfferSignup.org_id,
                    func.count(OfferSignup.id),
                    func.count(func.distinct(OfferSignup.user_id)),
                )
                .where(
                    OfferSignup.org_id.in_(company_ids),
                    OfferSignup.offer_id.in_([offer.id for offer, _taken in offers]),
                    OfferSignup.status.in_(TAKES_A_PLACE),
                )
                .group_by(OfferSignup.offer_id, OfferSignup.org_id)
            ):
                by_offer[offer_id][org_id] = (signups, people)
        finally:
            set_org_context([union.id], current_user.id)
    thresholds = {c.id: c.min_group_size for c in companies}
    rows = []
    for offer, taken in offers:
        taken = int(taken or 0)
        counts = dict(by_offer.get(offer.id, {}))
        keys = [c.id for c in companies]
        row_thresholds = dict(thresholds)
        elsewhere = taken - sum(signups for signups, _people in counts.values())
        if elsewhere > 0:
            # People of companies no longer sharing: the strictest rule of the row.
            keys.append(ELSEWHERE)
            counts[ELSEWHERE] = (elsewhere, elsewhere)
            row_thresholds[ELSEWHERE] = max(thresholds.values(), default=union.min_group_size)
        table = suppress_per_company(
            counts, row_thresholds, taken, offer.capacity is not None, keys, union.min_group_size
        )
        rows.append(
            UnionOfferRow(
                offer=offer,
                taken=table.total,
                places_left=None if table.total is None else places_left(offer, taken),
                counts=table,
            )
        )
    return UnionOffersView(companies=companies, rows=rows)
