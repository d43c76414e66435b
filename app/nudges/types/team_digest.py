"""Weekly team digest (N7; D-NORM, D-OUT): up to five learning successes colleagues shared
in the last seven days that the person can see in the feed."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, literal, select
from sqlalchemy.orm import aliased

from ...accounts.models import User
from ...activity.models import ActivityKind
from ...evidence import Factor
from ...extensions import db
from ...feed.models import SuccessPost
from ...feed.queries import Viewer, visible_posts
from ...orgs.models import Membership
from ...text import plain_excerpt
from ...urls import absolute_url
from ..models import Category
from ..registry import NudgeType, PlanContext, RenderContext, register
from .feedback_loop import seen_by, shared_success, team_of

WINDOW = timedelta(days=7)
MAX_ITEMS = 5
EXCERPT_LENGTH = 90


def recipients(plan: PlanContext):
    """Members of the audience who can see at least one learning success someone else
    shared in the seven days before this period."""
    org_id = plan.org.id
    member = aliased(Membership, name="member")
    has_news = exists().where(
        shared_success(org_id),
        SuccessPost.created_at >= plan.period - WINDOW,
        SuccessPost.created_at < plan.period,
        seen_by(org_id, member.user_id, member.team_id),
    )
    return (
        select(member.user_id.label("user_id"), literal(None).label("ref_id"))
        .select_from(plan.audience)
        .join(
            member,
            and_(member.org_id == org_id, member.user_id == plan.audience.c.user_id),
        )
        .where(has_news)
    )


def context(render: RenderContext):
    """The newest five successes of the week the person sees (one query), or None."""
    org, user = render.org, render.user
    end = getattr(render.row, "planned_at", None) or render.now
    viewer = Viewer(org_id=org.id, user_id=user.id, team_id=team_of(org.id, user.id))
    rows = db.session.execute(
        select(
            SuccessPost.id,
            SuccessPost.body,
            User.name.label("author_name"),
            func.count().over().label("total"),
        )
        .join(User, User.id == SuccessPost.author_id)
        .where(
            visible_posts(viewer),
            shared_success(org.id),
            SuccessPost.author_id != user.id,
            SuccessPost.created_at >= end - WINDOW,
            SuccessPost.created_at < end,
        )
        .order_by(SuccessPost.created_at.desc(), SuccessPost.id.desc())
        .limit(MAX_ITEMS)
    ).all()
    if not rows:
        return None
    items = [
        {
            "author_name": row.author_name,
            "excerpt": plain_excerpt(row.body, EXCERPT_LENGTH),
            "url": absolute_url("feed.post", org_slug=org.slug, post_id=row.id),
        }
        for row in rows
    ]
    return {
        "items": items,
        "more": rows[0].total - len(items),
        "url": absolute_url("feed.index", org_slug=org.slug, scope="company"),
    }


def example(render: RenderContext):
    slug = render.org.slug
    return {
        "items": [
            {
                "author_name": "Anna",
                "excerpt": "Ik kan nu zelf de nieuwe kantpers instellen.",
                "url": absolute_url("feed.index", org_slug=slug),
            },
            {
                "author_name": "Mehmet",
                "excerpt": "Mijn eerste e-learning over veilig werken is af!",
                "url": absolute_url("feed.index", org_slug=slug),
            },
        ],
        "more": 2,
        "url": absolute_url("feed.index", org_slug=slug, scope="company"),
    }


register(
    NudgeType(
        # The message names people or shows posts the admin may not see.
        private_message=True,
        key="team_digest",
        label=_l("Weekly overview of learning successes"),
        description=_l(
            "Once a week: up to five things colleagues learned and shared, with a link to each one."
        ),
        factors=(Factor.social_norm, Factor.visible_outcomes),
        category=Category.colleagues,
        audience_rule=_l(
            "People who can read at least one learning success a colleague shared in the "
            "last seven days (from their team or for the whole company)."
        ),
        recipients=recipients,
        context=context,
        conversions=(ActivityKind.applause_given.value, ActivityKind.success_posted.value),
        default_schedule=("cron", "0 9 * * 1"),
        example=example,
    )
)
