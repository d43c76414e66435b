"""The offers of the API: the organisation's catalogue (its own active offers and those
shared with it, events that have started left out), paged by id with a cursor."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from sqlalchemy import case, select

from ..extensions import db
from ..offers.models import Offer
from ..offers.queries import (
    SHARED,
    not_over,
    places_left,
    places_taken_expression,
    visible_to_org,
)
from ..orgs.models import Organisation

DEFAULT_LIMIT = 50
MAX_LIMIT = 100


def encode_cursor(offer_id: int) -> str:
    return base64.urlsafe_b64encode(f"o{offer_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int | None:
    """The id after which the next page starts; None when the cursor is not ours."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not text.startswith("o") or not text[1:].isdigit() or len(text) > 11:
        return None
    return int(text[1:])


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def offer_page(
    org_id: int, now: datetime, limit: int, after_id: int | None
) -> tuple[list[dict], str | None]:
    """One page of offers as dicts for JSON, and the cursor of the next page (None at the
    end). One query."""
    taken = case((Offer.capacity.is_not(None), places_taken_expression()), else_=None)
    shared_by = case((Offer.org_id != org_id, Organisation.name), else_=None)
    conditions = [visible_to_org(org_id), Offer.active.is_(True), not_over(now)]
    if after_id is not None:
        conditions.append(Offer.id > after_id)
    rows = db.session.execute(
        select(Offer, taken, shared_by)
        .join(Organisation, Organisation.id == Offer.org_id)
        .where(*conditions)
        .order_by(Offer.id)
        .limit(limit + 1)
        .execution_options(**SHARED)
    ).all()
    items = [
        {
            "id": offer.id,
            "title": offer.title,
            "description": offer.description,
            "format": str(offer.format),
            "duration_minutes": offer.duration_minutes,
            "in_work_time": offer.in_work_time,
            "cost_covered": offer.cost_covered,
            "has_exam": offer.has_exam,
            "level": offer.level,
            "language": offer.language,
            "on_site": offer.on_site,
            "place": offer.place,
            "provider": offer.provider,
            "url": offer.url,
            "starts_at": _iso(offer.starts_at),
            "capacity": offer.capacity,
            "places_left": places_left(offer, places),
            "shared_by": name,
        }
        for offer, places, name in rows[:limit]
    ]
    next_cursor = encode_cursor(rows[limit - 1][0].id) if len(rows) > limit else None
    return items, next_cursor
