"""Admin forms for people, teams and settings."""

from __future__ import annotations

from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from .models import Role


def role_choices():
    return [
        (str(Role.employee), _l("Employee")),
        (str(Role.ambassador), _l("Learning ambassador")),
        (str(Role.manager), _l("Manager")),
        (str(Role.admin), _l("Admin")),
    ]


def union_role_choices():
    return [
        (str(Role.rep), _l("Union learning rep")),
        (str(Role.coordinator), _l("Coordinator")),
        (str(Role.admin), _l("Admin")),
    ]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _team_field():
    return SelectField(_l("Team"), coerce=lambda v: int(v) if v not in (None, "", "None") else None,
                       validators=[Optional()])


class InviteForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Fill in a name.")), Length(max=120)])
    email = EmailField(
        _l("E-mail address"),
        validators=[Optional(), Email(_l("This is not an e-mail address.")), Length(max=254)],
    )
    username = StringField(
        _l("Username (for people without e-mail)"),
        validators=[
            Optional(),
            Length(min=3, max=60, message=_l("A username has 3 to 60 characters.")),
            Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Use only letters, digits, dots and dashes.")),
        ],
    )
    team_id = _team_field()
    job_title = StringField(_l("Job"), validators=[Optional(), Length(max=120)])
    roles = MultiCheckboxField(_l("Roles"), default=[str(Role.employee)])

    def validate_email(self, field):
        if not field.data and not self.username.data:
            raise ValidationError(_l("Fill in an e-mail address or a username."))


class MemberForm(FlaskForm):
    team_id = _team_field()
    job_title = StringField(_l("Job"), validators=[Optional(), Length(max=120)])
    roles = MultiCheckboxField(_l("Roles"))


class TeamForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Fill in a name.")), Length(max=120)])
    parent_id = SelectField(
        _l("Part of (unit)"),
        coerce=lambda v: int(v) if v not in (None, "", "None") else None,
        validators=[Optional()],
    )


class SettingsForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Fill in a name.")), Length(max=120)])
    colour = StringField(
        _l("Colour"),
        validators=[Regexp(r"^#[0-9a-fA-F]{6}$", message=_l("Use a colour code like #1d5c8c."))],
        render_kw={"type": "color"},
    )
    locale = SelectField(_l("Language"), choices=[("nl", "Nederlands"), ("en", "English")])
    timezone = SelectField(_l("Time zone"))
    min_group_size = IntegerField(
        _l("Smallest group for figures"),
        validators=[NumberRange(min=3, max=10, message=_l("Choose a number from 3 to 10."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = sorted(
            tz for tz in available_timezones() if tz.startswith(("Europe/", "UTC"))
        )


class ConfirmForm(FlaskForm):
    """An empty form: only the CSRF token, for buttons that change something."""
