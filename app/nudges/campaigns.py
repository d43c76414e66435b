"""Campaign services (N2) and the organisation's respect settings (N5).

An admin makes a campaign (a nudge type, an audience, a schedule, a channel, a holdout
share and an active window), starts, pauses and stops it. Stopped is for good: the
campaign's results stay. Every change is in the audit log. Services flush; the route
commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from babel.dates import get_day_names, get_timezone_location
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, text

from ..audit.services import record_audit
from ..development.checks import FACTOR_NAMES, factors_the_check_can_give
from ..evidence import Factor
from ..extensions import db
from ..orgs.models import Organisation, Role
from ..orgs.queries import team_choices
from ..timeutil import org_today, org_zone
from .models import CampaignChannel, CampaignStatus, NudgeCampaign, ScheduleKind
from .registry import NudgeType, get_type
from .schedule import BadSchedule, cron_trigger, trigger_for

NAME_MAX = 120
CRON_MAX = 100
INTERVAL_MIN_HOURS = 1
INTERVAL_MAX_HOURS = 24 * 28
HOLDOUT_MAX = 50
EMAIL_CAP_MAX = 7
# A second "create" with the same name by the same admin this soon is the same click twice.
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=10)
LOCK_CREATE = 7_303  # pg advisory lock namespace: creating campaigns in one organisation
AUDIENCE_ROLES = (Role.employee, Role.ambassador, Role.manager, Role.admin)

STATUS_LABELS = {
    CampaignStatus.draft: _l("Not started yet"),
    CampaignStatus.active: _l("Running"),
    CampaignStatus.paused: _l("Paused"),
    CampaignStatus.stopped: _l("Stopped"),
}
CHANNEL_LABELS = {
    CampaignChannel.email: _l("E-mail"),
    CampaignChannel.in_app: _l("In the app"),
    CampaignChannel.both: _l("E-mail and in the app"),
}


def status_label(status: CampaignStatus | str) -> str:
    return str(STATUS_LABELS.get(CampaignStatus(status), status))


def channel_label(channel: CampaignChannel | str) -> str:
    return str(CHANNEL_LABELS.get(CampaignChannel(channel), channel))


def factor_label(value: str) -> str:
    """The plain name of a learning-check factor id ("B-TIME" -> "Little time")."""
    try:
        return str(FACTOR_NAMES.get(Factor(value), value))
    except ValueError:
        return value


def audience_factor_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(barriers, drivers): the factors a learning check can give, as (id, plain name)."""
    factors = factors_the_check_can_give()
    barriers = [(f.value, str(FACTOR_NAMES.get(f, f.value))) for f in factors if f.is_barrier]
    drivers = [(f.value, str(FACTOR_NAMES.get(f, f.value))) for f in factors if not f.is_barrier]
    return barriers, drivers


# The organisation's teams as (id, name), by name (the one list the forms use).
org_teams = team_choices


# The first campaign to suggest: it helps people find someone to talk to about learning.
RECOMMENDED_FIRST = "meet_ambassador"


def type_groups(types: list[NudgeType]) -> list[tuple[str, list[NudgeType]]]:
    """The kinds of nudge to choose from, grouped: for employees (the recommended first
    campaign first), then for managers; by label within a group. Empty groups left out."""

    def order(nudge_type: NudgeType):
        return (nudge_type.key != RECOMMENDED_FIRST, str(nudge_type.label).lower())

    employees = sorted((t for t in types if t.for_role != "managers"), key=order)
    managers = sorted((t for t in types if t.for_role == "managers"), key=order)
    groups = [(_("For employees"), employees), (_("For managers"), managers)]
    return [(title, members) for title, members in groups if members]


def running_campaigns_by_type(org_id: int) -> dict[str, list[str]]:
    """Kind of nudge -> names of its running campaigns (one query)."""
    running: dict[str, list[str]] = {}
    for kind, name in db.session.execute(
        select(NudgeCampaign.nudge_type, NudgeCampaign.name)
        .where(NudgeCampaign.org_id == org_id, NudgeCampaign.status == CampaignStatus.active)
        .order_by(func.lower(NudgeCampaign.name), NudgeCampaign.id)
    ):
        running.setdefault(kind, []).append(name)
    return running


