"""Forms for feedback and moderation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length, Optional


class ReportForm(FlaskForm):
    reason = StringField(
        _l("What is wrong? (you may leave this empty)"),
        validators=[Optional(), Length(max=300, message=_l("At most 300 characters."))],
    )
