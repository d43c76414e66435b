"""Giving, asking for and sharing feedback (C1, C2). Services flush; routes commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update

from ..accounts.models import User
from ..activity.models import ActivityKind
from ..activity.services import record_activity
from ..db_utils import insert_or_ignore
from ..extensions import db
from ..feed.models import SuccessPost
from ..feed.services import publish_shared_feedback
from ..notifications.services import notify
from ..orgs.models import Membership
from .models import Feedback, FeedbackRequest, FeedbackRequestRecipient

REQUEST_DAYS = 90


class NotAColleague(Exception):
    """The chosen person is not an active member of this organisation (or is you)."""


class RequestNotOpen(Exception):
    """The request is unknown to this person, answered already, or expired."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "expired" or "closed"


class CannotShare(Exception):
    """This feedback cannot be shared (removed by an admin)."""


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


def active_colleague_ids(org_id: int, me: int, user_ids: Iterable[int | None]) -> set[int]:
    """Those of ``user_ids`` who are active members of the organisation, without ``me``."""
    wanted = {i for i in user_ids if i is not None and i != me}
    if not wanted:
        return set()
    return set(
        db.session.scalars(
            select(Membership.user_id).where(
                Membership.org_id == org_id,
                Membership.active.is_(True),
                Membership.user_id.in_(wanted),
            )
        )
    )


def open_request_for(org_id: int, request_id: int, answerer_id: int, now: datetime):
    """The request ``answerer_id`` was asked and has not answered; RequestNotOpen otherwise."""
    row = db.session.execute(
        select(FeedbackRequest, FeedbackRequestRecipient.feedback_id)
        .join(FeedbackRequestRecipient, FeedbackRequestRecipient.request_id == FeedbackRequest.id)
        .where(
            FeedbackRequest.org_id == org_id,
            FeedbackRequest.id == request_id,
            FeedbackRequestRecipient.recipient_id == answerer_id,
        )
    ).first()
    if row is None or row.feedback_id is not None:
        raise RequestNotOpen("closed")
    if row.FeedbackRequest.expires_at <= now:
        raise RequestNotOpen("expired")
    return row.FeedbackRequest


def give_feedback(
    org_id: int,
    giver: User,
    recipient_id: int | None,
    went_well: str,
    tip: str | None,
    skill: str | None,
    client_token: str,
    now: datetime,
    request_id: int | None = None,
) -> tuple[Feedback, bool]:
    """Give feedback to a colleague of the same organisation; returns it and whether it is new.

    A second submit with the same ``client_token`` returns the first feedback and tells no one
    again. With ``request_id`` it answers that request (which must be open and be the
    recipient's).
    """
    if recipient_id not in active_colleague_ids(org_id, giver.id, [recipient_id]):
        raise NotAColleague
    existing = _feedback_by_token(org_id, giver.id, client_token)
    if existing is not None:
        return existing, False
    if request_id is not None:
        request = open_request_for(org_id, request_id, giver.id, now)
        if request.requester_id != recipient_id:
            raise RequestNotOpen("closed")
    new_id = insert_or_ignore(
        Feedback,
        {
            "org_id": org_id,
            "giver_id": giver.id,
            "recipient_id": recipient_id,
            "went_well": went_well.strip(),
            "tip": _clean(tip),
            "skill": _clean(skill),
            "request_id": request_id,
            "client_token": client_token,
            "created_at": now,
        },
        ["giver_id", "client_token"],
    )
    feedback = _feedback_by_token(org_id, giver.id, client_token)
    if new_id is None:
        return feedback, False
    if request_id is not None:
        db.session.execute(
            update(FeedbackRequestRecipient)
            .where(
                FeedbackRequestRecipient.org_id == org_id,
                FeedbackRequestRecipient.request_id == request_id,
                FeedbackRequestRecipient.recipient_id == giver.id,
                FeedbackRequestRecipient.feedback_id.is_(None),
            )
            .values(feedback_id=feedback.id)
            .execution_options(synchronize_session=False)
        )
    notify(
        org_id,
        recipient_id,
        "feedback_received",
        {"giver": giver.name, "feedback_id": feedback.id},
        now,
        dedupe_key=f"feedback:{feedback.id}",
    )
    record_activity(org_id, giver.id, ActivityKind.feedback_given, feedback, now)
    return feedback, True


def _feedback_by_token(org_id: int, giver_id: int, client_token: str) -> Feedback | None:
    return db.session.scalars(
        select(Feedback).where(
            Feedback.org_id == org_id,
            Feedback.giver_id == giver_id,
            Feedback.client_token == client_token,
        )
    ).first()


def ask_for_feedback(
    org_id: int,
    requester: User,
    recipient_ids: Iterable[int | None],
    message: str | None,
    client_token: str,
    now: datetime,
) -> tuple[FeedbackRequest, bool]:
    """Ask one or more colleagues for feedback; the request expires after 90 days.

    Every colleague is told in the app. A second submit with the same token changes nothing.
    """
    colleagues = active_colleague_ids(org_id, requester.id, recipient_ids)
    if not colleagues:
        raise NotAColleague
    new_id = insert_or_ignore(
        FeedbackRequest,
        {
            "org_id": org_id,
            "requester_id": requester.id,
            "message": _clean(message),
            "client_token": client_token,
            "created_at": now,
            "expires_at": now + timedelta(days=REQUEST_DAYS),
        },
        ["requester_id", "client_token"],
    )
    request = db.session.scalars(
        select(FeedbackRequest).where(
            FeedbackRequest.org_id == org_id,
            FeedbackRequest.requester_id == requester.id,
            FeedbackRequest.client_token == client_token,
        )
    ).one()
    if new_id is None:
        return request, False
    for colleague_id in sorted(colleagues):
        db.session.add(
            FeedbackRequestRecipient(
                org_id=org_id, request_id=request.id, recipient_id=colleague_id
            )
        )
        notify(
            org_id,
            colleague_id,
            "feedback_requested",
            {"requester": requester.name, "request_id": request.id},
            now,
            dedupe_key=f"feedback-request:{request.id}",
        )
    db.session.flush()
    record_activity(org_id, requester.id, ActivityKind.feedback_requested, request, now)
    return request, True


def shared_text(feedback: Feedback, with_tip: bool) -> str:
    """What the team sees: what went well, and the tip if the recipient chose so."""
    if with_tip and feedback.tip:
        return f"{feedback.went_well}\n\n{_('Tip:')} {feedback.tip}"
    return feedback.went_well


def share_feedback(
    org_id: int, feedback: Feedback, team_id: int | None, with_tip: bool, now: datetime
) -> SuccessPost:
    """The recipient shares a piece of their feedback with their team (it shows in the feed).

    Sharing again after taking it back shows the same post again, with the new choice.
    """
    if feedback.removed_at is not None:
        raise CannotShare
    body = shared_text(feedback, with_tip)
    feedback.shared_at = feedback.shared_at or now
    post = publish_shared_feedback(org_id, feedback.recipient_id, team_id, feedback.id, body, now)
    if post.removed_at is not None or post.body != body:
        post.removed_at = None
        post.body = body
        post.team_id = team_id
    db.session.flush()
    return post


def unshare_feedback(org_id: int, feedback: Feedback, now: datetime) -> None:
    """The recipient takes a shared piece back: it leaves the feed."""
    feedback.shared_at = None
    db.session.execute(
        update(SuccessPost)
        .where(
            SuccessPost.org_id == org_id,
            SuccessPost.feedback_id == feedback.id,
            SuccessPost.removed_at.is_(None),
        )
        .values(removed_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
