"""The Scores sheet as a `Page`: charts on top, then the tables managers read.

Scores are written truncated to one decimal (`scoring.shown`), so the sheet never shows 80.0
for a score that missed a target of 80; score cells below target are red, on a colour scale
centred on the target.
"""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

from addin.core.problems import Level
from addin.core.schema import GRADES, SCORES_SHEET, SURVEY_BASE_FIELDS
from addin.core.scoring import DimensionScore, Group, Scores, shown, shown_gap
from addin.core.values import clean_text
from addin.pages.page import MARK_FILLS, Block, Chart, Page

CHART_ROWS = 16  # rows the charts take above the first table
BLOCK_GAP = 3

_TEXT = {
    "en": {
        "title": "Satisfaction scores — {name}",
        "subtitle": "As of {as_of} · {responses} responses · target {target} · weights {weights} · "
        "scores truncated to one decimal · written by Complaint Desk; re-running replaces this sheet",
        "region": "Region",
        "company": "All regions",
        "all": "All",
        "blank": "(blank)",
        "by_region": "By region",
        "by_cut": "By region and {cuts}",
        "by_dimension": "Whole company by dimension",
        "detail": "Detail by dimension (grades, CSAT, 95% confidence interval, gap to target)",
        "trend": "Quarter over quarter (overall score)",
        "drivers": "Key drivers: correlation with {outcome}",
        "responses": "Responses",
        "overall": "Overall",
        "target": "Target",
        "gap": "Short of target",
        "rank": "Rank",
        "weakest": "Weakest",
        "note": "Note",
        "dimension": "Dimension",
        "weight": "Weight %",
        "answered": "Answered",
        "score": "Score",
        "points_short": "Points short",
        "closes": "What closes it",
        "csat": "CSAT (top two grades)",
        "ci_low": "95% CI low",
        "ci_high": "95% CI high",
        "quarter": "Quarter",
        "month": "Month",
        "year": "Year",
        "change": "Change",
        "correlation": "Correlation",
        "pairs": "Answered both",
        "quadrant": "Quadrant",
        "low_sample": "fewer than {n} responses",
        "no_overall": "no answers for {dims}",
        "closes_text": "e.g. {short} answers one point higher",
        "raise": ", {n} raised to {top}",
        "extra": ", or {n} more answers of {top}",
        "chart_overall": "Overall score by region",
        "chart_dimensions": "Score by dimension (whole company)",
        "quadrants": {
            "focus": "Focus first (important, low score)",
            "strength": "Strength (important, high score)",
            "maintain": "Maintain (less important, high score)",
            "monitor": "Monitor (less important, low score)",
        },
    },
    "zh": {
        "title": "满意度得分 — {name}",
        "subtitle": "统计时间 {as_of} · 回访 {responses} 份 · 目标 {target} 分 · 权重 {weights} · "
        "得分截取一位小数 · 由 Complaint Desk 生成，重新运行会替换本表",
        "region": "区域",
        "company": "全公司",
        "all": "全部",
        "blank": "（空白）",
        "by_region": "按区域",
        "by_cut": "按区域和{cuts}",
        "by_dimension": "全公司各维度",
        "detail": "各维度明细（等级分布、满意率、95%置信区间、与目标差距）",
        "trend": "季度环比（综合得分）",
        "drivers": "关键驱动因素：与“{outcome}”的相关系数",
        "responses": "回访数",
        "overall": "综合得分",
        "target": "目标",
        "gap": "距目标",
        "rank": "排名",
        "weakest": "最弱维度",
        "note": "备注",
        "dimension": "维度",
        "weight": "权重%",
        "answered": "有效评分数",
        "score": "得分",
        "points_short": "差几分",
        "closes": "如何达标",
        "csat": "满意率（前两个等级）",
        "ci_low": "95%置信下限",
        "ci_high": "95%置信上限",
        "quarter": "季度",
        "month": "月份",
        "year": "年度",
        "change": "环比变化",
        "correlation": "相关系数",
        "pairs": "两项均有评分",
        "quadrant": "象限",
        "low_sample": "样本少于 {n} 份",
        "no_overall": "{dims} 无评分",
        "closes_text": "如{short}位客户各提高1分",
        "raise": "，或{n}位提高到{top}分",
        "extra": "，或再增加{n}个{top}分",
        "chart_overall": "各区域综合得分",
        "chart_dimensions": "全公司各维度得分",
        "quadrants": {
            "focus": "优先改进（重要、得分低）",
            "strength": "优势保持（重要、得分高）",
            "maintain": "维持（次要、得分高）",
            "monitor": "观察（次要、得分低）",
        },
    },
}


class _Names:
    """Display names of fields, dimensions and group values in one language."""

    def __init__(self, scores: Scores, lang: str) -> None:
        self.text = _TEXT[lang]
        self.lang = lang
        self.dimensions = {d.key: d.header(lang) for d in scores.dimensions}
        self.fields = {f.key: f.header(lang) for f in SURVEY_BASE_FIELDS}

    def field(self, key: str) -> str:
        return self.text.get(key) if key in ("quarter", "month", "year", "region") else self.fields[key]  # type: ignore[return-value]

    def value(self, value: str | None) -> str:
        return self.text["blank"] if value is None else value

    def keys(self, group_keys: tuple[tuple[str, str | None], ...], columns: tuple[str, ...]) -> list[str]:
        """A group's label cells; a column the group is not split by reads "All regions" or "All"."""
        values = dict(group_keys)
        return [
            self.value(values[k]) if k in values else self.text["company" if k == "region" else "all"] for k in columns
        ]


