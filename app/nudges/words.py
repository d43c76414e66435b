"""Nudge settings in words (N2, N5): a campaign's schedule ("Every Monday at 9:00"), the
simple schedules of the form, and when nudge e-mails may go out."""

from __future__ import annotations

from dataclasses import dataclass

from babel.dates import get_day_names, get_timezone_location
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..activity.models import ActivityKind
from ..orgs.models import Organisation
from ..timeutil import org_zone
from .models import NudgeCampaign, ScheduleKind

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


# What a conversion is, in words for the admin ("What counts: ... within 14 days").
CONVERSION_LABELS = {
    ActivityKind.success_posted: _l("sharing a learning success"),
    ActivityKind.applause_given: _l("giving applause"),
    ActivityKind.comment_posted: _l("writing a comment"),
    ActivityKind.feedback_given: _l("giving feedback"),
    ActivityKind.feedback_requested: _l("asking for feedback"),
    ActivityKind.feedback_shared: _l("sharing feedback"),
    ActivityKind.offer_interest: _l("showing interest in a learning offer"),
    ActivityKind.offer_signed_up: _l("signing up for a learning offer"),
    ActivityKind.offer_completed: _l("finishing a learning offer"),
    ActivityKind.offer_recommended: _l("recommending a learning offer"),
    ActivityKind.wish_made: _l("putting a learning offer on their wish list"),
    ActivityKind.goal_created: _l("setting a learning goal"),
    ActivityKind.goal_step_done: _l("doing a step towards a goal"),
    ActivityKind.goal_done: _l("reaching a goal"),
    ActivityKind.learning_logged: _l("writing down something they learned"),
    ActivityKind.skill_added: _l("adding a skill"),
    ActivityKind.skill_confirmed: _l("confirming a colleague's skill"),
    ActivityKind.learning_check_done: _l("doing the learning check"),
    ActivityKind.development_conversation: _l("having a development conversation"),
    ActivityKind.development_conversation_recorded: _l(
        "recording a development conversation with someone in their team"
    ),
    ActivityKind.ambassador_talk_booked: _l("asking for a talk with a learning ambassador"),
}


def what_counts(conversions: tuple[str, ...], days: int) -> str | None:
    """ "What counts: asking for a talk with a learning ambassador within 14 days." """
    labels = [str(CONVERSION_LABELS[k]) for k in conversions if k in CONVERSION_LABELS]
    if not labels:
        return None
    if len(labels) == 1:
        actions = labels[0]
    else:
        actions = _("%(first)s or %(last)s", first=", ".join(labels[:-1]), last=labels[-1])
    return ngettext(
        "What counts: %(actions)s within %(num)d day.",
        "What counts: %(actions)s within %(num)d days.",
        days,
        actions=actions,
    )
