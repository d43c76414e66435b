"""Which groups show "too few to show" (K4): the helper every KPI uses."""

from __future__ import annotations

from app.manager_kpis.groups import Group
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
