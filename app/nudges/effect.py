"""Does a campaign work? (N6) Treated versus holdout, in two SQL statements.

People in a campaign's holdout group (a stable hash of campaign and person, see
``holdout.py``) get nothing. A person *converts* when they have an ``ActivityEvent`` of
one of the type's conversion kinds with ``planned_at <= created_at < convert_until`` of
any of their rows of the campaign, in both groups alike, so the difference in conversion
rates is what the nudge did. The numbers come from two statements whatever the number of
people: one per-group aggregate over per-person flags, one row of totals.

``outbox_messages`` is a system table without row-level security: every read filters on
``org_id`` and ``campaign_id`` explicitly. Activity events, notifications and opt-outs
are read in the caller's organisation context (the admin's page).

Privacy (PRODUCT §4.5): every count shown is over at least ``org.min_group_size``
people, else "too few to show" (``app.aggregates.suppress_counts``, with complementary
suppression where a total would give a hidden cell away). A group's rate is shown only
when both its converted and not-converted counts reach k; the difference only when both
rates are shown. When who is reached depends on private data (``private_audience``: a
private rule or a learning-check audience) no count of people is shown at all, only the
rates and the verdict.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from flask_babel import format_date, format_decimal, format_percent
from flask_babel import gettext as _
from sqlalchemy import and_, case, distinct, func, literal, select, union_all

from ..activity.models import ActivityEvent, ActivityKind
from ..aggregates import Count, suppress_counts
from ..extensions import db
from ..notifications.models import Notification
from ..outbox.models import OutboxMessage, OutboxStatus
from .models import NudgeCampaign, NudgeOptOut
from .planner import channels_of
from .private_queries import talk_requests
from .registry import NudgeType, get_type, private_audience
from .statistics import Interval, difference_interval
from .words import what_counts

# Below this many people in either group the verdict is "too early to tell": the
# interval is then too wide to say anything useful and the normal approximations behind
# it get shaky.
MIN_PEOPLE_PER_GROUP = 30

# Counted from the talks themselves (private_queries.talk_requests), not from events.
TALK_REQUESTED = ActivityKind.ambassador_talk_booked.value
TREATED = "treated"
HOLDOUT = "holdout"

# --- The report -----------------------------------------------------------------------


@dataclass(frozen=True)
class GroupResult:
    """One group as shown: every number None when it must not be shown."""

    key: str  # TREATED or HOLDOUT
    people: int | None
    converted: int | None
    not_converted: int | None
    rate: float | None


@dataclass(frozen=True)
class EffectReport:
    """What the admin sees for one campaign. Holds only numbers that may be shown."""

    campaign_id: int
    holdout_percent: int
    min_group_size: int
    channels: tuple[str, ...]
    reach: int | None  # distinct people planned, both groups
    emails_sent: int | None
    in_app_opened: int | None
    skipped: int | None  # rows not sent because they were no longer relevant
    opt_outs: int | None  # people of the campaign who switched the category off since it started
    treated: GroupResult
    holdout: GroupResult
    difference: Interval | None  # treated − holdout, 95 % interval
    # "no_holdout", "too_early", "too_small", "helps", "harms" or "unclear"
    verdict: str
    counting_until: datetime | None  # a conversion window still open until then
    started: bool = True  # False: never started, nothing to report yet
    conversions: tuple[str, ...] = ()  # the type's conversion kinds
    conversion_days: int = 14  # the type's conversion window in days

    @property
    def groups(self) -> tuple[GroupResult, GroupResult]:
        return (self.treated, self.holdout)

    # Words and formatted numbers for the template (locale of the request).

    @staticmethod
    def number(value: int) -> str:
        return format_decimal(value)

    @staticmethod
    def percent(value: float) -> str:
        return format_percent(value)

    @property
    def min_people(self) -> int:
        """Each group needs this many people before there is a verdict."""
        return MIN_PEOPLE_PER_GROUP

    def what_counts(self) -> str | None:
        return what_counts(self.conversions, self.conversion_days)

    def holdout_explanation(self) -> str:
        return _(
            "%(percent)s of people get nothing, so we can compare.",
            percent=format_percent(self.holdout_percent / 100),
        )

    def verdict_title(self) -> str:
        per_100 = _per_100(self.difference.estimate) if self.difference else 0
        titles = {
            "no_holdout": _("We cannot tell if this nudge works."),
            "too_early": _("Too early to tell."),
            "too_small": _("The groups are too small to show."),
            "helps": _(
                "The nudge helps: about %(num)s more out of every 100 people did what it asks.",
                num=format_decimal(abs(per_100)),
            ),
            "harms": _(
                "People who got the nudge did less: about %(num)s fewer out of every 100 "
                "people did what it asks.",
                num=format_decimal(abs(per_100)),
            ),
            "unclear": _("No clear difference yet."),
        }
        return titles[self.verdict]

    def verdict_detail(self) -> str:
        details = {
            "no_holdout": _(
                "This campaign has no group that gets nothing, so there is nothing to compare with."
            ),
            "too_early": _(
                "We can say more when each group has at least %(num)s people.",
                num=format_decimal(MIN_PEOPLE_PER_GROUP),
            ),
            "too_small": _(
                "Too few people did what the nudge asks, or too few did not. Showing the "
                "numbers could give away who."
            ),
            "helps": _("This is very unlikely to be chance."),
            "harms": _("This is very unlikely to be chance. Think about pausing the campaign."),
            "unclear": _(
                "The difference could be chance. Look again when more people got the nudge."
            ),
        }
        return details[self.verdict]

    def difference_words(self) -> str | None:
        """'about 20 more out of 100' (the estimate), or None when not shown."""
        if self.difference is None:
            return None
        value = _per_100(self.difference.estimate)
        if value > 0:
            return _("about %(num)s more out of 100", num=format_decimal(value))
        if value < 0:
            return _("about %(num)s fewer out of 100", num=format_decimal(-value))
        return _("about the same")

    def interval_words(self) -> str | None:
        """'between 11 and 29 more out of 100' (the 95 % interval), or None."""
        if self.difference is None:
            return None
        low, high = _per_100(self.difference.low), _per_100(self.difference.high)
        if low >= 0:
            return _(
                "between %(low)s and %(high)s more out of 100",
                low=format_decimal(low),
                high=format_decimal(high),
            )
        if high <= 0:
            return _(
                "between %(low)s and %(high)s fewer out of 100",
                low=format_decimal(-high),
                high=format_decimal(-low),
            )
        return _(
            "between %(fewer)s fewer and %(more)s more out of 100",
            fewer=format_decimal(-low),
            more=format_decimal(high),
        )

    def counting_note(self) -> str | None:
        if self.counting_until is None:
            return None
        return _(
            "Still counting: people have until %(date)s to do what the nudge asks, so these "
            "numbers can change.",
            date=format_date(self.counting_until, "d MMMM y"),
        )


def _per_100(value: float) -> int:
    """A share as a whole number out of 100, rounded half away from zero."""
    scaled = abs(value) * 100
    whole = math.floor(scaled + 0.5)
    return int(whole if value >= 0 else -whole)


def effect_report(campaign: NudgeCampaign, org, now: datetime) -> EffectReport:
    """The effect report of ``campaign`` (of ``org``) as it stands at ``now``. Runs two
    SQL statements whatever the number of people, in the caller's organisation context."""
    nudge_type = get_type(campaign.nudge_type)
    k = org.min_group_size
    groups_row, totals = _counts(campaign, org, nudge_type, now)
    raw = {key: groups_row.get(key, (0, 0)) for key in (TREATED, HOLDOUT)}
    (n_t, c_t), (n_h, c_h) = raw[TREATED], raw[HOLDOUT]

    # Who got a private-rule nudge depends on private data: no counts of people at all
    # (two campaigns whose audiences differ by one person would tell about that person);
    # the rates and the verdict stay, as they need both groups at least k.
    hide_reach = private_audience(campaign, nudge_type)

    people = suppress_counts(
        [Count(TREATED, n_t, n_t), Count(HOLDOUT, n_h, n_h)],
        Count("reach", totals.reach, totals.reach),
        k,
        keys=(TREATED, HOLDOUT),
    )
    activity = suppress_counts(
        [
            Count("sent", totals.sent, totals.sent_people),
            Count("opened", totals.opened, totals.opened_people),
            Count("skipped", totals.skipped, totals.skipped_people),
            Count("opt_outs", totals.opt_outs, totals.opt_outs),
        ],
        None,
        k,
    )

    def group(key: str, n: int, c: int) -> GroupResult:
        shown_people = None if hide_reach else people.get(key)
        cells = suppress_counts(
            [Count("converted", c, c), Count("not_converted", n - c, n - c)],
            Count("people", n, n),
            k,
        )
        converted, not_converted = cells.get("converted"), cells.get("not_converted")
        if shown_people is None:
            # Their sum, or one of them next to "fewer than k", would give the hidden
            # number of people away (or nearly).
            converted = not_converted = None
        rate = c / n if min(c, n - c) >= k else None
        return GroupResult(key, shown_people, converted, not_converted, rate)

    treated, holdout = group(TREATED, n_t, c_t), group(HOLDOUT, n_h, c_h)
    difference = None
    if treated.rate is not None and holdout.rate is not None:
        difference = difference_interval(c_t, n_t, c_h, n_h)

    if n_h == 0 and campaign.holdout_percent == 0:
        verdict = "no_holdout"
    elif min(n_t, n_h) < MIN_PEOPLE_PER_GROUP:
        verdict = "too_early"
    elif difference is None:
        verdict = "too_small"
    elif difference.low > 0:
        verdict = "helps"
    elif difference.high < 0:
        verdict = "harms"
    else:
        verdict = "unclear"

    counting_until = totals.last_window if totals.last_window and totals.last_window > now else None
    return EffectReport(
        campaign_id=campaign.id,
        holdout_percent=campaign.holdout_percent,
        min_group_size=k,
        channels=tuple(channels_of(campaign)),
        reach=None if hide_reach else people.total,
        emails_sent=None if hide_reach else activity.get("sent"),
        in_app_opened=None if hide_reach else activity.get("opened"),
        skipped=None if hide_reach else activity.get("skipped"),
        opt_outs=activity.get("opt_outs"),
        treated=treated,
        holdout=holdout,
        difference=difference,
        verdict=verdict,
        counting_until=counting_until,
        started=campaign.started_at is not None,
        conversions=tuple(nudge_type.conversions) if nudge_type else (),
        conversion_days=nudge_type.conversion_window.days if nudge_type else 14,
    )


