"""Read models for the offers pages: catalogue, one offer, my offers, pooled demand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import abort
from sqlalchemy import String, and_, case, cast, func, literal, or_, select

from ..accounts.models import User
from ..extensions import db
from ..feed.models import Applause, Audience, SuccessPost
from ..feedback.models import ReportedKind
from ..feedback.moderation import visible_to
from ..orgs.models import Membership, Organisation
from ..text import plain_excerpt
from .display import IN_PERSON_FORMATS
from .models import LearningWish, Offer, OfferSignup, OfferVisibility, SignupStatus
from .services import POST_WISH_TEXT

SHORT_MINUTES = 120
POST_EXCERPT_LENGTH = 80
# Shared offers belong to another organisation: the ORM net would hide them, so these
# queries switch it off and say exactly which offers the organisation may see.
SHARED = {"skip_org_filter": True}
# A sign-up in these states holds a place on an offer with a capacity.
TAKES_A_PLACE = (SignupStatus.signed_up, SignupStatus.completed)


def _on_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def places_taken_expression():
    """SQL: places taken on ``Offer`` (signed up or done) in every organisation that sees it.

    Sign-ups of other organisations are not readable here: on PostgreSQL the SECURITY
    DEFINER function ``offer_places_taken`` (migration 0005) counts them and returns only
    the number; on SQLite a subquery counts them (use it in a statement that runs with
    ``skip_org_filter``, like every query of shared offers).
    """
    if _on_postgresql():
        return func.offer_places_taken(Offer.id)
    return (
        select(func.count(OfferSignup.id))
        .where(OfferSignup.offer_id == Offer.id, OfferSignup.status.in_(TAKES_A_PLACE))
        .correlate(Offer)
        .scalar_subquery()
    )


def places_taken(offer_id: int) -> int:
    """Places taken on one offer across every organisation (the capacity check, U4)."""
    if _on_postgresql():
        return int(db.session.scalar(select(func.offer_places_taken(offer_id))) or 0)
    return int(
        db.session.scalar(
            select(func.count(OfferSignup.id))
            .where(OfferSignup.offer_id == offer_id, OfferSignup.status.in_(TAKES_A_PLACE))
            .execution_options(**SHARED)
        )
        or 0
    )


def places_left(offer: Offer, taken: int | None) -> int | None:
    """Free places on an offer with a capacity; None when it has no limit."""
    if offer.capacity is None:
        return None
    return max(offer.capacity - int(taken or 0), 0)


def is_over(offer: Offer, now: datetime) -> bool:
    """An event or session whose start has passed: nobody signs up any more."""
    return offer.starts_at is not None and offer.starts_at <= now


def not_over(now: datetime):
    """SQL condition: the offer has no start, or it starts after ``now``."""
    return or_(Offer.starts_at.is_(None), Offer.starts_at > now)


def visible_to_org(org_id: int):
    """SQL condition: the organisation's own offers and those shared with it."""
    shared = select(OfferVisibility.offer_id).where(OfferVisibility.org_id == org_id)
    return or_(Offer.org_id == org_id, Offer.id.in_(shared))


def _barrier_filters(filters: dict[str, bool]) -> list:
    conditions = []
    if filters.get("short"):
        conditions.append(Offer.duration_minutes <= SHORT_MINUTES)
    if filters.get("work_time"):
        conditions.append(Offer.in_work_time.is_(True))
    if filters.get("free"):
        conditions.append(Offer.cost_covered.is_(True))
    if filters.get("no_exam"):
        conditions.append(Offer.has_exam.is_(False))
    if filters.get("near"):
        conditions.append(Offer.on_site.is_(True))
    return conditions


@dataclass
class CatalogueRow:
    offer: Offer
    my_status: SignupStatus | None
    places_left: int | None = None  # None: no capacity
    shared_by: str | None = None  # the union (or fund) that shares it; None for our own


