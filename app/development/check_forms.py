"""The learning check form: one radio group per question of the registry (checks.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import AnyOf, Optional

from ..forms import options
from .checks import QUESTIONS, SKIP, SKIP_LABEL, Question


def _question_field(question: Question) -> RadioField:
    keys = [answer.key for answer in question.answers]
    return RadioField(
        question.text,
        choices=options([(a.key, a.label) for a in question.answers] + [(SKIP, SKIP_LABEL)]),
        # Every question may be left open; a value that is no answer gets a clear message.
        validate_choice=False,
        validators=[
            Optional(),
            AnyOf(keys + [SKIP], message=_l("Choose one of the answers, or skip this question.")),
        ],
    )


class _CheckForm(FlaskForm):
    """The questions of the learning check; each one optional."""

    def answers(self) -> dict[str, str]:
        """{question_key: answer_key} of the answered questions (skipped ones left out)."""
        chosen = {}
        for question in QUESTIONS:
            value = self[question.field_name].data
            if value and value != SKIP:
                chosen[question.key] = value
        return chosen

    def questions(self) -> list[tuple[Question, RadioField]]:
        """Each question with its bound field, in the registry's order (for the template)."""
        return [(question, self[question.field_name]) for question in QUESTIONS]


CheckForm = type(
    "CheckForm",
    (_CheckForm,),
    {question.field_name: _question_field(question) for question in QUESTIONS},
)


def check_form(answers: dict[str, str] | None = None) -> _CheckForm:
    """The form from the request, or (``answers`` given) pre-filled with an earlier check."""
    if answers is None:
        return CheckForm()
    return CheckForm(formdata=None, data={f"q_{key}": value for key, value in answers.items()})
