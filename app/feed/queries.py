"""Read models of the feed: pages of posts with counts and latest comments in a fixed
number of queries, whatever the number of posts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, exists, func, or_, select

from ..accounts.models import User
from ..extensions import db
from ..feedback.models import Feedback, ReportedKind
from ..feedback.moderation import visible_to
from ..offers.models import LearningWish, Offer
from ..orgs.models import Team
from .models import Applause, Audience, Comment, LearnedHow, PostKind, SuccessPost

PAGE_SIZE = 20
LATEST_COMMENTS = 3


@dataclass(frozen=True)
class Viewer:
    """Who is looking: the feed shows what this person may see."""

    org_id: int
    user_id: int
    team_id: int | None


@dataclass
class FeedComment:
    id: int
    post_id: int
    author_id: int
    author_name: str
    body: str
    created_at: datetime


@dataclass
class FeedItem:
    id: int
    kind: PostKind
    author_id: int
    author_name: str
    team_name: str | None
    audience: Audience
    how: LearnedHow | None
    minutes_spent: int | None
    offer_id: int | None
    offer_title: str | None
    feedback_id: int | None
    body: str
    created_at: datetime
    applause_count: int
    applauded: bool
    comment_count: int
    wanted: bool
    hidden: bool  # hidden after reports: only its author still sees it
    comments: list[FeedComment] = field(default_factory=list)

    def is_by(self, user_id: int) -> bool:
        return self.author_id == user_id

    @property
    def is_shared_feedback(self) -> bool:
        return self.kind == PostKind.shared_feedback


@dataclass
class FeedPage:
    items: list[FeedItem]
    next_before: int | None  # the cursor of the next page, None on the last page


def visible_posts(viewer: Viewer):
    """SQL condition: posts of the viewer's organisation that the viewer may see.

    Company posts are for everyone; team posts for that team and the author. Removed,
    hidden (except for the author) and reported-by-me posts are left out, and a shared
    piece of feedback also disappears when the feedback itself was reported or hidden.
    """
    audience = [SuccessPost.audience == Audience.company, SuccessPost.author_id == viewer.user_id]
    if viewer.team_id is not None:
        audience.append(SuccessPost.team_id == viewer.team_id)
    feedback_visible = exists().where(
        Feedback.id == SuccessPost.feedback_id,
        Feedback.org_id == viewer.org_id,
        visible_to(Feedback, ReportedKind.feedback, viewer.user_id),
    )
    return and_(
        SuccessPost.org_id == viewer.org_id,
        or_(*audience),
        visible_to(SuccessPost, ReportedKind.post, viewer.user_id),
        or_(SuccessPost.feedback_id.is_(None), feedback_visible),
    )


def _visible_comments(viewer: Viewer):
    return and_(
        Comment.org_id == viewer.org_id,
        visible_to(Comment, ReportedKind.comment, viewer.user_id),
    )


def _item_select(viewer: Viewer):
    """Posts with names, counts and the viewer's own applause and wish, in one statement."""
    applause_count = (
        select(func.count(Applause.id))
        .where(Applause.org_id == viewer.org_id, Applause.post_id == SuccessPost.id)
        .scalar_subquery()
    )
    comment_count = (
        select(func.count(Comment.id))
        .where(Comment.post_id == SuccessPost.id, _visible_comments(viewer))
        .scalar_subquery()
    )
    applauded = exists().where(
        Applause.org_id == viewer.org_id,
        Applause.post_id == SuccessPost.id,
        Applause.user_id == viewer.user_id,
    )
    wanted = exists().where(
        LearningWish.org_id == viewer.org_id,
        LearningWish.source_post_id == SuccessPost.id,
        LearningWish.user_id == viewer.user_id,
        LearningWish.withdrawn_at.is_(None),
    )
    return (
        select(
            SuccessPost.id,
            SuccessPost.kind,
            SuccessPost.author_id,
            User.name.label("author_name"),
            Team.name.label("team_name"),
            SuccessPost.audience,
            SuccessPost.how,
            SuccessPost.minutes_spent,
            SuccessPost.offer_id,
            Offer.title.label("offer_title"),
            SuccessPost.feedback_id,
            SuccessPost.body,
            SuccessPost.created_at,
            applause_count.label("applause_count"),
            applauded.label("applauded"),
            comment_count.label("comment_count"),
            wanted.label("wanted"),
            SuccessPost.hidden_at.is_not(None).label("hidden"),
        )
        .join(User, User.id == SuccessPost.author_id)
        .outerjoin(Team, Team.id == SuccessPost.team_id)
        .outerjoin(Offer, Offer.id == SuccessPost.offer_id)
        .where(visible_posts(viewer))
    )


