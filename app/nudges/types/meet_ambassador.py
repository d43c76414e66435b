"""Meet your ambassador (D-AMB, B-KNOW): for people who never talked to one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, literal, select

from ...accounts.models import User
from ...activity.models import ActivityKind
from ...ambassadors.services import active_ambassadors
from ...evidence import Factor
from ...extensions import db
from ...urls import absolute_url
from ..models import Category
from ..private_queries import ambassador_talkers
from ..registry import NudgeType, PlanContext, RenderContext, register


def recipients(plan: PlanContext):
    talkers = ambassador_talkers(plan.org.id)
    ambassadors = active_ambassadors(plan.org.id).with_only_columns(User.id).order_by(None)
    audience = plan.audience
    return (
        select(audience.c.user_id.label("user_id"), literal(None).label("ref_id"))
        .where(audience.c.user_id.not_in(select(talkers.c.user_id)))
        # Ambassadors are not sent to themselves; with no ambassador nobody gets it.
        .where(audience.c.user_id.not_in(ambassadors))
        .where(exists(ambassadors))
    )


def context(render: RenderContext):
    people = db.session.scalars(
        active_ambassadors(render.org.id)
        .with_only_columns(User.name)
        .where(User.id != render.user.id)
        .limit(3)
    ).all()
    names = list(people)
    if not names:
        return None  # nobody to meet any more: skip
    return {
        "ambassador_names": names,
        "url": absolute_url("ambassadors.directory", org_slug=render.org.slug),
    }


def example(render: RenderContext):
    return {
        "ambassador_names": ["Fatima", "Johan"],
        "url": absolute_url("ambassadors.directory", org_slug=render.org.slug),
    }


register(
    NudgeType(
        key="meet_ambassador",
        label=_l("Meet your learning ambassador"),
        description=_l(
            "A short note to people who never talked to a learning ambassador: who they "
            "are and how to ask for a talk."
        ),
        factors=(Factor.ambassador, Factor.not_knowing),
        category=Category.encouragement,
        audience_rule=_l("People who never had a talk with a learning ambassador."),
        recipients=recipients,
        context=context,
        conversions=(ActivityKind.ambassador_talk_booked.value,),
        default_schedule=("cron", "0 10 * * 2"),
        private_rule=True,
        example=example,
    )
)
