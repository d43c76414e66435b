"""The ambassador directory and booking a talk (B2). Services flush; routes commit.

Booking takes three taps: an ambassador (or "whoever is free first"), a way to talk, and
"Send". The form carries a random token, and (employee, token) is unique: a double click
finds the first request instead of making a second one. Who may be booked is checked in
the same transaction as the insert: someone retired a second ago is refused with their
name, and nothing is saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..accounts.models import User
from ..db_utils import insert_or_get
from ..extensions import db
from ..notifications.services import notify
from ..orgs.models import Organisation
from ..timeutil import org_today
from .models import AmbassadorConversation, AmbassadorProfile, Channel, ConversationStatus, Topic
from .report_queries import DEFAULT_CHANNELS, least_busy_ambassador
from .services import active_ambassadors

TALK_REQUESTED = "ambassador_talk_requested"


def initials(name: str) -> str:
    """Up to two letters for an avatar: "Anna de Vries" -> "AV", "Jan" -> "J"."""
    words = [w for w in name.split() if w[:1].isalpha()] or name.split()
    if not words:
        return "?"
    letters = words[0][:1] + (words[-1][:1] if len(words) > 1 else "")
    return letters.upper()


@dataclass(frozen=True)
class AmbassadorCard:
    """One ambassador as colleagues see them. ``profile`` is None for someone who was
    given the role on the roles page and has no profile yet: name only."""

    user_id: int
    name: str
    profile: AmbassadorProfile | None

    @property
    def initials(self) -> str:
        return initials(self.name)

    @property
    def channels(self) -> list[Channel]:
        if self.profile is None:
            return [c for c in Channel if c in DEFAULT_CHANNELS]
        return self.profile.channels()


def directory_cards(org_id: int) -> list[AmbassadorCard]:
    """Every active ambassador of the organisation, by name (one query)."""
    return [
        AmbassadorCard(user.id, user.name, profile)
        for user, profile in db.session.execute(active_ambassadors(org_id)).all()
    ]


def bookable_card(org_id: int, user_id: int | None) -> AmbassadorCard | None:
    """The ambassador ``user_id`` if they are an active ambassador here now, else None."""
    if user_id is None:
        return None
    row = db.session.execute(active_ambassadors(org_id).where(User.id == user_id)).first()
    return AmbassadorCard(row[0].id, row[0].name, row[1]) if row else None


def former_ambassador_name(org_id: int, user_id: int | None) -> str | None:
    """The name of someone who had an ambassador profile in this organisation (so that
    "<name> is no longer a learning ambassador" can say who); None for anyone else."""
    if user_id is None:
        return None
    return db.session.scalar(
        select(User.name)
        .join(AmbassadorProfile, AmbassadorProfile.user_id == User.id)
        .where(AmbassadorProfile.org_id == org_id, User.id == user_id)
    )


class BookingRefused(Exception):
    """Nothing was saved. ``reason``: "not_bookable" (retired, never an ambassador, not
    here), "yourself", "channel" (this ambassador does not talk this way) or "nobody"
    (nobody offers this way to talk right now). ``name`` of a former ambassador."""

    def __init__(self, reason: str, name: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.name = name


@dataclass(frozen=True)
class TalkRequest:
    ambassador_id: int | None  # None: whoever is free first
    channel: Channel
    topic: Topic | None
    topic_text: str
    client_token: str


def existing_request(employee_id: int, client_token: str) -> int | None:
    """The conversation an earlier submit of the same form made, if any."""
    return db.session.scalar(
        select(AmbassadorConversation.id).where(
            AmbassadorConversation.employee_id == employee_id,
            AmbassadorConversation.client_token == client_token,
        )
    )


def _choose_ambassador(org_id: int, employee_id: int, request: TalkRequest) -> int:
    if request.ambassador_id is None:
        chosen = least_busy_ambassador(org_id, request.channel, employee_id)
        if chosen is None:
            raise BookingRefused("nobody")
        return chosen
    if request.ambassador_id == employee_id:
        raise BookingRefused("yourself")
    card = bookable_card(org_id, request.ambassador_id)
    if card is None:
        raise BookingRefused("not_bookable", former_ambassador_name(org_id, request.ambassador_id))
    if request.channel not in card.channels:
        raise BookingRefused("channel")
    return card.user_id


def book_talk(
    org: Organisation, employee: User, request: TalkRequest, now: datetime
) -> tuple[int, bool]:
    """Ask for a talk: (conversation id, whether this call made it). The ambassador gets
    a notification with the employee's name and the way to talk, never the topic."""
    found = existing_request(employee.id, request.client_token)
    if found is not None:
        return found, False
    ambassador_id = _choose_ambassador(org.id, employee.id, request)
    conversation_id, created = insert_or_get(
        AmbassadorConversation,
        {
            "org_id": org.id,
            "employee_id": employee.id,
            "ambassador_id": ambassador_id,
            "channel": request.channel,
            "topic": request.topic,
            "topic_text": request.topic_text,
            "status": ConversationStatus.requested,
            "booked_on": org_today(org, now),
            "client_token": request.client_token,
            "created_at": now,
            "updated_at": now,
        },
        ["employee_id", "client_token"],
    )
    if created:
        notify(
            org.id,
            ambassador_id,
            TALK_REQUESTED,
            {
                "conversation_id": conversation_id,
                "employee_name": employee.name,
                "channel": request.channel.value,
            },
            now,
            dedupe_key=f"ambassador-talk:{conversation_id}",
        )
    return conversation_id, created
