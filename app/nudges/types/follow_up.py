"""Follow-up (D-AMB, D-COACH; "act fast"): a check-in of an ambassador talk is due.

The rows come from the ambassadors issue (``app/ambassadors/follow_ups.py``): a
``reminder`` two days after the first agreed next step, and ``week_2`` / ``week_6``
check-ins after a course started. Talks are private to the employee and the ambassador,
so planning reads them only through ``private_queries.due_follow_ups`` (PRODUCT §4.1),
and the message is built as the employee, from their own rows.

The message names no content of the talk: not the agreed next steps, not the ambassador
(PRODUCT §4.1; a company mailbox is often readable by IT or others). The link opens the
talk, with its details, after signing in. The context still reads the talk to see
whether the check-in is still worth sending.

A follow-up is sent once per campaign: one that is due in the last ``DUE_DAYS`` days and
not done is planned on the first run that finds it; later runs leave it out when an
earlier period of the campaign already has a row for it (sent, held out or skipped), so
a daily schedule does not repeat itself. One that the weekly e-mail cap kept out waits
for a later day within those days.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, select

from ...activity.models import ActivityKind
from ...ambassadors.models import (
    AmbassadorConversation,
    ConversationStatus,
    FollowUp,
    FollowUpKind,
    NextStep,
)
from ...evidence import Factor
from ...extensions import db
from ...outbox.models import OutboxMessage
from ...timeutil import org_today
from ...urls import absolute_url
from ..models import Category
from ..private_queries import due_follow_ups
from ..registry import NudgeType, PlanContext, RenderContext, register

DUE_DAYS = 14  # a follow-up due longer ago than this is not sent any more


def recipients(plan: PlanContext):
    today = org_today(plan.org, plan.period)
    due = due_follow_ups(plan.org.id, today - timedelta(days=DUE_DAYS - 1), today)
    earlier = OutboxMessage.__table__.alias("earlier_follow_up")
    already = exists().where(
        earlier.c.org_id == plan.org.id,
        earlier.c.campaign_id == plan.campaign.id,
        earlier.c.user_id == due.c.user_id,
        earlier.c.ref_id == due.c.follow_up_id,
        # Only earlier periods: this period's e-mail row must not hide its in-app row.
        earlier.c.planned_at < plan.period,
    )
    return (
        select(due.c.user_id.label("user_id"), due.c.follow_up_id.label("ref_id"))
        .where(due.c.user_id.in_(select(plan.audience.c.user_id)))
        .where(~already)
    )


def context(render: RenderContext):
    org, user = render.org, render.user
    # The ORM's person filter lets the employee read their own follow-up and talk.
    found = db.session.execute(
        select(FollowUp, AmbassadorConversation.status)
        .join(
            AmbassadorConversation,
            and_(
                AmbassadorConversation.id == FollowUp.conversation_id,
                AmbassadorConversation.org_id == org.id,
            ),
        )
        .where(
            FollowUp.id == render.row.ref_id,
            FollowUp.org_id == org.id,
            FollowUp.employee_id == user.id,
        )
    ).one_or_none()
    if found is None:
        return None  # gone (talk deleted, or not theirs)
    follow_up, status = found
    if follow_up.done_at is not None or status == ConversationStatus.cancelled:
        return None  # the check-in is done: nothing to remind of
    kind = FollowUpKind(follow_up.kind)
    if kind == FollowUpKind.reminder:
        open_step = db.session.scalar(
            select(
                exists().where(
                    NextStep.org_id == org.id,
                    NextStep.conversation_id == follow_up.conversation_id,
                    NextStep.employee_id == user.id,
                    NextStep.done_at.is_(None),
                )
            )
        )
        if not open_step:
            return None  # every agreed step is ticked off already
    # Only the kind and the link: the steps and the ambassador stay behind sign-in.
    return {
        "kind": kind.value,
        "url": absolute_url(
            "ambassadors.conversation",
            org_slug=org.slug,
            conversation_id=follow_up.conversation_id,
        ),
    }


def example(render: RenderContext):
    return {
        "kind": FollowUpKind.reminder.value,
        "url": absolute_url("ambassadors.my_talks", org_slug=render.org.slug),
    }


register(
    NudgeType(
        key="follow_up",
        label=_l("Check-in after a talk with a learning ambassador"),
        description=_l(
            "A short note when a check-in of a talk is due: two days after a next step was "
            "agreed, and two and six weeks after a course started."
        ),
        factors=(Factor.ambassador, Factor.coaching),
        category=Category.reminders,
        audience_rule=_l(
            "People with a check-in of a talk with a learning ambassador that is due and "
            "not done yet. Each check-in is sent once."
        ),
        recipients=recipients,
        context=context,
        conversions=(
            ActivityKind.learning_logged.value,
            ActivityKind.offer_signed_up.value,
            ActivityKind.goal_step_done.value,
        ),
        default_schedule=("cron", "0 10 * * *"),
        private_rule=True,
        example=example,
    )
)
