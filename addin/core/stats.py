"""The two statistics the scores need, without a numeric library: Student's t quantile and
Pearson's correlation from counted rating pairs."""

from __future__ import annotations

import math
from collections.abc import Mapping
from statistics import NormalDist


def t_quantile(p: float, df: int) -> float:
    """The p-quantile of Student's t with `df` degrees of freedom (p in (0.5, 1)).

    Exact for 1 and 2 degrees of freedom; otherwise the Cornish-Fisher expansion around the
    normal quantile (Abramowitz & Stegun 26.7.5): within 0.004 of the tables at df = 3, 0.001 from df = 4.
    """
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        return (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    z = NormalDist().inv_cdf(p)
    z2 = z * z
    terms = (
        z,
        (z2 + 1) * z / 4,
        ((5 * z2 + 16) * z2 + 3) * z / 96,
        (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384,
        ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160,
    )
    return sum(term / df**power for power, term in enumerate(terms))


def correlation(pairs: Mapping[tuple[int, int], int]) -> float | None:
    """Pearson's r over (x, y) pairs given with their counts; None when undefined (< 3 pairs or constant)."""
    n = sum(pairs.values())
    if n < 3:
        return None
    sx = sum(x * k for (x, _), k in pairs.items())
    sy = sum(y * k for (_, y), k in pairs.items())
    sxx = sum(x * x * k for (x, _), k in pairs.items())
    syy = sum(y * y * k for (_, y), k in pairs.items())
    sxy = sum(x * y * k for (x, y), k in pairs.items())
    vx, vy = n * sxx - sx * sx, n * syy - sy * sy  # integers: exact
    if vx == 0 or vy == 0:
        return None
    return (n * sxy - sx * sy) / math.sqrt(vx * vy)