def catalogue(
    org_id: int, user_id: int, filters: dict[str, bool], now: datetime | None = None
) -> list[CatalogueRow]:
    """Active offers the organisation may see, with my sign-up status, in one query.

    In-person and on-the-job formats first (EVIDENCE B-ONLINE), then the short ones.
    Events that have started (``now``) are left out; places left on offers with a capacity
    count sign-ups of every organisation.
    """
    in_person_first = case((Offer.format.in_(IN_PERSON_FORMATS), 0), else_=1)
    taken = case((Offer.capacity.is_not(None), places_taken_expression()), else_=None)
    owner = case((Offer.org_id != org_id, Organisation.name), else_=None)
    conditions = [visible_to_org(org_id), Offer.active.is_(True), *_barrier_filters(filters)]
    if now is not None:
        conditions.append(not_over(now))
    rows = db.session.execute(
        select(Offer, OfferSignup.status, taken, owner)
        .join(Organisation, Organisation.id == Offer.org_id)
        .outerjoin(
            OfferSignup,
            and_(
                OfferSignup.offer_id == Offer.id,
                OfferSignup.org_id == org_id,
                OfferSignup.user_id == user_id,
            ),
        )
        .where(*conditions)
        .order_by(in_person_first, Offer.duration_minutes, func.lower(Offer.title), Offer.id)
        .execution_options(**SHARED)
    ).all()
    return [
        CatalogueRow(
            offer=offer,
            my_status=status,
            places_left=places_left(offer, places),
            shared_by=shared_by,
        )
        for offer, status, places, shared_by in rows
    ]


def owner_name(offer: Offer, org_id: int) -> str | None:
    """The name of the organisation that shares the offer; None for our own offer."""
    if offer.org_id == org_id:
        return None
    return db.session.scalar(select(Organisation.name).where(Organisation.id == offer.org_id))


def switched_off_offers(org_id: int) -> list[tuple[int, str]]:
    """(id, title) of the organisation's own offers that are switched off (for admins)."""
    return [
        (row.id, row.title)
        for row in db.session.execute(
            select(Offer.id, Offer.title)
            .where(Offer.org_id == org_id, Offer.active.is_(False))
            .order_by(func.lower(Offer.title), Offer.id)
        )
    ]


def visible_offer_or_404(org_id: int, offer_id: int, include_inactive: bool = False) -> Offer:
    """One offer the organisation may see; any other id is the same 404 as a missing one.

    Switched-off offers only with ``include_inactive`` (admins, their own offers).
    """
    condition = Offer.active.is_(True)
    if include_inactive:
        condition = or_(condition, Offer.org_id == org_id)
    offer = db.session.scalars(
        select(Offer)
        .where(Offer.id == offer_id, visible_to_org(org_id), condition)
        .execution_options(**SHARED)
    ).first()
    if offer is None:
        abort(404)
    return offer


def my_signup(org_id: int, offer_id: int, user_id: int) -> OfferSignup | None:
    return db.session.scalars(
        select(OfferSignup).where(
            OfferSignup.org_id == org_id,
            OfferSignup.offer_id == offer_id,
            OfferSignup.user_id == user_id,
        )
    ).first()


def has_open_offer_wish(org_id: int, offer_id: int, user_id: int) -> bool:
    return (
        db.session.scalar(
            select(func.count(LearningWish.id)).where(
                LearningWish.org_id == org_id,
                LearningWish.offer_id == offer_id,
                LearningWish.user_id == user_id,
                LearningWish.withdrawn_at.is_(None),
            )
        )
        > 0
    )


@dataclass
class ColleaguesWhoDidThis:
    completed: int  # people of the organisation with a completed sign-up; 0 when few
    few: bool  # some, but fewer than the minimum group size: the number is not shown
    applause: int  # applause on visible posts about this offer
    posted_by: list[str]  # names of people who shared a company-wide success about it


