"""Which groups show "too few to show" (K4): the helper every KPI uses."""

from __future__ import annotations

import random

from app.manager_kpis.groups import Group, build_groups
from app.manager_kpis.suppression import suppressed_groups


def _tree():
    # org -> unit U (with teams A, B, C) and team D
    return [
        Group("org", None, "Org", None, 0, True),
        Group("team:1", 1, "U", "org", 1, True),
        Group("team:2", 2, "A", "team:1", 2),
        Group("team:3", 3, "B", "team:1", 2),
        Group("team:4", 4, "C", "team:1", 2),
        Group("team:5", 5, "D", "org", 1),
    ]


def test_small_groups_are_hidden_and_k_matters():
    pops = {"org": 40, "team:1": 30, "team:2": 4, "team:3": 12, "team:4": 14, "team:5": 10}
    # A (4) hidden; U minus B and C would give A away: B (next-smallest) is hidden too.
    assert suppressed_groups(pops, _tree(), 5) == {"team:2", "team:3"}
    assert suppressed_groups(pops, _tree(), 3) == set()


def test_people_directly_in_a_unit_count_as_a_cell():
    # U has 3 people of its own (not in A, B or C): U minus A, B and C gives them away.
    pops = {"org": 45, "team:1": 35, "team:2": 10, "team:3": 12, "team:4": 10, "team:5": 10}
    assert suppressed_groups(pops, _tree(), 5) == {"team:2"}
    # Seven people of its own are enough to be known as a rest.
    pops.update({"team:1": 39})
    assert suppressed_groups(pops, _tree(), 5) == set()
    # People in no team are the organisation's own cell.
    pops = {"org": 23, "team:1": 10, "team:2": 5, "team:3": 5, "team:4": 0, "team:5": 10}
    # The org minus U and D gives those 3 away: U is hidden; U is then A + B, so A too.
    assert suppressed_groups(pops, _tree(), 5) == {"team:4", "team:1", "team:2"}


def test_two_hidden_cells_protect_each_other_and_empty_cells_do_not():
    pops = {"org": 40, "team:1": 30, "team:2": 2, "team:3": 3, "team:4": 25, "team:5": 10}
    assert suppressed_groups(pops, _tree(), 5) == {"team:2", "team:3"}
    pops = {"org": 40, "team:1": 30, "team:2": 0, "team:3": 3, "team:4": 27, "team:5": 10}
    assert suppressed_groups(pops, _tree(), 5) == {"team:2", "team:3", "team:4"}


def test_a_hidden_unit_is_not_the_sum_of_shown_teams():
    # U hidden by the guard at the org level (D is small); then U = A + B + C would give it
    # back, so its smallest team is hidden as well.
    pops = {"org": 34, "team:1": 30, "team:2": 10, "team:3": 10, "team:4": 10, "team:5": 4}
    assert suppressed_groups(pops, _tree(), 5) == {"team:5", "team:1", "team:2"}


def test_the_rest_of_a_shown_group_is_nobody_or_at_least_k_people():
    # Two small teams (1 and 2 people) hide each other, but U minus C would still be a
    # figure over 3 people: C is hidden as well.
    pops = {"org": 23, "team:1": 13, "team:2": 1, "team:3": 2, "team:4": 10, "team:5": 10}
    assert suppressed_groups(pops, _tree(), 5) == {"team:2", "team:3", "team:4"}
    # Deeper: A is hidden for X's sake, but its team A1 is shown; U minus B minus A1 would
    # be X's 2 people and A's own one. A1 is hidden too.
    tree = [
        Group("org", None, "Org", None, 0, True),
        Group("team:1", 1, "U", "org", 1, True),
        Group("team:2", 2, "X", "team:1", 2),
        Group("team:3", 3, "A", "team:1", 2, True),
        Group("team:6", 6, "A1", "team:3", 3),
        Group("team:4", 4, "B", "team:1", 2),
    ]
    pops = {"org": 19, "team:1": 19, "team:2": 2, "team:3": 6, "team:6": 5, "team:4": 11}
    assert suppressed_groups(pops, tree, 5) == {"team:2", "team:3", "team:6"}


