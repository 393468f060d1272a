"""One group's scores, exactly: per dimension the score, grades, CSAT, interval and gap; per group the overall.

The arithmetic the survey method defines (`addin.core.scoring` lists the decisions): exact
`Fraction`s throughout, truncated only for display by `shown`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from addin.core.schema import CSAT_GRADES, GRADES
from addin.core.stats import t_quantile

Key = tuple[tuple[str, str | None], ...]  # ((field, value), ...); value None = blank cell
CONFIDENCE = 0.95
STRIDE = 1024  # > any rating scale: a pair is counted as one integer, first x STRIDE + rating


def grade(rating: int, scale: int) -> int:
    """Index into `GRADES` (0 = very satisfied): the scale cut in five equal bands."""
    return len(GRADES) - math.ceil(Fraction(rating * len(GRADES), scale))


def shown(value: Fraction | None) -> float | None:
    """A score for display: truncated (not rounded) to one decimal."""
    return None if value is None else math.floor(value * 10) / 10


def shown_gap(value: Fraction | None) -> float | None:
    """A shortfall for display: rounded up to one decimal, so a real gap never shows as 0.0."""
    return None if value is None else math.ceil(value * 10) / 10


@dataclass(frozen=True)
class Gap:
    """What closes a dimension's gap to target."""

    points_short: int  # rating points missing (the seeds' "3 points short")
    raise_to_top: int | None  # fewest existing answers that, raised to the top rating, close it
    extra_top: int | None  # additional top ratings that close it (None: impossible, target 100)


@dataclass(frozen=True)
class DimensionScore:
    key: str
    scale: int
    counts: tuple[int, ...]  # counts[r - 1] = answers rating r
    target: Fraction

    @property
    def answered(self) -> int:
        return sum(self.counts)

    @property
    def total(self) -> int:
        return sum(r * n for r, n in enumerate(self.counts, start=1))

    @property
    def score(self) -> Fraction | None:
        return Fraction(self.total * 100, self.answered * self.scale) if self.answered else None

    @property
    def grades(self) -> tuple[int, ...]:
        result = [0] * len(GRADES)
        for r, n in enumerate(self.counts, start=1):
            result[grade(r, self.scale)] += n
        return tuple(result)

    @property
    def csat(self) -> Fraction | None:
        return Fraction(sum(self.grades[:CSAT_GRADES]), self.answered) if self.answered else None

    @property
    def interval(self) -> tuple[float, float] | None:
        """95% confidence interval of the score (Student's t on the ratings), within 0-100."""
        n = self.answered
        if n < 2:
            return None
        mean = Fraction(self.total, n)
        squares = sum(r * r * k for r, k in enumerate(self.counts, start=1))
        variance = (squares - n * mean * mean) / (n - 1)
        half = t_quantile((1 + CONFIDENCE) / 2, n - 1) * math.sqrt(variance / n) * 100 / self.scale
        centre = float(mean) * 100 / self.scale
        return max(0.0, centre - half), min(100.0, centre + half)

    @property
    def gap(self) -> Gap | None:
        """None when the score meets the target (or there are no answers)."""
        n, total = self.answered, self.total
        if not n:
            return None
        needed = math.ceil(self.target * n * self.scale / 100)
        short = needed - total
        if short <= 0:
            return None
        raised, gained = 0, 0
        for r, k in enumerate(self.counts[:-1], start=1):
            take = min(k, math.ceil(Fraction(short - gained, self.scale - r)))
            raised, gained = raised + take, gained + take * (self.scale - r)
            if gained >= short:
                break
        extra = None
        if self.target < 100:
            extra = math.ceil((self.target * n * self.scale - 100 * total) / (self.scale * (100 - self.target)))
        return Gap(short, raised if gained >= short else None, extra)


@dataclass
class Group:
    """One row of the score table: a region (or the company) and possibly cut-field values."""

    keys: Key
    rows: int
    responses: int  # rows with at least one answered dimension
    dimensions: dict[str, DimensionScore]
    overall: Fraction | None
    missing: tuple[str, ...]  # weighted dimensions without answers (why there is no overall)
    target: Fraction
    low_sample: bool
    rank: int | None = None

    @property
    def company(self) -> bool:
        """A whole-company row (no region key), overall or per cut value."""
        return not self.keys or self.keys[0][0] != "region"

    @property
    def named_region(self) -> bool:
        """A region's row whose region cell was not blank: the rows that are ranked and charted."""
        return not self.company and self.keys[0][1] is not None

    @property
    def weakest(self) -> str | None:
        """The lowest-scoring answered dimension; on a tie the first in the Settings order."""
        scored = [(d.score, i, k) for i, (k, d) in enumerate(self.dimensions.items()) if d.score is not None]
        return min(scored)[2] if scored else None

    @property
    def overall_short(self) -> Fraction | None:
        return self.target - self.overall if self.overall is not None and self.overall < self.target else None
