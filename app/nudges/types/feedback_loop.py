"""Positive feedback loop (D-OUT, D-SELF): right after someone shares a learning success,
two teammates are asked to give applause or a kind word.

Also holds the feed conditions the other colleague types share (team digest, a success
for the manager to recognise): a learning success colleagues may see, for whom, and
whether someone already reacted.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from ...accounts.models import User
from ...activity.models import ActivityKind
from ...evidence import Factor
from ...extensions import db
from ...feed.models import Applause, Audience, Comment, PostKind, SuccessPost
from ...feed.queries import Viewer, visible_posts
from ...feedback.models import ContentReport, ReportedKind
from ...orgs.models import Membership
from ...text import plain_excerpt
from ...urls import absolute_url
from ..models import Category, NudgeOptOut
from ..registry import NudgeType, PlanContext, RenderContext, register

PROMPTS_PER_POST = 2
EXCERPT_LENGTH = 160


# --- feed conditions shared by the colleague and manager types -----------------------------


def shared_success(org_id: int):
    """SQL condition on SuccessPost: a learning success of the organisation that colleagues
    may see (not removed, not hidden by moderation)."""
    return and_(
        SuccessPost.org_id == org_id,
        SuccessPost.kind == PostKind.success,
        SuccessPost.removed_at.is_(None),
        SuccessPost.hidden_at.is_(None),
    )


def seen_by(org_id: int, user_id, team_id):
    """SQL condition on SuccessPost: the person (``user_id``, ``team_id``: values or
    columns) sees the post in the feed — company posts, and team posts of their team —
    and did not report it (the feed's ``visible_posts`` for someone else's post)."""
    # correlate_except: the person's columns may come from two queries up (auto-
    # correlation only looks one level up and would join a second copy of them).
    reported = (
        exists()
        .where(
            ContentReport.org_id == org_id,
            ContentReport.object_kind == ReportedKind.post,
            ContentReport.object_id == SuccessPost.id,
            ContentReport.reporter_id == user_id,
            ContentReport.resolved_at.is_(None),
        )
        .correlate_except(ContentReport)
    )
    return and_(
        SuccessPost.author_id != user_id,
        or_(SuccessPost.audience == Audience.company, SuccessPost.team_id == team_id),
        ~reported,
    )


def reacted(org_id: int, user_id):
    """SQL condition on SuccessPost: the person gave applause or wrote a comment on it."""
    applauded = (
        exists()
        .where(
            Applause.org_id == org_id,
            Applause.post_id == SuccessPost.id,
            Applause.user_id == user_id,
        )
        .correlate_except(Applause)
    )
    commented = (
        exists()
        .where(
            Comment.org_id == org_id,
            Comment.post_id == SuccessPost.id,
            Comment.author_id == user_id,
        )
        .correlate_except(Comment)
    )
    return or_(applauded, commented)


def team_of(org_id: int, user_id: int) -> int | None:
    return db.session.scalar(
        select(Membership.team_id).where(Membership.org_id == org_id, Membership.user_id == user_id)
    )


def post_context(render: RenderContext) -> dict | None:
    """The post of ``render.row.ref_id`` as the recipient sees it in the feed, or None when
    it is gone (removed, hidden, reported by them), not a learning success, theirs, or
    when they already gave applause or a comment."""
    org, user = render.org, render.user
    if render.row.ref_id is None:
        return None
    viewer = Viewer(org_id=org.id, user_id=user.id, team_id=team_of(org.id, user.id))
    row = db.session.execute(
        select(SuccessPost.id, SuccessPost.body, User.name.label("author_name"))
        .join(User, User.id == SuccessPost.author_id)
        .where(
            SuccessPost.id == render.row.ref_id,
            visible_posts(viewer),
            shared_success(org.id),
            SuccessPost.author_id != user.id,
            ~reacted(org.id, user.id),
        )
    ).first()
    if row is None:
        return None
    return {
        "author_name": row.author_name,
        "excerpt": plain_excerpt(row.body, EXCERPT_LENGTH),
        "url": absolute_url("feed.post", org_slug=org.slug, post_id=row.id),
    }


def example_post(render: RenderContext) -> dict:
    return {
        "author_name": "Anna",
        "excerpt": "Ik kan nu zelf de nieuwe kantpers instellen.",
        "url": absolute_url("feed.index", org_slug=render.org.slug),
    }


# --- the type ---------------------------------------------------------------------------------


def recipients(plan: PlanContext):
    """Per new learning success: up to two active teammates of the author (in the audience,
    who see the post, did not react yet and did not switch these messages off), chosen
    by a stable hash of post and person."""
    org_id = plan.org.id
    mate = aliased(Membership, name="teammate")
    opted_out = exists().where(
        NudgeOptOut.org_id == org_id,
        NudgeOptOut.user_id == mate.user_id,
        NudgeOptOut.category == Category.colleagues,
    )
    pick = (
        func.row_number()
        .over(
            partition_by=SuccessPost.id,
            order_by=(func.nudge_bucket(SuccessPost.id, mate.user_id), mate.user_id),
        )
        .label("pick")
    )
    candidates = (
        select(mate.user_id.label("user_id"), SuccessPost.id.label("ref_id"), pick)
        .select_from(SuccessPost)
        .join(
            mate,
            and_(
                mate.org_id == org_id,
                mate.team_id == SuccessPost.team_id,
                mate.active.is_(True),
            ),
        )
        .where(
            shared_success(org_id),
            SuccessPost.created_at >= plan.since,
            SuccessPost.created_at < plan.period,
            mate.user_id.in_(select(plan.audience.c.user_id)),
            seen_by(org_id, mate.user_id, mate.team_id),
            ~reacted(org_id, mate.user_id),
            ~opted_out,
        )
        .subquery("feedback_candidates")
    )
    return select(candidates.c.user_id, candidates.c.ref_id).where(
        candidates.c.pick <= PROMPTS_PER_POST
    )


register(
    NudgeType(
        # The message names people or shows posts the admin may not see.
        private_message=True,
        key="feedback_loop",
        label=_l("Applause for a colleague who learned something"),
        description=_l(
            "Right after someone shares a learning success, two colleagues from their team "
            "are asked to give applause or a kind word."
        ),
        factors=(Factor.visible_outcomes, Factor.self_efficacy),
        category=Category.colleagues,
        audience_rule=_l(
            "Up to two colleagues from the same team, for each new learning success. "
            "Never the person who shared it."
        ),
        recipients=recipients,
        context=post_context,
        conversions=(ActivityKind.applause_given.value, ActivityKind.comment_posted.value),
        # A prompt about a fresh post: a reaction counts within three days.
        conversion_window=timedelta(days=3),
        default_schedule=("interval", 1),
        example=example_post,
    )
)
