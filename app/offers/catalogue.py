"""Offers, sign-ups, completion and recommendations. Services flush; routes commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from ..activity.models import ActivityKind
from ..activity.services import record_activity
from ..audit.services import record_audit
from ..db_utils import insert_or_ignore
from ..development.budget import (
    check_signup,
    draws_from_budget,
    lock_budget_holder,
    signup_changed,
    spend_on_completion,
)
from ..extensions import db
from ..notifications.services import notify
from ..orgs.models import Membership, MembershipRole, Role
from ..text import plain_excerpt
from .models import Offer, OfferSignup, SignupStatus
from .queries import TAKES_A_PLACE, is_over, places_taken

OFFER_FIELDS = (
    "title",
    "description",
    "format",
    "duration_minutes",
    "in_work_time",
    "cost_covered",
    "cost_cents",
    "has_exam",
    "on_site",
    "level",
    "language",
    "place",
    "provider",
    "url",
    "active",
    "starts_at",
    "capacity",
)

# Which status a sign-up may move to from which: completed is final (only an admin sets it).
ALLOWED_FROM = {
    SignupStatus.interested: (SignupStatus.cancelled,),
    SignupStatus.signed_up: (SignupStatus.interested, SignupStatus.cancelled),
    SignupStatus.cancelled: (SignupStatus.interested, SignupStatus.signed_up),
}
SIGNUP_EVENTS = {
    SignupStatus.interested: ActivityKind.offer_interest,
    SignupStatus.signed_up: ActivityKind.offer_signed_up,
}


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    cleaned = {name: values[name] for name in OFFER_FIELDS if name in values}
    for name in ("title", "level", "place", "provider", "url"):
        if isinstance(cleaned.get(name), str):
            cleaned[name] = cleaned[name].strip() or None
    cleaned["description"] = (cleaned.get("description") or "").strip()
    return cleaned


def create_offer(
    org_id: int, actor_id: int, values: dict[str, Any], client_token: str, now: datetime
) -> tuple[Offer, bool]:
    """Add an offer to the organisation's catalogue; a double submit returns the first one."""
    row = {
        **_clean(values),
        "org_id": org_id,
        "created_by_id": actor_id,
        "client_token": client_token,
        "created_at": now,
        "updated_at": now,
    }
    new_id = insert_or_ignore(Offer, row, ["created_by_id", "client_token"])
    offer = db.session.scalars(
        select(Offer).where(
            Offer.org_id == org_id,
            Offer.created_by_id == actor_id,
            Offer.client_token == client_token,
        )
    ).one()
    if new_id is not None:
        record_audit(org_id, actor_id, "offer.created", offer)
    return offer, new_id is not None


def update_offer(offer: Offer, actor_id: int, values: dict[str, Any], now: datetime) -> None:
    """Change an offer; switching it off hides it from the catalogue (nothing is deleted)."""
    was_active = offer.active
    for name, value in _clean(values).items():
        setattr(offer, name, value)
    offer.updated_at = now
    action = "offer.deactivated" if was_active and not offer.active else "offer.updated"
    record_audit(offer.org_id, actor_id, action, offer)
    db.session.flush()


class SignupRefused(Exception):
    """A sign-up that cannot be made; nothing was written."""


class OfferFull(SignupRefused):
    """Every place of an offer with a capacity is taken (in all organisations together)."""


class OfferOver(SignupRefused):
    """The event or session has started or is over."""


# Advisory-lock namespace of "places on offer <id>" (PostgreSQL): sign-ups for the same
# offer with a capacity wait for each other, from every organisation.
PLACES_LOCK_SPACE = 0x0FFE_0000_0000


