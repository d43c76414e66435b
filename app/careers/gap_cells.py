"""Which cells of the skill-gap overview show "too few to show", over the whole team tree.

Within one group, ``aggregates.suppress_counts`` hides a cell of fewer than k people and,
when one hidden cell could be worked out from the group's total, the next-smallest cell.
That is not enough across groups: a reader can open a unit and then each shown group
below it, and subtract. A unit of 20 (10 people directly in it, a team of 10 below it)
with 6 confirmed, whose team has 5 confirmed, tells that 1 of the 10 direct people has
the skill, a number the page itself would hide.

So, per skill, for every shown group and each of its cells (confirmed, claimed, not
yet): the group's value minus the shown values of the highest shown groups below it is
what a reader cannot see (the people directly in it, and cells hidden below). That rest
must be nothing or at least k; otherwise the smallest shown cell below is hidden too,
and then that group's own row again gets a second hidden cell (as ``suppress_counts``
does). A hidden cell of a group must not be the plain sum of shown cells below it (when
nobody is directly in it, and no group below is hidden). The rules run until nothing
changes; hiding only ever adds. The same cells are hidden whoever looks and whichever
group they choose. Loops over groups and cells, never over people.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..aggregates import Count, suppress_counts
from ..manager_kpis.groups import Group
from ..manager_kpis.suppression import highest_shown_below

CONFIRMED, CLAIMED, NOT_YET = "confirmed", "claimed", "not_yet"
CELLS = (CONFIRMED, CLAIMED, NOT_YET)

Row = Mapping[str, int]  # cell -> number of people


def row_values(people: int, have: int, claimed: int) -> dict[str, int]:
    return {CONFIRMED: have, CLAIMED: claimed, NOT_YET: max(people - have - claimed, 0)}


def hidden_cells(
    values: Mapping[str, Row],
    people: Mapping[str, int],
    groups: Sequence[Group],
    hidden_groups: set[str],
    k: int,
) -> dict[str, set[str]]:
    """For each shown group key (in ``values``), the cells to hide; ``people`` is each
    group's head count and ``hidden_groups`` the groups hidden as a whole."""
    shown = [g.key for g in groups if g.key not in hidden_groups and g.key in values]
    hidden = {key: _row_hidden(values[key], people[key], k) for key in shown}
    children: dict[str, list[str]] = {}
    for g in groups:
        if g.parent_key is not None:
            children.setdefault(g.parent_key, []).append(g.key)
    below = {key: highest_shown_below(key, children, hidden_groups, people) for key in shown}
    changed = True
    while changed:
        changed = False
        for key in shown:
            kids = below[key]
            if not kids:
                continue
            direct = people[key] - sum(people[b] for b in kids)
            for cell in CELLS:
                visible = [b for b in kids if cell not in hidden[b]]
                if not visible:
                    continue
                if cell in hidden[key]:
                    # A hidden cell must not be the sum of the shown cells below it.
                    at_risk = direct <= 0 and len(visible) == len(kids)
                else:
                    rest = values[key][cell] - sum(values[b][cell] for b in visible)
                    at_risk = 0 < rest < k
                if at_risk:
                    smallest = min(visible, key=lambda b: (values[b][cell], b))
                    hidden[smallest].add(cell)
                    _second_hidden(values[smallest], hidden[smallest])
                    changed = True
    return hidden


def _row_hidden(row: Row, people: int, k: int) -> set[str]:
    table = suppress_counts(
        [Count(cell, row[cell], row[cell]) for cell in CELLS],
        Count("people", people, people),
        k,
        keys=CELLS,
    )
    return {cell for cell in CELLS if table.get(cell) is None}


def _second_hidden(row: Row, hidden: set[str]) -> None:
    """The group's total is shown: one hidden cell with people in it would be the total
    minus the others, so hide the next-smallest shown cell too."""
    if sum(1 for cell in hidden if row[cell] > 0) != 1:
        return
    shown = [cell for cell in CELLS if cell not in hidden and row[cell] > 0]
    if shown:
        hidden.add(min(shown, key=lambda cell: (row[cell], cell)))
