"""Small-group suppression for counts shown to managers, admins and unions (PRODUCT §4.5).

One helper for every table of counts with a total: a cell counted over fewer than the
organisation's ``min_group_size`` distinct people is hidden, and when a shown total would
reveal a single hidden cell by subtraction, the next-smallest cell is hidden too
(complementary suppression). A total over fewer than k people is hidden as well.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Count:
    """What was counted for one cell: the number shown (e.g. conversations) and the
    number of distinct people behind it (what the rule checks)."""

    key: Hashable
    count: int
    people: int
    # This cell's own minimum (a company's k in a row of companies); None: the table's.
    min_group_size: int | None = None


@dataclass(frozen=True)
class Cell:
    key: Hashable
    count: int | None  # None: too few to show

    @property
    def hidden(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class CountTable:
    cells: list[Cell]
    total: int | None  # None: too few to show

    def get(self, key: Hashable) -> int | None:
        for cell in self.cells:
            if cell.key == key:
                return cell.count
        return None


def suppress_counts(
    counts: Iterable[Count], total: Count | None, min_group_size: int, keys: Iterable = ()
) -> CountTable:
    """Cells for ``keys`` (in that order; missing keys count 0, then any other counted
    keys) and the total, with every count over fewer than ``min_group_size`` people hidden,
    plus the next-smallest cells when the total would give a lone hidden cell away.
    """
    by_key = {c.key: c for c in counts}
    order = list(dict.fromkeys([*keys, *by_key]))
    rows = [by_key.get(k) or Count(k, 0, 0) for k in order]
    hidden = {r.key for r in rows if r.people < (r.min_group_size or min_group_size)}
    total_shown = total is not None and total.people >= min_group_size
    if total_shown and _one_hidden_with_people(rows, hidden):
        # Total minus the shown cells would give that one cell's number: hide the
        # next-smallest shown cell too, so only the sum of two hidden cells is known.
        shown = [r for r in rows if r.key not in hidden and r.people > 0]
        if shown:
            hidden.add(min(shown, key=lambda r: (r.people, r.count)).key)
    cells = [Cell(r.key, None if r.key in hidden else r.count) for r in rows]
    return CountTable(cells=cells, total=total.count if total_shown and total else None)


def _one_hidden_with_people(rows: list[Count], hidden: set) -> bool:
    """Exactly one hidden cell has people in it. Hidden empty cells do not protect it: a
    reader may well know that nobody "stopped", and then subtraction names the cell."""
    return sum(1 for r in rows if r.key in hidden and r.people > 0) == 1
