"""Forms for learning agreements (U1): a union's proposal, and changes by either side."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..forms import MAX_ID
from ..money import amount_field
from ..orgs.forms import MultiCheckboxField

MESSAGE_MAX = 2000
# What the union may type for the company: its address part ("bakkerij-de-boer") or a
# whole web address that contains /o/<address>/.
_ADDRESS_IN_URL = re.compile(r"/o/([^/?#]+)")

# The four things an agreement may share, in the order the forms show them.
SHARING_FIELDS = (
    "reps_act_as_ambassadors",
    "shares_conversation_reports",
    "shares_facility_time",
    "shares_learning_figures",
)
TERM_FIELDS = ("ambassadors_agreed", "facility_hours_per_month", "learning_days")


class WholeNumberField(IntegerField):
    """A whole number with a plain message when what was typed is not one."""

    def __init__(self, label, message, **kwargs):
        super().__init__(label, **kwargs)
        self.not_a_number = message

    def process_formdata(self, valuelist):
        if not valuelist or valuelist[0] in (None, ""):
            self.data = None
            return
        try:
            self.data = int(str(valuelist[0]).strip())
        except ValueError as error:
            self.data = None
            raise ValueError(self.not_a_number) from error


def _number(label, low: int, high: int, message) -> WholeNumberField:
    return WholeNumberField(
        label,
        message,
        validators=[InputRequired(message), NumberRange(min=low, max=high, message=message)],
        render_kw={"inputmode": "numeric", "size": 5},
    )


def company_address(text: str | None) -> str:
    """The company's address part from what was typed (a slug or a whole web address)."""
    value = (text or "").strip()
    match = _ADDRESS_IN_URL.search(value)
    if match:
        value = match.group(1)
    return value.strip("/ ").lower()


class AgreementTermsForm(FlaskForm):
    """The terms and what is shared; used by both sides to change an agreement. The union's
    form also names its reps (``rep_ids``); the company's form has no such field."""

    ambassadors_agreed = _number(
        _l("Number of learning ambassadors"), 1, 50, _l("Choose a number from 1 to 50.")
    )
    facility_hours_per_month = _number(
        _l("Hours per month for each ambassador, in work time"),
        0,
        160,
        _l("Choose a number of hours from 0 to 160."),
    )
    yearly_budget = amount_field(_l("Learning budget per person per year, in euros (optional)"))
    learning_days = _number(
        _l("Learning days per person per year"), 0, 30, _l("Choose a number from 0 to 30.")
    )
    reps_act_as_ambassadors = BooleanField(
        _l("Our learning reps work as ambassadors in the company"), default=True
    )
    shares_conversation_reports = BooleanField(
        _l("The union sees the numbers of ambassador talks"), default=True
    )
    shares_facility_time = BooleanField(
        _l("The union sees the hours the ambassadors used"), default=True
    )
    shares_learning_figures = BooleanField(
        _l("The union sees learning figures of the company"), default=False
    )
    rep_ids = MultiCheckboxField(_l("Which learning reps of the union?"), coerce=int)
    message = TextAreaField(
        _l("Message to the company (optional)"),
        validators=[
            Optional(),
            Length(max=MESSAGE_MAX, message=_l("Use at most 2000 characters.")),
        ],
    )

    def values(self) -> dict:
        """The terms as model values (call after validation)."""
        result = {name: getattr(self, name).data for name in TERM_FIELDS + SHARING_FIELDS}
        result["yearly_budget_cents"] = (
            getattr(self.yearly_budget, "cents", None) if self.yearly_budget.data else None
        )
        return result

    def rep_user_ids(self) -> list[int]:
        return sorted({i for i in (self.rep_ids.data or []) if 0 < i <= MAX_ID})


class ProposeAgreementForm(AgreementTermsForm):
    """The union proposes an agreement to one company, named by its exact address."""

    company = StringField(
        _l("Address of the company in Leercultuur"),
        validators=[
            InputRequired(_l("Fill in the address of the company.")),
            Length(max=200, message=_l("Use at most 200 characters.")),
        ],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )


class AnswerForm(FlaskForm):
    """The company admin's "Approve" or "Say no": the CSRF token and the version of the
    terms on the admin's screen (``terms_version``); an answer to older terms is refused."""

    version = HiddenField(validators=[Optional(), Length(max=64)])

    def seen_version(self) -> str:
        """What the page showed; a form without it matches no terms at all."""
        return (self.version.data or "").strip()