def closes(d: DimensionScore, lang: str) -> str:
    """What closes a dimension's gap, in words: the seeds' "3 points short", and two ways to get there."""
    gap = d.gap
    if gap is None:
        return ""
    text = _TEXT[lang]
    words = text["closes_text"].format(short=gap.points_short)
    if gap.raise_to_top is not None:
        words += text["raise"].format(n=gap.raise_to_top, top=d.scale)
    if gap.extra_top is not None:
        words += text["extra"].format(n=gap.extra_top, top=d.scale)
    return words


def _percent(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _group_rows(scores: Scores, groups: list[Group], names: _Names, keys: tuple[str, ...]) -> Block:
    text = names.text
    header = [names.field(k) for k in keys] + [text["responses"]]
    header += [names.dimensions[d.key] for d in scores.dimensions]
    header += [text["overall"], text["target"], text["gap"], text["rank"], text["weakest"], text["note"]]
    rows: list[list[object]] = []
    fills: dict[tuple[int, int], str] = {}
    width = len(keys)
    for i, g in enumerate(groups):
        label = names.keys(g.keys, keys)
        notes = []
        if g.low_sample:
            notes.append(text["low_sample"].format(n=scores.min_responses))
            fills[(i, width)] = MARK_FILLS[Level.WARNING]
        if g.missing:
            notes.append(text["no_overall"].format(dims=", ".join(names.dimensions[k] for k in g.missing)))
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
    text = names.text
    company = scores.total
    header = [text["dimension"], text["weight"], text["answered"], text["score"], text["target"]]
    header += [text["points_short"], text["csat"], text["ci_low"], text["ci_high"]]
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
    text = names.text
    lang = names.lang
    grades = [g.text(lang) for g in GRADES]
    header = [names.field(k) for k in keys] + [text["dimension"], text["answered"], text["score"]]
    header += grades + [f"{g} %" for g in grades]
    header += [text["csat"], text["ci_low"], text["ci_high"], text["points_short"], text["closes"]]
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
    text = names.text
    header = [text["region"], text["quarter"], text["responses"], text["overall"], text["change"]]
    rows: list[list[object]] = [
        [
            text["company"] if t.company else names.value(t.region),
            t.quarter,
            t.responses,
            shown(t.overall),
            None if t.change is None else round(float(t.change), 1),
        ]
        for t in sorted(scores.trend, key=lambda t: (t.company, t.region is None, t.region or "", t.quarter))
    ]
    return Block(0, 1, header, rows, formats={3: "score", 4: "change"})


def _drivers_block(scores: Scores, names: _Names) -> Block:
    text = names.text
    header = [text["dimension"], text["correlation"], text["score"], text["pairs"], text["quadrant"]]
    rows: list[list[object]] = [
        [names.dimensions[d.key], d.correlation, shown(d.score), d.pairs, text["quadrants"].get(d.quadrant, "")]
        for d in sorted(scores.drivers, key=lambda d: -(d.correlation or -2))
    ]
    return Block(0, 1, header, rows, formats={1: "correlation", 2: "score"})


def scores_content(scores: Scores, *, name: str, as_of: datetime, lang: str, sheet_name: str | None = None) -> Page:
    """The Scores sheet: two charts, then by region, by dimension, by the cut fields, detail, trend, drivers."""
    names = _Names(scores, lang)
    text = names.text
    company = scores.total
    region_groups, region_count = _level(scores, with_by=False)
    sections: list[tuple[str, Block]] = [
        (text["by_region"], _group_rows(scores, region_groups, names, ("region",))),
        (text["by_dimension"], _dimension_block(scores, names)),
    ]
    detail_groups = region_groups
    detail_keys: tuple[str, ...] = ("region",)
    if scores.by:
        cut_groups, _ = _level(scores, with_by=True)
        cuts = " × ".join(names.field(k) for k in scores.by)
        sections.append(
            (text["by_cut"].format(cuts=cuts), _group_rows(scores, cut_groups, names, ("region", *scores.by)))
        )
        detail_groups, detail_keys = region_groups + cut_groups, ("region", *scores.by)
    sections.append((text["detail"], _detail_block(scores, names, detail_groups, detail_keys)))
    sections.append((text["trend"], _trend_block(scores, names)))
    if scores.drivers:
        outcome = names.dimensions.get(scores.outcome, scores.outcome)
        sections.append((text["drivers"].format(outcome=outcome), _drivers_block(scores, names)))
    blocks, top = [], 4 + CHART_ROWS + 1
    for caption, block in sections:
        block.top, block.caption = top, caption
        blocks.append(block)
        top = block.bottom + BLOCK_GAP
    overall_column = 2 + len(scores.dimensions)
    charts = [
        Chart(text["chart_overall"], 0, 0, (overall_column,), overall_column + 1, region_count, (4, 1)),
        Chart(text["chart_dimensions"], 1, 0, (3,), 4, len(scores.dimensions), (4, 7)),
    ]
    weights = ", ".join(f"{names.dimensions[k]} {clean_text(round(float(w), 2))}%" for k, w in scores.weights.items())
    return Page(
        name=sheet_name or SCORES_SHEET[lang],
        title=text["title"].format(name=name),
        subtitle=text["subtitle"].format(
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
