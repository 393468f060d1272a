"""What the scores say over time and about each other: the quarter-on-quarter trend and the key drivers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import repeat
from operator import add, mul

from addin.core.schema import Field
from addin.core.score_groups import STRIDE, Group, Key
from addin.core.stats import correlation

TREND_LEVELS = (("region", "quarter"), ("quarter",))  # the groups `quarterly_trend` compares, quarter by quarter


@dataclass(frozen=True)
class Trend:
    """A region's (or the company's) overall score in one quarter and the change from the previous one."""

    region: str | None
    company: bool
    quarter: str
    responses: int
    overall: Fraction | None
    change: Fraction | None  # None when either quarter has no overall score


@dataclass(frozen=True)
class Driver:
    """How strongly a dimension moves with the outcome dimension, and where it stands."""

    key: str
    pairs: int
    correlation: float | None
    score: Fraction | None
    quadrant: str | None  # focus, strength, maintain, monitor


def quarterly_trend(levels: Mapping[tuple[str, ...], Sequence[Group]]) -> list[Trend]:
    """Overall score per region and quarter, with the change from the previous calendar quarter.

    `levels`: the groups of each of `TREND_LEVELS`, by the fields that make their keys.
    """
    result: list[Trend] = []
    for names, level in levels.items():
        groups: dict[Key, Group] = {g.keys: g for g in level}
        for key, g in groups.items():
            values = dict(key)
            if values["quarter"] is None:
                continue
            previous = dict(values, quarter=_previous_quarter(values["quarter"]))
            before = groups.get(tuple((n, previous[n]) for n in names))
            change = None
            if before is not None and before.overall is not None and g.overall is not None:
                change = g.overall - before.overall
            result.append(
                Trend(values.get("region"), "region" not in values, values["quarter"], g.responses, g.overall, change)
            )
    return result


def _previous_quarter(text: str) -> str:
    year, q = int(text[:4]), int(text[-1])
    return f"{year - 1}Q4" if q == 1 else f"{year}Q{q - 1}"


QUADRANTS = {  # (importance above average, score above average) -> quadrant
    (True, False): "focus",
    (True, True): "strength",
    (False, True): "maintain",
    (False, False): "monitor",
}


def key_drivers(
    ratings: Mapping[str, list[int]], outcome_key: str, dimensions: Sequence[Field], company: Group
) -> list[Driver]:
    """Correlation of each dimension with the outcome across respondents, and its quadrant.

    `ratings` holds the outcome's column (blank = 0) and those of the other dimensions found;
    `company` is the whole company's group, whose scores place each dimension. Importance is
    the Pearson correlation over respondents who answered both; the quadrant splits at the
    mean correlation and the mean score of the dimensions (the usual importance-performance
    grid). "focus": important and below average, fix first.
    """
    outcome = ratings[outcome_key]
    found = []
    for d in dimensions:
        if d.key == outcome_key or d.key not in ratings:
            continue
        coded = Counter(map(add, map(mul, ratings[d.key], repeat(STRIDE)), outcome))
        pairs = {divmod(c, STRIDE): n for c, n in coded.items() if c % STRIDE and c >= STRIDE}
        found.append(Driver(d.key, sum(pairs.values()), correlation(pairs), company.dimensions[d.key].score, None))
    known = [(x.correlation, x.score) for x in found if x.correlation is not None and x.score is not None]
    if len(known) >= 2:
        mean_r = sum(r for r, _ in known) / len(known)
        mean_s = sum((s for _, s in known), Fraction(0)) / len(known)
        found = [
            Driver(x.key, x.pairs, x.correlation, x.score, QUADRANTS[(x.correlation > mean_r, x.score >= mean_s)])
            if x.correlation is not None and x.score is not None
            else x
            for x in found
        ]
    return found
