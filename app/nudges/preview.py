"""The campaign preview (N2): how many people a campaign would reach now, and the real
message for a sample recipient.

The count runs the type's recipients query over the campaign's audience, minus people
who switched the category off, in one statement (and one more for the sample), exactly
as the planner would, whatever the number of people.

Privacy (PRODUCT §4): when who gets a nudge depends on private data (a ``private_rule``
type, or an audience chosen by learning-check answers), the admin sees only the size of
the audience, never how many of them the rule picks (comparing two audiences would tell
about one person). The message is always the admin's own (rendered as the admin, their
own data only) or, when there is none, the type's example, labelled as an example:
never another person's message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import get_locale
from sqlalchemy import Integer, cast, distinct, exists, func, select
from werkzeug.routing import BuildError

from ..accounts.models import User
from ..extensions import db
from ..mail import RenderedMail, render_mail
from ..orgs.models import Organisation
from ..outbox.models import OutboxMessage
from ..tenancy import org_context
from ..urls import absolute_url
from .models import CampaignChannel, NudgeCampaign, NudgeOptOut
from .planner import audience_query
from .registry import NudgeType, PlanContext, RenderContext, private_audience
from .schedule import BadSchedule, latest_period, trigger_for

EXAMPLE_LOOKBACK = timedelta(days=7)


@dataclass(frozen=True)
class Reach:
    reached: int | None  # None: not shown (a private rule)
    audience: int  # active members matching the campaign's teams, roles and factors
    private: bool  # who gets it depends on private data


@dataclass(frozen=True)
class SampleMessage:
    mail: RenderedMail
    example: bool  # rendered from the type's example variables, not a real person
    for_admin: bool  # rendered for the admin themselves (their own data)


@dataclass(frozen=True)
class Preview:
    reach: Reach
    message: SampleMessage | None


def _plan_context(org: Organisation, campaign: NudgeCampaign, nudge_type: NudgeType, now):
    """The same plan the scheduler would make for the latest period (or "now")."""
    period = since = None
    try:
        found = latest_period(trigger_for(campaign, org), now)
    except BadSchedule:
        found = None
    if found is not None:
        period, since = found.moment, found.previous
    period = period or now
    since = since or period - EXAMPLE_LOOKBACK
    return PlanContext(
        org=org,
        campaign=campaign,
        audience=audience_query(org, campaign, nudge_type),
        period=period,
        since=since,
        now=now,
    )


def _recipients(org, campaign, nudge_type, plan):
    """The type's recipients, minus opt-outs (and people without an address when the
    campaign sends e-mail only): a subquery (user_id, ref_id)."""
    recipients = nudge_type.recipients(plan).subquery("recipients")
    user_id = recipients.c.user_id
    opted_out = exists().where(
        NudgeOptOut.org_id == org.id,
        NudgeOptOut.user_id == user_id,
        NudgeOptOut.category == nudge_type.category,
    )
    query = select(user_id.label("user_id"), cast(recipients.c.ref_id, Integer).label("ref_id"))
    query = query.where(~opted_out)
    if campaign.channel == CampaignChannel.email:
        query = query.join(User, User.id == user_id).where(User.email.is_not(None))
    return query.subquery("reachable")


@dataclass(frozen=True)
class _Counts:
    audience: int
    reached: int
    includes_admin: bool
    admin_ref_id: int | None  # the object the admin's own nudge would be about


def _counts(plan: PlanContext, reachable, admin_id: int) -> _Counts:
    """One statement: the audience, the people reached, and whether the admin is one."""
    mine = reachable.c.user_id == admin_id
    row = (
        db.session.connection()
        .execute(
            select(
                select(func.count()).select_from(plan.audience).scalar_subquery(),
                select(func.count(distinct(reachable.c.user_id))).scalar_subquery(),
                exists().where(mine),
                select(reachable.c.ref_id)
                .where(mine)
                .order_by(reachable.c.ref_id)
                .limit(1)
                .scalar_subquery(),
            )
        )
        .one()
    )
    return _Counts(int(row[0] or 0), int(row[1] or 0), bool(row[2]), row[3])


def _links(org: Organisation) -> dict[str, str]:
    """The links delivery adds to every nudge; the preview's links go to the preferences
    page (a real unsubscribe link would be a personal token)."""
    for endpoint in ("nudges.preferences", "main.org_home"):
        try:
            url = absolute_url(endpoint, org_slug=org.slug)
        except BuildError:
            continue
        return {"preferences_url": url, "unsubscribe_url": url}
    return {"preferences_url": "", "unsubscribe_url": ""}


def _render(
    org: Organisation,
    campaign: NudgeCampaign,
    nudge_type: NudgeType,
    user: User,
    ref_id: int | None,
    now: datetime,
    example: bool,
) -> RenderedMail | None:
    locale = str(get_locale() or org.locale or "nl")
    row = OutboxMessage(
        key="preview",
        kind="nudge",
        org_id=org.id,
        user_id=user.id,
        campaign_id=campaign.id,
        nudge_type=nudge_type.key,
        channel="email",
        ref_id=ref_id,
        planned_at=now,
        convert_until=now + nudge_type.conversion_window,
        payload={},
    )
    render = RenderContext(org=org, user=user, row=row, now=now, locale=locale)
    if example:
        if nudge_type.example is None:
            return None
        context: dict[str, Any] | None = nudge_type.example(render)
    else:
        # Read as the recipient: their own data, nothing of anyone else.
        with org_context((org.id,), user.id):
            context = nudge_type.context(render)
    if context is None:
        return None
    context = {
        **context,
        "name": user.name,
        "org_name": org.name,
        "locale": locale,
        **_links(org),
    }
    return render_mail(nudge_type.template, locale, **context)


def campaign_preview(
    org: Organisation, campaign: NudgeCampaign, nudge_type: NudgeType, admin: User, now: datetime
) -> Preview:
    """How many people the campaign would reach now, and the message for a sample."""
    private = private_audience(campaign, nudge_type)
    # As the planner: the organisation only, no person (so no private row is read here,
    # and on PostgreSQL talks are counted only through the SECURITY DEFINER functions).
    with org_context((org.id,), None):
        plan = _plan_context(org, campaign, nudge_type, now)
        reachable = _recipients(org, campaign, nudge_type, plan)
        counts = _counts(plan, reachable, admin.id)
    # A private rule: only the audience's size. Two reach numbers for two audiences that
    # differ by one person would tell whether that person talked to an ambassador, has a
    # barrier or a goal, so no reach number is shown at all.
    reach = Reach(
        reached=None if private else counts.reached,
        audience=counts.audience,
        private=private,
    )
    # The message: the admin's own (their own data only), else the type's example. Never
    # another person's message: it could tell whether they learned, or name their team's
    # posts.
    own_ref = counts.admin_ref_id if counts.includes_admin else None
    mail = _render(org, campaign, nudge_type, admin, own_ref, now, example=False)
    if mail is not None:
        return Preview(reach=reach, message=SampleMessage(mail, example=False, for_admin=True))
    mail = _render(org, campaign, nudge_type, admin, None, now, example=True)
    message = SampleMessage(mail, example=True, for_admin=False) if mail else None
    return Preview(reach=reach, message=message)
