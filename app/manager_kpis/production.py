"""Production KPIs (K2): the company's metrics per group and period, from the values
entered per team and month.

A team's month is its value. A unit's month combines the values of the unit's own team
and every team below it, and the organisation's month those of all teams: added up for a
metric that adds up (``sum``), the average of the values for one that averages. A
quarter combines its months the same way (the sum of the months, or the average of the
months' figures). A month without any value has no figure.

Privacy (K4): a group with fewer than the organisation's ``min_group_size`` people shows
"too few to show" for production figures as for every other KPI, with the same rule
against working out a small team by subtraction (``suppression.suppressed_groups``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, bindparam, func, literal, null, select, type_coerce, union_all

from ..db_types import utcnow
from ..extensions import db
from ..timeutil import org_today
from .catalogue import metric_key
from .dev_kpis import HeadCount, group_populations, head_count, hidden_groups
from .figures import Figure
from .groups import ORG_KEY, Group, org_groups
from .models import Aggregation, ProductionMetric, ProductionValue
from .periods import Period

# (group key, period token) -> dev_kpis.HeadCount (or one number for both counts)
Populations = Mapping[tuple[str, str], HeadCount | int]


def months_of(period: Period) -> list[date]:
    """The first day of each month in the period."""
    months, day = [], period.start.replace(day=1)
    while day <= period.end:
        months.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months


def team_sets(
    groups: Sequence[Group], keys: Iterable[str] | None = None
) -> dict[str, frozenset[int]]:
    """The teams whose values make up each group of the tree ``groups`` (or only those
    in ``keys``, and the groups below them): the team and all teams below it; for the
    organisation, every team."""
    children: dict[str, list[Group]] = defaultdict(list)
    for group in groups:
        if group.parent_key is not None:
            children[group.parent_key].append(group)
    found: dict[str, frozenset[int]] = {}

    def collect(group: Group) -> frozenset[int]:
        if group.key not in found:
            found[group.key] = frozenset()  # a loop in the tree stops here
            teams = {group.team_id} if group.team_id is not None else set()
            for child in children.get(group.key, ()):
                teams |= collect(child)
            found[group.key] = frozenset(teams)
        return found[group.key]

    wanted = None if keys is None else set(keys)
    for group in groups:
        if wanted is None or group.key in wanted:
            collect(group)
    return found


def _combine(values: list[Decimal]) -> tuple[Decimal, int] | None:
    """(sum, count) of the values, or None when there are none."""
    if not values:
        return None
    return sum(values, Decimal(0)), len(values)


def _combine_months(
    totals: list[tuple[Decimal, int]], aggregation: Aggregation
) -> tuple[Decimal, int] | None:
    """A quarter from its months' (sum, count): the sum of the months for a metric that
    adds up, the average of the months' figures for one that averages."""
    if aggregation == Aggregation.sum:
        return _combine([amount for amount, _count in totals])
    return _combine([amount / count for amount, count in totals])


def _figure(total: tuple[Decimal, int] | None, aggregation: Aggregation, people: int) -> Figure:
    if total is None:
        return Figure(value=None, people=people)
    amount, count = total
    if aggregation == Aggregation.average:
        return Figure(
            value=float(amount / count),
            people=people,
            numerator=float(amount),
            denominator=float(count),
        )
    return Figure(value=float(amount), people=people, numerator=float(amount))


def _month_totals(
    by_team_month: Mapping[tuple[int, date], Decimal],
    teams_of: Mapping[str, frozenset[int]],
    months: Sequence[date],
) -> dict[tuple[str, date], tuple[Decimal, int]]:
    """(group key, month) -> (sum, count) of the values of the group's teams; a group
    and month without any value is missing."""
    found = {}
    for group_key, teams in teams_of.items():
        for month in months:
            total = _combine(
                [by_team_month[(t, month)] for t in teams if (t, month) in by_team_month]
            )
            if total is not None:
                found[(group_key, month)] = total
    return found