# --- Values and their checks ---------------------------------------------------------


@dataclass
class CampaignValues:
    """What the campaign form gives, before its checks."""

    nudge_type: str
    name: str
    team_ids: list[int] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    factors: list[str] = field(default_factory=list)
    schedule_kind: str = ScheduleKind.cron.value
    interval_hours: int | None = None
    cron: str | None = None
    channel: str = CampaignChannel.both.value
    holdout_percent: int = 10
    starts_on: date | None = None
    ends_on: date | None = None


def default_values(nudge_type: NudgeType) -> CampaignValues:
    """A new campaign of this type: its default schedule, both channels, 10 % holdout."""
    kind, value = nudge_type.default_schedule
    values = CampaignValues(nudge_type=nudge_type.key, name=str(nudge_type.label))
    if kind == ScheduleKind.interval.value:
        values.schedule_kind, values.interval_hours = ScheduleKind.interval.value, int(value)
    else:
        values.schedule_kind, values.cron = ScheduleKind.cron.value, str(value)
    return values


def values_of(campaign: NudgeCampaign) -> CampaignValues:
    return CampaignValues(
        nudge_type=campaign.nudge_type,
        name=campaign.name,
        team_ids=[int(t) for t in campaign.team_ids or []],
        roles=list(campaign.roles or []),
        factors=list(campaign.factors or []),
        schedule_kind=str(campaign.schedule_kind),
        interval_hours=campaign.interval_hours,
        cron=campaign.cron,
        channel=str(campaign.channel),
        holdout_percent=campaign.holdout_percent,
        starts_on=campaign.starts_on,
        ends_on=campaign.ends_on,
    )


def schedule_problem(org: Organisation, cron: str) -> str | None:
    """A plain message when the crontab line cannot be used, else None."""
    try:
        cron_trigger(cron, org_zone(org))
    except BadSchedule as problem:
        if "more often" in str(problem):
            return _("A campaign may run at most once an hour. Choose fewer moments.")
        return _(
            "This crontab line does not work. Write five parts: minute, hour, day of the "
            "month, month and day of the week. For example: 0 9 * * 1 (Mondays at 9:00)."
        )
    return None


def check_values(org: Organisation, values: CampaignValues) -> dict[str, str]:
    """Field name -> message for everything the form alone cannot check; empty when fine.

    Teams must be teams of this organisation (an id from elsewhere is refused, never
    silently dropped), roles and factors must be known, the schedule must work and the
    window must not end before it starts.
    """
    problems: dict[str, str] = {}
    if get_type(values.nudge_type) is None:
        problems["nudge_type"] = _("Choose a kind of nudge from the list.")
    if not values.name.strip():
        problems["name"] = _("Give the campaign a name.")
    ours = {team_id for team_id, _name in org_teams(org.id)}
    if set(values.team_ids) - ours:
        problems["team_ids"] = _("Choose teams from the list.")
    if set(values.roles) - {r.value for r in AUDIENCE_ROLES}:
        problems["roles"] = _("Choose roles from the list.")
    if set(values.factors) - {f.value for f in factors_the_check_can_give()}:
        problems["factors"] = _("Choose from the list.")
    if values.schedule_kind == ScheduleKind.interval.value:
        hours = values.interval_hours
        if hours is None or not INTERVAL_MIN_HOURS <= hours <= INTERVAL_MAX_HOURS:
            problems["interval_hours"] = _(
                "Choose a number of hours from %(low)d to %(high)d.",
                low=INTERVAL_MIN_HOURS,
                high=INTERVAL_MAX_HOURS,
            )
    elif values.schedule_kind == ScheduleKind.cron.value:
        line = " ".join((values.cron or "").split())
        if not line:
            problems["cron"] = _("Write a crontab line, for example 0 9 * * 1.")
        else:
            message = schedule_problem(org, line)
            if message:
                problems["cron"] = message
    else:
        problems["schedule_kind"] = _("Choose when the campaign runs.")
    if values.channel not in {c.value for c in CampaignChannel}:
        problems["channel"] = _("Choose how people get the nudge.")
    if not 0 <= values.holdout_percent <= HOLDOUT_MAX:
        problems["holdout_percent"] = _("Choose a number from 0 to 50.")
    if values.starts_on and values.ends_on and values.ends_on < values.starts_on:
        problems["ends_on"] = _("The end date is before the start date.")
    return problems


