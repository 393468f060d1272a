"""The Summary sheet as a `Page`: key figures and two charts on top, then the tables managers read.

The same `Page` feeds the owned Summary sheet, the standalone `<stem>.summary.xlsx` and the
e-mail body (`addin.pages.mail_text`), so the three never disagree. Scores are truncated to one
decimal (`scoring.shown`), as on the Scores sheet.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from addin.core.flags import State
from addin.core.problems import cell_ref
from addin.core.schema import SUMMARY_SHEET
from addin.core.scoring import shown, shown_gap
from addin.core.summary import Counts, Summary
from addin.core.values import clean_text
from addin.pages.flags import ROW_FILLS, flag_text, row_fill, severity_label, state_text
from addin.pages.page import HEADER_FILL, Block, Chart, Link, Page

CHART_ANCHORS = ((4, 5), (4, 9))  # complaints by region, satisfaction by region
FIRST_TABLE = 22  # the tables start below the charts
GAP = 2
_TEXT: dict[str, dict[str, Any]] = {
    "en": {
        "title": "Summary — {name}",
        "title_region": "Summary — {name} — {region}",
        "subtitle": "Period {first} to {last} · as of {as_of} · {clock}",
        "owned": " · written by Complaint Desk; re-running replaces this sheet",
        "calendar": "deadlines in calendar time",
        "business": "deadlines in business days",
        "key": "Key figures",
        "key_header": ["Measure", "Value", "Share"],
        "received": "Complaints received",
        "open": "Open (share of received)",
        "overdue": "Overdue (share of open)",
        "due_soon": "Due soon (share of open)",
        "on_time": "Resolved on time (share of resolved)",
        "median": "Median days to resolve",
        "mean": "Mean days to resolve",
        "repeat": "Repeat or secondary (share of received)",
        "under_graded": "Under-graded (share of received)",
        "clusters": "Clusters (one complaint, many customers)",
        "overall": "Overall satisfaction (target {target})",
        "by_region": "By region",
        "region_header": [
            "Region", "Received", "Open", "Overdue", "Due soon", "Resolved on time", "Median days",
            "Repeat", "Under-graded",
        ],
        "by_category": "By category",
        "category_header": ["Category", "Received", "Share", "Open", "Overdue", "Repeat", "Under-graded"],
        "satisfaction": "Satisfaction by region against the target of {target}",
        "satisfaction_none": "Satisfaction",
        "satisfaction_header": ["Region", "Responses", "Overall", "Target", "Short by", "Rank"],
        "no_scores": "No satisfaction survey found: no scores.",
        "actions": "Action list: open complaints with a flag, most urgent first ({shown} of {total})",
        "action_header": [
            "Complaint ID", "Region", "Category", "Owner", "State", "Flags", "Severity", "Suggested",
            "Resolution due", "Cluster",
        ],
        "no_actions": "Nothing to act on: no open complaint has a flag.",
        "all": "All regions",
        "blank": "(blank)",
        "low_sample": " (few responses)",
        "chart_complaints": "Complaints by region",
        "chart_satisfaction": "Overall satisfaction by region vs target",
        "none": "—",
    },
    "zh": {
        "title": "汇总 — {name}",
        "title_region": "汇总 — {name} — {region}",
        "subtitle": "统计期间 {first} 至 {last} · 统计时间 {as_of} · {clock}",
        "owned": " · 由 Complaint Desk 生成，重新运行会替换本表",
        "calendar": "期限按自然日计",
        "business": "期限按工作日计",
        "key": "关键指标",
        "key_header": ["指标", "数值", "占比"],
        "received": "受理投诉",
        "open": "未结（占受理）",
        "overdue": "超期（占未结）",
        "due_soon": "即将到期（占未结）",
        "on_time": "按期解决（占有期限的已解决）",
        "median": "解决天数中位数",
        "mean": "平均解决天数",
        "repeat": "重复及二次投诉（占受理）",
        "under_graded": "定级偏低（占受理）",
        "clusters": "群发问题",
        "overall": "总体满意度（目标 {target}）",
        "by_region": "按区域",
        "region_header": [
            "区域", "受理", "未结", "超期", "即将到期", "按期解决率", "解决天数中位数", "重复投诉", "定级偏低",
        ],
        "by_category": "按投诉类别",
        "category_header": ["投诉类别", "受理", "占比", "未结", "超期", "重复投诉", "定级偏低"],
        "satisfaction": "各区域满意度（目标 {target}）",
        "satisfaction_none": "满意度",
        "satisfaction_header": ["区域", "样本数", "总体满意度", "目标", "差距", "排名"],
        "no_scores": "未找到满意度回访表，无得分。",
        "actions": "待办清单：有预警的未结投诉，最紧急在前（{total} 件中列出 {shown} 件）",
        "action_header": [
            "投诉编号", "区域", "投诉类别", "责任人", "状态", "预警", "登记等级", "建议等级", "解决期限", "群发编号",
        ],
        "no_actions": "无待办：未结投诉均无预警。",
        "all": "全部区域",
        "blank": "（空）",
        "low_sample": "（样本少）",
        "chart_complaints": "各区域投诉量",
        "chart_satisfaction": "各区域总体满意度与目标",
        "none": "—",
    },
}  # fmt: skip


def summary_content(
    summary: Summary, *, actions: int | None = None, owned: bool = True, sheet_name: str | None = None
) -> Page:
    """The Summary sheet; `actions` caps the action list. `owned=False` drops the "re-running
    replaces this sheet" line (the e-mail body and the standalone workbook, whose writers also
    turn the action list's links into plain text)."""
    text = _TEXT[summary.lang]
    blocks = [_key_block(summary, text)]
    blocks += [
        _region_block(summary, text),
        _category_block(summary, text),
        _satisfaction_block(summary, text),
        _action_block(summary, text, actions),
    ]
    top = FIRST_TABLE
    for block in blocks[1:]:
        block.top = top
        top = block.bottom + GAP
    regions = len(summary.regions)
    scored = sum(1 for s in summary.satisfaction if s.region is not None)
    charts = [
        Chart(text["chart_complaints"], 1, 0, (1, 2, 3), None, regions, CHART_ANCHORS[0], y_max=None, labels="count")
    ]
    if scored:
        charts.append(Chart(text["chart_satisfaction"], 3, 0, (2,), 3, scored, CHART_ANCHORS[1]))
    title = text["title_region"] if summary.region is not None else text["title"]
    none = text["none"]
    return Page(
        name=sheet_name or SUMMARY_SHEET[summary.lang],
        title=title.format(name=summary.name, region=summary.region),
        subtitle=text["subtitle"].format(
            first=clean_text(summary.first.date()) if summary.first else none,
            last=clean_text(summary.last.date()) if summary.last else none,
            as_of=clean_text(summary.as_of),
            clock=text["business" if summary.business else "calendar"],
        )
        + (text["owned"] if owned else ""),
        blocks=blocks,
        charts=charts,
        widths=[40, 12, 16, 12, 22, 30, 12, 12, 16, 10, 11, 11, 11, 11],
        fit_width=True,
    )