def colleagues_who_did_this(
    org_id: int,
    offer_id: int,
    viewer_id: int,
    viewer_team_id: int | None,
    min_group_size: int,
) -> ColleaguesWhoDidThis:
    """F4: counts only; names only of people who chose to post about it company-wide.

    Below the organisation's minimum group size the number of finishers is withheld.
    """
    completed = db.session.scalar(
        select(func.count(func.distinct(OfferSignup.user_id))).where(
            OfferSignup.org_id == org_id,
            OfferSignup.offer_id == offer_id,
            OfferSignup.status == SignupStatus.completed,
        )
    )
    seen_by_viewer = _seen_by(viewer_id, viewer_team_id)
    post_filter = (
        SuccessPost.org_id == org_id,
        SuccessPost.offer_id == offer_id,
        visible_to(SuccessPost, ReportedKind.post, viewer_id),
    )
    applause = db.session.scalar(
        select(func.count(Applause.id))
        .join(SuccessPost, SuccessPost.id == Applause.post_id)
        .where(*post_filter, seen_by_viewer, Applause.org_id == org_id)
    )
    names = db.session.scalars(
        select(User.name)
        .join(SuccessPost, SuccessPost.author_id == User.id)
        .join(
            Membership,
            and_(Membership.user_id == User.id, Membership.org_id == org_id),
        )
        .where(
            *post_filter,
            SuccessPost.audience == Audience.company,
            Membership.active.is_(True),
        )
        .group_by(User.id, User.name)
        .order_by(func.lower(User.name))
        .limit(20)
    ).all()
    completed = completed or 0
    few = 0 < completed < min_group_size
    return ColleaguesWhoDidThis(
        completed=0 if few else completed, few=few, applause=applause or 0, posted_by=names
    )


def colleague_choices(org_id: int, user_id: int) -> list[tuple[int, str]]:
    """Active members of the organisation except me, by name (for "recommend to")."""
    return [
        (row.id, row.name)
        for row in db.session.execute(
            select(User.id, User.name)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.org_id == org_id,
                Membership.active.is_(True),
                User.id != user_id,
            )
            .order_by(func.lower(User.name), User.id)
        )
    ]


@dataclass
class MySignupRow:
    offer_id: int
    title: str | None  # None: no longer shared with the organisation
    active: bool
    status: SignupStatus
    updated_at: datetime


def my_signups(org_id: int, user_id: int) -> list[MySignupRow]:
    """My sign-ups and interests with the offer's title, newest first (one query).

    ``active``: the offer can still be opened here (switched on, and ours or shared with
    us). A union's offer is no longer shared once its agreement ends: my sign-up stays,
    without the title (the organisation may no longer read the offer).
    """
    seen = visible_to_org(org_id)
    rows = db.session.execute(
        select(
            OfferSignup.offer_id,
            case((seen, Offer.title), else_=None),
            and_(Offer.active.is_(True), seen),
            OfferSignup.status,
            OfferSignup.updated_at,
        )
        .outerjoin(Offer, Offer.id == OfferSignup.offer_id)
        .where(OfferSignup.org_id == org_id, OfferSignup.user_id == user_id)
        .order_by(OfferSignup.updated_at.desc(), OfferSignup.id.desc())
        .execution_options(**SHARED)
    ).all()
    return [
        MySignupRow(offer_id, title, bool(can_open and title), status, updated_at)
        for offer_id, title, can_open, status, updated_at in rows
    ]


@dataclass
class MyWishRow:
    id: int
    text: str
    from_post: bool  # "I want to learn this too" on a post without an offer
    post_excerpt: str | None  # that post, while I may still see it


def _seen_by(viewer_id: int, viewer_team_id: int | None):
    """SQL condition: the viewer may see the post (company-wide, own, or their team's)."""
    return or_(
        SuccessPost.audience == Audience.company,
        SuccessPost.author_id == viewer_id,
        and_(SuccessPost.team_id.is_not(None), SuccessPost.team_id == viewer_team_id),
    )


def my_wishes(org_id: int, user_id: int, team_id: int | None) -> list[MyWishRow]:
    """My open wishes, newest first, with the post I wanted while I may still see it."""
    rows = db.session.execute(
        select(
            LearningWish.id,
            LearningWish.text,
            LearningWish.offer_id,
            LearningWish.source_post_id,
            LearningWish.text == POST_WISH_TEXT,
            SuccessPost.body,
        )
        .outerjoin(
            SuccessPost,
            and_(
                SuccessPost.id == LearningWish.source_post_id,
                SuccessPost.org_id == org_id,
                visible_to(SuccessPost, ReportedKind.post, user_id),
                _seen_by(user_id, team_id),
            ),
        )
        .where(
            LearningWish.org_id == org_id,
            LearningWish.user_id == user_id,
            LearningWish.withdrawn_at.is_(None),
        )
        .order_by(LearningWish.created_at.desc(), LearningWish.id.desc())
    ).all()
    return [
        MyWishRow(
            id=wish_id,
            text=text,
            from_post=offer_id is None and (post_id is not None or bool(neutral)),
            post_excerpt=plain_excerpt(body, POST_EXCERPT_LENGTH) if body else None,
        )
        for wish_id, text, offer_id, post_id, neutral, body in rows
    ]