def _apply(campaign: NudgeCampaign, values: CampaignValues) -> None:
    campaign.name = " ".join(values.name.split())[:NAME_MAX]
    campaign.team_ids = sorted(set(values.team_ids))
    campaign.roles = sorted(set(values.roles))
    campaign.factors = sorted(set(values.factors))
    campaign.schedule_kind = ScheduleKind(values.schedule_kind)
    if campaign.schedule_kind == ScheduleKind.interval:
        campaign.interval_hours, campaign.cron = values.interval_hours, None
    else:
        campaign.interval_hours, campaign.cron = None, " ".join((values.cron or "").split())
    campaign.channel = CampaignChannel(values.channel)
    campaign.holdout_percent = values.holdout_percent
    campaign.starts_on, campaign.ends_on = values.starts_on, values.ends_on


# --- Create, change, start, pause, stop ------------------------------------------------


def _lock_creating(org_id: int) -> None:
    """On PostgreSQL, one campaign creation at a time per organisation (so a double click
    finds the first one); SQLite runs one writer at a time anyway."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text("SELECT pg_advisory_xact_lock(:ns, :id)"), {"ns": LOCK_CREATE, "id": org_id}
        )


def create_campaign(
    org: Organisation, actor_id: int, values: CampaignValues, now: datetime
) -> tuple[NudgeCampaign, bool]:
    """A new draft campaign, or the one the same admin made with the same name and type a
    moment ago (the same form sent twice): (campaign, created). Values must be checked."""
    _lock_creating(org.id)
    name = " ".join(values.name.split())[:NAME_MAX]
    earlier = db.session.scalars(
        select(NudgeCampaign)
        .where(
            NudgeCampaign.org_id == org.id,
            NudgeCampaign.created_by_id == actor_id,
            NudgeCampaign.name == name,
            NudgeCampaign.nudge_type == values.nudge_type,
            NudgeCampaign.created_at > now - DOUBLE_SUBMIT_WINDOW,
        )
        .order_by(NudgeCampaign.id)
        .limit(1)
    ).first()
    if earlier is not None:
        return earlier, False
    campaign = NudgeCampaign(
        org_id=org.id,
        nudge_type=values.nudge_type,
        status=CampaignStatus.draft,
        created_by_id=actor_id,
        created_at=now,
        updated_at=now,
    )
    _apply(campaign, values)
    db.session.add(campaign)
    db.session.flush()
    record_audit(org.id, actor_id, "nudge_campaign.created", campaign)
    return campaign, True


def update_campaign(
    campaign: NudgeCampaign, actor_id: int, values: CampaignValues, now: datetime
) -> None:
    """Change a campaign that is not stopped (its kind of nudge stays). Values must be checked."""
    if campaign.status == CampaignStatus.stopped:
        raise ValueError("a stopped campaign cannot change")
    if campaign.started_at is not None:
        # Once started, who gets it and the holdout stay: the results compare the same
        # people from start to end, and a widened audience cannot unhide a count.
        values = replace(
            values,
            team_ids=list(campaign.team_ids or []),
            roles=list(campaign.roles or []),
            factors=list(campaign.factors or []),
            holdout_percent=campaign.holdout_percent,
        )
    _apply(campaign, values)
    campaign.updated_at = now
    record_audit(campaign.org_id, actor_id, "nudge_campaign.changed", campaign)


# Which status each action may start from, and where it leads.
TRANSITIONS = {
    "start": ({CampaignStatus.draft, CampaignStatus.paused}, CampaignStatus.active),
    "pause": ({CampaignStatus.active}, CampaignStatus.paused),
    "stop": (
        {CampaignStatus.draft, CampaignStatus.active, CampaignStatus.paused},
        CampaignStatus.stopped,
    ),
}


def can(campaign: NudgeCampaign, action: str) -> bool:
    allowed_from, _target = TRANSITIONS[action]
    return campaign.status in allowed_from


def change_status(campaign: NudgeCampaign, action: str, actor_id: int, now: datetime) -> bool:
    """Start, pause or stop; False (and nothing changes) when the action does not fit the
    campaign's status, e.g. starting a stopped campaign. The first start sets
    ``started_at`` (the schedule counts from it); stopping sets ``stopped_at``."""
    if not can(campaign, action):
        return False
    _allowed, target = TRANSITIONS[action]
    campaign.status = target
    if action == "start" and campaign.started_at is None:
        campaign.started_at = now
    if action == "stop":
        campaign.stopped_at = now
    campaign.updated_at = now
    record_audit(campaign.org_id, actor_id, f"nudge_campaign.{target_action(action)}", campaign)
    return True


def target_action(action: str) -> str:
    return {"start": "started", "pause": "paused", "stop": "stopped"}[action]


# --- Reading: lists and words ---------------------------------------------------------


def campaigns_of(org_id: int) -> list[NudgeCampaign]:
    """Every campaign of the organisation: running first, then by name (one query)."""
    order = {
        CampaignStatus.active.value: 0,
        CampaignStatus.paused.value: 1,
        CampaignStatus.draft.value: 2,
        CampaignStatus.stopped.value: 3,
    }
    rows = db.session.scalars(
        select(NudgeCampaign)
        .where(NudgeCampaign.org_id == org_id)
        .order_by(func.lower(NudgeCampaign.name), NudgeCampaign.id)
    ).all()
    return sorted(rows, key=lambda c: order.get(str(c.status), 9))


def next_run(campaign: NudgeCampaign, org: Organisation, now: datetime) -> datetime | None:
    """When the scheduler plans this campaign next (UTC), or None: not running, its
    window is over, or the schedule cannot be read."""
    if campaign.status != CampaignStatus.active:
        return None
    today = org_today(org, now)
    if campaign.ends_on and today > campaign.ends_on:
        return None
    after = now
    if campaign.starts_on and today < campaign.starts_on:
        after = datetime.combine(campaign.starts_on, time(0), org_zone(org)).astimezone(UTC)
    try:
        fire = trigger_for(campaign, org).get_next_fire_time(None, after)
    except BadSchedule:
        return None
    if fire is None:
        return None
    if campaign.ends_on and fire.astimezone(org_zone(org)).date() > campaign.ends_on:
        return None
    return fire.astimezone(UTC)


_CRON_DAYS = {"sun": 6, "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5}
WORKDAYS = frozenset(range(5))  # Monday to Friday, 0 = Monday


def _number(value: str, low: int, high: int) -> int | None:
    """A plain whole number in [low, high] from a crontab part, else None."""
    return int(value) if value.isdigit() and low <= int(value) <= high else None


def _day_index(value: str) -> int | None:
    """Crontab weekday (0 or 7 = Sunday, or a name) -> 0 = Monday ... 6 = Sunday."""
    value = value.strip().lower()
    if value.isdigit():
        return (int(value) - 1) % 7 if int(value) <= 7 else None
    return _CRON_DAYS.get(value[:3]) if len(value) >= 3 else None


def _weekday_set(weekday: str) -> set[int] | None:
    """The days of a crontab weekday part ("1-5", "mon,wed", "*"), 0 = Monday; None when
    it cannot be read."""
    if weekday == "*":
        return set(range(7))
    days: set[int] = set()
    for part in weekday.split(","):
        first, dash, last = part.partition("-")
        a = _day_index(first)
        b = _day_index(last) if dash else a
        if a is None or b is None:
            return None
        if dash and last.strip().isdigit() and int(last) == 7:
            b = 6  # "1-7": Monday to Sunday
        if b < a:
            return None
        days.update(range(a, b + 1))
    return days


def _day_names() -> list[str]:
    """Monday ... Sunday in the reader's language."""
    names = get_day_names("wide", locale=str(get_locale() or "nl"))
    return [names[index] for index in range(7)]


