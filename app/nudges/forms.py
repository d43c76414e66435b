"""Forms of the admin's nudge pages: a campaign (N2) and the respect settings (N5)."""

from __future__ import annotations

from datetime import time

from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..development.goal_forms import PlainDateField
from ..forms import options
from ..orgs.forms import MultiCheckboxField, role_choices
from .campaigns import (
    CHANNEL_LABELS,
    CRON_MAX,
    EMAIL_CAP_MAX,
    HOLDOUT_MAX,
    INTERVAL_MAX_HOURS,
    INTERVAL_MIN_HOURS,
    NAME_MAX,
    CampaignValues,
    audience_factor_choices,
    check_values,
)
from .models import CampaignChannel, ScheduleKind
from .words import (
    MONTH_DAY_MAX,
    SIMPLE_KINDS,
    SimpleSchedule,
    simple_schedule,
)


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _ids(values) -> list[int]:
    """Whole numbers from checkbox values; anything else becomes -1 (refused later as
    "not in the list", never dropped silently)."""
    return [number if (number := _int_or_none(v)) is not None else -1 for v in values or []]


def _choice_or_refused(value) -> int | None:
    """None for an empty choice, the id for a whole number, else -1 (never in the list)."""
    if value in (None, ""):
        return None
    number = _int_or_none(value)
    return number if number is not None else -1