def _campaign_rows(campaign: NudgeCampaign, org):
    o = OutboxMessage.__table__
    return o, and_(
        o.c.org_id == org.id,
        o.c.campaign_id == campaign.id,
        o.c.nudge_type.is_not(None),
    )


def _conversion_events(org, nudge_type: NudgeType | None):
    """(user_id, created_at) of every conversion of the type's kinds in ``org``: activity
    events, and for a talk with an ambassador the moments people asked for one (read
    through ``private_queries``: never stored as an activity row per person)."""
    kinds = list(nudge_type.conversions) if nudge_type else []
    e = ActivityEvent
    activity = select(e.user_id.label("user_id"), e.created_at.label("created_at")).where(
        e.org_id == org.id,
        e.user_id.is_not(None),
        e.kind.in_([k for k in kinds if k != TALK_REQUESTED]),
    )
    if TALK_REQUESTED not in kinds:
        return activity.subquery("conversions")
    talks = talk_requests(org.id)
    return union_all(activity, select(talks.c.user_id, talks.c.created_at)).subquery("conversions")


def _counts(campaign: NudgeCampaign, org, nudge_type: NudgeType | None, now: datetime):
    """Two statements: (people, converted) per group, and one row of totals."""
    o, of_campaign = _campaign_rows(campaign, org)
    events = _conversion_events(org, nudge_type)
    in_window = and_(events.c.created_at >= o.c.planned_at, events.c.created_at < o.c.convert_until)
    # Joined once (not a subquery per row): the talk requests come from a function.
    per_row = (
        select(
            o.c.user_id.label("user_id"),
            case((o.c.holdout, 0), else_=1).label("treated"),
            func.max(case((in_window, 1), else_=0)).label("converted"),
        )
        .select_from(o.outerjoin(events, events.c.user_id == o.c.user_id))
        .where(of_campaign)
        .group_by(o.c.id, o.c.user_id, o.c.holdout)
        .subquery("per_row")
    )
    # A person is in the group of their rows (the hash is stable; should the holdout
    # share change mid-campaign, anyone who was ever sent a nudge counts as treated) and
    # has converted when any of their rows' windows holds a conversion.
    per_person = (
        select(
            func.max(per_row.c.treated).label("treated"),
            func.max(per_row.c.converted).label("converted"),
        )
        .group_by(per_row.c.user_id)
        .subquery("per_person")
    )
    group_rows = db.session.execute(
        select(
            per_person.c.treated,
            func.count().label("people"),
            func.coalesce(func.sum(per_person.c.converted), 0).label("converted"),
        ).group_by(per_person.c.treated),
        # On SQLite the talk requests come from the talks table: this statement counts
        # them, it never lists them (on PostgreSQL the owner-run function reads them).
        execution_options={"skip_person_filter": True},
    ).all()
    groups = {
        (TREATED if row.treated else HOLDOUT): (int(row.people), int(row.converted))
        for row in group_rows
    }

    n = Notification
    sent = and_(o.c.channel == "email", o.c.status == OutboxStatus.sent.value)
    opened = and_(o.c.channel == "in_app", n.read_at.is_not(None))
    skipped = o.c.status == OutboxStatus.skipped.value
    campaign_people = select(o.c.user_id).where(of_campaign).scalar_subquery()
    if nudge_type is not None and campaign.started_at is not None:
        opt_outs = (
            select(func.count(distinct(NudgeOptOut.user_id)))
            .where(
                NudgeOptOut.org_id == org.id,
                NudgeOptOut.category == nudge_type.category,
                NudgeOptOut.created_at >= campaign.started_at,
                NudgeOptOut.user_id.in_(campaign_people),
            )
            .scalar_subquery()
        )
    else:
        opt_outs = literal(0)
    totals = db.session.execute(
        select(
            func.count(distinct(o.c.user_id)).label("reach"),
            func.count(case((sent, 1))).label("sent"),
            func.count(distinct(case((sent, o.c.user_id)))).label("sent_people"),
            func.count(case((opened, 1))).label("opened"),
            func.count(distinct(case((opened, o.c.user_id)))).label("opened_people"),
            func.count(case((skipped, 1))).label("skipped"),
            func.count(distinct(case((skipped, o.c.user_id)))).label("skipped_people"),
            func.max(o.c.convert_until).label("last_window"),
            opt_outs.label("opt_outs"),
        )
        .select_from(o)
        .outerjoin(
            n,
            and_(
                n.org_id == org.id,
                n.user_id == o.c.user_id,
                n.dedupe_key == o.c.key,
            ),
        )
        .where(of_campaign)
    ).one()
    return groups, totals