def join_words(words: list[str]) -> str:
    """ "a", "a and b", "a, b and c" in the reader's language."""
    if len(words) == 1:
        return words[0]
    return _("%(first)s and %(last)s", first=", ".join(words[:-1]), last=words[-1])


def ordinal(number: int) -> str:
    """A day of the month as an ordinal: "15th" (English), "15e" (Dutch)."""
    if str(get_locale() or "nl").startswith("en"):
        if 10 <= number % 100 <= 20:
            suffix = "th"
        else:
            suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
        return f"{number}{suffix}"
    return f"{number}e"


def _weekdays_in_words(weekday: str, moment: str) -> str | None:
    days = _weekday_set(weekday)
    if not days:
        return None
    names = _day_names()
    ordered = sorted(days)
    if len(days) == 7:
        return _("Every day at %(time)s", time=moment)
    if days == WORKDAYS:
        return _("Every weekday at %(time)s", time=moment)
    if len(days) == 1:
        return _("Every %(day)s at %(time)s", day=names[ordered[0]], time=moment)
    if len(days) >= 3 and ordered[-1] - ordered[0] == len(days) - 1:
        return _(
            "From %(first)s to %(last)s at %(time)s",
            first=names[ordered[0]],
            last=names[ordered[-1]],
            time=moment,
        )
    return _("On %(days)s at %(time)s", days=join_words([names[d] for d in ordered]), time=moment)


