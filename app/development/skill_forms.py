"""Forms of the skills passport."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, RadioField, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, Email, Length, Optional

from ..forms import MAX_ID, options
from .skills import NOTE_MAX, SKILL_NAME_MAX
from .skills_models import ConfirmerRole


def _optional_id(value):
    """An id from a form value, or None (empty, not a number, or no possible id)."""
    try:
        number = int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None
    return number if number is not None and 0 < number <= MAX_ID else None


class AddSkillForm(FlaskForm):
    name = StringField(
        _l("What can you do?"),
        validators=[
            DataRequired(_l("Write the name of the skill.")),
            Length(
                min=2,
                max=SKILL_NAME_MAX,
                message=_l("Use between 2 and %(max)d characters.", max=SKILL_NAME_MAX),
            ),
        ],
        render_kw={"list": "skill-vocabulary", "autocomplete": "off", "maxlength": SKILL_NAME_MAX},
    )
    note = StringField(
        _l("A short note (you may leave this empty)"),
        validators=[
            Optional(),
            Length(max=NOTE_MAX, message=_l("At most %(max)d characters.", max=NOTE_MAX)),
        ],
        render_kw={"maxlength": NOTE_MAX},
    )


def role_choices():
    return options(
        [
            (ConfirmerRole.colleague.value, _l("As a colleague")),
            (ConfirmerRole.ambassador.value, _l("As a learning ambassador")),
            (ConfirmerRole.expert.value, _l("As an expert in this skill")),
        ]
    )


class AskColleagueForm(FlaskForm):
    who = HiddenField(default="member", validators=[AnyOf(["member"])])
    confirmer_id = SelectField(
        _l("Who can confirm it?"),
        coerce=_optional_id,
        validate_choice=False,  # the service checks the colleague, with a clear message
        validators=[DataRequired(_l("Choose a colleague."))],
    )
    role = RadioField(
        _l("How does this person know your work?"),
        choices=role_choices(),
        default=ConfirmerRole.colleague.value,
        validators=[DataRequired(_l("Choose how this person knows your work."))],
    )


class AskExpertForm(FlaskForm):
    who = HiddenField(default="outside", validators=[AnyOf(["outside"])])
    expert_name = StringField(
        _l("Name of the expert"),
        validators=[
            DataRequired(_l("Write the expert's name.")),
            Length(max=120, message=_l("At most %(max)d characters.", max=120)),
        ],
        render_kw={"autocomplete": "off", "maxlength": 120},
    )
    expert_email = EmailField(
        _l("E-mail address of the expert"),
        validators=[
            DataRequired(_l("Write the expert's e-mail address.")),
            Email(_l("This is not an e-mail address.")),
            Length(max=254, message=_l("At most %(max)d characters.", max=254)),
        ],
        render_kw={"autocomplete": "off", "inputmode": "email", "maxlength": 254},
    )


class AnswerForm(FlaskForm):
    answer = HiddenField(validators=[AnyOf(["confirm", "decline"])])
