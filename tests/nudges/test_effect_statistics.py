"""The statistics behind the effect report, checked against published and hand-computed
values (Newcombe 1998, Table II, method 10; Wilson 1927)."""

from __future__ import annotations

import math

import pytest

from app.nudges.statistics import difference_interval, wilson_interval


def test_wilson_interval_by_hand():
    # 81/263 (Newcombe 1998a's example): p = 0.3080, 0.2553 to 0.3662.
    interval = wilson_interval(81, 263)
    assert (round(interval.low, 4), round(interval.high, 4)) == (0.2553, 0.3662)
    # By hand for 3/10, z = 1.96: centre (0.3 + 0.19208) / 1.38416 = 0.35556,
    # half 1.96 / 1.38416 * sqrt(0.021 + 0.0096040) = 0.24771 -> 0.1078 to 0.6032.
    interval = wilson_interval(3, 10)
    assert (round(interval.low, 4), round(interval.high, 4)) == (0.1078, 0.6032)


def test_wilson_interval_at_the_edges():
    assert wilson_interval(0, 10).low == 0 and 0.27 < wilson_interval(0, 10).high < 0.28
    assert wilson_interval(10, 10).high == 1 and 0.72 < wilson_interval(10, 10).low < 0.73
    with pytest.raises(ValueError):
        wilson_interval(0, 0)
    with pytest.raises(ValueError):
        wilson_interval(4, 3)


@pytest.mark.parametrize(
    ("counts", "estimate", "low", "high"),
    [
        # Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10.
        ((56, 70, 48, 80), 0.2000, 0.0524, 0.3339),
        ((9, 10, 3, 10), 0.6000, 0.1705, 0.8090),
        ((6, 7, 2, 7), 0.5714, 0.0582, 0.8062),
        ((5, 56, 0, 29), 0.0893, -0.0381, 0.1926),
        ((0, 10, 0, 20), 0.0000, -0.1611, 0.2775),
        ((0, 10, 0, 10), 0.0000, -0.2775, 0.2775),
        ((10, 10, 0, 20), 1.0000, 0.6791, 1.0000),
        ((10, 10, 0, 10), 1.0000, 0.6075, 1.0000),
    ],
)
def test_newcombe_hybrid_score_interval(counts, estimate, low, high):
    interval = difference_interval(*counts)
    assert round(interval.estimate, 4) == estimate
    assert (round(interval.low, 4), round(interval.high, 4)) == (low, high)


def test_difference_interval_by_hand_for_the_acceptance_data():
    # 135/450 vs 5/50. Wilson: 0.2595..0.3439 and 0.0435..0.2136.
    # low  = 0.2 - sqrt((0.3 - 0.2595)^2 + (0.2136 - 0.1)^2) = 0.0794
    # high = 0.2 + sqrt((0.3439 - 0.3)^2 + (0.1 - 0.0435)^2) = 0.2716
    interval = difference_interval(135, 450, 5, 50)
    assert math.isclose(interval.estimate, 0.2)
    assert (round(interval.low, 4), round(interval.high, 4)) == (0.0794, 0.2716)


def test_the_interval_is_symmetric_when_the_groups_swap():
    forward, backward = difference_interval(30, 100, 12, 60), difference_interval(12, 60, 30, 100)
    assert math.isclose(forward.low, -backward.high)
    assert math.isclose(forward.high, -backward.low)
