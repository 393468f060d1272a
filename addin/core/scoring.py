"""Satisfaction scores per dimension and group, exactly as the seeds' survey method defines them.

* A dimension's score = mean of its answered ratings / scale maximum x 100 (x 10 on a 1-10
  scale); blanks and invalid cells are left out, never counted as zero.
* Overall = the weighted mean of the dimension scores (weights in percent, adding up to 100).
  A group missing every answer for a weighted dimension gets no overall score rather than one
  that silently re-weights the others.
* Arithmetic is exact (`Fraction`); `shown()` truncates to one decimal for display, so 79.99
  shows as 79.9 and never appears to meet a target of 80 it missed.
* Gap to target: a dimension needs ceil(target x answers x scale / 100) rating points; the
  seeds' example (38 answers summing to 301, target 80) needs 304, so it is 3 points short.

Work is one pass per dimension over the finest groups (region x quarter x the `by` fields),
counting ratings; every coarser group sums those counts, so 100k rows score in well under a
second.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from functools import reduce
from itertools import compress, repeat
from operator import add, mul, not_

from addin.core.schema import CSAT_GRADES, GRADES, Field
from addin.core.settings import Settings
from addin.core.stats import correlation, t_quantile
from addin.core.validate import Parsed
from addin.core.values import fold

Key = tuple[tuple[str, str | None], ...]  # ((field, value), ...); value None = blank cell
CONFIDENCE = 0.95
STRIDE = 1024  # > any rating scale: a row is counted as group id x STRIDE + rating


class ScoreError(Exception):
    """Scores cannot be computed for this workbook (no survey, unusable weights)."""


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


@dataclass
class Scores:
    dimensions: tuple[Field, ...]
    weights: Mapping[str, Fraction]
    target: Fraction
    min_responses: int
    by: tuple[str, ...]
    outcome: str
    groups: list[Group] = field(default_factory=list)
    trend: list[Trend] = field(default_factory=list)
    drivers: list[Driver] = field(default_factory=list)
    excluded: int = 0  # survey rows with no answered dimension

    @property
    def total(self) -> Group:
        """The whole company, all cut values together."""
        return next(g for g in self.groups if not g.keys)

    def level(self, company: bool, with_by: bool) -> list[Group]:
        """One table's groups: by region or the company, with or without the `by` fields."""
        width = (0 if company else 1) + (len(self.by) if with_by else 0)
        return [g for g in self.groups if g.company == company and len(g.keys) == width]


def quarter(moment: object) -> str | None:
    return f"{moment.year}Q{(moment.month - 1) // 3 + 1}" if isinstance(moment, datetime) else None


_PERIODS = {
    "quarter": quarter,
    "month": lambda m: f"{m.year}-{m.month:02d}" if isinstance(m, datetime) else None,
    "year": lambda m: str(m.year) if isinstance(m, datetime) else None,
}


def _column(parsed: Parsed, key: str) -> list[str | None]:
    """Group values of one column: periods from the survey date, text by `fold` (one spelling per group)."""
    if key in _PERIODS:
        dates = parsed.column("surveyed_at")
        period = {m: _PERIODS[key](m) for m in set(dates)}
        return list(map(period.__getitem__, dates))
    raw = parsed.column(key)
    spelling: dict[object, str | None] = {}
    first: dict[str, str] = {}
    for value in set(raw):
        if value is None or value == "":
            spelling[value] = None
            continue
        spelling[value] = fold(value) or None
    for value in raw:  # the first spelling seen names the group
        folded = spelling[value]
        if folded is not None and folded not in first:
            first[folded] = str(value)
    return [None if spelling[v] is None else first[spelling[v]] for v in raw]  # type: ignore[index]


