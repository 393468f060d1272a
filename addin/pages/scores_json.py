"""Scores as plain JSON data for `--json`: displayed values (scores truncated to one decimal)."""

from __future__ import annotations

from addin.core.schema import GRADES
from addin.core.scoring import DimensionScore, Scores, shown, shown_gap


def _dimension_dict(d: DimensionScore) -> dict[str, object]:
    gap, interval = d.gap, d.interval
    met = 0 if d.answered else None  # no answers: no gap either way
    return {
        "answered": d.answered,
        "score": shown(d.score),
        "points_short": gap.points_short if gap else met,
        "raise_to_top": gap.raise_to_top if gap else met,
        "extra_top_ratings": gap.extra_top if gap else met,
        "grades": {label.key: n for label, n in zip(GRADES, d.grades, strict=True)},
        "csat": None if d.csat is None else round(float(d.csat), 4),
        "ci95": None if interval is None else [round(interval[0], 1), round(interval[1], 1)],
        "scale": d.scale,
    }


def as_dict(scores: Scores) -> dict[str, object]:
    """The scores for `--json`: displayed values (scores truncated to one decimal), exact inside."""
    return {
        "target": shown(scores.target),
        "weights": {k: float(w) for k, w in scores.weights.items()},
        "by": list(scores.by),
        "excluded_rows": scores.excluded,
        "groups": [
            {
                "keys": dict(g.keys),
                "company": g.company,
                "rows": g.rows,
                "responses": g.responses,
                "low_sample": g.low_sample,
                "dimensions": {k: _dimension_dict(d) for k, d in g.dimensions.items()},
                "overall": shown(g.overall),
                "overall_short": None if g.overall is None else shown_gap(g.overall_short) or 0,
                "missing": list(g.missing),
                "rank": g.rank,
                "weakest": g.weakest,
            }
            for g in scores.groups
        ],
        "trend": [
            {
                "region": t.region,
                "company": t.company,
                "quarter": t.quarter,
                "responses": t.responses,
                "overall": shown(t.overall),
                "change": None if t.change is None else round(float(t.change), 1),
            }
            for t in scores.trend
        ],
        "drivers": [
            {
                "dimension": d.key,
                "correlation": None if d.correlation is None else round(d.correlation, 3),
                "score": shown(d.score),
                "quadrant": d.quadrant,
                "pairs": d.pairs,
            }
            for d in scores.drivers
        ],
    }
