"""Forms of the offers feature: the catalogue filters, an offer, sign-up, wishes, recommending."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, tzinfo
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..development.goal_forms import PlainDateField
from ..forms import options
from ..money import amount_field
from .display import FORMAT_LABELS, LANGUAGE_LABELS
from .models import OfferFormat, SignupStatus
from .services import WISH_MAX_LENGTH

RECOMMEND_LINE_MAX = 200
DESCRIPTION_MAX = 5000


def _new_token() -> str:
    return secrets.token_hex(16)


def _web_address(form, field) -> None:
    """Only complete http(s) addresses: no ``javascript:`` or other schemes in a link."""
    value = (field.data or "").strip()
    field.data = value or None
    if not value:
        return
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc or any(c.isspace() for c in value):
        raise ValidationError(_l("Give a web address that starts with https:// or http://."))


class FilterForm(FlaskForm):
    """The barrier filters of the catalogue (a GET form: no CSRF token needed)."""

    class Meta:
        csrf = False

    short = BooleanField(_l("Short (2 hours or less)"))
    work_time = BooleanField(_l("In work time"))
    free = BooleanField(_l("Free for me"))
    no_exam = BooleanField(_l("No exam"))
    near = BooleanField(_l("Near me (at our workplace)"))

    def active(self) -> dict[str, bool]:
        return {name: bool(getattr(self, name).data) for name in FILTER_NAMES}


FILTER_NAMES = ("short", "work_time", "free", "no_exam", "near")


# What a browser sends for <input type="time">, and what people type without a picker.
TIME_FORMATS = ["%H:%M", "%H:%M:%S", "%H.%M"]
MAX_CAPACITY = 10_000


def _optional_text(label, max_length: int, message):
    return StringField(label, validators=[Optional(), Length(max=max_length, message=message)])


class OfferForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(_l("Give the offer a title.")),
            Length(max=160, message=_l("Use at most 160 characters.")),
        ],
    )
    description = TextAreaField(
        _l("What will people learn?"),
        validators=[
            Optional(),
            Length(max=DESCRIPTION_MAX, message=_l("Use at most 5000 characters.")),
        ],
    )
    format = SelectField(
        _l("How do people learn?"),
        choices=options((str(f), label) for f, label in FORMAT_LABELS.items()),
        validators=[DataRequired(_l("Choose how people learn."))],
    )
    duration_minutes = IntegerField(
        _l("How long does it take, in minutes? (1 hour = 60 minutes)"),
        validators=[
            InputRequired(_l("Fill in the time in minutes, for example 90.")),
            NumberRange(min=1, max=100_000, message=_l("Give a number of minutes above 0.")),
        ],
    )
    in_work_time = BooleanField(_l("In work time"), default=True)
    cost_covered = BooleanField(_l("Free for the worker (the costs are paid)"), default=True)
    cost = amount_field(_l("Price per person in euros (optional)"))
    has_exam = BooleanField(_l("There is an exam or test"))
    on_site = BooleanField(_l("At our own workplace"))
    level = _optional_text(_l("Level (optional)"), 60, _l("Use at most 60 characters."))
    language = SelectField(
        _l("Language"),
        choices=options((code, label) for code, label in LANGUAGE_LABELS.items()),
        default="nl",
    )
    place = _optional_text(_l("Place (optional)"), 160, _l("Use at most 160 characters."))
    provider = _optional_text(
        _l("Who gives it? (optional)"), 160, _l("Use at most 160 characters.")
    )
    url = StringField(
        _l("Web address for more information (optional)"),
        validators=[Length(max=500, message=_l("Use at most 500 characters.")), _web_address],
    )
    active = BooleanField(_l("Show this offer in the catalogue"), default=True)
    # A learning day or a session on a set day: a date, a start time and a number of places.
    starts_on = PlainDateField(_l("Date (optional)"), validators=[Optional()])
    starts_time = TimeField(
        _l("Start time"),
        format=TIME_FORMATS,
        invalid_value_message=_l("Give a time like 09:30."),
        validators=[Optional()],
    )
    capacity = IntegerField(
        _l("Number of places (optional)"),
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=MAX_CAPACITY,
                message=_l("Give a number of places from 1 to %(max)d.", max=MAX_CAPACITY),
            ),
        ],
    )
    client_token = HiddenField(
        default=_new_token, validators=[DataRequired(), Length(min=8, max=64)]
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # A date needs a time and the other way round (each says what is missing).
        if self.starts_on.data and self.starts_time.data is None and not self.starts_time.errors:
            self.starts_time.errors.append(_l("Fill in the start time too."))
            valid = False
        if self.starts_time.data and self.starts_on.data is None and not self.starts_on.errors:
            self.starts_on.errors.append(_l("Fill in the date too."))
            valid = False
        return valid

    def starts_at(self, zone: tzinfo) -> datetime | None:
        """The start in UTC, from the date and time as the organisation reads its clock."""
        if self.starts_on.data is None or self.starts_time.data is None:
            return None
        local = datetime.combine(self.starts_on.data, self.starts_time.data, tzinfo=zone)
        return local.astimezone(UTC)

    def show_start(self, starts_at: datetime | None, zone: tzinfo) -> None:
        """Fill the date and time fields with a stored start (for the change form)."""
        if starts_at is None:
            return
        local = starts_at.astimezone(zone)
        self.starts_on.data = local.date()
        self.starts_time.data = local.time().replace(second=0, microsecond=0)


# Fields of the offer form that hold an offer's column of the same name.
_PLAIN_FIELDS = (
    "title",
    "description",
    "duration_minutes",
    "in_work_time",
    "cost_covered",
    "has_exam",
    "on_site",
    "level",
    "language",
    "place",
    "provider",
    "url",
    "active",
    "capacity",
)


def offer_values(form: OfferForm, zone: tzinfo) -> dict:
    """The offer's columns from a valid form; a field a page left out (e.g. "at our own
    workplace" on a union's form) counts as off."""
    values = {name: getattr(form, name).data for name in _PLAIN_FIELDS if name in form}
    values.setdefault("on_site", False)
    values["format"] = OfferFormat(form.format.data)
    values["cost_cents"] = getattr(form.cost, "cents", None) or None
    values["starts_at"] = form.starts_at(zone)
    return values


class SignupForm(FlaskForm):
    """One button of the sign-up box: interested, sign me up, or cancel."""

    choice = HiddenField(
        validators=[
            AnyOf(
                [str(SignupStatus.interested), str(SignupStatus.signed_up), "cancel"],
                message=_l("Choose one of the buttons."),
            )
        ]
    )


class WishForm(FlaskForm):
    text = StringField(
        _l("I would like to learn …"),
        validators=[
            DataRequired(_l("Write what you would like to learn.")),
            Length(
                max=WISH_MAX_LENGTH,
                message=_l("Use at most %(max)d characters.", max=WISH_MAX_LENGTH),
            ),
        ],
    )


class RecommendForm(FlaskForm):
    colleague = SelectField(
        _l("Colleague"),
        coerce=lambda v: int(v) if str(v or "").isdigit() else None,
        validators=[DataRequired(_l("Choose a colleague."))],
        validate_choice=True,
    )
    line = TextAreaField(
        _l("A short personal message (optional)"),
        validators=[
            Optional(),
            Length(
                max=RECOMMEND_LINE_MAX,
                message=_l("Use at most %(max)d characters.", max=RECOMMEND_LINE_MAX),
            ),
        ],
    )
