"""Forms of "my data": download and delete my account."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired


class DownloadForm(FlaskForm):
    """Only the CSRF token: the download is a POST so no link or image can start it."""


class DeleteAccountForm(FlaskForm):
    confirm = BooleanField(
        _l("Yes, delete my account and everything about me. I know this cannot be undone."),
        validators=[DataRequired(_l("Tick the box if you are sure."))],
    )
