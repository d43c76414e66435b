"""Offers and events a union shares with the companies of its active agreements (U4).

An offer owned by the union is visible in a company through an ``OfferVisibility`` row of
that company. Approving an agreement shares the union's active offers; ending it takes
them away (sign-ups already made stay with the people who made them).
"""

from __future__ import annotations

from sqlalchemy import delete, select

from ..db_utils import insert_or_ignore
from ..extensions import db
from ..offers.models import Offer, OfferVisibility
from ..tenancy import org_context
from .models import LearningAgreement


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
