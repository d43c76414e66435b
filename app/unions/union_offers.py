"""Offers and events a union shares with the companies of its active agreements (U4).

An offer owned by the union is visible in a company through an ``OfferVisibility`` row of
that company. Approving an agreement shares the union's active offers; ending it takes
them away (sign-ups already made stay with the people who made them).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from ..audit.services import record_audit
from ..db_utils import insert_or_ignore
from ..extensions import db
from ..offers.models import Offer, OfferVisibility
from ..tenancy import org_context
from .models import LearningAgreement
from .scope import company_ids_sharing


def share_offers_with_company(agreement: LearningAgreement) -> None:
    """Make every active offer of the agreement's union visible in its company."""
    with org_context((agreement.union_id, agreement.company_id)):
        offer_ids = db.session.scalars(
            select(Offer.id).where(Offer.org_id == agreement.union_id, Offer.active.is_(True))
        ).all()
        for offer_id in offer_ids:
            insert_or_ignore(
                OfferVisibility,
                {"org_id": agreement.company_id, "offer_id": offer_id},
                ["org_id", "offer_id"],
            )


def withdraw_offers_from_company(agreement: LearningAgreement) -> None:
    """Stop showing the union's offers in the agreement's company."""
    with org_context((agreement.union_id, agreement.company_id)):
        union_offers = select(Offer.id).where(Offer.org_id == agreement.union_id)
        db.session.execute(
            delete(OfferVisibility).where(
                OfferVisibility.org_id == agreement.company_id,
                OfferVisibility.offer_id.in_(union_offers),
            )
        )


def share_offer_with_agreeing_companies(offer: Offer) -> list[int]:
    """Publish a union's offer (U4): every company with an active agreement sees it.

    Safe to repeat (one row per company and offer); a switched-off offer is not shared.
    Returns the companies it is shared with.
    """
    if not offer.active:
        return []
    company_ids = company_ids_sharing(offer.org_id, "offers")
    if not company_ids:
        return []
    rows = [{"org_id": company_id, "offer_id": offer.id} for company_id in company_ids]
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    with org_context((offer.org_id, *company_ids)):
        db.session.execute(
            insert(OfferVisibility)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["org_id", "offer_id"])
        )
    return company_ids


def switch_off_offer(offer: Offer, actor_id: int, now: datetime) -> bool:
    """Hide a union's offer from every company's catalogue (nothing is deleted; a person's
    own sign-up stays on their page). False when it was off already."""
    if not offer.active:
        return False
    offer.active = False
    offer.updated_at = now
    record_audit(offer.org_id, actor_id, "offer.deactivated", offer)
    db.session.flush()
    return True
