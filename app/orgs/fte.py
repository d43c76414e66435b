"""The part-time factor (FTE) of a membership: one rule for the admin form and the import.

1 is full time, 0.8 is four days a week. It is used only for "learning hours per FTE"
(manager KPIs, K1). The database allows 0 < fte <= 1.5 with two decimals.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import ValidationError

FTE_MAX = Decimal("1.5")
FULL_TIME = Decimal("1.00")
# Digits with at most one decimal sign (a dot, or a comma as Dutch spreadsheets write it).
_NUMBER_RE = re.compile(r"^\d{1,2}(?:[.,]\d{1,2})?$")


def out_of_range_message():
    return _l("Fill in a number above 0 and at most 1.5, for example 0.8.")


def parse_fte(text: str) -> Decimal | None:
    """``"0,8"`` or ``"0.8"`` as Decimal("0.80"); None when it is not an allowed factor."""
    text = text.strip()
    if not _NUMBER_RE.match(text):
        return None
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
        return None
    if not Decimal(0) < value <= FTE_MAX:
        return None
    return value.quantize(Decimal("0.01"))


def format_fte(value: Decimal | None) -> str:
    """``0.80`` as "0,8" in Dutch and "0.8" in English; ``1.00`` as "1"."""
    if value is None:
        return ""
    return format_decimal(Decimal(value).normalize(), format="#,##0.##")


class FteField(StringField):
    """A part-time factor typed as text, so "0,8" works as well as "0.8"."""

    def process_formdata(self, valuelist):
        # Not sent at all (an older form): the value stays what it was.
        if valuelist:
            self.data = parse_fte(valuelist[0])

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return format_fte(self.data)

    def pre_validate(self, form) -> None:
        if self.data is None:
            raise ValidationError(str(out_of_range_message()))