def lock_offer_places(offer_id: int) -> None:
    """Until the transaction ends, hold the lock on the offer's places (PostgreSQL).

    Taken before anything is counted, and before the budget lock of the person, always
    in that order. SQLite lets one writer at a time, so there is nothing to wait for.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(PLACES_LOCK_SPACE + offer_id)))


def check_place(org_id: int, offer: Offer, user_id: int, status: SignupStatus, now: datetime):
    """Before "Sign me up" (or "I'm interested") writes anything: refuse a sign-up for an
    event that has started, or for an offer whose places are all taken.

    A person who holds a place already keeps it (a repeat changes nothing).
    """
    if status == SignupStatus.cancelled:
        return
    if is_over(offer, now):
        raise OfferOver()
    if status != SignupStatus.signed_up or offer.capacity is None:
        return
    lock_offer_places(offer.id)
    mine = db.session.scalar(
        select(OfferSignup.status).where(
            OfferSignup.org_id == org_id,
            OfferSignup.offer_id == offer.id,
            OfferSignup.user_id == user_id,
        )
    )
    if mine in TAKES_A_PLACE:
        return
    if places_taken(offer.id) >= offer.capacity:
        raise OfferFull()


def admin_ids(org_id: int) -> list[int]:
    """People with the admin role in the organisation (active memberships)."""
    return list(
        db.session.scalars(
            select(Membership.user_id)
            .join(MembershipRole, MembershipRole.membership_id == Membership.id)
            .where(
                Membership.org_id == org_id,
                Membership.active.is_(True),
                MembershipRole.role == str(Role.admin),
            )
            .distinct()
        )
    )


def set_signup(
    org_id: int, offer: Offer, user_id: int, user_name: str, status: SignupStatus, now: datetime
) -> tuple[OfferSignup | None, bool]:
    """Say "I'm interested", "Sign me up" or cancel; returns the sign-up and whether it changed.

    One row per person and offer; a repeat of the same choice changes nothing. Admins
    hear of a new sign-up in the app, once per sign-up. An offer paid from the person's
    learning budget commits its cost on sign-up and releases it on cancel; signing up for
    more than is left raises ``BudgetExceeded`` before anything is written. An offer with
    a capacity counts places in every organisation: when they are all taken, ``OfferFull``;
    for an event that has started, ``OfferOver`` (nothing written either way).
    """
    changed = False
    commitment = None
    # First the offer's places (its lock, on PostgreSQL), then the person's budget lock.
    check_place(org_id, offer, user_id, status, now)
    if draws_from_budget(offer):
        # Also for a cancel: a cancel and a sign-up at the same moment must not both act
        # on what they read before the other committed (money released, yet signed up).
        lock_budget_holder(org_id, user_id)
    if status == SignupStatus.signed_up:
        commitment = check_signup(org_id, user_id, offer, now)
    if status != SignupStatus.cancelled:
        new_id = insert_or_ignore(
            OfferSignup,
            {
                "org_id": org_id,
                "offer_id": offer.id,
                "user_id": user_id,
                "status": status,
                "created_at": now,
                "updated_at": now,
            },
            ["org_id", "offer_id", "user_id"],
        )
        changed = new_id is not None
    if not changed:
        # A conditional UPDATE: of two identical requests at once, only one changes the row.
        result = db.session.execute(
            update(OfferSignup)
            .where(
                OfferSignup.org_id == org_id,
                OfferSignup.offer_id == offer.id,
                OfferSignup.user_id == user_id,
                OfferSignup.status.in_(ALLOWED_FROM[status]),
            )
            .values(status=status, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        changed = result.rowcount == 1
    signup = db.session.scalars(
        select(OfferSignup)
        .where(
            OfferSignup.org_id == org_id,
            OfferSignup.offer_id == offer.id,
            OfferSignup.user_id == user_id,
        )
        .execution_options(populate_existing=True)
    ).first()
    if changed and signup is not None:
        signup_changed(signup, commitment, now)
    if changed and status in SIGNUP_EVENTS:
        record_activity(org_id, user_id, SIGNUP_EVENTS[status], signup, now)
    if changed and status == SignupStatus.signed_up:
        payload = {
            "offer_id": offer.id,
            "offer_title": plain_excerpt(offer.title, 160),
            "person_name": user_name,
        }
        for admin_id in admin_ids(org_id):
            if admin_id != user_id:
                notify(
                    org_id,
                    admin_id,
                    "offer_signup",
                    payload,
                    now,
                    dedupe_key=f"offer_signup:{signup.id}",
                )
    return signup, changed


def record_completion(signup: OfferSignup, offer: Offer, actor_id: int, now: datetime) -> bool:
    """The admin records that the person finished the offer; the person is told "well done".

    Money set aside from the person's learning budget is then spent.
    """
    if signup.status == SignupStatus.completed:
        return False
    signup.status = SignupStatus.completed
    signup.completed_at = now
    signup.updated_at = now
    db.session.flush()
    spend_on_completion(signup, offer, now)
    record_activity(signup.org_id, signup.user_id, ActivityKind.offer_completed, signup, now)
    record_audit(
        signup.org_id, actor_id, "offer.completion_recorded", signup, subject_user_id=signup.user_id
    )
    notify(
        signup.org_id,
        signup.user_id,
        "offer_completed",
        {"offer_id": offer.id, "offer_title": plain_excerpt(offer.title, 160)},
        now,
        dedupe_key=f"offer_completed:{signup.id}",
    )
    return True


def recommend_offer(
    org_id: int,
    offer: Offer,
    from_user_id: int,
    from_name: str,
    to_user_id: int,
    line: str | None,
    now: datetime,
) -> bool:
    """Tell a colleague about an offer, with a short personal line (C3).

    Once per sender, colleague and offer; returns True when the message was new.
    """
    sent = notify(
        org_id,
        to_user_id,
        "offer_recommended",
        {
            "offer_id": offer.id,
            "offer_title": plain_excerpt(offer.title, 160),
            "from_name": from_name,
            "line": " ".join((line or "").split()),
        },
        now,
        dedupe_key=f"offer_recommended:{offer.id}:{from_user_id}",
    )
    if sent:
        record_activity(org_id, from_user_id, ActivityKind.offer_recommended, offer, now)
    return sent
