"""The Summary sheet as a `Page`: key figures and two charts on top, then the tables managers read.

The same `Page` feeds the owned Summary sheet, the standalone `<stem>.summary.xlsx` and the
e-mail body (`addin.pages.mail_text`), so the three never disagree. Scores are truncated to one
decimal (`scoring.shown`), as on the Scores sheet.
"""

from __future__ import annotations

from fractions import Fraction

from addin.core.flags import State
from addin.core.problems import cell_ref
from addin.core.scoring import shown, shown_gap
from addin.core.summary import Counts, Summary
from addin.core.text import text, texts
from addin.core.values import clean_text
from addin.pages.flags import ROW_FILLS, flag_text, row_fill, severity_label, state_text
from addin.pages.page import HEADER_FILL, Block, Chart, Link, Page

CHART_ANCHORS = ((4, 5), (4, 9))  # complaints by region, satisfaction by region
FIRST_TABLE = 22  # the tables start below the charts
GAP = 2


def summary_content(
    summary: Summary, *, actions: int | None = None, owned: bool = True, sheet_name: str | None = None
) -> Page:
    """The Summary sheet; `actions` caps the action list. `owned=False` drops the "re-running
    replaces this sheet" line (the e-mail body and the standalone workbook, whose writers also
    turn the action list's links into plain text)."""
    lang = summary.lang
    blocks = [
        _key_block(summary),
        _region_block(summary),
        _category_block(summary),
        _satisfaction_block(summary),
        _action_block(summary, actions),
    ]
    top = FIRST_TABLE
    for block in blocks[1:]:
        block.top = top
        top = block.bottom + GAP
    regions = len(summary.regions)
    scored = sum(1 for s in summary.satisfaction if s.region is not None)
    complaints = text("summary.chart_complaints", lang)
    charts = [Chart(complaints, 1, 0, (1, 2, 3), None, regions, CHART_ANCHORS[0], y_max=None, labels="count")]
    if scored:
        charts.append(Chart(text("summary.chart_satisfaction", lang), 3, 0, (2,), 3, scored, CHART_ANCHORS[1]))
    title = "summary.title_region" if summary.region is not None else "summary.title"
    none = text("summary.none", lang)
    return Page(
        name=sheet_name or text("sheet.summary", lang),
        title=text(title, lang, name=summary.name, region=summary.region),
        subtitle=text(
            "summary.subtitle",
            lang,
            first=clean_text(summary.first.date()) if summary.first else none,
            last=clean_text(summary.last.date()) if summary.last else none,
            as_of=clean_text(summary.as_of),
            clock=text("summary.business" if summary.business else "summary.calendar", lang),
        )
        + (text("summary.owned", lang) if owned else ""),
        blocks=blocks,
        charts=charts,
        widths=[40, 12, 16, 12, 22, 30, 12, 12, 16, 10, 11, 11, 11, 11],
        fit_width=True,
    )


