"""What an owned result sheet contains, as plain data; writers for each library render it.

Keeping the content here means the report workbook, the annotated workbook and (later) the
live Excel workbook show the same rows, headers and legend from one definition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from addin.problems import Level, Problem, Report, cell_ref
from addin.schema import VALIDATION_SHEET, Field
from addin.values import clean_text

# Fill colours of the marks on the log (RGB hex), by problem severity.
MARK_FILLS = {Level.ERROR: "FFC7CE", Level.WARNING: "FFEB9C"}
MARK_AUTHOR = "Complaint Desk"

_TEXT = {
    "en": {
        "title": "Validation — {name}",
        "subtitle": "As of {as_of} · {errors} errors · {warnings} warnings · written by Complaint Desk; "
        "re-running replaces this sheet",
        "header": ["Severity", "Code", "Message", "Sheet", "Cell", "Field", "Value"],
        "side": ["Code", "Severity", "Count"],
        "legend": "Legend (marks on the log)",
        Level.ERROR: "error",
        Level.WARNING: "warning",
        "mark": {Level.ERROR: "Invalid cell (error)", Level.WARNING: "Questionable cell (warning)"},
        "none": "No problems found.",
    },
    "zh": {
        "title": "校验结果 — {name}",
        "subtitle": "统计时间 {as_of} · 错误 {errors} 项 · 警告 {warnings} 项 · "
        "由 Complaint Desk 生成，重新运行会替换本表",
        "header": ["级别", "代码", "说明", "工作表", "单元格", "字段", "值"],
        "side": ["代码", "级别", "数量"],
        "legend": "图例（登记表上的标记）",
        Level.ERROR: "错误",
        Level.WARNING: "警告",
        "mark": {Level.ERROR: "无效单元格（错误）", Level.WARNING: "可疑单元格（警告）"},
        "none": "未发现问题。",
    },
}


@dataclass(frozen=True)
class Link:
    """A cell reference that should be clickable: `text` shown, `location` like `'Log'!F17`."""

    text: str
    location: str


@dataclass
class SheetContent:
    """An owned sheet: title lines, one main table, a side table and an optional legend."""

    name: str
    title: str
    subtitle: str
    header: list[str]
    rows: list[list[object]]
    side_header: list[str] = field(default_factory=list)
    side_rows: list[list[object]] = field(default_factory=list)
    legend_title: str = ""
    legend: list[tuple[str, str]] = field(default_factory=list)  # (text, fill RGB)
    widths: list[int] = field(default_factory=list)
    severities: list[str] = field(default_factory=list)  # per row, for colouring the first column

    HEADER_ROW = 4  # 1-based row of the main table's header
    SIDE_COLUMN = 9  # 1-based column where the side table starts (I)


def location(problem: Problem) -> str:
    """Where a link should land: the cell, the row's first cell, or the sheet's A1."""
    return cell_ref(problem.sheet, problem.row or 1, problem.column or 1)


def validation_content(
    report: Report, *, name: str, as_of: datetime, fields: dict[str, Field], legend: bool, sheet_name: str | None = None
) -> SheetContent:
    lang = report.lang
    text = _TEXT[lang]
    rows: list[list[object]] = []
    severities: list[str] = []
    for p in report.sorted():
        f = fields.get(p.field or "")
        rows.append(
            [
                text[p.severity],
                p.code,
                p.message(lang),
                p.sheet,
                Link(p.cell, location(p)),
                f.header(lang) if f else (p.field or ""),
                p.value,
            ]
        )
        severities.append(str(p.severity))
    if not rows:
        rows.append([text["none"], "", "", "", "", "", ""])
        severities.append("")
    levels = {p.code: p.severity for p in report.problems}
    side_rows: list[list[object]] = [[code, text[levels[code]], n] for code, n in report.counts().items()]
    return SheetContent(
        name=sheet_name or VALIDATION_SHEET[lang],
        title=text["title"].format(name=name),
        subtitle=text["subtitle"].format(as_of=clean_text(as_of), errors=report.errors, warnings=report.warnings),
        header=text["header"],
        rows=rows,
        side_header=text["side"],
        side_rows=side_rows,
        legend_title=text["legend"] if legend else "",
        legend=[(text["mark"][level], fill) for level, fill in MARK_FILLS.items()] if legend else [],
        widths=[10, 24, 60, 16, 16, 16, 24, 2, 26, 10, 8],
        severities=severities,
    )


def is_formula_like(value: object) -> bool:
    """Text that a spreadsheet would take for a formula; writers must store it as text."""
    return isinstance(value, str) and value[:1] in ("=", "+", "-", "@")