def _month_days_in_words(day: str, moment: str) -> str | None:
    numbers = [_number(part, 1, 31) for part in day.split(",")]
    if not numbers or any(n is None for n in numbers):
        return None
    days = join_words([ordinal(n) for n in sorted(set(numbers))])
    return _("Every month on the %(days)s at %(time)s", days=days, time=moment)


def interval_in_words(hours: int) -> str:
    """168 -> "Every week", 24 -> "Every day", 48 -> "Every 2 days", 5 -> "Every 5 hours"."""
    if hours % 168 == 0:
        weeks = hours // 168
        return _("Every week") if weeks == 1 else _("Every %(num)d weeks", num=weeks)
    if hours % 24 == 0:
        days = hours // 24
        return _("Every day") if days == 1 else _("Every %(num)d days", num=days)
    return ngettext("Every hour", "Every %(num)d hours", hours)


def schedule_in_words(campaign: NudgeCampaign) -> str:
    """ "Every Monday at 9:00", "Every month on the 15th at 9:00", "Every week"; a crontab
    line that does not fit into words as it is."""
    if campaign.schedule_kind == ScheduleKind.interval:
        return interval_in_words(campaign.interval_hours or 24)
    return cron_in_words(campaign.cron or "")


def cron_in_words(line: str) -> str:
    """A crontab line in words, or (when it does not fit into words) as it is."""
    return cron_words(line) or _("At the moments of the crontab line %(line)s", line=line)


def cron_words(line: str) -> str | None:
    """A crontab line in words, or None when it does not fit into words."""
    fields = line.split()
    if len(fields) != 5:
        return None
    minute, hour, day, month, weekday = fields
    m, h = _number(minute, 0, 59), _number(hour, 0, 23)
    if m is None or h is None or month != "*":
        return None
    moment = f"{h}:{m:02d}"
    if day == "*":
        return _weekdays_in_words(weekday, moment)
    if weekday == "*":
        return _month_days_in_words(day, moment)
    return None


