"""Posting and reacting in the feed. Services flush; routes commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from ..activity.models import ActivityKind
from ..activity.services import record_activity
from ..db_utils import insert_or_get, insert_or_ignore
from ..extensions import db
from ..notifications.services import notify
from ..offers.services import make_wish
from ..text import plain_excerpt
from .models import Applause, Audience, Comment, LearnedHow, PostKind, SuccessPost


def publish_shared_feedback(
    org_id: int,
    recipient_id: int,
    team_id: int | None,
    feedback_id: int,
    body: str,
    now: datetime,
) -> SuccessPost:
    """Show a piece of feedback the recipient chose to share in their team's feed.

    ``body`` is what the recipient chose to share (their words or the feedback's).
    Sharing twice returns the same post.
    """
    existing = db.session.scalars(
        select(SuccessPost).where(
            SuccessPost.org_id == org_id, SuccessPost.feedback_id == feedback_id
        )
    ).first()
    if existing is not None:
        return existing
    post = SuccessPost(
        org_id=org_id,
        kind=PostKind.shared_feedback,
        author_id=recipient_id,
        team_id=team_id,
        audience=Audience.team,
        body=body,
        feedback_id=feedback_id,
        client_token=f"feedback-{feedback_id}",
        created_at=now,
    )
    db.session.add(post)
    db.session.flush()
    record_activity(org_id, recipient_id, ActivityKind.feedback_shared, post, now)
    return post


def create_post(
    org_id: int,
    author_id: int,
    team_id: int | None,
    *,
    body: str,
    audience: Audience,
    how: LearnedHow | None,
    minutes_spent: int | None,
    offer_id: int | None,
    client_token: str,
    now: datetime,
) -> tuple[int, bool]:
    """Share a learning success (D1); returns the post id and whether it is new.

    A second submit of the same form (same ``client_token``) finds the first post. Without
    a team a post is for the whole company, so nobody posts into an empty audience.
    """
    if team_id is None:
        audience = Audience.company
    post_id, created = insert_or_get(
        SuccessPost,
        {
            "org_id": org_id,
            "kind": PostKind.success,
            "author_id": author_id,
            "team_id": team_id,
            "audience": audience,
            "body": body,
            "how": how,
            "minutes_spent": minutes_spent,
            "offer_id": offer_id,
            "client_token": client_token,
            "created_at": now,
        },
        ["author_id", "client_token"],
    )
    if not created:
        return post_id, False
    record_activity(org_id, author_id, ActivityKind.success_posted, _ref(SuccessPost, post_id), now)
    return post_id, True


def set_applause(
    org_id: int, post: SuccessPost, user_id: int, user_name: str, applaud: bool, now: datetime
) -> bool:
    """Give (or take back) applause; returns True when something changed.

    One row per person and post, so a double click gives one applause. The author hears
    about it once per colleague, even after taking it back and giving it again.
    """
    if post.author_id == user_id:
        return False
    if not applaud:
        result = db.session.execute(
            delete(Applause)
            .where(
                Applause.org_id == org_id,
                Applause.post_id == post.id,
                Applause.user_id == user_id,
            )
            .execution_options(synchronize_session=False)
        )
        return result.rowcount > 0
    applause_id = insert_or_ignore(
        Applause,
        {"org_id": org_id, "post_id": post.id, "user_id": user_id, "created_at": now},
        ["post_id", "user_id"],
    )
    if applause_id is None:
        return False
    record_activity(org_id, user_id, ActivityKind.applause_given, _ref(Applause, applause_id), now)
    notify(
        org_id,
        post.author_id,
        "applause",
        {"post_id": post.id, "name": user_name, "excerpt": plain_excerpt(post.body, 60)},
        now,
        dedupe_key=f"applause:{post.id}:{user_id}",
    )
    return True


def add_comment(
    org_id: int,
    post: SuccessPost,
    author_id: int,
    author_name: str,
    body: str,
    client_token: str,
    now: datetime,
) -> tuple[int, bool]:
    """Comment on a post; returns the comment id and whether it is new (same token: same)."""
    comment_id, created = insert_or_get(
        Comment,
        {
            "org_id": org_id,
            "post_id": post.id,
            "author_id": author_id,
            "body": body,
            "client_token": client_token,
            "created_at": now,
        },
        ["author_id", "client_token"],
    )
    if not created:
        return comment_id, False
    record_activity(org_id, author_id, ActivityKind.comment_posted, _ref(Comment, comment_id), now)
    if post.author_id != author_id:
        notify(
            org_id,
            post.author_id,
            "comment",
            {"post_id": post.id, "name": author_name, "excerpt": plain_excerpt(body, 60)},
            now,
            dedupe_key=f"comment:{comment_id}",
        )
    return comment_id, True


def want_to_learn_too(
    org_id: int,
    post: SuccessPost,
    offer_title: str | None,
    user_id: int,
    user_name: str,
    now: datetime,
) -> bool:
    """ "I want to learn this too" (D3): a wish for the viewer, and the poster hears who.

    Returns True when the wish is new. Not for one's own post or for shared feedback.
    """
    if post.author_id == user_id or post.kind != PostKind.success:
        return False
    # Never the post's text: it may be for one team only (make_wish stores a neutral text).
    text = offer_title or ""
    _wish, created = make_wish(
        org_id, user_id, text, now, offer_id=post.offer_id, source_post_id=post.id
    )
    if created:
        notify(
            org_id,
            post.author_id,
            "wish_from_post",
            {"post_id": post.id, "name": user_name, "excerpt": plain_excerpt(post.body, 60)},
            now,
            dedupe_key=f"wish:{post.id}:{user_id}",
        )
    return created


def _ref(model: type, object_id: int) -> object:
    """Stands in for a row inserted by id only: record_activity reads its class name and id."""
    return type(model.__name__, (), {"id": object_id})()
