"""The admin's form for a new API token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, Length

from ..forms import options
from ..manager_kpis.models import TokenScope
from .tokens import NAME_MAX

SCOPE_LABELS = {
    TokenScope.read: _l("Read only: KPIs, teams, metrics and offers"),
    TokenScope.write: _l("Read and write: also send production figures"),
}


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            DataRequired(_l("Give the token a name.")),
            Length(max=NAME_MAX, message=_l("Use at most %(max)d characters.", max=NAME_MAX)),
        ],
    )
    scope = RadioField(
        _l("What may the token do?"),
        choices=options((scope.value, label) for scope, label in SCOPE_LABELS.items()),
        default=TokenScope.read.value,
        validators=[DataRequired(_l("Choose what the token may do."))],
    )
