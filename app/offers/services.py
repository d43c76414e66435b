"""Offers: wishes ("I would like to learn ..."). Services flush; routes commit.

Offers themselves, sign-ups and recommendations are in ``catalogue.py``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from ..activity.models import ActivityKind
from ..activity.services import record_activity
from ..extensions import db
from ..orgs.models import Membership
from .models import LearningWish

WISH_MAX_LENGTH = 200
# Stored for "I want to learn this too" on a post without an offer: never the post's text,
# which may be meant for one team only. Pages show a translated label instead.
POST_WISH_TEXT = "A colleague's learning success"


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
    A wish from a post without an offer stores a neutral text, never the post's.
    """
    if source_post_id is not None and offer_id is None:
        text = POST_WISH_TEXT
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
        wish, created = _keyed_wish(values)
    if created:
        record_activity(org_id, user_id, ActivityKind.wish_made, wish, now)
    return wish, created


def _existing_wish(values: dict) -> LearningWish | None:
    """The person's wish for this offer, else for this post (each is a unique key)."""
    for column in ("offer_id", "source_post_id"):
        if values[column] is None:
            continue
        wish = db.session.scalars(
            select(LearningWish).where(
                LearningWish.org_id == values["org_id"],
                LearningWish.user_id == values["user_id"],
                getattr(LearningWish, column) == values[column],
            )
        ).first()
        if wish is not None:
            return wish
    return None


def _keyed_wish(values: dict) -> tuple[LearningWish, bool]:
    """One wish per person and offer and per person and post, whichever exists first.

    Two posts about the same offer, or the offer itself and a post about it, give one wish.
    """
    wish = _existing_wish(values)
    if wish is not None:
        return wish, False
    # ON CONFLICT on either unique key: a request at the same time may take the other one.
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    new_id = db.session.execute(
        insert(LearningWish).values(**values).on_conflict_do_nothing().returning(LearningWish.id)
    ).scalar_one_or_none()
    wish = _existing_wish(values)
    assert wish is not None  # this insert made it, or a request at the same time did
    return wish, new_id is not None


def wish_to_learn(org_id: int, user_id: int, text: str, now: datetime) -> tuple[LearningWish, bool]:
    """ "I would like to learn ..." from the catalogue: one open wish per person and topic.

    The same topic again (a double submit, or typed twice) returns the open wish.
    """
    # Lock the person's membership row (PostgreSQL) so two submits at once cannot both
    # find no wish and both add one.
    db.session.execute(
        select(Membership.id)
        .where(Membership.org_id == org_id, Membership.user_id == user_id)
        .with_for_update()
    )
    existing = db.session.scalars(
        select(LearningWish).where(
            LearningWish.org_id == org_id,
            LearningWish.user_id == user_id,
            LearningWish.topic_key == topic_key(text),
            LearningWish.offer_id.is_(None),
            LearningWish.source_post_id.is_(None),
            LearningWish.withdrawn_at.is_(None),
        )
    ).first()
    if existing is not None:
        return existing, False
    return make_wish(org_id, user_id, text, now)


def want_offer(org_id: int, user_id: int, offer_id: int, title: str, now: datetime) -> bool:
    """ "I want this" on an offer: a wish for that offer (again open if it was withdrawn).

    Returns True when the person had no open wish for it before.
    """
    wish, created = make_wish(org_id, user_id, title, now, offer_id=offer_id)
    if wish.withdrawn_at is not None:
        wish.withdrawn_at = None
        wish.created_at = now
        db.session.flush()
        record_activity(org_id, user_id, ActivityKind.wish_made, wish, now)
        return True
    return created


def withdraw_wish(wish: LearningWish, now: datetime) -> None:
    """The person no longer wants this; it stops counting at once."""
    if wish.withdrawn_at is None:
        wish.withdrawn_at = now
        db.session.flush()
