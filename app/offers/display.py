"""Plain words for offer facts: format, duration and language (used by templates)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_datetime, gettext, ngettext
from flask_babel import lazy_gettext as _l

from .models import OfferFormat

FORMAT_LABELS = {
    OfferFormat.on_the_job: _l("On the job"),
    OfferFormat.colleague: _l("From a colleague"),
    OfferFormat.classroom: _l("Classroom"),
    OfferFormat.coaching: _l("Coaching"),
    OfferFormat.micro: _l("Micro-learning (a few minutes, on your phone)"),
    OfferFormat.online: _l("Online"),
}

# In-person and on-the-job formats come first in the catalogue (EVIDENCE B-ONLINE).
IN_PERSON_FORMATS = (
    OfferFormat.on_the_job,
    OfferFormat.colleague,
    OfferFormat.classroom,
    OfferFormat.coaching,
)

LANGUAGE_LABELS = {
    "nl": _l("Dutch"),
    "en": _l("English"),
    "de": _l("German"),
    "pl": _l("Polish"),
    "tr": _l("Turkish"),
    "ar": _l("Arabic"),
}


def format_label(value: OfferFormat | str) -> str:
    """The offer's format in plain words."""
    return str(FORMAT_LABELS.get(OfferFormat(value), value))


def language_label(code: str | None) -> str:
    """The language of the offer in plain words (the code itself when unknown)."""
    return str(LANGUAGE_LABELS.get(code or "", code or ""))


def duration_words(minutes: int | None) -> str:
    """``90`` → "1 hour 30 minutes"; ``45`` → "45 minutes"."""
    minutes = max(int(minutes or 0), 0)
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(num)d hour", "%(num)d hours", hours))
    if rest or not hours:
        parts.append(ngettext("%(num)d minute", "%(num)d minutes", rest))
    return " ".join(parts)


def status_label(status: str | None) -> str:
    """The person's sign-up status in plain words."""
    labels = {
        "interested": _l("You are interested"),
        "signed_up": _l("You are signed up"),
        "completed": _l("Done"),
        "cancelled": _l("Cancelled"),
    }
    return str(labels.get(str(status), "")) if status else ""


def admin_status_label(status: str) -> str:
    """A sign-up status for the admin's list."""
    labels = {
        "interested": _l("Interested"),
        "signed_up": _l("Signed up"),
        "completed": _l("Done"),
        "cancelled": _l("Cancelled"),
    }
    return str(labels.get(str(status), status))


# "Friday 12 June 2026, 09:30": the day in words, so nobody misreads 06-12 and 12-06.
START_PATTERN = "EEEE d MMMM y, HH:mm"


def start_words(starts_at: datetime | None) -> str:
    """When an event or session starts, in the organisation's time zone."""
    return format_datetime(starts_at, START_PATTERN) if starts_at else ""


def places_words(left: int | None) -> str:
    """ "3 places left", "Full", or nothing when the offer has no limit."""
    if left is None:
        return ""
    if left <= 0:
        return gettext("Full")
    return ngettext("%(num)d place left", "%(num)d places left", left)


TEMPLATE_HELPERS = {
    "start_words": start_words,
    "places_words": places_words,
    "format_label": format_label,
    "language_label": language_label,
    "duration_words": duration_words,
    "status_label": status_label,
    "admin_status_label": admin_status_label,
}
