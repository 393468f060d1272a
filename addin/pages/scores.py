"""The Scores sheet as a `Page`: charts on top, then the tables managers read.

Scores are written truncated to one decimal (`scoring.shown`), so the sheet never shows 80.0
for a score that missed a target of 80; score cells below target are red, on a colour scale
centred on the target.
"""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

from addin.core.problems import Level
from addin.core.schema import GRADES, SURVEY_BASE_FIELDS
from addin.core.scoring import CONFIDENCE, DimensionScore, Group, Scores, shown, shown_gap
from addin.core.text import text
from addin.core.values import clean_text
from addin.pages.page import MARK_FILLS, Block, Chart, Page

CHART_ROWS = 16  # rows the charts take above the first table
BLOCK_GAP = 3
CONFIDENCE_SHOWN = clean_text(round(CONFIDENCE * 100, 2))  # "95", as in "95% CI low"


class _Names:
    """Display names of fields, dimensions and group values in one language."""

    def __init__(self, scores: Scores, lang: str) -> None:
        self.lang = lang
        self.dimensions = {d.key: d.header(lang) for d in scores.dimensions}
        self.fields = {f.key: f.header(lang) for f in SURVEY_BASE_FIELDS}

    def say(self, key: str, **values: object) -> str:
        """The Scores page's text `scores.<key>` in this language."""
        return text(f"scores.{key}", self.lang, **values)

    def field(self, key: str) -> str:
        return self.say(key) if key in ("quarter", "month", "year", "region") else self.fields[key]

    def interval(self) -> list[str]:
        """The confidence interval's two headers ("95% CI low", "95% CI high")."""
        return [self.say(key, confidence=CONFIDENCE_SHOWN) for key in ("ci_low", "ci_high")]

    def value(self, value: str | None) -> str:
        return self.say("blank") if value is None else value

    def keys(self, group_keys: tuple[tuple[str, str | None], ...], columns: tuple[str, ...]) -> list[str]:
        """A group's label cells; a column the group is not split by reads "All regions" or "All"."""
        values = dict(group_keys)
        return [
            self.value(values[k]) if k in values else self.say("company" if k == "region" else "all") for k in columns
        ]


def closes(d: DimensionScore, lang: str) -> str:
    """What closes a dimension's gap, in words: the seeds' "3 points short", and two ways to get there."""
    gap = d.gap
    if gap is None:
        return ""
    words = text("scores.closes_text", lang, short=gap.points_short)
    if gap.raise_to_top is not None:
        words += text("scores.raise", lang, n=gap.raise_to_top, top=d.scale)
    if gap.extra_top is not None:
        words += text("scores.extra", lang, n=gap.extra_top, top=d.scale)
    return words