def _days(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _share(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _key_block(summary: Summary, text: dict[str, Any]) -> Block:
    t = summary.total
    rows: list[list[object]] = [
        [text["received"], t.received, None],
        [text["open"], t.open, _share(t.open_share)],
        [text["overdue"], t.overdue, _share(t.overdue_share)],
        [text["due_soon"], t.due_soon, _share(t.due_soon_share)],
        [text["on_time"], t.on_time, _share(t.on_time_share)],
        [text["median"], _days(t.median_days), None],
        [text["mean"], _days(t.mean_days), None],
        [text["repeat"], t.repeat, _share(t.repeat_share)],
        [text["under_graded"], t.under_graded, _share(t.under_graded_share)],
        [text["clusters"], summary.clusters, None],
    ]
    fills: dict[tuple[int, int], str] = {}
    if summary.target is not None:
        overall = next((s for s in reversed(summary.satisfaction)), None)
        score = shown(overall.overall) if overall else None
        rows.append([text["overall"].format(target=clean_text(shown(summary.target))), score, None])
        if score is not None and overall is not None and overall.short(summary.target) is not None:
            fills[(len(rows) - 1, 1)] = ROW_FILLS["overdue"]
    if t.overdue:
        fills[(2, 1)] = ROW_FILLS["overdue"]
    return Block(5, 1, list(text["key_header"]), rows, caption=text["key"], formats={2: "percent"}, fills=fills)


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


def _region_block(summary: Summary, text: dict[str, Any]) -> Block:
    rows = [[name or text["blank"], *_count_cells(c)] for name, c in summary.regions]
    fills: dict[tuple[int, int], str] = {}
    if summary.region is None:
        rows.append([text["all"], *_count_cells(summary.total)])
        fills = {(len(rows) - 1, c): HEADER_FILL for c in range(len(text["region_header"]))}
    formats = {5: "percent", 6: "score"}
    return Block(0, 1, list(text["region_header"]), rows, caption=text["by_region"], formats=formats, fills=fills)


def _category_block(summary: Summary, text: dict[str, Any]) -> Block:
    received = summary.total.received
    rows: list[list[object]] = [
        [name or text["blank"], c.received, c.received / received if received else None, c.open, c.overdue]
        + [c.repeat, c.under_graded]
        for name, c in summary.categories
    ]
    return Block(0, 1, list(text["category_header"]), rows, caption=text["by_category"], formats={2: "percent"})


def _satisfaction_block(summary: Summary, text: dict[str, Any]) -> Block:
    if summary.target is None:
        return Block(0, 1, [], [[text["no_scores"]]], caption=text["satisfaction_none"])
    target = shown(summary.target)
    names = [d.header(summary.lang) for d in summary.dimensions]
    rows: list[list[object]] = []
    for s in summary.satisfaction:
        region = text["all"] if s.region is None else s.region
        rows.append(
            [
                region + (text["low_sample"] if s.low_sample else ""),
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
        [*text["satisfaction_header"], *names],
        rows,
        caption=text["satisfaction"].format(target=clean_text(target)),
        formats=formats,
        scaled=scaled,
        target=target,
    )


def _action_block(summary: Summary, text: dict[str, Any], limit: int | None) -> Block:
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
        rows.append([text["no_actions"]])
    caption = text["actions"].format(shown=len(listed), total=summary.actions_total)
    return Block(0, 1, list(text["action_header"]), rows, caption=caption, formats={8: "datetime"}, fills=fills)
