"""Offers: sign-ups, completion and wishes. Services flush; routes commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..activity.models import ActivityKind
from ..activity.services import record_activity
from ..db_utils import insert_or_ignore
from ..extensions import db
from .models import LearningWish

WISH_MAX_LENGTH = 200


def topic_key(text: str) -> str:
    """Wishes with the same key are counted together: lower case, single spaces."""
    return " ".join(text.casefold().split())[:WISH_MAX_LENGTH]


def make_wish(
    org_id: int,
    user_id: int,
    text: str,
    now: datetime,
    offer_id: int | None = None,
    source_post_id: int | None = None,
) -> tuple[LearningWish, bool]:
    """Record "I would like to learn ..." (F5) or "I want to learn this too" (D3).

    Idempotent per person and post (or offer): returns the wish and whether it is new.
    """
    text = " ".join(text.split())[:WISH_MAX_LENGTH]
    values = {
        "org_id": org_id,
        "user_id": user_id,
        "text": text,
        "topic_key": topic_key(text),
        "offer_id": offer_id,
        "source_post_id": source_post_id,
        "created_at": now,
    }
    if source_post_id is None and offer_id is None:
        wish = LearningWish(**values)
        db.session.add(wish)
        db.session.flush()
        created = True
    else:
        key = ["user_id", "source_post_id" if source_post_id is not None else "offer_id"]
        created = insert_or_ignore(LearningWish, values, key) is not None
        wish = db.session.scalars(
            select(LearningWish).where(*(getattr(LearningWish, c) == values[c] for c in key))
        ).one()
    if created:
        record_activity(org_id, user_id, ActivityKind.wish_made, wish, now)
    return wish, created