def _percent(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _group_rows(scores: Scores, groups: list[Group], names: _Names, keys: tuple[str, ...]) -> Block:
    say = names.say
    header = [names.field(k) for k in keys] + [say("responses")]
    header += [names.dimensions[d.key] for d in scores.dimensions]
    header += [say("overall"), say("target"), say("gap"), say("rank"), say("weakest"), say("note")]
    rows: list[list[object]] = []
    fills: dict[tuple[int, int], str] = {}
    width = len(keys)
    for i, g in enumerate(groups):
        label = names.keys(g.keys, keys)
        notes = []
        if g.low_sample:
            notes.append(say("low_sample", n=scores.min_responses))
            fills[(i, width)] = MARK_FILLS[Level.WARNING]
        if g.missing:
            notes.append(say("no_overall", dims=", ".join(names.dimensions[k] for k in g.missing)))
        rows.append(
            [
                *label,
                g.responses,
                *(shown(d.score) for d in g.dimensions.values()),
                shown(g.overall),
                shown(scores.target),
                shown_gap(g.overall_short),
                g.rank,
                names.dimensions.get(g.weakest or "", ""),
                "; ".join(notes),
            ]
        )
    scored = tuple(range(width + 1, width + 2 + len(scores.dimensions)))
    formats = dict.fromkeys((*scored, scored[-1] + 1, scored[-1] + 2), "score")
    return Block(0, 1, header, rows, formats=formats, fills=fills, scaled=scored, target=float(scores.target))


def _level(scores: Scores, with_by: bool) -> tuple[list[Group], int]:
    """Region groups (ranked, then unranked, then the blank region) and the company rows after them;
    and how many rows name a region (what the chart shows)."""
    regions = sorted(
        scores.level(False, with_by),
        key=lambda g: (
            tuple((v is None, v or "") for _, v in g.keys[1:]),
            not g.named_region,
            g.rank is None,
            g.rank or 0,
        ),
    )
    named = sum(1 for g in regions if g.named_region)
    return regions + scores.level(True, with_by), named


def _dimension_block(scores: Scores, names: _Names) -> Block:
    say = names.say
    company = scores.total
    header = [say("dimension"), say("weight"), say("answered"), say("score"), say("target")]
    header += [say("points_short"), say("csat"), *names.interval()]
    rows: list[list[object]] = []
    for key, d in company.dimensions.items():
        interval = d.interval
        rows.append(
            [
                names.dimensions[key],
                float(scores.weights.get(key, 0)),
                d.answered,
                shown(d.score),
                shown(scores.target),
                d.gap.points_short if d.gap else None,
                _percent(d.csat),
                interval[0] if interval else None,
                interval[1] if interval else None,
            ]
        )
    formats = {1: "score", 3: "score", 4: "score", 6: "percent", 7: "score", 8: "score"}
    return Block(0, 1, header, rows, formats=formats, scaled=(3,), target=float(scores.target))


def _detail_block(scores: Scores, names: _Names, groups: list[Group], keys: tuple[str, ...]) -> Block:
    say = names.say
    lang = names.lang
    grades = [g.text(lang) for g in GRADES]
    header = [names.field(k) for k in keys] + [say("dimension"), say("answered"), say("score")]
    header += grades + [f"{g} %" for g in grades]
    header += [say("csat"), *names.interval(), say("points_short"), say("closes")]
    rows: list[list[object]] = []
    for g in groups:
        label = names.keys(g.keys, keys)
        for key, d in g.dimensions.items():
            interval = d.interval
            counts = d.grades
            shares = [n / d.answered if d.answered else None for n in counts]
            rows.append(
                [
                    *label,
                    names.dimensions[key],
                    d.answered,
                    shown(d.score),
                    *counts,
                    *shares,
                    _percent(d.csat),
                    interval[0] if interval else None,
                    interval[1] if interval else None,
                    d.gap.points_short if d.gap else None,
                    closes(d, lang),
                ]
            )
    w = len(keys)
    n = len(GRADES)
    formats = {w + 2: "score"} | {w + 3 + n + i: "percent" for i in range(n + 1)}
    formats |= {w + 4 + 2 * n: "score", w + 5 + 2 * n: "score"}
    return Block(0, 1, header, rows, formats=formats, scaled=(w + 2,), target=float(scores.target), filter=True)


def _trend_block(scores: Scores, names: _Names) -> Block:
    say = names.say
    header = [say("region"), say("quarter"), say("responses"), say("overall"), say("change")]
    rows: list[list[object]] = [
        [
            say("company") if t.company else names.value(t.region),
            t.quarter,
            t.responses,
            shown(t.overall),
            None if t.change is None else round(float(t.change), 1),
        ]
        for t in sorted(scores.trend, key=lambda t: (t.company, t.region is None, t.region or "", t.quarter))
    ]
    return Block(0, 1, header, rows, formats={3: "score", 4: "change"})


def _drivers_block(scores: Scores, names: _Names) -> Block:
    say = names.say
    header = [say("dimension"), say("correlation"), say("score"), say("pairs"), say("quadrant")]
    rows: list[list[object]] = [
        [
            names.dimensions[d.key],
            d.correlation,
            shown(d.score),
            d.pairs,
            say(f"quadrant.{d.quadrant}") if d.quadrant else "",
        ]
        for d in sorted(scores.drivers, key=lambda d: -(d.correlation or -2))
    ]
    return Block(0, 1, header, rows, formats={1: "correlation", 2: "score"})


def scores_content(scores: Scores, *, name: str, as_of: datetime, lang: str, sheet_name: str | None = None) -> Page:
    """The Scores sheet: two charts, then by region, by dimension, by the cut fields, detail, trend, drivers."""
    names = _Names(scores, lang)
    say = names.say
    company = scores.total
    region_groups, region_count = _level(scores, with_by=False)
    sections: list[tuple[str, Block]] = [
        (say("by_region"), _group_rows(scores, region_groups, names, ("region",))),
        (say("by_dimension"), _dimension_block(scores, names)),
    ]
    detail_groups = region_groups
    detail_keys: tuple[str, ...] = ("region",)
    if scores.by:
        cut_groups, _ = _level(scores, with_by=True)
        cuts = " × ".join(names.field(k) for k in scores.by)
        sections.append((say("by_cut", cuts=cuts), _group_rows(scores, cut_groups, names, ("region", *scores.by))))
        detail_groups, detail_keys = region_groups + cut_groups, ("region", *scores.by)
    sections.append(
        (say("detail", confidence=CONFIDENCE_SHOWN), _detail_block(scores, names, detail_groups, detail_keys))
    )
    sections.append((say("trend"), _trend_block(scores, names)))
    if scores.drivers:
        outcome = names.dimensions.get(scores.outcome, scores.outcome)
        sections.append((say("drivers", outcome=outcome), _drivers_block(scores, names)))
    blocks, top = [], 4 + CHART_ROWS + 1
    for caption, block in sections:
        block.top, block.caption = top, caption
        blocks.append(block)
        top = block.bottom + BLOCK_GAP
    overall_column = 2 + len(scores.dimensions)
    charts = [
        Chart(say("chart_overall"), 0, 0, (overall_column,), overall_column + 1, region_count, (4, 1)),
        Chart(say("chart_dimensions"), 1, 0, (3,), 4, len(scores.dimensions), (4, 7)),
    ]
    weights = ", ".join(f"{names.dimensions[k]} {clean_text(round(float(w), 2))}%" for k, w in scores.weights.items())
    return Page(
        name=sheet_name or text("sheet.scores", lang),
        title=say("title", name=name),
        subtitle=say(
            "subtitle",
            as_of=clean_text(as_of),
            responses=company.responses,
            target=clean_text(shown(scores.target)),
            weights=weights,
        ),
        blocks=blocks,
        charts=charts,
        widths=[18] + [14] * 30,
        fit_width=False,  # the detail table is wide: print it across pages rather than tiny
    )
