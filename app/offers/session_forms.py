"""Forms of "learn it from a colleague" (F6): offer a session, and the admin's decision."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    IntegerField,
    RadioField,
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
)

from ..development.goal_forms import PlainDateField, client_token_field
from ..forms import options
from .forms import TIME_FORMATS

MAX_DATES = 3
MIN_MINUTES, MAX_MINUTES = 10, 480
MAX_PLACES = 30
NOTE_MAX = 300


def _date_field(label):
    return PlainDateField(label, validators=[Optional()])


def _time_field():
    return TimeField(
        _l("Start time"),
        format=TIME_FORMATS,
        invalid_value_message=_l("Give a time like 09:30."),
        validators=[Optional()],
    )


class TeachForm(FlaskForm):
    """ "Teach colleagues what you know": what, how long, where, how many, when."""

    title = StringField(
        _l("What do you teach?"),
        validators=[
            DataRequired(_l("Write in a few words what you teach.")),
            Length(max=160, message=_l("Use at most 160 characters.")),
        ],
    )
    what_you_learn = TextAreaField(
        _l("What will colleagues be able to do afterwards?"),
        validators=[
            DataRequired(_l("Write what colleagues will learn.")),
            Length(max=2000, message=_l("Use at most 2000 characters.")),
        ],
    )
    basis = SelectField(
        _l("What do you know it from?"),
        validators=[DataRequired(_l("Choose what you know it from."))],
        validate_choice=True,
    )
    skill_name = StringField(
        _l("Which skill do colleagues learn? (optional)"),
        validators=[Optional(), Length(max=120, message=_l("Use at most 120 characters."))],
    )
    duration_minutes = IntegerField(
        _l("How long does it take, in minutes?"),
        validators=[
            InputRequired(_l("Fill in the time in minutes, for example 30.")),
            NumberRange(
                min=MIN_MINUTES,
                max=MAX_MINUTES,
                message=_l(
                    "Give a number of minutes from %(min)d to %(max)d.",
                    min=MIN_MINUTES,
                    max=MAX_MINUTES,
                ),
            ),
        ],
    )
    place = StringField(
        _l("Where on the floor?"),
        validators=[
            DataRequired(_l("Write where colleagues can find you, for example 'at machine 4'.")),
            Length(max=160, message=_l("Use at most 160 characters.")),
        ],
    )
    capacity = IntegerField(
        _l("How many colleagues at most?"),
        validators=[
            InputRequired(_l("Fill in a number of colleagues.")),
            NumberRange(
                min=1,
                max=MAX_PLACES,
                message=_l("Give a number from 1 to %(max)d.", max=MAX_PLACES),
            ),
        ],
    )
    date_1 = _date_field(_l("Date"))
    time_1 = _time_field()
    date_2 = _date_field(_l("Second date (optional)"))
    time_2 = _time_field()
    date_3 = _date_field(_l("Third date (optional)"))
    time_3 = _time_field()
    client_token = client_token_field()

    def date_pairs(self):
        numbers = range(1, MAX_DATES + 1)
        return [(getattr(self, f"date_{n}"), getattr(self, f"time_{n}")) for n in numbers]

    def check_dates(self, zone: tzinfo, now: datetime) -> bool:
        """At least one date; each with a time; each in the future."""
        valid = True
        filled = 0
        for day, time in self.date_pairs():
            if day.errors or time.errors:
                valid = False
                continue
            if day.data is None and time.data is None:
                continue
            if day.data is None:
                day.errors.append(_l("Fill in the date too."))
                valid = False
            elif time.data is None:
                time.errors.append(_l("Fill in the start time too."))
                valid = False
            elif self._utc(day.data, time.data, zone) <= now:
                day.errors.append(_l("Choose a moment in the future."))
                valid = False
            else:
                filled += 1
        if filled == 0 and valid:
            self.date_1.errors.append(_l("Give at least one date and time."))
            valid = False
        return valid

    @staticmethod
    def _utc(day, time, zone: tzinfo) -> datetime:
        return datetime.combine(day, time, tzinfo=zone).astimezone(UTC)

    def starts(self, zone: tzinfo) -> list[datetime]:
        """The filled-in dates in UTC, once each, in order."""
        found = {
            self._utc(day.data, time.data, zone)
            for day, time in self.date_pairs()
            if day.data is not None and time.data is not None
        }
        return sorted(found)

    def basis_ids(self) -> tuple[int | None, int | None]:
        """(skill_id, offer_id) from the basis choice ``skill:<id>`` or ``offer:<id>``."""
        kind, _sep, number = (self.basis.data or "").partition(":")
        if not number.isdigit():
            return None, None
        return (int(number), None) if kind == "skill" else (None, int(number))


class DecideForm(FlaskForm):
    """The admin approves or rejects a proposal, with a short note for the teacher."""

    decision = RadioField(
        _l("Your decision"),
        choices=options([("approve", _l("Approve")), ("reject", _l("Reject"))]),
        validators=[
            DataRequired(_l("Choose approve or reject.")),
            AnyOf(["approve", "reject"], message=_l("Choose approve or reject.")),
        ],
    )
    note = TextAreaField(
        _l("A short note for your colleague (optional)"),
        validators=[
            Optional(),
            Length(max=NOTE_MAX, message=_l("Use at most %(max)d characters.", max=NOTE_MAX)),
        ],
    )
