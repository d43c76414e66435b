"""Manager prompt (N7; D-MGR, D-OUT): someone in your teams shared a learning success this
week that you have not reacted to yet — recognise it?"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from ...activity.models import ActivityKind
from ...evidence import Factor
from ...feed.models import SuccessPost
from ...orgs.models import Membership
from ..models import Category
from ..registry import NudgeType, PlanContext, register
from .feedback_loop import example_post, post_context, reacted, seen_by, shared_success
from .manager_conversations import managed_by

WINDOW = timedelta(days=7)


def recipients(plan: PlanContext):
    """Per manager (with a team) at most one post: the newest learning success of the seven
    days before this period, shared by an active person of their teams, that the manager
    sees in the feed and did not applaud or comment yet."""
    org_id = plan.org.id
    manager = aliased(Membership, name="manager")
    author = aliased(Membership, name="author")
    pick = (
        func.row_number()
        .over(
            partition_by=manager.user_id,
            order_by=(SuccessPost.created_at.desc(), SuccessPost.id.desc()),
        )
        .label("pick")
    )
    candidates = (
        select(manager.user_id.label("user_id"), SuccessPost.id.label("ref_id"), pick)
        .select_from(plan.audience)
        .join(
            manager,
            and_(
                manager.org_id == org_id,
                manager.user_id == plan.audience.c.user_id,
                manager.team_id.is_not(None),
            ),
        )
        .join(
            SuccessPost,
            and_(
                shared_success(org_id),
                SuccessPost.created_at >= plan.period - WINDOW,
                SuccessPost.created_at < plan.period,
                seen_by(org_id, manager.user_id, manager.team_id),
            ),
        )
        .join(
            author,
            and_(
                author.org_id == org_id,
                author.user_id == SuccessPost.author_id,
                author.active.is_(True),
                managed_by(org_id, author.team_id, manager.team_id),
            ),
        )
        .where(~reacted(org_id, manager.user_id))
        .subquery("recognise_candidates")
    )
    return select(candidates.c.user_id, candidates.c.ref_id).where(candidates.c.pick == 1)


register(
    NudgeType(
        # The message names people or shows posts the admin may not see.
        private_message=True,
        key="manager_recognise",
        label=_l("A learning success to recognise"),
        description=_l(
            "Once a week, managers see one learning success someone in their teams shared, "
            "so they can give applause or a kind word."
        ),
        factors=(Factor.manager_support, Factor.visible_outcomes),
        category=Category.manager,
        audience_rule=_l(
            "Managers when someone in their teams shared a learning success in the last "
            "seven days that they did not react to yet."
        ),
        recipients=recipients,
        context=post_context,
        conversions=(ActivityKind.applause_given.value, ActivityKind.comment_posted.value),
        default_schedule=("cron", "0 9 * * 3"),
        for_role="managers",
        example=example_post,
    )
)
