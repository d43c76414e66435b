"""What the managers' dashboard shows (K1-K4): per group and period, every KPI with its
target, a status in words, the company average beside it and the 12 periods up to it.

The numbers come from the engine (``dev_kpis.compute``, ``production.compute``) and the
targets from ``targets.applicable``; each is a fixed number of SQL statements whatever the
number of teams, periods and people, so a page or a tile is too. Nothing here names a
person: a group is shown only as totals, and a group with too few people only as "too few
to show" (the engine decides which, ``suppression.py``).

The company average is the organisation's own figure. For a count (successes, feedback)
and a production figure that adds up over teams, the organisation's total is not
comparable with one team's: it is scaled to the group's number of people ("for a group
this size"). A KPI counted only for the whole company (``org_only``: talks with an
ambassador) has no figure and no target for a team or unit: its tile says so and shows
the company's own figure, not scaled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _

from . import catalogue, dev_kpis, freshness, production, targets
from .catalogue import Unit
from .dashboard_format import (  # noqa: F401 (re-exported: other features format with these)
    chart_number,
    format_value,
    short_period,
    status_words,
    unit_words,
)
from .figures import Figure
from .groups import ORG_KEY, Group, org_groups, team_key
from .metrics import metrics_of
from .models import Aggregation, PeriodKind, ProductionMetric
from .periods import Period, last_periods, parse_period, period_of

TREND_LENGTH = 12
# How far back the period choice goes (the trend of the oldest choice goes further back).
CHOICES = {PeriodKind.month: 24, PeriodKind.quarter: 8}
DEVELOPMENT, PRODUCTION = "development", "production"


@dataclass(frozen=True)
class Kpi:
    """One KPI as the dashboard shows it: a development KPI or a production metric."""

    key: str
    section: str  # DEVELOPMENT or PRODUCTION
    label: str
    unit: str  # catalogue.Unit value, or "metric" for a production figure
    higher_is_better: bool
    what: str
    why: str
    example: str = ""
    metric_unit: str = ""  # a production metric's own unit ("orders", "%")
    adds_up: bool = False  # a count or a summed metric: the average is scaled to the group
    org_only: bool = False  # counted only for the whole company (catalogue.KpiDef)
    org_only_note: str = ""  # why, for a team's or unit's tile

    @property
    def anchor(self) -> str:
        return "kpi-" + self.key.replace(":", "-")


def development_kpis(keys: Sequence[str] | None = None) -> list[Kpi]:
    return [
        Kpi(
            key=d.key,
            section=DEVELOPMENT,
            label=str(d.label),
            unit=d.unit.value,
            higher_is_better=d.higher_is_better,
            what=str(d.what),
            why=str(d.why),
            example=str(d.example),
            adds_up=d.unit == Unit.count and not d.org_only,
            org_only=d.org_only,
            org_only_note=str(d.org_only_note),
        )
        for d in catalogue.CATALOGUE
        if keys is None or d.key in keys
    ]


def production_kpi(metric: ProductionMetric) -> Kpi:
    return Kpi(
        key=catalogue.metric_key(metric.id),
        section=PRODUCTION,
        label=metric.name,
        unit="metric",
        higher_is_better=metric.higher_is_better,
        what=metric.description
        or _("A production figure your company enters for each team and month."),
        why=_("Your company chose this figure to follow production next to development."),
        metric_unit=metric.unit,
        adds_up=metric.aggregation == Aggregation.sum,
    )


def active_metrics(org_id: int) -> list[ProductionMetric]:
    """The organisation's switched-on production metrics, by name (one query)."""
    return metrics_of(org_id, active_only=True)


# --- periods --------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodChoice:
    kind: PeriodKind
    period: Period  # the chosen one (the trend ends with it)
    current: Period  # the period today is in (open: counts up to today)
    options: list[Period]  # newest first

    @property
    def trend(self) -> list[Period]:
        periods = [self.period]
        while len(periods) < TREND_LENGTH:
            periods.append(periods[-1].previous())
        return periods[::-1]


def choose_period(kind_arg: str | None, token: str | None, today: date) -> PeriodChoice:
    """The period from the URL (``?kind=month|quarter&period=2026-11``): a period of the
    kind asked for, not after today's; anything else gives today's period."""
    try:
        kind = PeriodKind(kind_arg or PeriodKind.month)
    except ValueError:
        kind = PeriodKind.month
    current = period_of(kind, today)
    period = parse_period(token)
    if period is None or period.kind != kind or period.start > current.start:
        period = current
    options = last_periods(kind, today, CHOICES[kind])[::-1]
    if period not in options:
        options.append(period)
    return PeriodChoice(kind, period, current, options)


