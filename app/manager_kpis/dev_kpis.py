"""Development KPIs (K1) per group and period, with small groups suppressed (K4).

``compute(org, groups, periods, today)`` returns a ``Figure`` for every (group key, KPI
key, period token). The numbers come from SQL (``dev_kpi_sql.py``) in a fixed number of
statements whatever the number of people, teams and periods: the team tree, one
statement for every KPI but one, and one for ambassador conversations. Python only adds
up the rows per team along the tree and applies the privacy rule. Closed periods are
read from and written to ``kpi_cache`` (``cache.py``); so is the open period when the
caller gives ``now``, for at most ``KPI_OPEN_PERIOD_MAX_AGE`` seconds.

What each KPI counts is in ``catalogue.py``. Every group and period has two head counts
(``HeadCount``): the people there on the period's last day (today for the open period),
over whom the snapshot KPIs (conversations, participation, goals) are shares, and the
members at some time in the period, over whom the flow KPIs (hours, successes, feedback,
confirmed skills) are counted; people count in their current team. A group is hidden
when either count is under k, and the rule against subtraction holds for both
(``suppression.py``).

Ambassador contacts are counted only for the whole organisation (``catalogue.ORG_ONLY``):
a team or unit gets an empty figure that the dashboard shows as "only counted for the
whole company".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import NamedTuple

from flask import current_app
from sqlalchemy import text

from ..extensions import db
from . import cache
from .catalogue import KPI_KEYS, ORG_ONLY
from .dev_kpi_sql import FACTS, make_bounds, population_rows, team_rows
from .dev_kpi_talks import ambassador_totals
from .figures import Figure
from .groups import ORG_KEY, Group, org_groups, team_key
from .periods import Period
from .suppression import suppressed_groups

Cell = tuple[str, str]  # (group key, period token)


class HeadCount(NamedTuple):
    people: int  # on the period's last day (snapshot KPIs; a figure's "people")
    members: int  # at some time in the period (flow KPIs)


Populations = dict[Cell, HeadCount]

# The sums per team and period that ``team_rows`` returns, in this order.
SUMS = ("people", "members", "fte", *FACTS)


def compute(
    org,
    groups: Sequence[Group],
    periods: Sequence[Period],
    today: date,
    *,
    now: datetime | None = None,
    commit: bool = True,
    computed_at: dict[Cell, datetime] | None = None,
) -> dict[tuple[str, str, str], Figure]:
    """Figures keyed (group key, KPI key, period token) for every development KPI, group
    and period. Closed periods come from the cache when they are there. With ``now``, so
    does the open period (today's), when it was computed at most
    ``KPI_OPEN_PERIOD_MAX_AGE`` seconds before ``now``; without it the open period is
    always computed and not stored. What is computed is stored (then, with ``commit``,
    the session is committed — call this in a read-only request, or pass
    ``commit=False`` and commit yourself). ``computed_at``, if given, is filled with when
    each returned cell of the open period was computed (``now`` for a new one)."""
    periods = list(dict.fromkeys(periods))
    if not groups or not periods:
        return {}
    k = org.min_group_size
    keys = list(dict.fromkeys(g.key for g in groups))
    readable = [p for p in periods if now is not None or p.is_closed(today)]
    stored = (
        cache.read(org.id, keys, readable, k, today=today, now=now, max_age=max_age())
        if readable
        else {}
    )
    cells = {cell: row.figures for cell, row in stored.items()}
    stamps = {cell: row.computed_at for cell, row in stored.items()}
    todo = [p for p in periods if any((key, p.token) not in cells for key in keys)]
    if todo and now is not None and _waited_for_another(org.id):
        # Another request (or the scheduler) computed meanwhile: read again.
        stored = cache.read(org.id, keys, todo, k, today=today, now=now, max_age=max_age())
        cells.update({cell: row.figures for cell, row in stored.items()})
        stamps.update({cell: row.computed_at for cell, row in stored.items()})
        todo = [p for p in todo if any((key, p.token) not in cells for key in keys)]
    if todo:
        computed = _compute_cells(org, todo, today)
        fresh = {
            cell: figures
            for cell, figures in computed.items()
            if cell not in cells and (now is not None or _period(todo, cell[1]).is_closed(today))
        }
        by_token = {p.token: p for p in todo}
        if fresh and cache.write(org.id, fresh, by_token, k, today=today, now=now) and commit:
            db.session.commit()
        cells.update(computed)
        if now is not None:
            stamps.update(dict.fromkeys(computed, now))
    if computed_at is not None:
        computed_at.update(
            {
                (key, p.token): stamps[(key, p.token)]
                for key in keys
                for p in periods
                if not p.is_closed(today) and (key, p.token) in stamps
            }
        )
    empty = {kpi: Figure.hidden() for kpi in KPI_KEYS}
    return {
        (key, kpi, p.token): figure
        for key in keys
        for p in periods
        for kpi, figure in cells.get((key, p.token), empty).items()
    }


# pg advisory lock namespace: computing one organisation's KPIs (requests, the scheduler).
COMPUTE_LOCK = 7_401


def _waited_for_another(org_id: int) -> bool:
    """On PostgreSQL, take the organisation's compute lock for this transaction; True when
    another one held it and this one waited (what it needed may be in the cache now). So
    the ten tiles of a dashboard on an empty cache compute once, not ten times at once."""
    if db.session.get_bind().dialect.name != "postgresql":
        return False
    args = {"ns": COMPUTE_LOCK, "id": org_id}
    if db.session.execute(text("SELECT pg_try_advisory_xact_lock(:ns, :id)"), args).scalar():
        return False
    db.session.execute(text("SELECT pg_advisory_xact_lock(:ns, :id)"), args)
    return True


def max_age() -> timedelta:
    """How long the open period's figures are used (``KPI_OPEN_PERIOD_MAX_AGE``)."""
    return timedelta(seconds=current_app.config.get("KPI_OPEN_PERIOD_MAX_AGE", 900))


def refresh(org, periods: Sequence[Period], today: date, now: datetime) -> int:
    """Compute and store, for every group of the organisation, the open ones of
    ``periods`` always and the closed ones missing from the cache (an input changed),
    as computed at ``now``: the scheduler's refresh, ahead of the requests. The caller
    commits. Returns the number of (group, period) cells stored."""
    keys = [g.key for g in org_groups(org.id, org.name)]
    k = org.min_group_size
    closed = [p for p in periods if p.is_closed(today)]
    stored = cache.read(org.id, keys, closed, k, today=today) if closed else {}
    todo = [
        p
        for p in dict.fromkeys(periods)
        if not p.is_closed(today) or any((key, p.token) not in stored for key in keys)
    ]
    if not todo:
        return 0
    cells = {cell: v for cell, v in _compute_cells(org, todo, today).items() if cell not in stored}
    cache.write(org.id, cells, {p.token: p for p in todo}, k, today=today, now=now)
    return len(cells)


# The head counts a cell's figures carry: a share KPI is over the people on the last day,
# a count over the members at some time in the period (``_figures``).
PEOPLE_KPI, MEMBERS_KPI = "conversations", "successes"


def head_counts_of(
    figures: Mapping[tuple[str, str, str], Figure], keys: Iterable[str], periods: Sequence[Period]
) -> tuple[Populations, dict[str, set[str]]] | None:
    """The head counts of the groups ``keys`` in ``periods`` and, per period token, those
    hidden as too few to show, read off their development figures (``compute``'s result):
    production figures follow the same rule. A hidden group's counts are 0. None when a
    figure is missing."""
    populations: Populations = {}
    hidden: dict[str, set[str]] = {p.token: set() for p in periods}
    for key in keys:
        for p in periods:
            people = figures.get((key, PEOPLE_KPI, p.token))
            members = figures.get((key, MEMBERS_KPI, p.token))
            if people is None or members is None:
                return None
            if people.suppressed:
                hidden[p.token].add(key)
            populations[(key, p.token)] = HeadCount(people.people, members.people)
    return populations, hidden


def known_head_counts(
    org,
    keys: Sequence[str],
    periods: Sequence[Period],
    today: date,
    now: datetime | None,
    figures: Mapping[tuple[str, str, str], Figure] | None = None,
) -> tuple[Populations, dict[str, set[str]]]:
    """``head_counts_of`` ``figures`` (``compute``'s result) or, without them, of the
    cached development figures (one statement); (None, None) when a cell is missing
    (then count them: ``group_populations``)."""
    if figures is not None:
        return head_counts_of(figures, keys, periods) or (None, None)
    stored = cache.read(
        org.id, keys, periods, org.min_group_size, today=today, now=now, max_age=max_age()
    )
    figures = {
        (key, kpi, token): figure
        for (key, token), row in stored.items()
        for kpi, figure in row.figures.items()
    }
    return head_counts_of(figures, keys, periods) or (None, None)


def _period(periods: Iterable[Period], token: str) -> Period:
    return next(p for p in periods if p.token == token)


def group_populations(
    org, groups: Sequence[Group] | None, periods: Sequence[Period], today: date
) -> Populations:
    """(group key, period token) -> ``HeadCount``, for EVERY group of the organisation
    (``groups`` is not needed: the suppression rule needs the siblings and parents of the
    groups shown, so pass the whole tree, ``org_groups``, to ``hidden_groups``).
    Two statements (the tree, the head counts)."""
    return _populations(org, org_groups(org.id, org.name), periods, today)


def _populations(org, tree, periods, today) -> Populations:
    bounds = make_bounds(org, periods, today)
    rows = db.session.execute(population_rows(org.id, bounds)).all()
    sums = _roll_up(tree, [(team, pidx, (n, f)) for team, pidx, n, f in rows], 2)
    return {
        (key, bounds[pidx].period.token): HeadCount(int(v[0]), int(v[1]))
        for (key, pidx), v in sums.items()
    }


def head_count(populations: Mapping[Cell, HeadCount | int], cell: Cell) -> HeadCount:
    """A cell's head counts; a plain number counts as both (a missing cell: nobody)."""
    value = populations.get(cell, 0) or 0
    return value if isinstance(value, HeadCount) else HeadCount(int(value), int(value))


def hidden_groups(
    populations: Mapping[Cell, HeadCount | int], tree: Sequence[Group], token: str, k: int
) -> set[str]:
    """The keys of the groups shown as "too few to show" in the period ``token``: under k
    by either head count, or hidden against subtraction by either (``suppression.py``)."""
    counts = {g.key: head_count(populations, (g.key, token)) for g in tree}
    return suppressed_groups(
        [
            {key: c.people for key, c in counts.items()},
            {key: c.members for key, c in counts.items()},
        ],
        tree,
        k,
    )


def hidden_cells(org, periods: Sequence[Period], today: date) -> set[Cell]:
    """The (group key, period token) cells to show as "too few to show" (two statements)."""
    tree = org_groups(org.id, org.name)
    pops = _populations(org, tree, periods, today)
    return {
        (key, p.token)
        for p in periods
        for key in hidden_groups(pops, tree, p.token, org.min_group_size)
    }


def _roll_up(tree: Sequence[Group], rows, width: int) -> dict[tuple[str, int], list[float]]:
    """Adds rows per (team id, period index) up to every group: a team, each unit above
    it, and the organisation. Loops over the aggregate rows, never over people."""
    parent = {g.key: g.parent_key for g in tree}
    sums: dict[tuple[str, int], list[float]] = defaultdict(lambda: [0.0] * width)
    for team_id, pidx, values in rows:
        key = team_key(team_id) if team_id is not None else None
        chain = []
        while key is not None and key in parent:
            chain.append(key)
            key = parent[key]
        if ORG_KEY not in chain:
            chain.append(ORG_KEY)
        for group_key in chain:
            total = sums[(group_key, pidx)]
            for i, value in enumerate(values):
                total[i] += float(value or 0)
    return sums


def _compute_cells(org, periods: Sequence[Period], today: date) -> dict[Cell, dict[str, Figure]]:
    """Every group of the organisation, for ``periods``: {(group key, token): {kpi: Figure}}."""
    tree = org_groups(org.id, org.name)
    bounds = make_bounds(org, periods, today)
    statement = team_rows(org.id, bounds)
    rows = db.session.execute(statement).all() if statement is not None else []
    sums = _roll_up(tree, [(r[0], r[1], r[2:]) for r in rows], len(SUMS))
    talks = ambassador_totals(org, bounds)
    k = org.min_group_size
    cells: dict[Cell, dict[str, Figure]] = {}
    for b in bounds:
        counts = {
            (g.key, b.period.token): HeadCount(int(v[0]), int(v[1]))
            for g in tree
            if (v := sums.get((g.key, b.idx)))
        }
        hidden = hidden_groups(counts, tree, b.period.token, k)
        for group in tree:
            cell = (group.key, b.period.token)
            if group.key in hidden:
                cells[cell] = {kpi: Figure.hidden() for kpi in KPI_KEYS}
                continue
            values = dict(zip(SUMS, sums.get((group.key, b.idx), [0.0] * len(SUMS)), strict=True))
            figures = _figures(values)
            if group.key == ORG_KEY:
                # The function leaves the number out for fewer than k members (or a
                # period it does not count): "too few to show".
                contacts = talks.get(b.idx)
                figures["ambassador_contacts"] = (
                    Figure.hidden()
                    if contacts is None
                    else _count(float(contacts), int(values["members"]))
                )
            else:  # counted only for the whole organisation: no number, not hidden
                figures.update({kpi: Figure(None, 0) for kpi in ORG_ONLY})
            cells[cell] = figures
    return cells


def _share(count: float, people: int) -> Figure:
    return Figure(count / people if people else None, people, count, people)


def _per_fte(minutes: float, fte: float, people: int) -> Figure:
    hours = minutes / 60
    return Figure(round(hours / fte, 4) if fte else None, people, hours, fte)


def _count(n: float, people: int) -> Figure:
    return Figure(n, people, n)


def _figures(v: dict[str, float]) -> dict[str, Figure]:
    """Shares over the people on the last day; hours and counts over the members."""
    n, members = int(v["people"]), int(v["members"])
    return {
        "conversations": _share(v["conversations"], n),
        "participation": _share(v["active"], n),
        "hours_work": _per_fte(v["minutes_work"], v["fte"], members),
        "hours_own": _per_fte(v["minutes_own"], v["fte"], members),
        "goals": _share(v["goals"], n),
        "successes": _count(v["successes"], members),
        "feedback": _count(v["feedback"], members),
        "skills_confirmed": _count(v["confirmed"], members),
    }
