"""Money as integer cents with an ISO currency: parsing what people type, showing it back.

Used by the learning budget (E5) and by offers with a price.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_babel import format_currency
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Optional, ValidationError

DEFAULT_CURRENCY = "EUR"
MAX_AMOUNT_CENTS = 1_000_000 * 100
# "750", "750,50", "750.5", with an optional euro sign: at most two decimals, no thousands
# separators (in "1.000" the dot could mean either, so it is refused rather than guessed).
_AMOUNT_RE = re.compile(r"^(\d{1,7})(?:[.,](\d{1,2}))?$")


class AmountError(ValueError):
    """A typed amount that is not money we accept; ``reason`` is "format" or "range"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_amount(text: str) -> int:
    """``"750"`` → 75000, ``"750,50"`` → 75050 cents; exact (Decimal), 0 to 1 000 000."""
    cleaned = (text or "").replace("€", "").replace(" ", "").replace("\u00a0", "")
    match = _AMOUNT_RE.match(cleaned)
    if match is None:
        raise AmountError("format")
    try:
        amount = Decimal(match.group(1) + "." + (match.group(2) or "0"))
    except InvalidOperation as error:  # pragma: no cover - the pattern allows digits only
        raise AmountError("format") from error
    cents = int(amount.scaleb(2))
    if not 0 <= cents <= MAX_AMOUNT_CENTS:
        raise AmountError("range")
    return cents


def amount_for_input(cents: int | None, decimal_comma: bool = True) -> str:
    """Cents as people type them: ``75000`` → "750", ``75050`` → "750,50"."""
    if cents is None:
        return ""
    euros, rest = divmod(cents, 100)
    if not rest:
        return str(euros)
    return f"{euros}{',' if decimal_comma else '.'}{rest:02d}"


def format_money(cents: int, currency: str = DEFAULT_CURRENCY) -> str:
    """Cents in the user's locale, e.g. "€ 450,00" (nl) or "€450.00" (en)."""
    return format_currency(Decimal(cents).scaleb(-2), currency)


class AmountValidator:
    """An amount in euros as people type it ("750" or "750,50"), 0 to 1 000 000."""

    def __call__(self, form, field) -> None:
        try:
            field.cents = parse_amount(field.data or "")
        except AmountError as error:
            field.cents = None
            if error.reason == "range":
                raise ValidationError(_l("Choose an amount from 0 to 1,000,000 euros.")) from error
            raise ValidationError(
                _l("Write the amount in euros, for example 750 or 750,50.")
            ) from error


def amount_field(label) -> StringField:
    return StringField(
        label,
        validators=[Optional(), AmountValidator()],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        render_kw={"inputmode": "decimal", "autocomplete": "off", "size": 12},
    )