# --- tiles ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """One KPI of one group in one period."""

    period: Period
    figure: Figure
    target: Decimal | None
    status: str | None  # on_track / close / behind; None without a value or target
    average: float | None  # the company average; None: hidden, nothing, or this is the org
    average_hidden: bool = False
    # Open period, development KPI: when the older of its figures (group, company) was computed.
    computed_at: datetime | None = None

    @property
    def value(self) -> float | None:
        return self.figure.value

    @property
    def suppressed(self) -> bool:
        return self.figure.suppressed


@dataclass(frozen=True)
class Tile:
    kpi: Kpi
    points: list[Point]  # the trend, oldest first; the last is the chosen period

    @property
    def current(self) -> Point:
        return self.points[-1]


@dataclass
class Board:
    """A dashboard's group and period; what the skeleton, a tile and the title need."""

    group: Group
    parent: Group | None
    choice: PeriodChoice
    # The open period: when the oldest development figure shown was computed; else None.
    updated_at: datetime | None = None

    @property
    def is_org(self) -> bool:
        return self.group.key == ORG_KEY

    @property
    def team_id(self) -> int | None:
        return self.group.team_id


@dataclass
class Skeleton(Board):
    """The dashboard without numbers: a placeholder per KPI that fetches its tile."""

    kpis: list[Kpi] = field(default_factory=list)
    hidden: bool = False  # the group's figures are hidden in the chosen period

    @property
    def development_kpis(self) -> list[Kpi]:
        return [k for k in self.kpis if k.section == DEVELOPMENT]

    @property
    def production_kpis(self) -> list[Kpi]:
        return [k for k in self.kpis if k.section == PRODUCTION]


@dataclass
class Dashboard(Board):
    development: list[Tile] = field(default_factory=list)
    production: list[Tile] = field(default_factory=list)

    @property
    def hidden(self) -> bool:
        """The group's figures are hidden in the chosen period."""
        tiles = self.development or self.production
        return bool(tiles) and tiles[0].current.suppressed

    @property
    def tiles(self) -> list[Tile]:
        return [*self.development, *self.production]


def _average(kpi: Kpi, own: Figure, org: Figure | None) -> tuple[float | None, bool]:
    if org is None:
        return None, False
    if org.suppressed:
        return None, True
    if org.value is None:
        return None, False
    if kpi.adds_up:  # (not an org_only KPI: the company's figure is shown as it is)
        if not org.people or own.suppressed:
            return None, False
        return org.value * own.people / org.people, False
    return org.value, False


def build_tiles(
    org,
    groups: list[Group],
    group: Group,
    kpis: list[Kpi],
    metrics: list[ProductionMetric],
    periods: list[Period],
    today: date,
    now: datetime | None = None,
) -> list[Tile]:
    """A tile per KPI in ``kpis`` for ``group`` over ``periods``: the engine, production
    and targets each run a fixed number of statements (the engines work over the whole
    tree: the rules against working out a small team need it). Figures computed now join
    the cache: the caller commits (after rendering, so nothing loaded for the page
    expires first). With ``now`` the open period's development figures may come from the
    cache too (at most ``KPI_OPEN_PERIOD_MAX_AGE`` old); each point says when."""
    figures: dict[tuple[str, str, str], Figure] = {}
    stamps: dict[tuple[str, str], datetime] = {}
    wanted = [g for g in groups if g.key in {group.key, ORG_KEY}]
    keys = [g.key for g in wanted]
    development = any(k.section == DEVELOPMENT for k in kpis)
    if development:
        figures.update(
            dev_kpis.compute(org, wanted, periods, today, now=now, commit=False, computed_at=stamps)
        )
    if metrics:  # too few to show and head counts as the development figures say
        populations, hidden = dev_kpis.known_head_counts(
            org, keys, periods, today, now, figures if development else None
        )
        figures.update(
            production.compute(org, metrics, wanted, periods, today, populations, hidden, groups)
        )
    goals = targets.applicable(org.id, [k.key for k in kpis], wanted, periods)
    empty = Figure(value=None, people=0)
    tiles = []
    for kpi in kpis:
        points = []
        for period in periods:
            own = figures.get((group.key, kpi.key, period.token), empty)
            org_figure = (
                None
                if group.key == ORG_KEY
                else figures.get((ORG_KEY, kpi.key, period.token), empty)
            )
            average, average_hidden = _average(kpi, own, org_figure)
            target = goals.get((group.key, kpi.key, period.token))
            if kpi.org_only and group.key != ORG_KEY:
                target = None  # a team has no figure of its own to compare
            status = None
            if own.value is not None and target is not None:
                status = targets.status(own.value, target, kpi.higher_is_better)
            shown = [(group.key, period.token), (ORG_KEY, period.token)]
            times = [stamps[cell] for cell in shown if cell in stamps]
            computed_at = min(times) if kpi.section == DEVELOPMENT and times else None
            points.append(Point(period, own, target, status, average, average_hidden, computed_at))
        tiles.append(Tile(kpi, points))
    return tiles