def _days(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _share(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _key_block(summary: Summary) -> Block:
    lang = summary.lang
    t = summary.total
    rows: list[list[object]] = [
        [text("summary.received", lang), t.received, None],
        [text("summary.open", lang), t.open, _share(t.open_share)],
        [text("summary.overdue", lang), t.overdue, _share(t.overdue_share)],
        [text("summary.due_soon", lang), t.due_soon, _share(t.due_soon_share)],
        [text("summary.on_time", lang), t.on_time, _share(t.on_time_share)],
        [text("summary.median", lang), _days(t.median_days), None],
        [text("summary.mean", lang), _days(t.mean_days), None],
        [text("summary.repeat", lang), t.repeat, _share(t.repeat_share)],
        [text("summary.under_graded", lang), t.under_graded, _share(t.under_graded_share)],
        [text("summary.clusters", lang), summary.clusters, None],
    ]
    fills: dict[tuple[int, int], str] = {}
    if summary.target is not None:
        overall = next((s for s in reversed(summary.satisfaction)), None)
        score = shown(overall.overall) if overall else None
        rows.append([text("summary.overall", lang, target=clean_text(shown(summary.target))), score, None])
        if score is not None and overall is not None and overall.short(summary.target) is not None:
            fills[(len(rows) - 1, 1)] = ROW_FILLS["overdue"]
    if t.overdue:
        fills[(2, 1)] = ROW_FILLS["overdue"]
    header, caption = list(texts("summary.key_header", lang)), text("summary.key", lang)
    return Block(5, 1, header, rows, caption=caption, formats={2: "percent"}, fills=fills)


def _count_cells(c: Counts) -> list[object]:
    return [
        c.received,
        c.open,
        c.overdue,
        c.due_soon,
        _share(c.on_time_share),
        _days(c.median_days),
        c.repeat,
        c.under_graded,
    ]


def _region_block(summary: Summary) -> Block:
    lang = summary.lang
    header, blank = list(texts("summary.region_header", lang)), text("summary.blank", lang)
    rows = [[name or blank, *_count_cells(c)] for name, c in summary.regions]
    fills: dict[tuple[int, int], str] = {}
    if summary.region is None:
        rows.append([text("summary.all", lang), *_count_cells(summary.total)])
        fills = {(len(rows) - 1, c): HEADER_FILL for c in range(len(header))}
    formats = {5: "percent", 6: "score"}
    return Block(0, 1, header, rows, caption=text("summary.by_region", lang), formats=formats, fills=fills)


def _category_block(summary: Summary) -> Block:
    lang = summary.lang
    received, blank = summary.total.received, text("summary.blank", lang)
    rows: list[list[object]] = [
        [name or blank, c.received, c.received / received if received else None, c.open, c.overdue]
        + [c.repeat, c.under_graded]
        for name, c in summary.categories
    ]
    header, caption = list(texts("summary.category_header", lang)), text("summary.by_category", lang)
    return Block(0, 1, header, rows, caption=caption, formats={2: "percent"})


def _satisfaction_block(summary: Summary) -> Block:
    lang = summary.lang
    if summary.target is None:
        return Block(0, 1, [], [[text("summary.no_scores", lang)]], caption=text("summary.satisfaction_none", lang))
    target = shown(summary.target)
    names = [d.header(lang) for d in summary.dimensions]
    rows: list[list[object]] = []
    for s in summary.satisfaction:
        region = text("summary.all", lang) if s.region is None else s.region
        rows.append(
            [
                region + (text("summary.low_sample", lang) if s.low_sample else ""),
                s.responses,
                shown(s.overall),
                target,
                shown_gap(s.short(summary.target)),
                s.rank,
                *(shown(s.dimensions.get(d.key)) for d in summary.dimensions),
            ]
        )
    scaled = (2, *range(6, 6 + len(names)))
    formats = {c: "score" for c in (2, 3, 4, *scaled)}
    return Block(
        0,
        1,
        [*texts("summary.satisfaction_header", lang), *names],
        rows,
        caption=text("summary.satisfaction", lang, target=clean_text(target)),
        formats=formats,
        scaled=scaled,
        target=target,
    )


def _action_block(summary: Summary, limit: int | None) -> Block:
    lang = summary.lang
    listed = summary.actions if limit is None else summary.actions[:limit]
    rows: list[list[object]] = []
    fills: dict[tuple[int, int], str] = {}
    for i, action in enumerate(listed):
        a = action.assessment
        name = action.complaint or f"#{action.row}"
        rows.append(
            [
                Link(name, cell_ref(action.sheet, action.row, action.column)),
                action.region,
                action.category,
                action.owner,
                state_text(a, lang),
                flag_text(a, lang),
                severity_label(a.recorded, lang),
                severity_label(a.suggested, lang),
                a.resolution_due if a.state is not State.UNKNOWN else None,
                a.cluster.id if a.cluster else "",
            ]
        )
        if (kind := row_fill(a)) is not None:
            fills[(i, 4)] = ROW_FILLS[kind]
    if not rows:
        rows.append([text("summary.no_actions", lang)])
    caption = text("summary.actions", lang, shown=len(listed), total=summary.actions_total)
    header = list(texts("summary.action_header", lang))
    return Block(0, 1, header, rows, caption=caption, formats={8: "datetime"}, fills=fills)
