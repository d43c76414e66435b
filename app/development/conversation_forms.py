"""Forms of the development conversation pages (E6)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField
from wtforms.validators import AnyOf, DataRequired, InputRequired

from ..forms import MAX_ID


def _person_id(value):
    """A person's id from the form, or None (empty, not a number, or no possible id)."""
    try:
        number = int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None
    return number if number is not None and 0 < number <= MAX_ID else None


class RecordConversationForm(FlaskForm):
    person_id = SelectField(
        _l("With whom?"),
        coerce=_person_id,
        validate_choice=False,  # the route checks the person is one of yours (else 404)
        validators=[DataRequired(_l("Choose a person."))],
    )
    held_on = DateField(
        _l("When did you talk?"),
        validators=[InputRequired(_l("Fill in the date of the conversation."))],
    )


class AnswerConversationForm(FlaskForm):
    answer = HiddenField(validators=[AnyOf(["yes", "no"])])