@dataclass
class SignupRow:
    signup_id: int
    name: str
    status: SignupStatus
    updated_at: datetime
    completed_at: datetime | None


def offer_signups(org_id: int, offer_id: int) -> list[SignupRow]:
    """Who of the organisation is interested, signed up or done, for the admin (one query)."""
    rows = db.session.execute(
        select(
            OfferSignup.id,
            User.name,
            OfferSignup.status,
            OfferSignup.updated_at,
            OfferSignup.completed_at,
        )
        .join(User, User.id == OfferSignup.user_id)
        .where(OfferSignup.org_id == org_id, OfferSignup.offer_id == offer_id)
        .order_by(func.lower(User.name), OfferSignup.id)
    ).all()
    return [SignupRow(*row) for row in rows]


@dataclass
class WishGroup:
    people: int
    label: str  # the offer's title or the wish's words; empty for a group from a post
    offer_id: int | None
    from_post: bool  # wishes from a post: shown with a neutral label, never the post's text


@dataclass
class PooledDemand:
    groups: list[WishGroup]
    others: int  # distinct people in groups too small to show; 0 unless it reaches k


def _group_key():
    """Wishes for an offer count per offer, from a post per post, free-text wishes per topic."""
    offer_key = literal("offer:") + cast(LearningWish.offer_id, String)
    post_key = literal("post:") + cast(LearningWish.source_post_id, String)
    return case(
        (LearningWish.offer_id.is_not(None), offer_key),
        (LearningWish.source_post_id.is_not(None), post_key),
        else_=literal("topic:") + LearningWish.topic_key,
    )


def pooled_demand(org_id: int, min_group_size: int) -> PooledDemand:
    """F5: how many distinct people want each thing, only for groups of at least k; never who.

    Two queries, whatever the number of wishes.
    """
    open_wishes = (LearningWish.org_id == org_id, LearningWish.withdrawn_at.is_(None))
    key = _group_key()
    people = func.count(func.distinct(LearningWish.user_id))
    # A post's text is never read here: a wish from a post (or from a deleted post, which
    # kept only the neutral text) is labelled by the page.
    from_post = and_(
        LearningWish.offer_id.is_(None),
        or_(LearningWish.source_post_id.is_not(None), LearningWish.text == POST_WISH_TEXT),
    )
    text = case((from_post, literal("")), else_=LearningWish.text)
    rows = db.session.execute(
        select(
            people,
            func.min(Offer.title),
            func.min(text),
            LearningWish.offer_id,
            func.max(case((from_post, 1), else_=0)),
        )
        .outerjoin(Offer, Offer.id == LearningWish.offer_id)
        .where(*open_wishes)
        .group_by(key, LearningWish.offer_id)
        .having(people >= min_group_size)
        .order_by(people.desc(), func.min(LearningWish.topic_key))
        .execution_options(**SHARED)
    ).all()
    groups = [
        WishGroup(
            people=n,
            label=offer_title or label,
            offer_id=offer_id,
            from_post=offer_id is None and bool(post),
        )
        for n, offer_title, label, offer_id, post in rows
    ]
    small_keys = (
        select(key.label("key"))
        .where(*open_wishes)
        .group_by(key)
        .having(func.count(func.distinct(LearningWish.user_id)) < min_group_size)
    )
    others = db.session.scalar(
        select(func.count(func.distinct(LearningWish.user_id))).where(
            *open_wishes, key.in_(small_keys)
        )
    )
    return PooledDemand(groups=groups, others=others if others >= min_group_size else 0)
