"""Forms of the feed: post a learning success, comment, applaud, "I want to learn this too"."""

from __future__ import annotations

import secrets

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from ..forms import options
from .models import Audience, LearnedHow

POST_MAX_LENGTH = 2000
COMMENT_MAX_LENGTH = 1000
TOKEN_MAX_LENGTH = 64
# "How long did it take?" as a few taps instead of typing a number.
MINUTE_CHOICES = (15, 30, 60, 120, 240)


def new_client_token() -> str:
    """A random token per form: a second submit of the same form finds the first row."""
    return secrets.token_hex(16)


def how_label(how: LearnedHow | str | None) -> str:
    """Plain words for how someone learned something."""
    labels = {
        LearnedHow.on_the_job: _("On the job"),
        LearnedHow.colleague: _("From a colleague"),
        LearnedHow.course: _("In a course"),
        LearnedHow.online: _("Online"),
        LearnedHow.outside_work: _("Outside work"),
    }
    return labels.get(LearnedHow(how), "") if how else ""


def time_label(minutes: int | None) -> str:
    """Time spent in plain words: "30 minutes", "1 hour", "half a day"."""
    if not minutes:
        return ""
    if minutes == 240:
        return _("half a day")
    if minutes < 60 or minutes % 60:
        return _("%(num)d minutes", num=minutes)
    hours = minutes // 60
    return _("1 hour") if hours == 1 else _("%(num)d hours", num=hours)


def _client_token_field() -> HiddenField:
    return HiddenField(
        default=new_client_token,
        validators=[DataRequired(), Length(max=TOKEN_MAX_LENGTH)],
    )


class PostForm(FlaskForm):
    body = TextAreaField(
        _l("What did you learn?"),
        validators=[
            DataRequired(message=_l("Write what you learned.")),
            Length(
                max=POST_MAX_LENGTH,
                message=_l("This is too long. Write at most %(max)d characters."),
            ),
        ],
        render_kw={"rows": 6},
    )
    how = RadioField(_l("How did you learn it?"), validators=[Optional()])
    minutes = RadioField(_l("How much time did it take?"), validators=[Optional()])
    offer_id = SelectField(_l("Was it part of a learning offer?"), validators=[Optional()])
    audience = RadioField(_l("Who may see this?"))
    client_token = _client_token_field()

    def set_choices(self, offers: list[tuple[int, str]], has_team: bool) -> PostForm:
        """Fill the choices; without a team only "the whole company" is possible."""
        self.how.choices = options(
            [(how, how_label(how)) for how in LearnedHow] + [("", _l("I do not want to say"))]
        )
        self.minutes.choices = options(
            [(m, time_label(m)) for m in MINUTE_CHOICES] + [("", _l("I do not know"))]
        )
        self.offer_id.choices = options([("", _l("No, not part of an offer")), *offers])
        audiences = [(Audience.company, _l("The whole company"))]
        if has_team:
            audiences.insert(0, (Audience.team, _l("My team")))
        self.audience.choices = options(audiences)
        if not self.audience.data:
            self.audience.data = str(Audience.team if has_team else Audience.company)
        return self

    @property
    def minutes_value(self) -> int | None:
        return int(self.minutes.data) if self.minutes.data else None

    @property
    def offer_value(self) -> int | None:
        return int(self.offer_id.data) if self.offer_id.data else None

    @property
    def how_value(self) -> LearnedHow | None:
        return LearnedHow(self.how.data) if self.how.data else None


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Your comment"),
        validators=[
            DataRequired(message=_l("Write a comment first.")),
            Length(
                max=COMMENT_MAX_LENGTH,
                message=_l("This is too long. Write at most %(max)d characters."),
            ),
        ],
    )
    client_token = _client_token_field()
    # Where to go back to without JavaScript, and whether the page shows all comments.
    next = HiddenField()
    view = HiddenField(validators=[Optional(), AnyOf(["feed", "post"])])


class ApplauseForm(FlaskForm):
    # "1" gives applause, "0" takes it back: a double click sends the same wish twice.
    applaud = HiddenField(validators=[AnyOf(["0", "1"])], default="1")
    next = HiddenField()


class WantForm(FlaskForm):
    next = HiddenField()
