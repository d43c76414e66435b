"""When a campaign runs (N2, N3) and when a nudge e-mail may go out (N5).

A campaign's schedule is a crontab line or an interval, in the organisation's time zone.
A run stands for one *period*: the latest moment the schedule fired at or before now.
Planning keys rows on that moment, so running late plans the latest period once (a
missed run is caught up once, never twice) and running twice plans nothing new.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from ..timeutil import org_today, org_zone
from .models import CampaignStatus, NudgeCampaign, ScheduleKind

LOOKBACK = timedelta(days=35)
MIN_GAP = timedelta(hours=1)


class BadSchedule(ValueError):
    """The crontab line cannot be read, or fires more often than once an hour."""


def trigger_for(campaign: NudgeCampaign, org) -> BaseTrigger:
    zone = org_zone(org)
    if campaign.schedule_kind == ScheduleKind.interval:
        hours = campaign.interval_hours or 24
        anchor = campaign.started_at or campaign.created_at or datetime(2026, 1, 1, tzinfo=UTC)
        return IntervalTrigger(hours=hours, start_date=anchor, timezone=zone)
    return cron_trigger(campaign.cron or "", zone)


_DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _standard_days(field: str) -> str:
    """Crontab counts days from Sunday = 0 (or 7); APScheduler from Monday = 0. Names
    mean the same to both, so numbers become names ("1-5" -> "mon-fri")."""
    return re.sub(
        r"\d+",
        lambda m: _DAY_NAMES[int(m.group())] if len(m.group()) == 1 and int(m.group()) < 8 else "x",
        field,
    )


def cron_trigger(line: str, zone) -> CronTrigger:
    fields = line.split()
    if len(fields) != 5:
        raise BadSchedule("a crontab line has five parts: minute hour day month weekday")
    minute, hour, day, month, weekday = fields
    try:
        trigger = CronTrigger(
            minute=minute,
            hour=hour,
            day=day,
            month=month,
            day_of_week=_standard_days(weekday),
            timezone=zone,
        )
    except (ValueError, TypeError) as error:
        raise BadSchedule(str(error)) from error
    first = trigger.get_next_fire_time(None, datetime(2026, 1, 5, tzinfo=UTC))
    second = first and trigger.get_next_fire_time(first, first + timedelta(seconds=1))
    if first is None or second is None or second - first < MIN_GAP:
        raise BadSchedule("fires more often than once an hour")
    return trigger


@dataclass(frozen=True)
class Period:
    moment: datetime  # UTC; the latest fire time at or before now
    previous: datetime  # the fire time before it (or moment - 7 days)

    @property
    def token(self) -> str:
        return self.moment.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def latest_period(trigger: BaseTrigger, now: datetime) -> Period | None:
    """The latest fire time at or before ``now`` (within LOOKBACK) and the one before."""
    fire = trigger.get_next_fire_time(None, now - LOOKBACK)
    previous = latest = None
    while fire is not None and fire <= now:
        previous, latest = latest, fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    if latest is None:
        return None
    latest = latest.astimezone(UTC)
    return Period(latest, (previous or latest - timedelta(days=7)).astimezone(UTC))


def current_period(campaign: NudgeCampaign, org, now: datetime) -> Period | None:
    """The period to plan now, or None (not active, outside its window, not due yet)."""
    if campaign.status != CampaignStatus.active or campaign.started_at is None:
        return None
    today = org_today(org, now)
    if campaign.starts_on and today < campaign.starts_on:
        return None
    if campaign.ends_on and today > campaign.ends_on:
        return None
    period = latest_period(trigger_for(campaign, org), now)
    # A weekly campaign started on Wednesday waits for its first Monday.
    if period is None or period.moment < campaign.started_at.replace(microsecond=0):
        return None
    return period


def period_seconds(campaign: NudgeCampaign, org) -> int:
    """The time between two runs (misfire grace time of the scheduler's job)."""
    if campaign.schedule_kind == ScheduleKind.interval:
        return int((campaign.interval_hours or 24) * 3600)
    trigger = cron_trigger(campaign.cron or "", org_zone(org))
    first = trigger.get_next_fire_time(None, datetime(2026, 1, 5, tzinfo=UTC))
    second = trigger.get_next_fire_time(first, first + timedelta(seconds=1))
    return int((second - first).total_seconds())


# --- Quiet hours and days (N5) -------------------------------------------------------


def quiet_day_numbers(org) -> set[int]:
    return {int(d) for d in (org.quiet_days or "").split(",") if d.strip().isdigit()}


def is_quiet(org, moment: datetime) -> bool:
    """True when no nudge e-mail may go out at ``moment`` (organisation's time zone)."""
    local = moment.astimezone(org_zone(org))
    if local.isoweekday() in quiet_day_numbers(org):
        return True
    start, end, hour = org.quiet_from, org.quiet_until, local.hour
    if start == end:
        return False
    if start > end:  # e.g. 20:00 until 08:00, over midnight
        return hour >= start or hour < end
    return start <= hour < end


def next_send_time(org, moment: datetime) -> datetime:
    """``moment`` itself when e-mail may go out then, else the window's next opening
    (a whole hour, local time; correct over daylight-saving changes)."""
    if not is_quiet(org, moment):
        return moment
    candidate = moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    for _ in range(24 * 8):
        candidate += timedelta(hours=1)
        if not is_quiet(org, candidate):
            return candidate
    return moment  # every hour of the week is quiet: settings say so, send anyway
