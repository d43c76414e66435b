"""Forms of the admin's nudge pages: a campaign (N2) and the respect settings (N5)."""

from __future__ import annotations

from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField
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
)
from .models import CampaignChannel, ScheduleKind


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _ids(values) -> list[int]:
    """Whole numbers from checkbox values; anything else becomes -1 (refused later as
    "not in the list", never dropped silently)."""
    return [number if (number := _int_or_none(v)) is not None else -1 for v in values or []]


class CampaignForm(FlaskForm):
    """A campaign's settings. The kind of nudge is chosen before (and fixed after)."""

    nudge_type = HiddenField()
    name = StringField(
        _l("Name of the campaign"),
        validators=[
            DataRequired(_l("Give the campaign a name.")),
            Length(max=NAME_MAX, message=_l("Use at most %(max)d characters.", max=NAME_MAX)),
        ],
    )
    # Choices are checked by the service (teams of this organisation only) with a plain
    # message; WTForms' own "not a valid choice" is switched off.
    team_ids = MultiCheckboxField(_l("Teams"), validate_choice=False)
    roles = MultiCheckboxField(_l("Roles"), validate_choice=False)
    factors = MultiCheckboxField(_l("From the learning check"), validate_choice=False)
    schedule_kind = RadioField(
        _l("When does it run?"),
        choices=options(
            [
                (ScheduleKind.cron.value, _l("At set moments (a crontab line)")),
                (ScheduleKind.interval.value, _l("Every few hours")),
            ]
        ),
        validators=[InputRequired(_l("Choose when the campaign runs."))],
    )
    cron = StringField(
        _l("Crontab line"),
        validators=[Optional(), Length(max=CRON_MAX)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
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
    starts_on = PlainDateField(_l("First day (optional)"), validators=[Optional()])
    ends_on = PlainDateField(_l("Last day (optional)"), validators=[Optional()])

    def __init__(self, teams: list[tuple[int, str]], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.team_ids.choices = options(teams)
        self.roles.choices = role_choices()
        barriers, drivers = audience_factor_choices()
        self.factors.choices = options(barriers + drivers)
        self.barrier_values = {value for value, _label in barriers}

    def fill(self, values: CampaignValues) -> None:
        self.nudge_type.data = values.nudge_type
        self.name.data = values.name
        self.team_ids.data = [str(t) for t in values.team_ids]
        self.roles.data = list(values.roles)
        self.factors.data = list(values.factors)
        self.schedule_kind.data = values.schedule_kind
        self.cron.data = values.cron or ""
        self.interval_hours.data = values.interval_hours
        self.channel.data = values.channel
        self.holdout_percent.data = values.holdout_percent
        self.starts_on.data = values.starts_on
        self.ends_on.data = values.ends_on

    def values(self, nudge_type: str) -> CampaignValues:
        return CampaignValues(
            nudge_type=nudge_type,
            name=self.name.data or "",
            team_ids=_ids(self.team_ids.data),
            roles=[str(r) for r in self.roles.data or []],
            factors=[str(f) for f in self.factors.data or []],
            schedule_kind=self.schedule_kind.data or "",
            interval_hours=self.interval_hours.data,
            cron=self.cron.data or "",
            channel=self.channel.data or "",
            holdout_percent=self.holdout_percent.data
            if self.holdout_percent.data is not None
            else -1,
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
        )

    def show_problems(self, problems: dict[str, str]) -> None:
        """Put the service's messages next to their fields."""
        for name, message in problems.items():
            target = getattr(self, name, None) or self.name
            target.errors = [*target.errors, message] if target.errors else [message]


def _hour_choices():
    return options((hour, f"{hour}:00") for hour in range(24))


def _day_choices():
    names = get_day_names("wide", locale=str(get_locale() or "nl"))
    return options((day, names[day - 1]) for day in range(1, 8))


class RespectSettingsForm(FlaskForm):
    """At most N nudge e-mails a week per person; quiet hours and days."""

    nudge_email_cap = IntegerField(
        _l("Nudge e-mails per person per week, at most"),
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