def group_of(groups: list[Group], team_id: int | None) -> Group | None:
    key = ORG_KEY if team_id is None else team_key(team_id)
    return next((g for g in groups if g.key == key), None)


def parent_of(groups: list[Group], group: Group) -> Group | None:
    return next((g for g in groups if g.key == group.parent_key), None)


def dashboard(org, group: Group, groups: list[Group], choice: PeriodChoice, today, now=None):
    """Everything the full dashboard page shows (a fixed number of statements)."""
    metrics = active_metrics(org.id)
    kpis = development_kpis() + [production_kpi(m) for m in metrics]
    tiles = build_tiles(org, groups, group, kpis, metrics, choice.trend, today, now)
    development = [t for t in tiles if t.kpi.section == DEVELOPMENT]
    times = [t.current.computed_at for t in development if t.current.computed_at is not None]
    return Dashboard(
        group=group,
        parent=parent_of(groups, group),
        choice=choice,
        updated_at=min(times) if times else None,
        development=development,
        production=[t for t in tiles if t.kpi.section == PRODUCTION],
    )


def tile(
    org, group: Group, groups: list[Group], kpi_key: str, choice: PeriodChoice, today, now=None
):
    """One tile (for htmx), or None when ``kpi_key`` names no KPI of the organisation."""
    if catalogue.get(kpi_key) is not None:
        kpis, metrics = development_kpis([kpi_key]), []
    elif catalogue.is_metric_key(kpi_key):
        metrics = [m for m in active_metrics(org.id) if catalogue.metric_key(m.id) == kpi_key]
        if not metrics:
            return None
        kpis = [production_kpi(metrics[0])]
    else:
        return None
    return build_tiles(org, groups, group, kpis, metrics, choice.trend, today, now)[0]


def skeleton(org, group: Group, groups: list[Group], choice: PeriodChoice, today, now=None):
    """The KPIs a dashboard will show, without their numbers, whether the group is hidden
    in the period and how fresh the open period is (two statements: the metrics and the
    cache; two more for the head counts when the cache does not know)."""
    kpis = development_kpis() + [production_kpi(m) for m in active_metrics(org.id)]
    known = freshness.look_up(org, group.key, choice.period, today, now)
    hidden = known.hidden
    if hidden is None:
        hidden = group.key in hidden_groups(org, groups, choice.period, today)
    return Skeleton(group, parent_of(groups, group), choice, known.updated_at, kpis, hidden)


def hidden_groups(org, groups: list[Group], period: Period, today: date) -> set[str]:
    """The keys of the groups shown as "too few to show" in ``period`` (two statements)."""
    return _hidden_and_people(org, groups, period, today)[0]


def _hidden_and_people(org, groups: list[Group], period: Period, today: date):
    populations = dev_kpis.group_populations(org, groups, [period], today)
    hidden = dev_kpis.hidden_groups(populations, groups, period.token, org.min_group_size)
    # The people on the last day: never more than the members, so "too small" by either.
    people = {g.key: dev_kpis.head_count(populations, (g.key, period.token)).people for g in groups}
    return hidden, people


# --- overview -------------------------------------------------------------------------


@dataclass(frozen=True)
class OverviewRow:
    group: Group
    parent: Group | None
    hidden: bool  # its figures are hidden this month
    too_small: bool  # because it has fewer people than the organisation's minimum
    indent: int  # depth below the first group shown


def overview(org, groups: list[Group], visible: set[int] | None, today: date) -> list[OverviewRow]:
    """The groups the person may see (``visible`` from ``visible_team_ids``; None: all,
    the organisation too), in tree order, each marked when its figures are hidden in the
    current month. A fixed number of statements."""
    shown = [g for g in groups if visible is None or g.team_id in visible]
    if not shown:
        return []
    hidden, people = _hidden_and_people(org, groups, period_of(PeriodKind.month, today), today)
    by_key = {g.key: g for g in groups}
    top = min(g.depth for g in shown)
    return [
        OverviewRow(
            group=group,
            parent=by_key.get(group.parent_key),
            hidden=group.key in hidden,
            too_small=people[group.key] < org.min_group_size,
            indent=group.depth - top,
        )
        for group in shown
    ]


def groups_for(org) -> list[Group]:
    return org_groups(org.id, org.name)
