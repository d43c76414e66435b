"""Admin forms for people, teams and settings."""

from __future__ import annotations

from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
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
)
from wtforms.widgets import CheckboxInput, ListWidget

from ..development.retention import RETENTION_MAX_DAYS, RETENTION_MIN_DAYS
from ..forms import LANGUAGE_OPTIONS, options
from .fte import FteField
from .models import Role


def role_choices():
    return options(
        [
            (str(Role.employee), _l("Employee")),
            (str(Role.ambassador), _l("Learning ambassador")),
            (str(Role.manager), _l("Manager")),
            (str(Role.admin), _l("Admin")),
        ]
    )


def union_role_choices():
    return options(
        [
            (str(Role.rep), _l("Union learning rep")),
            (str(Role.coordinator), _l("Coordinator")),
            (str(Role.admin), _l("Admin")),
        ]
    )


def role_label(role: Role | str) -> str:
    """The role's name in the user's language."""
    labels = {c.value: c.label for c in role_choices() + union_role_choices()}
    return str(labels.get(str(role), role))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _team_field():
    return SelectField(
        _l("Team"),
        coerce=lambda v: int(v) if v not in (None, "", "None") else None,
        validators=[Optional()],
    )


class InviteForm(FlaskForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Fill in a name.")), Length(max=120)]
    )
    email = EmailField(
        _l("E-mail address"),
        validators=[Optional(), Email(_l("This is not an e-mail address.")), Length(max=254)],
    )
    username = StringField(
        _l("Username (for people without e-mail)"),
        validators=[
            Optional(),
            Length(min=3, max=60, message=_l("A username has 3 to 60 characters.")),
            Regexp(
                r"^[A-Za-z0-9._-]+$",
                message=_l("Use only letters, digits, dots, dashes and underscores."),
            ),
        ],
    )
    team_id = _team_field()
    job_title = StringField(_l("Job"), validators=[Optional(), Length(max=120)])
    roles = MultiCheckboxField(_l("Roles"), default=[str(Role.employee)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.email.data and not self.username.data:
            self.email.errors = [*self.email.errors, _l("Fill in an e-mail address or a username.")]
            return False
        return valid


class MemberForm(FlaskForm):
    team_id = _team_field()
    job_title = StringField(_l("Job"), validators=[Optional(), Length(max=120)])
    # Companies only (the route removes it in a union): for "learning hours per FTE".
    fte = FteField(_l("Part-time factor (1 = full time)"), render_kw={"inputmode": "decimal"})
    roles = MultiCheckboxField(_l("Roles"))


class TeamForm(FlaskForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Fill in a name.")), Length(max=120)]
    )
    parent_id = SelectField(
        _l("Part of (unit)"),
        coerce=lambda v: int(v) if v not in (None, "", "None") else None,
        validators=[Optional()],
    )


class SettingsForm(FlaskForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Fill in a name.")), Length(max=120)]
    )
    colour = StringField(
        _l("Colour"),
        validators=[Regexp(r"^#[0-9a-fA-F]{6}$", message=_l("Use a colour code like #1d5c8c."))],
        render_kw={"type": "color"},
    )
    locale = SelectField(_l("Language"), choices=options(LANGUAGE_OPTIONS))
    timezone = SelectField(_l("Time zone"))
    min_group_size = IntegerField(
        _l("Smallest group for figures"),
        validators=[NumberRange(min=3, max=10, message=_l("Choose a number from 3 to 10."))],
    )
    # Retention (P2): empty keeps the rows; ``flask data purge`` removes older ones.
    check_retention_days = IntegerField(
        _l("Keep learning-check answers for (days)"),
        validators=[
            Optional(),
            NumberRange(
                min=RETENTION_MIN_DAYS,
                max=RETENTION_MAX_DAYS,
                message=_l("Choose a number of days from 30 to 3650, or leave it empty."),
            ),
        ],
    )
    notification_retention_days = IntegerField(
        _l("Keep notifications for (days)"),
        validators=[
            Optional(),
            NumberRange(
                min=RETENTION_MIN_DAYS,
                max=RETENTION_MAX_DAYS,
                message=_l("Choose a number of days from 30 to 3650, or leave it empty."),
            ),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zones = sorted(tz for tz in available_timezones() if tz.startswith(("Europe/", "UTC")))
        self.timezone.choices = options((zone, zone) for zone in zones)


class LogoForm(FlaskForm):
    logo = FileField(
        _l("Logo (PNG or JPEG, at most 200 KB)"),
        validators=[FileRequired(_l("Choose a file."))],
        render_kw={"accept": "image/png,image/jpeg"},
    )


class ConfirmForm(FlaskForm):
    """An empty form: only the CSRF token, for buttons that change something."""
