"""Forms of the offers feature: the catalogue filters, an offer, sign-up, wishes, recommending."""

from __future__ import annotations

import secrets
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

from ..forms import options
from ..money import amount_field
from .display import FORMAT_LABELS, LANGUAGE_LABELS
from .models import SignupStatus
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
    client_token = HiddenField(
        default=_new_token, validators=[DataRequired(), Length(min=8, max=64)]
    )


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
