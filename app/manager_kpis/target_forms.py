"""Forms of the target pages (K3): the admin sets a target, a manager proposes one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, ValidationError

from . import catalogue
from .models import PeriodKind, ProductionMetric
from .periods import last_periods, parse_period, period_of
from .values import VALUE_LIMIT, parse_number

ALL_TEAMS_CHOICE = "all"
MONTHS_BACK, MONTHS_AHEAD = 12, 12
NOTE_MAX = 300


def kpi_choices(metrics: list[ProductionMetric], all_teams: bool = True) -> list[tuple[str, str]]:
    """Development KPIs from the catalogue, then the switched-on production metrics. A KPI
    counted only for the whole company needs the choice "All teams"."""
    return [(k.key, str(k.label)) for k in catalogue.CATALOGUE if all_teams or not k.org_only] + [
        (catalogue.metric_key(m.id), m.name) for m in metrics
    ]


def month_choices(today: date) -> list[tuple[str, str]]:
    """Twelve months back, this month and twelve months ahead."""
    months = last_periods(PeriodKind.month, today, MONTHS_BACK + 1)
    while len(months) < MONTHS_BACK + 1 + MONTHS_AHEAD:
        months.append(months[-1].next())
    return [(p.token, p.label()) for p in months]


def is_share(kpi_key: str) -> bool:
    kpi = catalogue.get(kpi_key)
    return kpi is not None and kpi.unit == catalogue.Unit.share


class TargetForm(FlaskForm):
    """A target: which KPI, which team (or all teams), from which month, what value.
    Shares are typed as a percentage (80 for 80 %) and stored as 0.8."""

    kpi = SelectField(_l("Figure"), validate_choice=False)
    team = SelectField(_l("Team"), validate_choice=False)
    valid_from = SelectField(_l("From which month"), validate_choice=False)
    value = StringField(_l("Target"))

    def setup(
        self,
        metrics: list[ProductionMetric],
        teams: list[tuple[int, str]],
        today: date,
        all_teams: bool,
    ) -> TargetForm:
        self.kpi.choices = kpi_choices(metrics, all_teams)
        self.team.choices = ([(ALL_TEAMS_CHOICE, str(_l("All teams")))] if all_teams else []) + [
            (str(team_id), name) for team_id, name in teams
        ]
        self.valid_from.choices = month_choices(today)
        if not self.is_submitted():
            self.valid_from.data = period_of(PeriodKind.month, today).token
        return self

    def validate_kpi(self, field) -> None:
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose a figure from the list."))

    def validate_team(self, field) -> None:
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose a team from the list."))
        kpi = catalogue.get(self.kpi.data or "")
        if kpi is not None and kpi.org_only and field.data != ALL_TEAMS_CHOICE:
            raise ValidationError(
                _l('This figure is only counted for the whole company. Choose "All teams".')
            )

    def validate_valid_from(self, field) -> None:
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose a month from the list."))

    def validate_value(self, field) -> None:
        text = (field.data or "").strip().rstrip("%").strip()
        if not text:
            raise ValidationError(_l("Fill in a target."))
        number = parse_number(text)
        if number is None:
            raise ValidationError(_l("This is not a number. Write a number like 1250 or 12,5."))
        if is_share(self.kpi.data) and not Decimal(0) <= number <= Decimal(100):
            raise ValidationError(_l("Fill in a percentage from 0 to 100."))
        if abs(number) >= VALUE_LIMIT:
            raise ValidationError(_l("This number is too big."))

    @property
    def team_id(self) -> int | None:
        return None if self.team.data == ALL_TEAMS_CHOICE else int(self.team.data)

    @property
    def month(self) -> date:
        return parse_period(self.valid_from.data).start

    @property
    def target_value(self) -> Decimal:
        """The number to store: a percentage as a share (80 -> 0.8)."""
        number = parse_number((self.value.data or "").strip().rstrip("%").strip())
        return number / 100 if is_share(self.kpi.data) else number


class ProposeForm(TargetForm):
    """A manager's proposal: for one of their teams, with an optional note to the admin."""

    note = StringField(
        _l("Note for the admin (optional)"),
        validators=[
            Length(max=NOTE_MAX, message=_l("Use at most %(max)d characters.", max=NOTE_MAX))
        ],
    )
