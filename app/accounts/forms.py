"""Sign-in and account forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from ..forms import LANGUAGE_OPTIONS, options


class MagicLinkForm(FlaskForm):
    email = EmailField(
        _l("Your e-mail address"),
        validators=[
            DataRequired(_l("Fill in your e-mail address.")),
            Email(_l("This is not an e-mail address.")),
            Length(max=254),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        render_kw={"autocomplete": "email", "inputmode": "email"},
    )
    next = HiddenField()


class PasswordSignInForm(FlaskForm):
    login = StringField(
        _l("E-mail address or username"),
        validators=[DataRequired(_l("Fill in your e-mail address or username.")), Length(max=254)],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    secret = PasswordField(
        _l("Password or PIN"),
        validators=[DataRequired(_l("Fill in your password or PIN.")), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class CodeSignInForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(_l("Fill in your username.")), Length(max=60)],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    code = StringField(
        _l("Sign-in code"),
        validators=[DataRequired(_l("Fill in the code from your card.")), Length(max=40)],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "characters"},
    )


class CredentialForm(FlaskForm):
    kind = RadioField(
        _l("What do you want to use?"),
        choices=options(
            [
                ("pin", _l("A PIN (at least 6 digits)")),
                ("password", _l("A password (at least 8 characters)")),
            ]
        ),
        default="pin",
        validators=[DataRequired()],
    )
    secret = PasswordField(
        _l("Your new PIN or password"),
        validators=[DataRequired(_l("Fill in a PIN or password.")), Length(max=256)],
        render_kw={"autocomplete": "new-password"},
    )
    repeat = PasswordField(
        _l("Type it again"),
        validators=[DataRequired(_l("Type it again, to be sure."))],
        render_kw={"autocomplete": "new-password"},
    )


class LanguageForm(FlaskForm):
    locale = SelectField(
        _l("Language"),
        choices=options(LANGUAGE_OPTIONS),
        validators=[DataRequired()],
    )
    next = HiddenField()
