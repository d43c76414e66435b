"""The facility-time form (B5): what kind of work, how many hours, which day."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, InputRequired, ValidationError

from ..development.goal_forms import PlainDateField, client_token_field
from ..development.log_forms import EARLIEST, check_past_date, parse_hours
from ..forms import options
from .models import FacilityActivity

MAX_HOURS_PER_ENTRY = 24

ACTIVITY_CHOICES = (
    (FacilityActivity.conversations, _l("Conversations")),
    (FacilityActivity.training, _l("Training")),
    (FacilityActivity.events, _l("Events")),
    (FacilityActivity.preparation, _l("Preparation")),
)
ACTIVITY_LABELS = dict(ACTIVITY_CHOICES)
ACTIVITY_EXPLAINED = {
    FacilityActivity.conversations: _l("Talking with colleagues about learning."),
    FacilityActivity.training: _l("A course or training for your work as ambassador."),
    FacilityActivity.events: _l("A learning day, an information meeting, a stand."),
    FacilityActivity.preparation: _l("Planning, finding courses, reading up, e-mails."),
}


def _hours(form, field) -> None:
    minutes = parse_hours(field.data)
    if minutes is None:
        raise ValidationError(_l("Give the hours as a number, for example 1,5 or 2."))
    if minutes <= 0:
        raise ValidationError(_l("Give a number of hours above 0."))
    if minutes > MAX_HOURS_PER_ENTRY * 60:
        raise ValidationError(
            _l("Give at most %(max)d hours for one day.", max=MAX_HOURS_PER_ENTRY)
        )


class FacilityForm(FlaskForm):
    activity = RadioField(
        _l("What did you do?"),
        choices=options(ACTIVITY_CHOICES),
        validators=[InputRequired(_l("Choose what you did."))],
    )
    hours = StringField(
        _l("How many hours?"),
        validators=[DataRequired(_l("Fill in the hours, for example 1,5.")), _hours],
        render_kw={"inputmode": "decimal", "autocomplete": "off", "size": 6},
    )
    worked_on = PlainDateField(_l("Date"), validators=[InputRequired(_l("Fill in the date."))])
    client_token = client_token_field()

    @property
    def minutes(self) -> int | None:
        return parse_hours(self.hours.data)

    def check_date(self, today: date) -> bool:
        """The date is not in the future where the organisation is (and not before 2000)."""
        return check_past_date(self.worked_on, today, EARLIEST)
