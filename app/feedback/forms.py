"""Forms for feedback and moderation."""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..forms import MAX_ID, options
from ..orgs.forms import MultiCheckboxField

WENT_WELL_MAX = 1000
TIP_MAX = 500
SKILL_MAX = 120
MESSAGE_MAX = 500
ASK_AT_MOST = 20


def _optional_int(value):
    """An id from a form value, or None (empty, not a number, or no possible id)."""
    try:
        number = int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None
    return number if number is not None and 0 < number <= MAX_ID else None


def _client_token_field():
    # A random token per form: a second submit of the same form finds the first row.
    return HiddenField(
        default=lambda: secrets.token_hex(16),
        validators=[DataRequired(), Regexp(r"^[A-Za-z0-9_-]{8,64}$")],
    )


class ReportForm(FlaskForm):
    reason = StringField(
        _l("What is wrong? (you may leave this empty)"),
        validators=[Optional(), Length(max=300, message=_l("At most 300 characters."))],
    )


class GiveFeedbackForm(FlaskForm):
    recipient_id = SelectField(
        _l("Who is the feedback for?"),
        coerce=_optional_int,
        validate_choice=False,  # the service checks the colleague, with a clear message
        validators=[DataRequired(_l("Choose a colleague."))],
    )
    went_well = TextAreaField(
        _l("What did your colleague do well?"),
        validators=[
            DataRequired(_l("Write what went well.")),
            Length(
                max=WENT_WELL_MAX,
                message=_l(
                    "Please keep it shorter: at most %(max)d characters.", max=WENT_WELL_MAX
                ),
            ),
        ],
        render_kw={"rows": 5},
    )
    tip = TextAreaField(
        _l("One tip for next time (you may leave this empty)"),
        validators=[
            Optional(),
            Length(
                max=TIP_MAX,
                message=_l("Please keep the tip shorter: at most %(max)d characters.", max=TIP_MAX),
            ),
        ],
        render_kw={"rows": 3},
    )
    skill = StringField(
        _l("Which skill is it about? (you may leave this empty)"),
        validators=[
            Optional(),
            Length(max=SKILL_MAX, message=_l("At most %(max)d characters.", max=SKILL_MAX)),
        ],
    )
    request_id = HiddenField(filters=[_optional_int])
    client_token = _client_token_field()


class AskFeedbackForm(FlaskForm):
    recipient_ids = MultiCheckboxField(
        _l("Whom do you want to ask?"), coerce=_optional_int, validate_choice=False
    )
    message = TextAreaField(
        _l("What would you like feedback on? (you may leave this empty)"),
        validators=[
            Optional(),
            Length(
                max=MESSAGE_MAX,
                message=_l("Please keep it shorter: at most %(max)d characters.", max=MESSAGE_MAX),
            ),
        ],
        render_kw={"rows": 3},
    )
    client_token = _client_token_field()


class ShareForm(FlaskForm):
    part = RadioField(
        _l("What do you want to share with your team?"),
        choices=options(
            [
                ("went_well", _l("Only what went well")),
                ("with_tip", _l("What went well and the tip")),
            ]
        ),
        default="went_well",
        validators=[DataRequired(_l("Choose what to share."))],
    )


class ModerationForm(FlaskForm):
    action = SelectField(
        _l("What do you want to do?"),
        choices=options(
            [("hide", _l("Hide")), ("restore", _l("Show again")), ("remove", _l("Remove"))]
        ),
        validators=[DataRequired()],
    )