def score_survey(
    parsed: Parsed | None,
    settings: Settings,
    *,
    by: Sequence[str] | None = None,
    target: Fraction | None = None,
) -> Scores:
    """Scores for every group; raises `ScoreError` when there is no survey or the weights are unusable."""
    if parsed is None:
        raise ScoreError("no survey sheet found (needs Customer ID, Region, Survey date and rating columns)")
    if settings.weight_error:
        raise ScoreError(f"the overall score needs usable weights: {settings.weight_error}")
    by = tuple(by if by is not None else settings.score_by)
    scores = Scores(
        dimensions=settings.dimensions,
        weights=settings.weights,
        target=settings.target if target is None else target,
        min_responses=settings.min_responses,
        by=by,
        outcome=settings.outcome,
    )
    present = [d for d in settings.dimensions if d.key in parsed.values]
    if not present:
        raise ScoreError("the survey has none of the rating columns " + ", ".join(d.en for d in settings.dimensions))
    fine = ("region", *dict.fromkeys(("quarter", *by)))  # finest grouping; every table sums from it
    keys = list(zip(*(_column(parsed, k) for k in fine), strict=True))
    # Rows are counted as integers: group id x STRIDE + rating (0 = blank), all in C-level maps.
    key_of = list(dict.fromkeys(keys))
    ids = list(map({k: i for i, k in enumerate(key_of)}.__getitem__, keys))
    base = list(map(mul, ids, repeat(STRIDE)))
    ratings = {d.key: [0 if v is None else v for v in parsed.column(d.key)] for d in present}
    answered = reduce(lambda a, b: list(map(add, a, b)), ratings.values())
    blank = Counter(compress(ids, map(not_, answered)))
    scores.excluded = blank.total()
    per_id = Counter(ids)
    finest_rows = Counter({key_of[i]: n for i, n in per_id.items()})
    finest_responses = Counter({key_of[i]: n - blank[i] for i, n in per_id.items() if n > blank[i]})
    counts = {}
    for d, col in ratings.items():
        coded = Counter(map(add, base, col))
        counts[d] = Counter({(key_of[c // STRIDE], c % STRIDE): n for c, n in coded.items() if c % STRIDE})
    positions = {name: i for i, name in enumerate(fine)}
    for company in (False, True):
        for with_by in (False, True) if by else (False,):
            names = (() if company else ("region",)) + (by if with_by else ())
            scores.groups += _level(scores, names, positions, finest_rows, finest_responses, counts)
    scores.trend = _trend(scores, positions, finest_rows, finest_responses, counts)
    scores.drivers = _drivers(scores, ratings)
    return scores


def _project(names: Sequence[str], positions: Mapping[str, int], fine_key: tuple) -> Key:
    return tuple((n, fine_key[positions[n]]) for n in names)


def _level(
    scores: Scores,
    names: tuple[str, ...],
    positions: Mapping[str, int],
    rows: Counter,
    responses: Counter,
    counts: Mapping[str, Counter],
) -> list[Group]:
    """The groups of one level (e.g. region x quarter), ranked among those sharing the non-region keys."""
    group_rows: Counter = Counter()
    group_responses: Counter = Counter()
    for fine_key, n in rows.items():
        group_rows[_project(names, positions, fine_key)] += n
    for fine_key, n in responses.items():
        group_responses[_project(names, positions, fine_key)] += n
    tallies: dict[str, dict[Key, list[int]]] = {}
    for d in scores.dimensions:
        per_group: dict[Key, list[int]] = defaultdict(lambda d=d: [0] * d.scale)
        for (fine_key, rating), n in counts.get(d.key, Counter()).items():
            per_group[_project(names, positions, fine_key)][rating - 1] += n
        tallies[d.key] = per_group
    groups = [_group(scores, key, group_rows[key], group_responses[key], tallies) for key in group_rows]
    groups.sort(key=lambda g: tuple((v is None, v or "") for _, v in g.keys))
    if names and names[0] == "region":
        _rank(groups)
    return groups


def _group(
    scores: Scores, key: Key, rows: int, responses: int, tallies: Mapping[str, Mapping[Key, list[int]]]
) -> Group:
    dimensions = {
        d.key: DimensionScore(d.key, d.scale, tuple(tallies[d.key].get(key, [0] * d.scale)), scores.target)
        for d in scores.dimensions
    }
    missing = tuple(k for k, d in dimensions.items() if d.score is None and scores.weights.get(k, 0) > 0)
    overall = None
    if not missing:
        overall = sum(
            (scores.weights.get(k, 0) * d.score / 100 for k, d in dimensions.items() if d.score is not None),
            Fraction(0),
        )
    return Group(key, rows, responses, dimensions, overall, missing, scores.target, responses < scores.min_responses)


def _rank(groups: list[Group]) -> None:
    """Competition ranking ("1224") by exact overall score, among groups with the same cut values.

    Rows whose region cell is blank form a group of their own, shown but never ranked.
    """
    peers: dict[Key, list[Group]] = defaultdict(list)
    for g in groups:
        if g.overall is not None and g.named_region:
            peers[g.keys[1:]].append(g)
    for members in peers.values():
        ordered = sorted(members, key=lambda g: -g.overall)  # type: ignore[operator]
        for i, g in enumerate(ordered):
            tied = i > 0 and ordered[i - 1].overall == g.overall
            g.rank = ordered[i - 1].rank if tied else i + 1


def _trend(
    scores: Scores, positions: Mapping[str, int], rows: Counter, responses: Counter, counts: Mapping[str, Counter]
) -> list[Trend]:
    """Overall score per region and quarter, with the change from the previous calendar quarter."""
    result: list[Trend] = []
    for names in (("region", "quarter"), ("quarter",)):
        groups = {g.keys: g for g in _level(scores, names, positions, rows, responses, counts)}
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


def _drivers(scores: Scores, ratings: Mapping[str, list[int]]) -> list[Driver]:
    """Correlation of each dimension with the outcome across respondents, and its quadrant.

    Importance is the Pearson correlation over respondents who answered both; the quadrant
    splits at the mean correlation and the mean score of the dimensions (the usual
    importance-performance grid). "focus": important and below average, fix first.
    """
    if scores.outcome not in ratings:
        return []
    company = scores.total
    outcome = ratings[scores.outcome]
    drivers = []
    for d in scores.dimensions:
        if d.key == scores.outcome or d.key not in ratings:
            continue
        coded = Counter(map(add, map(mul, ratings[d.key], repeat(STRIDE)), outcome))
        pairs = {divmod(c, STRIDE): n for c, n in coded.items() if c % STRIDE and c >= STRIDE}
        drivers.append(Driver(d.key, sum(pairs.values()), correlation(pairs), company.dimensions[d.key].score, None))
    known = [x for x in drivers if x.correlation is not None and x.score is not None]
    if len(known) >= 2:
        mean_r = sum(x.correlation for x in known) / len(known)  # type: ignore[misc]
        mean_s = sum((x.score for x in known), Fraction(0)) / len(known)  # type: ignore[misc]
        drivers = [
            Driver(x.key, x.pairs, x.correlation, x.score, QUADRANTS[(x.correlation > mean_r, x.score >= mean_s)])  # type: ignore[operator]
            if x in known
            else x
            for x in drivers
        ]
    return drivers
