"""Anonymous reports (B6): conversations per quarter by topic and by outcome.

Written once for the company admin's page and for the union's pages (U3): the counts
come from ``report_queries.conversation_counts`` (one query for every organisation in the
context), and every table goes through ``app.aggregates.suppress_counts`` with that
organisation's ``min_group_size``: a cell behind fewer than k different people is
hidden, and one more when the total would give it away.

Only quarters that are over are reported. The quarter of today changes with every
booking: someone who saw a colleague walk to the ambassador could reload the page and
see which cell went up by one. A finished quarter no longer changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from ..aggregates import Count, CountTable, suppress_counts
from .models import Outcome, Topic
from .report_queries import conversation_counts

QUARTERS_SHOWN = 4

# Cells in the order the tables show them; None: no topic chosen / no outcome yet.
TOPIC_KEYS: tuple[Topic | None, ...] = (*Topic, None)
OUTCOME_KEYS: tuple[Outcome | None, ...] = (*Outcome, None)

TOPIC_LABELS = {
    Topic.course: _l("A course or training"),
    Topic.future: _l("My future at work"),
    Topic.basic_skills: _l("Reading, writing, numbers or computers"),
    Topic.money: _l("Paying for learning"),
    Topic.diploma: _l("A certificate or diploma"),
    Topic.other: _l("Something else"),
    None: _l("No topic chosen"),
}
OUTCOME_LABELS = {
    Outcome.started_course: _l("Started a course"),
    Outcome.set_goal: _l("Set a learning goal"),
    Outcome.referred: _l("Sent on to other help"),
    Outcome.no_action: _l("No action"),
    Outcome.stopped: _l("Stopped"),
    None: _l("No result yet"),
}


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1-4

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """The last day of the quarter."""
        return self.next().start - timedelta(days=1)

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    @property
    def key(self) -> str:
        """How a quarter is written in a URL: "2026-2"."""
        return f"{self.year}-{self.number}"


def finished_quarters(today: date, count: int = QUARTERS_SHOWN) -> list[Quarter]:
    """The last ``count`` quarters that are over on ``today``, newest first (this
    quarter is not one of them)."""
    quarters = [Quarter.of(today).previous()]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    return quarters


def quarter_from_key(value: str | None, allowed: Iterable[Quarter]) -> Quarter | None:
    """The quarter ``value`` ("2026-2") names, if it is one of ``allowed``."""
    for quarter in allowed:
        if quarter.key == (value or "").strip():
            return quarter
    return None


@dataclass(frozen=True)
class QuarterReport:
    """One organisation's quarter: conversations by topic and by outcome, suppressed."""

    quarter: Quarter
    topics: CountTable
    outcomes: CountTable

    @property
    def total(self) -> int | None:
        """All conversations of the quarter (None: too few people to show)."""
        return self.topics.total


def quarter_reports(
    org_ids: Iterable[int], min_group_sizes: Mapping[int, int], today: date
) -> dict[int, list[QuarterReport]]:
    """Per organisation, the last four quarters that are over on ``today`` (newest first),
    each with its two suppressed tables; conversations of this quarter are never shown.
    One query for all organisations together. Only the organisations asked for are
    reported, whatever else the context holds."""
    wanted = list(dict.fromkeys(org_ids))
    quarters = finished_quarters(today)
    shown = set(quarters)
    if not wanted:
        return {}
    asked = set(wanted)
    cells: dict[tuple, list[Count]] = defaultdict(list)
    totals: dict[tuple, Count] = {}
    for row in conversation_counts(quarters[-1].start):
        if row.org_id not in asked or Quarter(row.year, row.quarter) not in shown:
            continue
        place = (row.org_id, row.year, row.quarter)
        if row.dimension == "total":
            totals[place] = Count("total", row.conversations, row.people)
        else:
            key = _key(row.dimension, row.value)
            cells[(*place, row.dimension)].append(Count(key, row.conversations, row.people))
    reports: dict[int, list[QuarterReport]] = {}
    for org_id in wanted:
        k = min_group_sizes[org_id]
        reports[org_id] = []
        for quarter in quarters:
            place = (org_id, quarter.year, quarter.number)
            total = totals.get(place, Count("total", 0, 0))
            reports[org_id].append(
                QuarterReport(
                    quarter=quarter,
                    topics=suppress_counts(cells[(*place, "topic")], total, k, TOPIC_KEYS),
                    outcomes=suppress_counts(cells[(*place, "outcome")], total, k, OUTCOME_KEYS),
                )
            )
    return reports


def _key(dimension: str, value: str | None):
    if value is None:
        return None
    enum = Topic if dimension == "topic" else Outcome
    try:
        return enum(value)
    except ValueError:  # a value from a newer version: its own cell, still suppressed
        return value
