"""The admin's learning budget form: an amount per person for everyone and per team."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import InputRequired

from ..money import amount_field

ORG_FIELD = "amount_org"


def team_field_name(team_id: int) -> str:
    return f"amount_team_{team_id}"


class _BudgetSettingsBase(FlaskForm):
    year = HiddenField(validators=[InputRequired()])


def budget_settings_form(teams: list[tuple[int, str]], **kwargs) -> FlaskForm:
    """The form for one year: the organisation's amount, then one field per team."""

    class BudgetSettingsForm(_BudgetSettingsBase):
        pass

    setattr(BudgetSettingsForm, ORG_FIELD, amount_field(_l("Amount per person for everyone")))
    for team_id, name in teams:
        setattr(BudgetSettingsForm, team_field_name(team_id), amount_field(name))
    return BudgetSettingsForm(**kwargs)


def amounts_from(form: FlaskForm, teams: list[tuple[int, str]]) -> dict[int, int | None]:
    """team_key → cents (None: no budget) from a validated form."""

    def cents(field) -> int | None:
        return getattr(field, "cents", None) if field.data else None

    amounts = {0: cents(form[ORG_FIELD])}
    for team_id, _name in teams:
        amounts[team_id] = cents(form[team_field_name(team_id)])
    return amounts
