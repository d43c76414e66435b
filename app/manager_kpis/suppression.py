"""Which groups show "too few to show" (K4, PRODUCT §4.5) — for every KPI of the group.

A group with fewer than the organisation's ``min_group_size`` (k) people is hidden. A
shown parent must not give a hidden child away by subtraction: the parent's figure minus
its shown children is the rest. The parent's cells are its child teams plus the people
directly in the parent (in the unit's own team, or in no team for the organisation); this
"direct" cell is never shown on its own. When exactly one cell with people in it is hidden,
the next-smallest shown sibling team is hidden too (as ``app.aggregates.suppress_counts``
does). A hidden unit whose cells are all shown could be added up from them, so its
smallest child is hidden too. Last, the rest of every shown group (its people minus those
of the highest shown groups below it, at any depth) must be nobody or at least k people:
two small hidden teams of 1 and 2 people, or a small team next to a hidden unit whose own
team is shown, are otherwise one figure over fewer than k people; then the smallest of
those shown groups below is hidden too. The rules run until nothing changes.

Two head counts. Shares are over the people on the period's last day; hours and counts
over everyone who was a member at some time in the period (``dev_kpis.HeadCount``). Each
population is subtracted on its own figures, so every rule above must hold for each:
a group is hidden when either count is under k, and a reader who subtracts shown groups
from a shown group must be left with nobody or at least k people whichever population
the figure is about. Running the rules on one count is not enough. The smaller one per
group (the people on the last day, who are all members too) misses leavers: a unit with
two teams of 6 and a third team whose only member left during the period has a rest of
0 on the last day but of 1 member, so the unit's feedback minus its two teams' would be
the leaver's. The larger one misses the reverse: people directly in a unit, 7 members of
whom 5 left during the period, are a safe rest of members but a rest of 2 on the last
day, so the unit's share of conversations minus its teams' would be about those 2. So
``suppressed_groups`` takes both and applies every rule to each, adding to one hidden set
until no rule fires for either; hiding only ever adds, so the result satisfies the rules
for both counts (and the same set of groups is hidden for every KPI).

The same helper serves development KPIs (``dev_kpis``) and production KPIs: call it once
per period with that period's populations (``dev_kpis.hidden_groups`` passes both).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .groups import Group


def suppressed_groups(
    populations: Mapping[str, int] | Sequence[Mapping[str, int]], groups: Sequence[Group], k: int
) -> set[str]:
    """The keys of ``groups`` to hide, given each group's number of people (``populations``
    by group key; a missing key counts 0), or several such counts (every rule holds for
    each). Each person counts in one team, so a parent's people are its children's plus
    its direct people."""
    maps = [populations] if isinstance(populations, Mapping) else list(populations)
    counts = [{g.key: int(m.get(g.key, 0) or 0) for g in groups} for m in maps]
    children: dict[str, list[str]] = {}
    for g in groups:
        if g.parent_key is not None and g.parent_key in counts[0]:
            children.setdefault(g.parent_key, []).append(g.key)
    hidden = {key for people in counts for key, n in people.items() if n < k}
    changed = True
    while changed:
        changed = False
        for people in counts:
            changed |= _guard(people, children, hidden, k)
    return hidden


def _guard(
    people: Mapping[str, int], children: Mapping[str, list[str]], hidden: set[str], k: int
) -> bool:
    """One pass of the rules against subtraction for one head count; adds to ``hidden``.
    Returns whether anything was added."""
    direct = {
        key: max(people[key] - sum(people[c] for c in kids), 0) for key, kids in children.items()
    }
    changed = False
    for parent, kids in children.items():
        shown = [c for c in kids if c not in hidden and people[c] > 0]
        if not shown:
            continue
        # Cells a reader does not see: hidden child teams with people, and the people
        # directly in the parent (never shown on their own).
        unknown = sum(1 for c in kids if c in hidden and people[c] > 0)
        if direct[parent] > 0:
            unknown += 1
        if parent in hidden:
            # A hidden parent must not be the sum of shown children.
            at_risk = people[parent] > 0 and unknown == 0
        else:
            # A shown parent minus shown children must not give one small cell away
            # (the direct people alone, k or more of them, may be known).
            at_risk = unknown == 1 and not (direct[parent] >= k)
        if at_risk:
            hidden.add(min(shown, key=lambda c: (people[c], c)))
            changed = True
    for key, n in people.items():
        if key in hidden or n <= 0:
            continue
        below = highest_shown_below(key, children, hidden, people)
        rest = n - sum(people[c] for c in below)
        if below and 0 < rest < k:
            hidden.add(min(below, key=lambda c: (people[c], c)))
            changed = True
    return changed


def highest_shown_below(
    key: str, children: Mapping[str, list[str]], hidden: set[str], people: Mapping[str, int]
) -> list[str]:
    """The shown groups below ``key`` with no shown group between them and ``key``: what a
    reader subtracts from ``key``'s figure (past hidden units, down to their shown teams)."""
    found, todo = [], list(children.get(key, ()))
    while todo:
        child = todo.pop()
        if child not in hidden and people[child] > 0:
            found.append(child)
        else:
            todo.extend(children.get(child, ()))
    return found
