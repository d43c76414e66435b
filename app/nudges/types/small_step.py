"""A small step for your barrier (B-TIME, B-FEAR, B-MONEY, B-THEORY, B-DIGI, B-ONLINE,
B-SHORT): one offer that fits what the person said in the learning check.

The offer is the first of the development issue's own suggestion
(``check_queries.suggested_offers``): it must meet the hard needs (no exam for B-FEAR,
free for B-MONEY, not online for B-ONLINE) and the softer ones rank it (short and in
work time for B-TIME, practical for B-THEORY, ...). The message never names the barrier
(PRODUCT §4.1; a company mailbox is often readable by IT or others): it gives the offer
and its facts only (how long, in work time, free, no exam). The choice of the offer
already fits the person.

People whose check says a lot is going on in their life (B-LIFE) never get it:
EVIDENCE.md says "never pressure". Nor do people who signed up for an offer in the last
``QUIET_DAYS`` days: they are on their way.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, literal, select

from ...activity.models import ActivityEvent, ActivityKind
from ...development.check_queries import my_factor_weights, suggested_offers
from ...development.models import LearningCheckFactor
from ...evidence import Factor
from ...offers.models import OfferFormat
from ...urls import absolute_url
from ..models import Category
from ..registry import NudgeType, PlanContext, RenderContext, register

# The barriers this nudge answers (the message itself does not name them).
BARRIERS = (
    Factor.no_time,
    Factor.fear,
    Factor.cost,
    Factor.dislikes_theory,
    Factor.digital_hurdles,
    Factor.online_only,
    Factor.short_term,
)
NEVER_PUSH = (Factor.life_situation,)
QUIET_DAYS = 30


def recipients(plan: PlanContext):
    org_id = plan.org.id
    person = plan.audience.c.user_id
    f = LearningCheckFactor
    has_barrier = exists().where(
        f.org_id == org_id, f.user_id == person, f.factor.in_([b.value for b in BARRIERS])
    )
    not_now = exists().where(
        f.org_id == org_id, f.user_id == person, f.factor.in_([b.value for b in NEVER_PUSH])
    )
    e = ActivityEvent
    signed_up = exists().where(
        e.org_id == org_id,
        e.user_id == person,
        e.kind == ActivityKind.offer_signed_up.value,
        e.created_at >= plan.period - timedelta(days=QUIET_DAYS),
    )
    return select(person.label("user_id"), literal(None).label("ref_id")).where(
        has_barrier, ~not_now, ~signed_up
    )


def _offer_values(offer) -> dict:
    minutes = max(int(offer.duration_minutes or 0), 0)
    return {
        "offer_title": offer.title,
        "offer_hours": minutes // 60,
        "offer_minutes": minutes % 60,
        "in_work_time": bool(offer.in_work_time),
        "cost_covered": bool(offer.cost_covered),
        "has_exam": bool(offer.has_exam),
        "offer_format": OfferFormat(offer.format).value,
    }


def context(render: RenderContext):
    org, user = render.org, render.user
    weights = my_factor_weights(org.id, user.id)  # strongest first; the person's own
    profile = frozenset(factor for factor, _weight in weights)
    if profile & set(NEVER_PUSH):
        return None
    barrier = next((factor for factor, _weight in weights if factor in BARRIERS), None)
    if barrier is None:
        return None  # the check was taken again without a barrier
    offers = suggested_offers(org.id, user.id, profile, limit=1)
    if not offers:
        return None  # nothing fits right now: better nothing than a poor match
    offer = offers[0]
    return {
        **_offer_values(offer),
        "url": absolute_url("offers.offer", org_slug=org.slug, offer_id=offer.id),
    }


def example(render: RenderContext):
    return {
        "offer_title": _l("Safe lifting, a short lesson on the shop floor"),
        "offer_hours": 1,
        "offer_minutes": 0,
        "in_work_time": True,
        "cost_covered": True,
        "has_exam": False,
        "offer_format": OfferFormat.on_the_job.value,
        "url": absolute_url("offers.index", org_slug=render.org.slug),
    }


register(
    NudgeType(
        key="small_step",
        label=_l("A small step that fits"),
        description=_l(
            "One learning offer that fits what someone said in the learning check: short "
            "for people with little time, no exam for people who find exams tense, free "
            "when money is a worry."
        ),
        factors=BARRIERS,
        category=Category.encouragement,
        audience_rule=_l(
            "People whose learning check shows something that holds them back, such as "
            "little time or fear of exams, and who did not sign up for an offer in the "
            "last 30 days. Never people who said a lot is going on in their life."
        ),
        recipients=recipients,
        context=context,
        conversions=(ActivityKind.offer_signed_up.value, ActivityKind.offer_interest.value),
        default_schedule=("cron", "0 10 5,20 * *"),
        private_rule=True,
        example=example,
    )
)