# --- The simple schedules of the form --------------------------------------------------

SIMPLE_KINDS = ("daily", "weekly", "monthly")
MONTH_DAY_MAX = 28  # every month has it


@dataclass(frozen=True)
class SimpleSchedule:
    """A schedule the form's picker can show: every day, every week on one day, or every
    month on one day (1 to 28), at one time. Stored as a crontab line."""

    kind: str  # "daily", "weekly" or "monthly"
    hour: int
    minute: int
    weekday: int | None = None  # crontab numbering: 0 = Sunday, 1 = Monday ... 6
    month_day: int | None = None

    def cron(self) -> str:
        day = str(self.month_day) if self.kind == "monthly" else "*"
        weekday = str(self.weekday) if self.kind == "weekly" else "*"
        return f"{self.minute} {self.hour} {day} * {weekday}"


def simple_schedule(line: str | None) -> SimpleSchedule | None:
    """The picker's reading of a crontab line, or None when only "advanced" can show it."""
    fields = (line or "").split()
    if len(fields) != 5:
        return None
    minute, hour, day, month, weekday = fields
    m, h = _number(minute, 0, 59), _number(hour, 0, 23)
    if m is None or h is None or month != "*":
        return None
    if day == "*" and weekday == "*":
        return SimpleSchedule("daily", h, m)
    if day == "*" and "," not in weekday and "-" not in weekday:
        index = _day_index(weekday)
        if index is not None:
            return SimpleSchedule("weekly", h, m, weekday=(index + 1) % 7)
    if weekday == "*" and (month_day := _number(day, 1, MONTH_DAY_MAX)) is not None:
        return SimpleSchedule("monthly", h, m, month_day=month_day)
    return None


# --- Respect settings (N5) ------------------------------------------------------------


def save_respect_settings(
    org: Organisation,
    actor_id: int,
    email_cap: int,
    quiet_from: int,
    quiet_until: int,
    quiet_days: list[int],
) -> bool:
    """The weekly e-mail cap and quiet hours and days; True when something changed."""
    days = ",".join(str(d) for d in sorted(set(quiet_days)) if 1 <= d <= 7)
    new = (email_cap, quiet_from, quiet_until, days)
    if new == (org.nudge_email_cap, org.quiet_from, org.quiet_until, org.quiet_days or ""):
        return False
    org.nudge_email_cap, org.quiet_from, org.quiet_until, org.quiet_days = new
    record_audit(org.id, actor_id, "organisation.nudge_settings_changed", org)
    return True


def quiet_in_words(org: Organisation) -> str:
    """When nudge e-mails may go out, in one sentence."""
    names = _day_names()
    quiet = {int(d) for d in (org.quiet_days or "").split(",") if d.strip().isdigit()}
    open_days = [d - 1 for d in range(1, 8) if d not in quiet]  # 0 = Monday
    if not open_days:
        return _("Every day is a quiet day: nudge e-mails wait. In the app, nudges still show.")
    if org.quiet_from == org.quiet_until:
        hours = _("at any hour")
    else:
        hours = _(
            "from %(start)s until %(end)s",
            start=f"{org.quiet_until}:00",
            end=f"{org.quiet_from}:00",
        )
    if len(open_days) == 7:
        return _("Nudge e-mails go out every day, %(hours)s.", hours=hours)
    if len(open_days) >= 3 and open_days[-1] - open_days[0] == len(open_days) - 1:
        return _(
            "Nudge e-mails go out %(first)s to %(last)s, %(hours)s.",
            first=names[open_days[0]],
            last=names[open_days[-1]],
            hours=hours,
        )
    return _(
        "Nudge e-mails go out on %(days)s, %(hours)s.",
        days=join_words([names[d] for d in open_days]),
        hours=hours,
    )


def zone_in_words(org: Organisation) -> str:
    """The organisation's time zone as people say it: "Netherlands Time"."""
    return get_timezone_location(org_zone(org), locale=str(get_locale() or "nl"))
