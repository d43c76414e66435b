"""Forms of the admin's production pages (K2): a metric, the values of one month, a file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from ..forms import options
from .metrics import AGGREGATION_LABELS, DESCRIPTION_MAX, NAME_MAX, UNIT_MAX, MetricValues
from .models import Aggregation


class MetricForm(FlaskForm):
    """A production metric: what it is called, its unit, which way is better, how teams
    and months add up. Fields in the order of the page."""

    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(_l("Give the metric a name.")),
            Length(max=NAME_MAX, message=_l("Use at most %(max)d characters.", max=NAME_MAX)),
        ],
    )
    unit = StringField(
        _l("Unit"),
        validators=[
            Length(max=UNIT_MAX, message=_l("Use at most %(max)d characters.", max=UNIT_MAX))
        ],
    )
    higher_is_better = RadioField(
        _l("Which is better?"),
        choices=options([("higher", _l("Higher is better")), ("lower", _l("Lower is better"))]),
        default="higher",
        validators=[InputRequired(_l("Choose whether higher or lower is better."))],
    )
    aggregation = RadioField(
        _l("How do teams and months add up?"),
        choices=options((a.value, AGGREGATION_LABELS[a]) for a in Aggregation),
        default=Aggregation.sum.value,
        validators=[InputRequired(_l("Choose how the values add up."))],
    )
    description = TextAreaField(
        _l("Explanation (optional)"),
        validators=[
            Length(
                max=DESCRIPTION_MAX,
                message=_l("Use at most %(max)d characters.", max=DESCRIPTION_MAX),
            )
        ],
    )

    def values(self) -> MetricValues:
        return MetricValues(
            name=self.name.data or "",
            unit=self.unit.data or "",
            higher_is_better=self.higher_is_better.data == "higher",
            aggregation=Aggregation(self.aggregation.data),
            description=self.description.data or "",
        )

    def fill_from(self, metric) -> None:
        self.name.data = metric.name
        self.unit.data = metric.unit
        self.higher_is_better.data = "higher" if metric.higher_is_better else "lower"
        self.aggregation.data = str(metric.aggregation)
        self.description.data = metric.description


class ValuesForm(FlaskForm):
    """The values of one metric in one month; the numbers are fields ``value-<team id>``
    (one per team), read by the route. Only the CSRF token and the choice are here."""

    metric = HiddenField()
    month = HiddenField()


class ChooseForm(FlaskForm):
    """Which metric and month to fill in (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    metric = SelectField(_l("Metric"), validate_choice=False)
    month = SelectField(_l("Month"), validate_choice=False)


class ValueImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(_l("Choose a file."))],
        render_kw={"accept": ".csv,text/csv"},
    )


class ValueImportCommitForm(FlaskForm):
    """The checked file's text, sent back with "Import now": it is checked again in full
    before anything is written, so nothing is kept on the server in between."""

    content = HiddenField(validators=[DataRequired()])
