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
second. One group's arithmetic lives in `addin.core.score_groups`, the trend and the key
drivers in `addin.core.score_trends`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from functools import reduce
from itertools import compress, repeat
from operator import add, attrgetter, mul, not_
from typing import cast

from addin.core.schema import Field
from addin.core.score_groups import (
    CONFIDENCE,
    STRIDE,
    DimensionScore,
    Gap,
    Group,
    Key,
    grade,
    shown,
    shown_gap,
)
from addin.core.score_trends import TREND_LEVELS, Driver, Trend, key_drivers, quarterly_trend
from addin.core.settings import Settings
from addin.core.validate import Parsed
from addin.core.values import spellings, unify

# From the modules the arithmetic moved to; the pages, the summary and the tests import them here.
__all__ = ["CONFIDENCE", "DimensionScore", "Driver", "Gap", "Group", "Trend", "grade", "shown", "shown_gap"]


class ScoreError(Exception):
    """Scores cannot be computed for this workbook (no survey, unusable weights)."""


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
    """Group values of one column: periods from the survey date, text by `fold`, named by its most frequent spelling."""
    if key in _PERIODS:
        dates = parsed.column("surveyed_at")
        period = {m: _PERIODS[key](m) for m in set(dates)}
        return list(map(period.__getitem__, dates))
    raw = parsed.column(key)
    return cast("list[str | None]", unify(raw, spellings(raw)))  # as check_workbook names groups (unify_groups)


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
    if not parsed.rows:  # a fresh template: headers, no answers yet
        raise ScoreError(f"the survey sheet '{parsed.sheet}' has no responses yet")
    ratings = {d.key: _ratings(parsed, d.key) for d in present}
    finest = _Finest.of(parsed, ("region", *dict.fromkeys(("quarter", *by))), ratings)
    scores.excluded = finest.excluded
    for company in (False, True) if "region" in parsed.values else (True,):  # no region column: company only
        for with_by in (False, True) if by else (False,):
            names = (() if company else ("region",)) + (by if with_by else ())
            scores.groups += _level(scores, names, finest)
    scores.trend = quarterly_trend({names: _level(scores, names, finest) for names in TREND_LEVELS})
    if scores.outcome in ratings:  # (checked first: a survey without rows has no company total)
        scores.drivers = key_drivers(ratings, scores.outcome, scores.dimensions, scores.total)
    return scores


@dataclass(frozen=True)
class _Finest:
    """The counts of the finest groups (region x quarter x the `by` fields); every table sums from them."""

    positions: Mapping[str, int]  # field -> its place in a finest key
    rows: Counter[tuple]  # finest key -> rows
    responses: Counter[tuple]  # finest key -> rows with at least one answered dimension
    counts: Mapping[str, Counter[tuple]]  # dimension -> (finest key, rating) -> answers
    excluded: int  # rows with no answered dimension

    @classmethod
    def of(cls, parsed: Parsed, fine: tuple[str, ...], ratings: Mapping[str, list[int]]) -> _Finest:
        keys = list(zip(*(_column(parsed, k) for k in fine), strict=True))
        # Rows are counted as integers: group id x STRIDE + rating (0 = blank), all in C-level maps.
        key_of = list(dict.fromkeys(keys))
        ids = list(map({k: i for i, k in enumerate(key_of)}.__getitem__, keys))
        base = list(map(mul, ids, repeat(STRIDE)))
        answered = reduce(lambda a, b: list(map(add, a, b)), ratings.values())
        blank = Counter(compress(ids, map(not_, answered)))
        per_id = Counter(ids)
        rows = Counter({key_of[i]: n for i, n in per_id.items()})
        responses = Counter({key_of[i]: n - blank[i] for i, n in per_id.items() if n > blank[i]})
        counts = {}
        for d, col in ratings.items():
            coded = Counter(map(add, base, col))
            counts[d] = Counter({(key_of[c // STRIDE], c % STRIDE): n for c, n in coded.items() if c % STRIDE})
        return cls({name: i for i, name in enumerate(fine)}, rows, responses, counts, blank.total())


def _ratings(parsed: Parsed, key: str) -> list[int]:
    """One rating column with blanks as 0 (no rating is 0, so a 0 means "not answered")."""
    column = cast(list[int | None], parsed.column(key))  # a RATING field parses to whole numbers (validate._parser)
    return [0 if v is None else v for v in column]


def _tally(scale: int) -> defaultdict[Key, list[int]]:
    """Answers per rating (index rating - 1) per group, each group's counts made on first use."""
    return defaultdict(lambda: [0] * scale)


def _project(names: Sequence[str], positions: Mapping[str, int], fine_key: tuple) -> Key:
    return tuple((n, fine_key[positions[n]]) for n in names)


def _level(scores: Scores, names: tuple[str, ...], finest: _Finest) -> list[Group]:
    """The groups of one level (e.g. region x quarter), ranked among those sharing the non-region keys."""
    positions = finest.positions
    group_rows: Counter = Counter()
    group_responses: Counter = Counter()
    for fine_key, n in finest.rows.items():
        group_rows[_project(names, positions, fine_key)] += n
    for fine_key, n in finest.responses.items():
        group_responses[_project(names, positions, fine_key)] += n
    tallies: dict[str, dict[Key, list[int]]] = {}
    for d in scores.dimensions:
        per_group = _tally(d.scale)
        for (fine_key, rating), n in finest.counts.get(d.key, Counter()).items():
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
        ordered = sorted(members, key=attrgetter("overall"), reverse=True)  # stable, as by -overall
        for i, g in enumerate(ordered):
            tied = i > 0 and ordered[i - 1].overall == g.overall
            g.rank = ordered[i - 1].rank if tied else i + 1
