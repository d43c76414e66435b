"""Statistics for the effect report (N6): two proportions and their difference, with
95 % intervals. Plain Python on four numbers; the counting happens in SQL."""

from __future__ import annotations

import math
from dataclasses import dataclass

# The 0.975 quantile of the standard normal distribution (a two-sided 95 % interval).
Z_95 = 1.959963984540054


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> Interval:
    """The Wilson score interval for one proportion (Wilson, 1927), without continuity
    correction: the proportion's estimate and its interval, clamped to [0, 1]."""
    if trials <= 0 or not 0 <= successes <= trials:
        raise ValueError("need 0 <= successes <= trials and trials > 0")
    p = successes / trials
    z2 = z * z
    denominator = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    # At 0 and n the bounds are exactly 0 and 1 (rounding would leave 1e-16 off).
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return Interval(p, low, high)


def difference_interval(
    successes_1: int, trials_1: int, successes_2: int, trials_2: int, z: float = Z_95
) -> Interval:
    """The difference of two independent proportions p1 − p2 with Newcombe's hybrid
    score interval (R. G. Newcombe, "Interval estimation for the difference between
    independent proportions: comparison of eleven methods", Statistics in Medicine 17
    (1998) 873-890, method 10): from the Wilson intervals (l1, u1) and (l2, u2),

        low  = d − sqrt((p1 − l1)² + (u2 − p2)²)
        high = d + sqrt((u1 − p1)² + (p2 − l2)²)

    It keeps close to its nominal 95 % coverage for small groups and rates near 0 or 1,
    where the simple Wald interval does not. Newcombe's example (a): 56/70 − 48/80 gives
    0.2000 with the interval 0.0524 to 0.3339.
    """
    first = wilson_interval(successes_1, trials_1, z)
    second = wilson_interval(successes_2, trials_2, z)
    p1, p2 = first.estimate, second.estimate
    d = p1 - p2
    low = d - math.sqrt((p1 - first.low) ** 2 + (second.high - p2) ** 2)
    high = d + math.sqrt((first.high - p1) ** 2 + (p2 - second.low) ** 2)
    return Interval(d, max(-1.0, low), min(1.0, high))
