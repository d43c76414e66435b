"""Forms of the conversation pages (B3, B4): plan, record, notes, next steps, follow-ups."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional

from ..development.goal_forms import PlainDateField, optional_id
from ..forms import options
from .models import Outcome

PLACE_MAX = 200
SUMMARY_MAX = 2000
NOTE_MAX = 2000
STEP_MAX = 300


def outcome_labels() -> dict[str, str]:
    """Plain words for each outcome (also used by the templates through the route)."""
    return {
        Outcome.started_course: _l("Started a course"),
        Outcome.set_goal: _l("Set a learning goal"),
        Outcome.referred: _l("Referred elsewhere (for example debt help or a language course)"),
        Outcome.no_action: _l("No action for now"),
        Outcome.stopped: _l("Stopped"),
    }


def _outcome_field(label, required: bool) -> SelectField:
    first = [] if required else [("", _l("Not yet"))]
    validators = [DataRequired(_l("Choose what came out of it."))] if required else [Optional()]
    return SelectField(
        label,
        choices=options([*first, *outcome_labels().items()]),
        validators=[*validators, AnyOf([*([""] if not required else []), *Outcome])],
        validate_choice=False,
    )


class PlanForm(FlaskForm):
    day = PlainDateField(_l("Day"), validators=[InputRequired(_l("Choose a day."))])
    at = TimeField(
        _l("Time"),
        format=["%H:%M", "%H.%M", "%H:%M:%S"],
        invalid_value_message=_l("Choose a time, like 10:30."),
        validators=[InputRequired(_l("Choose a time, like 10:30."))],
    )
    place = StringField(
        _l("Where, or how?"),
        validators=[
            DataRequired(_l("Write where you meet, or how (for example: by phone).")),
            Length(max=PLACE_MAX, message=_l("Use at most %(max)d characters.", max=PLACE_MAX)),
        ],
    )


class RecordForm(FlaskForm):
    held_on = PlainDateField(
        _l("When did you talk?"),
        validators=[InputRequired(_l("Fill in the day you talked."))],
    )
    summary = TextAreaField(
        _l("Short summary"),
        validators=[
            Optional(),
            Length(max=SUMMARY_MAX, message=_l("Use at most %(max)d characters.", max=SUMMARY_MAX)),
        ],
    )
    outcome = _outcome_field(_l("What came out of it?"), required=False)


class NoteForm(FlaskForm):
    body = TextAreaField(
        _l("Private note"),
        validators=[
            DataRequired(_l("Write your note.")),
            Length(max=NOTE_MAX, message=_l("Use at most %(max)d characters.", max=NOTE_MAX)),
        ],
    )


class NextStepForm(FlaskForm):
    text = StringField(
        _l("Next step"),
        validators=[
            DataRequired(_l("Write the next step, in a few words.")),
            Length(max=STEP_MAX, message=_l("Use at most %(max)d characters.", max=STEP_MAX)),
        ],
    )
    due_on = PlainDateField(_l("By when? (optional)"), validators=[Optional()])
    offer_id = SelectField(
        _l("Link to a learning offer (optional)"), coerce=optional_id, validate_choice=False
    )
    goal_id = SelectField(
        _l("Link to a goal (optional)"), coerce=optional_id, validate_choice=False
    )


class StepDoneForm(FlaskForm):
    done = HiddenField(validators=[AnyOf(["0", "1"])])


class FollowUpForm(FlaskForm):
    # Not "outcome": the record form on the same page has that field (ids must differ).
    check_in_outcome = _outcome_field(_l("How is it going?"), required=True)
