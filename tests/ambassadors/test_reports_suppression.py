"""Small-group suppression (PRODUCT §4.5, acceptance 3): the helper every count table of
the ambassador reports (B6) and the union dashboard (U3) goes through."""

from __future__ import annotations

from app.aggregates import Count, suppress_counts


def _table(cells: dict, k: int = 5, total_people: int | None = None):
    counts = [Count(key, count, people) for key, (count, people) in cells.items()]
    total_count = sum(count for count, _ in cells.values())
    people = total_people if total_people is not None else sum(p for _, p in cells.values())
    table = suppress_counts(counts, Count("total", total_count, people), k, keys=list(cells))
    return {c.key: c.count for c in table.cells}, table.total


def test_a_cell_with_k_minus_one_people_is_hidden_and_one_with_k_is_shown():
    cells, total = _table({"course": (8, 4), "future": (5, 5), "money": (9, 6), "other": (2, 2)})
    # Four people had eight conversations: still only four people, so hidden.
    assert cells == {"course": None, "future": 5, "money": 9, "other": None}
    assert total == 24


def test_when_the_total_would_reveal_the_one_hidden_cell_the_next_smallest_is_hidden_too():
    cells, total = _table({"course": (3, 3), "future": (5, 5), "money": (8, 7), "diploma": (12, 9)})
    # 28 - 5 - 8 - 12 would give "course" away: "future" (fewest people shown) goes too.
    assert cells == {"course": None, "future": None, "money": 8, "diploma": 12}
    assert total == 28


def test_two_hidden_cells_protect_each_other():
    cells, total = _table({"course": (3, 3), "future": (2, 2), "money": (8, 7)})
    assert cells == {"course": None, "future": None, "money": 8}
    assert total == 13


def test_all_cells_hidden_with_a_total_that_may_show():
    cells, total = _table({"course": (2, 2), "future": (2, 2), "money": (3, 2)}, total_people=6)
    assert cells == {"course": None, "future": None, "money": None}
    assert total == 7  # six different people: the sum of three hidden cells gives nothing away


def test_a_lone_hidden_empty_cell_hides_nothing_else():
    cells, total = _table({"course": (6, 6), "future": (7, 7), "stopped": (0, 0)})
    # Nobody "stopped": hiding the next-smallest cell would protect no one.
    assert cells == {"course": 6, "future": 7, "stopped": None}
    assert total == 13


def test_an_empty_hidden_cell_does_not_protect_a_real_one():
    cells, _total = _table({"course": (9, 8), "future": (6, 6), "money": (2, 2), "stopped": (0, 0)})
    # Someone who knows nobody stopped could still subtract: "future" goes too.
    assert cells == {"course": 9, "future": None, "money": None, "stopped": None}


def test_a_total_below_k_is_hidden_and_so_is_every_cell():
    cells, total = _table({"course": (3, 3), "future": (1, 1)})
    assert cells == {"course": None, "future": None}
    assert total is None


def test_no_total_at_all_means_only_cells_are_checked():
    table = suppress_counts([Count("a", 7, 7), Count("b", 1, 1)], None, 5, keys=["a", "b"])
    assert [c.count for c in table.cells] == [7, None]
    assert table.total is None


def test_keys_come_in_order_and_missing_keys_are_empty_hidden_cells():
    table = suppress_counts(
        [Count("money", 6, 6), Count("course", 7, 7)],
        Count("total", 13, 13),
        5,
        keys=["course", "future", "money"],
    )
    assert [(c.key, c.count) for c in table.cells] == [
        ("course", 7),
        ("future", None),
        ("money", 6),
    ]
    assert table.total == 13


def test_k_is_the_organisations_own_number():
    counts = {
        "course": (3, 3),
        "future": (6, 6),
        "money": (7, 7),
        "other": (1, 1),
        "diploma": (2, 2),
    }
    assert _table(counts, k=3)[0] == {
        "course": 3,
        "future": 6,
        "money": 7,
        "other": None,
        "diploma": None,
    }
    assert _table(counts, k=5)[0] == {
        "course": None,
        "future": 6,
        "money": 7,
        "other": None,
        "diploma": None,
    }
