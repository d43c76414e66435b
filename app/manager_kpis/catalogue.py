"""The development KPIs (K1): what each one counts, and how to explain it in plain words.

Every KPI is computed per group (the organisation, a unit, a team) and period (a month or
a quarter). Shares (conversations, participation, goals) are measured on the period's last
day, over the people there on that day: active, or switched off after it, and started on
or before it (a quarter's share is its last month's population). Hours and counts
(``FLOW``) are counted over the period, over everyone who was a member at some time in
it, so the months of a quarter add up exactly to the quarter and a leaver's own numbers
never fall out of "quarter minus its months". People count in the team they are in now.
Ambassador contacts (``ORG_ONLY``) are counted only for the whole organisation, never per
team or unit, so nobody can work out who talked to an ambassador. Production KPIs (K2)
use the key ``metric:<id>`` and are defined by the company.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l


class Unit(enum.StrEnum):
    share = "share"  # 0-1, shown as a percentage
    hours = "hours"  # hours per FTE, one decimal
    count = "count"  # a whole number


@dataclass(frozen=True)
class KpiDef:
    key: str
    label: Any  # lazy_gettext
    unit: Unit
    higher_is_better: bool
    what: Any  # what this means (lazy_gettext, B1)
    why: Any  # why it matters
    example: Any
    # Counted only for the whole organisation: a team or unit shows ``org_only_note``
    # and the company's figure, never a number of its own.
    org_only: bool = False
    org_only_note: Any = ""


# Shown under every explanation.
PEOPLE_NOTE = _l(
    "A share (like development conversations) is about the people who were in the team "
    "on the last day of the period. Hours and numbers (like feedback) are about everyone "
    "who was in the team at some time during the period, also someone who left or joined. "
    "People count in the team they are in now."
)
PRIVACY_NOTE = _l(
    "We only show a number when it is about at least %(k)s people. "
    "A smaller team only counts inside its department."
)

CATALOGUE: tuple[KpiDef, ...] = (
    KpiDef(
        key="conversations",
        label=_l("Development conversations"),
        unit=Unit.share,
        higher_is_better=True,
        what=_l(
            "The part of the people who had a development conversation in the last 12 months. "
            "A conversation that the person says did not take place does not count."
        ),
        why=_l(
            "In a development conversation you talk about what someone wants to learn. "
            "That helps people to keep their work, now and later."
        ),
        example=_l("8 of the 10 people had a conversation: 80%."),
    ),
    KpiDef(
        key="participation",
        label=_l("Taking part in learning"),
        unit=Unit.share,
        higher_is_better=True,
        what=_l(
            "The part of the people who learned something in the last 90 days. "
            "They wrote it in their learning log or shared a learning success."
        ),
        why=_l("People who keep learning find it easier to deal with changes in their work."),
        example=_l("6 of the 10 people learned something in the last 90 days: 60%."),
    ),
    KpiDef(
        key="hours_work",
        label=_l("Learning hours in work time"),
        unit=Unit.hours,
        higher_is_better=True,
        what=_l(
            "The hours people learned during work time in this period, per full-time job. "
            "Someone who works half-time counts as half a job. "
            "Someone who joined or left during the period counts with their whole job."
        ),
        why=_l("It shows how much time the company gives people to learn."),
        example=_l("20 hours by 4 full-time jobs: 5.0 hours per full-time job."),
    ),
    KpiDef(
        key="hours_own",
        label=_l("Learning hours in own time"),
        unit=Unit.hours,
        higher_is_better=True,
        what=_l(
            "The hours people learned in their own time in this period, per full-time job. "
            "Someone who works half-time counts as half a job. "
            "Someone who joined or left during the period counts with their whole job."
        ),
        why=_l(
            "It shows how much people want to learn. "
            "Many hours in own time can also mean there is too little time at work."
        ),
        example=_l("6 hours by 3 full-time jobs: 2.0 hours per full-time job."),
    ),
    KpiDef(
        key="goals",
        label=_l("Learning goals"),
        unit=Unit.share,
        higher_is_better=True,
        what=_l(
            "The part of the people with a learning goal. "
            "The goal was open at the end of the period, or it was reached in the period."
        ),
        why=_l("With a goal, people learn with a direction. They keep going for longer."),
        example=_l("5 of the 10 people have a learning goal: 50%."),
    ),
    KpiDef(
        key="successes",
        label=_l("Learning successes shared"),
        unit=Unit.count,
        higher_is_better=True,
        what=_l(
            "How many learning successes the people shared in this period. "
            "Removed or hidden messages do not count."
        ),
        why=_l("When people share what they learned, others learn from it too."),
        example=_l("The team shared 7 successes in March."),
    ),
    KpiDef(
        key="feedback",
        label=_l("Feedback exchanged"),
        unit=Unit.count,
        higher_is_better=True,
        what=_l(
            "How many times the people gave or got feedback in this period. "
            "Removed feedback does not count."
        ),
        why=_l("Feedback helps people to see what goes well and what they can learn."),
        example=_l("The team gave or got feedback 12 times in March."),
    ),
    KpiDef(
        key="skills_confirmed",
        label=_l("Skills confirmed"),
        unit=Unit.count,
        higher_is_better=True,
        what=_l(
            "How many times a colleague or manager confirmed a skill of the people in this period."
        ),
        why=_l("A confirmed skill shows what someone can do. That helps in their next job."),
        example=_l("Colleagues confirmed 9 skills of the team in March."),
    ),
    KpiDef(
        key="ambassador_contacts",
        label=_l("Talks with an ambassador"),
        unit=Unit.count,
        higher_is_better=True,
        what=_l(
            "How many talks people of the company booked with a learning ambassador in this "
            "period. Cancelled talks do not count."
        ),
        why=_l(
            "An ambassador helps colleagues to take a first step in learning. "
            "Talks show that people find the way to that help."
        ),
        example=_l("People of the company booked 12 talks with an ambassador in March."),
        org_only=True,
        org_only_note=_l(
            "Talks with an ambassador are only counted for the whole company, "
            "never for a team or department. So nobody can work out who talked to one."
        ),
    ),
)

BY_KEY: dict[str, KpiDef] = {k.key: k for k in CATALOGUE}
KPI_KEYS: tuple[str, ...] = tuple(BY_KEY)
# Counted only for the whole organisation (a team or unit has no number of its own).
ORG_ONLY: tuple[str, ...] = tuple(k.key for k in CATALOGUE if k.org_only)
# Counted over everyone who was a member at some time in the period (the others are
# shares over the people on the period's last day).
FLOW: tuple[str, ...] = ("hours_work", "hours_own", "successes", "feedback", "skills_confirmed")


def get(key: str) -> KpiDef | None:
    return BY_KEY.get(key)


def is_metric_key(key: str) -> bool:
    """A production KPI's key: "metric:<id>"."""
    prefix, _, rest = (key or "").partition(":")
    return prefix == "metric" and rest.isdigit()


def metric_key(metric_id: int) -> str:
    return f"metric:{metric_id}"