def values_by_team_month(
    org_id: int,
    metric_ids: Sequence[int],
    first: date,
    last: date,
    teams: Iterable[int] | None,
    org_totals: bool,
) -> tuple[dict[int, dict[tuple[int, date], Decimal]], dict[int, dict[date, tuple[Decimal, int]]]]:
    """For the months from ``first`` to ``last``: metric id -> (team id, month) -> value
    of ``teams`` (None: every team); and, with ``org_totals``, metric id -> month ->
    (sum, count) over all the organisation's teams, added up in SQL (a large company's
    dashboard does not fetch every team's values for the company's figure). One query."""
    v = ProductionValue

    # The months are written into the SQL: prepared after a few runs, the statement gets
    # PostgreSQL's generic plan, which with the months as parameters expects one row and
    # sorts a large company's 70 000 values on disk (50 ms instead of 20).
    where = (
        v.org_id == org_id,
        v.metric_id.in_(list(metric_ids)),
        v.month >= bindparam("pv_first", first, Date(), literal_execute=True),
        v.month <= bindparam("pv_last", last, Date(), literal_execute=True),
    )
    parts = []
    if teams is None or (teams := sorted(set(teams))):
        rows = select(v.metric_id, v.team_id, v.month, v.value, literal(1).label("n")).where(*where)
        parts.append(rows if teams is None else rows.where(v.team_id.in_(teams)))
    if org_totals:
        parts.append(
            select(
                v.metric_id,
                null().label("team_id"),
                v.month,
                type_coerce(func.sum(v.value), v.value.type).label("value"),
                func.count().label("n"),
            )
            .where(*where)
            .group_by(v.metric_id, v.month)
        )
    by_team: dict[int, dict[tuple[int, date], Decimal]] = defaultdict(dict)
    totals: dict[int, dict[date, tuple[Decimal, int]]] = defaultdict(dict)
    if not parts:
        return by_team, totals
    statement = parts[0] if len(parts) == 1 else union_all(*parts)
    for metric_id, team_id, month, value, n in db.session.execute(statement):
        if team_id is None:
            totals[metric_id][month] = (Decimal(value), int(n))
        else:
            by_team[metric_id][(team_id, month)] = Decimal(value)
    return by_team, totals


def compute(
    org,
    metrics: Sequence[ProductionMetric],
    groups: Sequence[Group],
    periods: Sequence[Period],
    today: date | None = None,
    populations: Populations | None = None,
    hidden: Mapping[str, set[str]] | None = None,
    tree: Sequence[Group] | None = None,
) -> dict[tuple[str, str, str], Figure]:
    """Figures keyed (group key, "metric:<id>", period token) for every metric, group in
    ``groups`` and period. Four statements whatever the number of teams, months and
    metrics: the team tree, the people of every group and period (two; skipped when the
    caller passes ``populations``, as ``dev_kpis.group_populations`` returns them) and
    the values. ``today`` (the organisation's date) bounds the open period's people.
    ``hidden`` (period token -> the keys of the groups too small to show), given with
    ``populations`` of ``groups``: the caller knows already (the development figures,
    ``dev_kpis.known_head_counts``), so no head count is computed. ``tree``: the
    organisation's groups (``org_groups``), when the caller has them."""
    if not metrics or not groups or not periods:
        return {}
    # The whole tree, whatever groups are asked for: the organisation's figure is all
    # teams, and the rule against subtraction needs every sibling and parent.
    tree = tree if tree is not None else org_groups(org.id, org.name)
    if populations is None:
        populations = group_populations(org, tree, periods, today or org_today(org, utcnow()))
        hidden = None
    first = min(p.start for p in periods).replace(day=1)
    last = max(p.end for p in periods)
    # The organisation's figure is every team's: added up in SQL, not team by team.
    keys = [g.key for g in groups if g.key != ORG_KEY]
    teams_of = team_sets(tree, keys)
    wanted = {key: teams_of.get(key, frozenset()) for key in keys}
    values, org_totals = values_by_team_month(
        org.id,
        [m.id for m in metrics],
        first,
        last,
        {t for teams in wanted.values() for t in teams},
        org_totals=any(g.key == ORG_KEY for g in groups),
    )
    k = org.min_group_size
    # Hidden as the development KPIs are: by either head count (``dev_kpis``).
    hidden_by_token = (
        hidden
        if hidden is not None
        else {p.token: hidden_groups(populations, tree, p.token, k) for p in periods}
    )
    months = sorted({m for p in periods for m in months_of(p)})
    figures: dict[tuple[str, str, str], Figure] = {}
    for metric in metrics:
        key, aggregation = metric_key(metric.id), Aggregation(metric.aggregation)
        totals = _month_totals(values.get(metric.id, {}), wanted, months)
        totals.update(
            {(ORG_KEY, month): total for month, total in org_totals.get(metric.id, {}).items()}
        )
        for period in periods:
            too_few = hidden_by_token[period.token]
            for group in groups:
                people = head_count(populations, (group.key, period.token)).people
                if group.key in too_few:
                    figures[(group.key, key, period.token)] = Figure.hidden(people)
                    continue
                in_period = months_of(period)
                if len(in_period) == 1:
                    total = totals.get((group.key, in_period[0]))
                else:
                    total = _combine_months(
                        [totals[(group.key, m)] for m in in_period if (group.key, m) in totals],
                        aggregation,
                    )
                figures[(group.key, key, period.token)] = _figure(total, aggregation, people)
    return figures
