"""Forms for learning goals (E1): a goal with up to five small steps, a step, sharing."""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Form,
    FormField,
    HiddenField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, Length, Optional, Regexp

from ..forms import MAX_ID

TITLE_MAX = 200
WHY_MAX = 2000
STEP_MAX = 200
NEW_STEP_ROWS = 5
# What a browser sends for <input type="date">, and what people type without a date picker.
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]


class PlainDateField(DateField):
    """A date field with a plain message when the date cannot be read."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", DATE_FORMATS)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Give a date like 31-12-2025.")) from error


def optional_id(value) -> int | None:
    """An id from a form or query value, or None (empty, not a number, or no possible id)."""
    try:
        number = int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None
    return number if number is not None and 0 < number <= MAX_ID else None


def client_token_field() -> HiddenField:
    # A random token per form: a second submit of the same form finds the first row.
    return HiddenField(
        default=lambda: secrets.token_hex(16),
        validators=[DataRequired(), Regexp(r"^[A-Za-z0-9_-]{8,64}$")],
    )


def _title_field() -> StringField:
    return StringField(
        _l("What do you want to learn?"),
        validators=[
            DataRequired(_l("Write what you want to learn, in your own words.")),
            Length(max=TITLE_MAX, message=_l("Use at most %(max)d characters.", max=TITLE_MAX)),
        ],
    )


def _why_field() -> TextAreaField:
    return TextAreaField(
        _l("Why is this important to you? (optional)"),
        validators=[
            Optional(),
            Length(max=WHY_MAX, message=_l("Use at most %(max)d characters.", max=WHY_MAX)),
        ],
    )


def _target_date_field() -> PlainDateField:
    return PlainDateField(_l("When do you want to reach it? (optional)"), validators=[Optional()])


class StepRow(Form):
    """One row of the "small steps" on the new goal form (no CSRF of its own)."""

    text = StringField(
        _l("Step"),
        validators=[
            Optional(),
            Length(max=STEP_MAX, message=_l("Use at most %(max)d characters.", max=STEP_MAX)),
        ],
    )
    due_date = PlainDateField(_l("Date (optional)"), validators=[Optional()])


class GoalForm(FlaskForm):
    """A new goal: title in the person's own words, why, target date and small steps."""

    title = _title_field()
    why = _why_field()
    target_date = _target_date_field()
    # Five fixed rows (step1 ... step5), not a FieldList: rows left out of the request
    # must stay empty, never be filled from a neighbour.
    step1 = FormField(StepRow)
    step2 = FormField(StepRow)
    step3 = FormField(StepRow)
    step4 = FormField(StepRow)
    step5 = FormField(StepRow)
    # Pre-filled from an offer or a wish; checked again when the goal is saved.
    offer_id = HiddenField(filters=[optional_id])
    wish_id = HiddenField(filters=[optional_id])
    client_token = client_token_field()

    @property
    def step_rows(self) -> list[FormField]:
        return [getattr(self, f"step{number}") for number in range(1, NEW_STEP_ROWS + 1)]

    def step_values(self) -> list[tuple[str, object]]:
        """The filled-in steps as (text, date), in the order typed; empty rows are skipped."""
        rows = []
        for row in self.step_rows:
            text = " ".join((row.form.text.data or "").split())
            if text:
                rows.append((text, row.form.due_date.data))
        return rows


class EditGoalForm(FlaskForm):
    title = _title_field()
    why = _why_field()
    target_date = _target_date_field()


class StepForm(FlaskForm):
    """Add one step to a goal."""

    text = StringField(
        _l("New step"),
        validators=[
            DataRequired(_l("Write a small step.")),
            Length(max=STEP_MAX, message=_l("Use at most %(max)d characters.", max=STEP_MAX)),
        ],
    )
    due_date = PlainDateField(_l("Date (optional)"), validators=[Optional()])


class StepDoneForm(FlaskForm):
    """Mark a step done ("1") or not done ("0"): the wanted state, so a repeat changes nothing."""

    done = HiddenField(validators=[AnyOf(["0", "1"])])


class GoalStatusForm(FlaskForm):
    status = HiddenField(validators=[AnyOf(["open", "done", "dropped"])])


class SharingForm(FlaskForm):
    shared_with_manager = BooleanField(_l("My manager"))
    shared_with_ambassadors = BooleanField(_l("The learning ambassadors"))