def test_no_shown_figure_minus_shown_figures_is_a_group_under_k():
    """Random trees: whatever a reader subtracts from a shown group (the highest shown
    groups below it), the rest is nobody or at least k people; a group under k is hidden."""
    for seed in range(400):
        rng = random.Random(seed)
        rows = [(t, f"t{t}", rng.choice([None, *range(1, t)])) for t in range(1, rng.randint(2, 9))]
        groups = build_groups(rows, "Org")
        own = {g.key: rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 12]) for g in groups}
        kids: dict[str, list[str]] = {}
        for g in groups[::-1]:
            if g.parent_key is not None:
                kids.setdefault(g.parent_key, []).append(g.key)
        pops = {}
        for g in groups[::-1]:  # children before parents
            pops[g.key] = own[g.key] + sum(pops[c] for c in kids.get(g.key, ()))
        k = rng.choice([3, 5, 7])
        hidden = suppressed_groups(pops, groups, k)
        for g in groups:
            assert g.key in hidden or pops[g.key] >= k
            if g.key in hidden:
                continue
            below, todo = [], list(kids.get(g.key, ()))
            while todo:
                child = todo.pop()
                if child in hidden:
                    todo.extend(kids.get(child, ()))
                else:
                    below.append(child)
            rest = pops[g.key] - sum(pops[c] for c in below)
            assert rest == 0 or rest >= k, (seed, pops, sorted(hidden), g.key)


def test_both_head_counts_are_guarded():
    """Shares are over the people on the last day, hours and counts over everyone who was a
    member in the period: every rule holds for each (the module docstring)."""
    # C's one member left during the period: 0 people on the last day, 1 member. U minus A
    # and B is nobody for the shares but the leaver for the counts: B is hidden too.
    people = {"org": 22, "team:1": 12, "team:2": 6, "team:3": 6, "team:4": 0, "team:5": 10}
    members = {**people, "org": 23, "team:1": 13, "team:4": 1}
    assert suppressed_groups(people, _tree(), 5) == {"team:4"}
    assert suppressed_groups([people, members], _tree(), 5) == {"team:4", "team:2", "team:3"}
    # The reverse: 7 members directly in U (safe as a rest), 2 of them there on the last day.
    people = {"org": 24, "team:1": 14, "team:2": 6, "team:3": 6, "team:4": 0, "team:5": 10}
    members = {**people, "org": 29, "team:1": 19}
    assert suppressed_groups(members, _tree(), 5) == {"team:4"}
    assert suppressed_groups([people, members], _tree(), 5) == {"team:4", "team:2"}


def test_no_rest_under_k_for_either_head_count():
    """Random trees with members >= people per group: for both counts, whatever a reader
    subtracts from a shown group, the rest is nobody or at least k; under k is hidden."""
    for seed in range(300):
        rng = random.Random(seed)
        rows = [(t, f"t{t}", rng.choice([None, *range(1, t)])) for t in range(1, rng.randint(2, 8))]
        groups = build_groups(rows, "Org")
        kids: dict[str, list[str]] = {}
        for g in groups[::-1]:
            if g.parent_key is not None:
                kids.setdefault(g.parent_key, []).append(g.key)
        own = {g.key: rng.choice([0, 0, 1, 2, 3, 5, 6, 8]) for g in groups}
        left = {g.key: rng.choice([0, 0, 0, 1, 2, 4]) for g in groups}
        people, members = {}, {}
        for g in groups[::-1]:  # children before parents
            below = kids.get(g.key, ())
            people[g.key] = own[g.key] + sum(people[c] for c in below)
            members[g.key] = own[g.key] + left[g.key] + sum(members[c] for c in below)
        k = rng.choice([3, 5])
        hidden = suppressed_groups([people, members], groups, k)
        for counts in (people, members):
            for g in groups:
                assert g.key in hidden or counts[g.key] >= k
                if g.key in hidden:
                    continue
                below, todo = [], list(kids.get(g.key, ()))
                while todo:
                    child = todo.pop()
                    if child in hidden:
                        todo.extend(kids.get(child, ()))
                    else:
                        below.append(child)
                rest = counts[g.key] - sum(counts[c] for c in below)
                assert rest == 0 or rest >= k, (seed, counts, sorted(hidden), g.key)