def _items(statement) -> list[FeedItem]:
    return [
        FeedItem(
            **{
                **row._mapping,
                "applauded": bool(row.applauded),
                "wanted": bool(row.wanted),
                "hidden": bool(row.hidden),
            }
        )
        for row in db.session.execute(statement)
    ]


def feed_page(
    viewer: Viewer, team_only: bool = False, before: int | None = None, size: int = PAGE_SIZE
) -> FeedPage:
    """One page of the feed, newest first, with up to three latest comments per post.

    Keyset paging on (created_at, id): ``before`` is the last post id of the previous page.
    Two queries for any page size.
    """
    statement = _item_select(viewer)
    if team_only:
        statement = statement.where(SuccessPost.team_id == viewer.team_id)
    if before is not None:
        cursor = (
            select(SuccessPost.created_at)
            .where(SuccessPost.org_id == viewer.org_id, SuccessPost.id == before)
            .scalar_subquery()
        )
        statement = statement.where(
            or_(
                SuccessPost.created_at < cursor,
                and_(SuccessPost.created_at == cursor, SuccessPost.id < before),
            )
        )
    items = _items(
        statement.order_by(SuccessPost.created_at.desc(), SuccessPost.id.desc()).limit(size + 1)
    )
    has_more = len(items) > size
    items = items[:size]
    _attach_latest_comments(viewer, items)
    return FeedPage(items=items, next_before=items[-1].id if has_more else None)


def _attach_latest_comments(viewer: Viewer, items: list[FeedItem]) -> None:
    """The latest comments of every post on the page, in one query (a window function)."""
    if not items:
        return
    rank = (
        func.row_number()
        .over(
            partition_by=Comment.post_id,
            order_by=(Comment.created_at.desc(), Comment.id.desc()),
        )
        .label("rank")
    )
    ranked = (
        select(*_comment_columns(), rank)
        .join(User, User.id == Comment.author_id)
        .where(Comment.post_id.in_([item.id for item in items]), _visible_comments(viewer))
        .subquery()
    )
    rows = db.session.execute(
        select(*(ranked.c[name] for name in _COMMENT_FIELDS))
        .where(ranked.c.rank <= LATEST_COMMENTS)
        .order_by(ranked.c.created_at, ranked.c.id)
    )
    by_post = {item.id: item for item in items}
    for row in rows:
        by_post[row.post_id].comments.append(FeedComment(**row._mapping))


_COMMENT_FIELDS = ("id", "post_id", "author_id", "author_name", "body", "created_at")


def _comment_columns():
    return (
        Comment.id,
        Comment.post_id,
        Comment.author_id,
        User.name.label("author_name"),
        Comment.body,
        Comment.created_at,
    )


def post_item(viewer: Viewer, post_id: int, all_comments: bool = True) -> FeedItem | None:
    """One post as the viewer may see it, with all (or the latest) comments; None if hidden."""
    items = _items(_item_select(viewer).where(SuccessPost.id == post_id))
    if not items:
        return None
    item = items[0]
    if not all_comments:
        _attach_latest_comments(viewer, items)
        return item
    rows = db.session.execute(
        select(*_comment_columns())
        .join(User, User.id == Comment.author_id)
        .where(Comment.post_id == post_id, _visible_comments(viewer))
        .order_by(Comment.created_at, Comment.id)
    )
    item.comments = [FeedComment(**row._mapping) for row in rows]
    return item


def can_see_post(viewer: Viewer, post_id: int) -> bool:
    """True when the post exists in the viewer's organisation and the viewer may see it."""
    return bool(
        db.session.scalar(select(exists().where(SuccessPost.id == post_id, visible_posts(viewer))))
    )


def applause_state(viewer: Viewer, post_id: int) -> tuple[int, bool]:
    """How many people applauded the post, and whether the viewer is one of them."""
    row = db.session.execute(
        select(
            func.count(Applause.id),
            func.coalesce(func.sum(case((Applause.user_id == viewer.user_id, 1), else_=0)), 0),
        ).where(Applause.org_id == viewer.org_id, Applause.post_id == post_id)
    ).one()
    return row[0], bool(row[1])


def offer_choices(org_id: int) -> list[tuple[int, str]]:
    """Active offers of the organisation, for "was it part of an offer?"."""
    return [
        (row.id, row.title)
        for row in db.session.execute(
            select(Offer.id, Offer.title)
            .where(Offer.org_id == org_id, Offer.active.is_(True))
            .order_by(func.lower(Offer.title))
        )
    ]


def offer_title(org_id: int, offer_id: int | None) -> str | None:
    if offer_id is None:
        return None
    return db.session.scalar(
        select(Offer.title).where(Offer.org_id == org_id, Offer.id == offer_id)
    )
