"""The admin's learning budget form: an amount per person for everyone and per team."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import InputRequired, Optional, ValidationError

from .budget import AmountError, parse_amount

ORG_FIELD = "amount_org"


def team_field_name(team_id: int) -> str:
    return f"amount_team_{team_id}"


class AmountValidator:
    """An amount in euros as people type it ("750" or "750,50"), 0 to 1 000 000."""

    def __call__(self, form, field) -> None:
        try:
            field.cents = parse_amount(field.data or "")
        except AmountError as error:
            field.cents = None
            if error.reason == "range":
                raise ValidationError(_l("Choose an amount from 0 to 1,000,000 euros.")) from error
            raise ValidationError(
                _l("Write the amount in euros, for example 750 or 750,50.")
            ) from error


def _amount_field(label) -> StringField:
    return StringField(
        label,
        validators=[Optional(), AmountValidator()],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        render_kw={"inputmode": "decimal", "autocomplete": "off", "size": 12},
    )


class _BudgetSettingsBase(FlaskForm):
    year = HiddenField(validators=[InputRequired()])


def budget_settings_form(teams: list[tuple[int, str]], **kwargs) -> FlaskForm:
    """The form for one year: the organisation's amount, then one field per team."""

    class BudgetSettingsForm(_BudgetSettingsBase):
        pass

    setattr(BudgetSettingsForm, ORG_FIELD, _amount_field(_l("Amount per person for everyone")))
    for team_id, name in teams:
        setattr(BudgetSettingsForm, team_field_name(team_id), _amount_field(name))
    return BudgetSettingsForm(**kwargs)


def amounts_from(form: FlaskForm, teams: list[tuple[int, str]]) -> dict[int, int | None]:
    """team_key → cents (None: no budget) from a validated form."""

    def cents(field) -> int | None:
        return getattr(field, "cents", None) if field.data else None

    amounts = {0: cents(form[ORG_FIELD])}
    for team_id, _name in teams:
        amounts[team_id] = cents(form[team_field_name(team_id)])
    return amounts
