"""The statistics of a module's evaluation: pure functions of counts."""

from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959963984540054  # the normal quantile for a two-sided 95% interval
SMALL = 5  # cells under this many people never leave the system


@dataclass(frozen=True)
class Rate:
    """A proportion with its 95% Wilson score interval."""

    value: float
    low: float
    high: float


def wilson(successes: int, n: int) -> Rate | None:
    """successes / n with its 95% Wilson interval; None when n is 0."""
    if n <= 0:
        return None
    p = successes / n
    denominator = 1 + Z95**2 / n
    centre = (p + Z95**2 / (2 * n)) / denominator
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / denominator
    return Rate(p, max(0.0, centre - half), min(1.0, centre + half))


def odds_ratio(a: int, b: int, c: int, d: int) -> Rate | None:
    """The odds ratio (a/b) / (c/d) with its 95% Woolf (log) interval: a, b the outcome yes and
    no in an arm, c, d in the reference arm. A zero cell adds 0.5 to all four (Haldane)."""
    if min(a + b, c + d) == 0:
        return None
    if 0 in (a, b, c, d):
        a2, b2, c2, d2 = a + 0.5, b + 0.5, c + 0.5, d + 0.5
    else:
        a2, b2, c2, d2 = float(a), float(b), float(c), float(d)
    ratio = (a2 * d2) / (b2 * c2)
    se = math.sqrt(1 / a2 + 1 / b2 + 1 / c2 + 1 / d2)
    return Rate(ratio, math.exp(math.log(ratio) - Z95 * se), math.exp(math.log(ratio) + Z95 * se))


def cell(n: int) -> int | str:
    """A count as it may be shown: under 5 people as `<5`."""
    return n if n >= SMALL else f"<{SMALL}"