class PlainTimeField(TimeField):
    """A time of day ("9:00" or "09:00"; "9.00" too), with a plain message."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", ["%H:%M", "%H.%M"])
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Give a time like 9:00.")) from error

    def _value(self):
        # A time input needs "09:00"; what was typed shows again only when unreadable.
        if self.data is not None:
            return self.data.strftime("%H:%M")
        return " ".join(self.raw_data) if self.raw_data else ""


# Which of the form's schedule fields each choice of "How often?" uses; the others are
# on the page too (it works without JavaScript) but are ignored.
SCHEDULE_FIELDS = {
    "daily": ("at_time",),
    "weekly": ("weekday", "at_time"),
    "monthly": ("month_day", "at_time"),
    ScheduleKind.interval.value: ("interval_hours",),
    ScheduleKind.cron.value: ("cron",),
}
ALL_SCHEDULE_FIELDS = frozenset(name for names in SCHEDULE_FIELDS.values() for name in names)


class CampaignForm(FlaskForm):
    """A campaign's settings. The kind of nudge is chosen before (and fixed after).

    The schedule is picked in words ("Every week on Tuesday at 10:00") and stored as a
    crontab line; "Every few hours" and a crontab line of one's own stay possible.
    Fields are declared in the order of the page (the error summary follows it).
    """

    nudge_type = HiddenField()
    name = StringField(
        _l("Name of the campaign"),
        validators=[
            DataRequired(_l("Give the campaign a name.")),
            Length(max=NAME_MAX, message=_l("Use at most %(max)d characters.", max=NAME_MAX)),
        ],
    )
    # A campaign about one skill gap (``campaigns.about_a_skill``): only on its form.
    # Choices are checked by the service with a plain message.
    skill_id = SelectField(_l("Which skill?"), validate_choice=False)
    job_role_id = SelectField(_l("For the people in which role?"), validate_choice=False)
    # Choices are checked by the service (teams of this organisation only) with a plain
    # message; WTForms' own "not a valid choice" is switched off.
    team_ids = MultiCheckboxField(_l("Teams"), validate_choice=False)
    roles = MultiCheckboxField(_l("Roles"), validate_choice=False)
    factors = MultiCheckboxField(_l("From the learning check"), validate_choice=False)
    schedule_kind = RadioField(
        _l("How often?"),
        choices=options(
            [
                ("daily", _l("Every day")),
                ("weekly", _l("Every week")),
                ("monthly", _l("Every month")),
                (ScheduleKind.interval.value, _l("Every few hours")),
                (ScheduleKind.cron.value, _l("Advanced: a crontab line")),
            ]
        ),
        validators=[InputRequired(_l("Choose when the campaign runs."))],
    )
    weekday = SelectField(_l("On which day of the week?"), validate_choice=False)
    month_day = IntegerField(
        _l("On which day of the month?"),
        validators=[Optional()],
        render_kw={"inputmode": "numeric"},
    )
    interval_hours = IntegerField(
        _l("Every how many hours?"),
        validators=[
            Optional(),
            NumberRange(
                min=INTERVAL_MIN_HOURS,
                max=INTERVAL_MAX_HOURS,
                message=_l(
                    "Choose a number of hours from %(low)d to %(high)d.",
                    low=INTERVAL_MIN_HOURS,
                    high=INTERVAL_MAX_HOURS,
                ),
            ),
        ],
        render_kw={"inputmode": "numeric"},
    )
    cron = StringField(
        _l("Crontab line"),
        validators=[Optional(), Length(max=CRON_MAX)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    at_time = PlainTimeField(_l("At what time?"), validators=[Optional()])
    starts_on = PlainDateField(_l("First day (optional)"), validators=[Optional()])
    ends_on = PlainDateField(_l("Last day (optional)"), validators=[Optional()])
    channel = RadioField(
        _l("How do people get it?"),
        choices=options((c.value, CHANNEL_LABELS[c]) for c in CampaignChannel),
        validators=[InputRequired(_l("Choose how people get the nudge."))],
    )
    holdout_percent = IntegerField(
        _l("Comparison group (percent)"),
        default=10,
        validators=[
            InputRequired(_l("Choose a number from 0 to 50.")),
            NumberRange(min=0, max=HOLDOUT_MAX, message=_l("Choose a number from 0 to 50.")),
        ],
        render_kw={"inputmode": "numeric"},
    )

    def __init__(
        self,
        teams: list[tuple[int, str]],
        *args,
        skills: list[tuple[int, str]] | None = None,
        job_roles: list[tuple[int, str]] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.skill_id.choices = options([("", _("Choose a skill")), *(skills or [])])
        self.job_role_id.choices = options([("", _("Everyone in any role")), *(job_roles or [])])
        self.team_ids.choices = options(teams)
        self.roles.choices = role_choices()
        barriers, drivers = audience_factor_choices()
        self.factors.choices = options(barriers + drivers)
        self.barrier_values = {value for value, _label in barriers}
        self.weekday.choices = _weekday_choices()

    def fill(self, values: CampaignValues) -> None:
        self.nudge_type.data = values.nudge_type
        self.name.data = values.name
        self.skill_id.data = "" if values.skill_id is None else str(values.skill_id)
        self.job_role_id.data = "" if values.job_role_id is None else str(values.job_role_id)
        self.team_ids.data = [str(t) for t in values.team_ids]
        self.roles.data = list(values.roles)
        self.factors.data = list(values.factors)
        self.cron.data = values.cron or ""
        self.interval_hours.data = values.interval_hours
        # The picker's parts start at a sensible moment whatever is chosen.
        self.weekday.data, self.month_day.data, self.at_time.data = "1", 1, time(9, 0)
        simple = simple_schedule(values.cron)
        if values.schedule_kind == ScheduleKind.interval.value:
            self.schedule_kind.data = ScheduleKind.interval.value
        elif simple is not None:
            self.schedule_kind.data = simple.kind
            self.at_time.data = time(simple.hour, simple.minute)
            if simple.weekday is not None:
                self.weekday.data = str(simple.weekday)
            if simple.month_day is not None:
                self.month_day.data = simple.month_day
        else:
            self.schedule_kind.data = values.schedule_kind
        self.channel.data = values.channel
        self.holdout_percent.data = values.holdout_percent
        self.starts_on.data = values.starts_on
        self.ends_on.data = values.ends_on

    def _simple(self) -> tuple[SimpleSchedule | None, dict[str, str]]:
        """The picked simple schedule, or None and a message per missing part."""
        kind = self.schedule_kind.data
        problems: dict[str, str] = {}
        moment = self.at_time.data
        if moment is None and not self.at_time.errors:
            problems["at_time"] = _("Choose a time, for example 9:00.")
        weekday = _int_or_none(self.weekday.data)
        if kind == "weekly" and (weekday is None or not 0 <= weekday <= 6):
            problems["weekday"] = _("Choose a day of the week.")
        month_day = self.month_day.data
        if kind == "monthly" and not self.month_day.errors:
            if month_day is None or not 1 <= month_day <= MONTH_DAY_MAX:
                problems["month_day"] = _("Choose a day from 1 to %(last)d.", last=MONTH_DAY_MAX)
        if problems or moment is None:
            return None, problems
        return (
            SimpleSchedule(kind, moment.hour, moment.minute, weekday=weekday, month_day=month_day),
            {},
        )

    def values(self, nudge_type: str) -> CampaignValues:
        kind = self.schedule_kind.data or ""
        cron = self.cron.data or ""
        if kind in SIMPLE_KINDS:
            simple, _problems = self._simple()
            kind, cron = ScheduleKind.cron.value, simple.cron() if simple else ""
        return CampaignValues(
            nudge_type=nudge_type,
            name=self.name.data or "",
            team_ids=_ids(self.team_ids.data),
            roles=[str(r) for r in self.roles.data or []],
            factors=[str(f) for f in self.factors.data or []],
            schedule_kind=kind,
            interval_hours=self.interval_hours.data,
            cron=cron,
            channel=self.channel.data or "",
            holdout_percent=self.holdout_percent.data
            if self.holdout_percent.data is not None
            else -1,
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            skill_id=_int_or_none(self.skill_id.data),
            # Empty: everyone; anything unreadable is refused as "not in the list".
            job_role_id=_choice_or_refused(self.job_role_id.data),
        )

    def check(self, org, nudge_type: str) -> CampaignValues | None:
        """Every check at once: the form's own, the schedule's parts and the service's
        (``check_values``), each message next to its field, at most one per field. The
        values when all is well, else None."""
        self.validate()
        kind = self.schedule_kind.data
        used = SCHEDULE_FIELDS.get(kind, ())
        for name in ALL_SCHEDULE_FIELDS - set(used):
            self[name].errors = []
        problems = self._simple()[1] if kind in SIMPLE_KINDS else {}
        values = self.values(nudge_type)
        for name, message in check_values(org, values).items():
            if name in ALL_SCHEDULE_FIELDS and name not in used:
                continue  # a picked schedule with a missing part: said at that part
            problems.setdefault(name, message)
        self.show_problems(problems)
        return None if self.errors else values

    def show_problems(self, problems: dict[str, str]) -> None:
        """Put messages next to their fields; a field that has one already keeps it."""
        for name, message in problems.items():
            target = getattr(self, name, None) or self.name
            if not target.errors:
                target.errors = [message]


def _weekday_choices():
    names = get_day_names("wide", locale=str(get_locale() or "nl"))
    # Monday first; the values are crontab's (0 = Sunday).
    return options(((index + 1) % 7, names[index]) for index in range(7))


def _hour_choices():
    return options((hour, f"{hour}:00") for hour in range(24))


def _day_choices():
    names = get_day_names("wide", locale=str(get_locale() or "nl"))
    return options((day, names[day - 1]) for day in range(1, 8))


class RespectSettingsForm(FlaskForm):
    """At most N nudge e-mails a week per person; quiet hours and days."""

    nudge_email_cap = IntegerField(
        _l("At most how many nudge e-mails per person per week?"),
        validators=[
            InputRequired(_l("Choose a number from 0 to 7.")),
            NumberRange(min=0, max=EMAIL_CAP_MAX, message=_l("Choose a number from 0 to 7.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    quiet_from = SelectField(_l("Quiet from"), coerce=int)
    quiet_until = SelectField(_l("Quiet until"), coerce=int)
    quiet_days = MultiCheckboxField(_l("Quiet days"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.quiet_from.choices = _hour_choices()
        self.quiet_until.choices = _hour_choices()
        self.quiet_days.choices = _day_choices()
