"""The learning-log form (E2): filled in on a phone in under 30 seconds."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..forms import options
from .goal_forms import PlainDateField, client_token_field, optional_id
from .models import LearningKind

TITLE_MAX = 200
NOTES_MAX = 2000
MAX_HOURS = 200
EARLIEST = date(2000, 1, 1)


def check_past_date(field, today: date, earliest: date) -> bool:
    """A date field's day is set, not after ``today`` (where the organisation is) and not
    before ``earliest``; otherwise the field gets a clear error."""
    day = field.data
    if day is None:
        return False
    if day > today:
        field.errors = [*field.errors, _l("The date cannot be in the future.")]
        return False
    if day < earliest:
        field.errors = [*field.errors, _l("Give a date after 1 January 2000.")]
        return False
    return True


# 1.5, 1,5 (Dutch), 2, 0.25: at most two decimals, no thousands separators.
HOURS_RE = re.compile(r"^\d{1,3}(?:[.,]\d{1,2})?$")

KIND_CHOICES = (
    (LearningKind.formal, _l("Formal")),
    (LearningKind.non_formal, _l("Non-formal")),
    (LearningKind.informal, _l("Informal")),
)
KIND_EXPLAINED = {
    LearningKind.formal: _l("A course with a diploma or certificate."),
    LearningKind.non_formal: _l("A course or workshop without a diploma."),
    LearningKind.informal: _l("Learning while working, from a colleague or by trying."),
}
TIME_CHOICES = (("work", _l("In work time")), ("own", _l("In my own time")))


def parse_hours(text: str | None) -> int | None:
    """Minutes from hours as typed ("1,5", "0.5", "2"), or None when it cannot be read."""
    value = (text or "").strip()
    if not HOURS_RE.match(value):
        return None
    try:
        hours = Decimal(value.replace(",", "."))
    except InvalidOperation:
        return None
    return int((hours * 60).to_integral_value(rounding="ROUND_HALF_UP"))


def _hours(form, field) -> None:
    minutes = parse_hours(field.data)
    if minutes is None:
        raise ValidationError(_l("Give the hours as a number, for example 1,5 or 2."))
    if minutes <= 0:
        raise ValidationError(_l("Give a number of hours above 0."))
    if minutes > MAX_HOURS * 60:
        raise ValidationError(_l("Give at most %(max)d hours.", max=MAX_HOURS))


class LogForm(FlaskForm):
    title = StringField(
        _l("What did you learn?"),
        validators=[
            DataRequired(_l("Write in a few words what you learned.")),
            Length(max=TITLE_MAX, message=_l("Use at most %(max)d characters.", max=TITLE_MAX)),
        ],
    )
    kind = RadioField(
        _l("How did you learn it?"),
        choices=options(KIND_CHOICES),
        validators=[InputRequired(_l("Choose how you learned it."))],
    )
    hours = StringField(
        _l("How many hours?"),
        validators=[DataRequired(_l("Fill in the hours, for example 1,5.")), _hours],
        render_kw={"inputmode": "decimal", "autocomplete": "off", "size": 6},
    )
    time = RadioField(
        _l("In work time or in your own time?"),
        choices=options(TIME_CHOICES),
        default="work",
        validators=[InputRequired(_l("Choose work time or your own time."))],
    )
    learned_on = PlainDateField(_l("Date"), validators=[InputRequired(_l("Fill in the date."))])
    notes = TextAreaField(
        _l("Notes (optional)"),
        validators=[
            Optional(),
            Length(max=NOTES_MAX, message=_l("Use at most %(max)d characters.", max=NOTES_MAX)),
        ],
    )
    evidence = FileField(
        _l("Proof (optional): a photo or a PDF, at most 5 MB"),
        render_kw={
            "accept": "application/pdf,image/png,image/jpeg,image/webp,.pdf,.png,.jpg,.jpeg,.webp"
        },
    )
    # Set by a pre-filled form (a completed offer, a done goal step); checked again on save.
    offer_signup_id = HiddenField(filters=[optional_id])
    goal_step_id = HiddenField(filters=[optional_id])
    client_token = client_token_field()

    def check_date(self, today: date) -> bool:
        """The date is not in the future where the organisation is (and not absurdly old)."""
        return check_past_date(self.learned_on, today, EARLIEST)


class EditLogForm(LogForm):
    remove_evidence = BooleanField(_l("Remove the proof"))
