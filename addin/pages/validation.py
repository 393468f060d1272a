"""The Validation sheet as a `Page`: every problem with a link to its cell, counts per code, the legend."""

from __future__ import annotations

from datetime import datetime

from addin.core.problems import Problem, Report, cell_ref
from addin.core.schema import Field
from addin.core.text import text, texts
from addin.core.values import clean_text
from addin.pages.page import MARK_FILLS, Block, Link, Page


def location(problem: Problem) -> str:
    """Where a link should land: the cell, the row's first cell, or the sheet's A1."""
    return cell_ref(problem.sheet, problem.row or 1, problem.column or 1)


def validation_content(
    report: Report, *, name: str, as_of: datetime, fields: dict[str, Field], legend: bool, sheet_name: str | None = None
) -> Page:
    """The Validation sheet: every problem with a link to its cell, counts per code, and the marks' legend."""
    lang = report.lang
    rows: list[list[object]] = []
    fills: dict[tuple[int, int], str] = {}
    for i, p in enumerate(report.sorted()):
        f = fields.get(p.field or "")
        rows.append(
            [
                text(f"validation.level.{p.severity}", lang),
                p.code,
                p.message(lang),
                p.sheet,
                Link(p.cell, location(p)),
                f.header(lang) if f else (p.field or ""),
                p.value,
            ]
        )
        fills[(i, 0)] = MARK_FILLS[p.severity]
    if not rows:
        rows.append([text("validation.none", lang), "", "", "", "", "", ""])
    levels = {p.code: p.severity for p in report.problems}
    side_rows: list[list[object]] = [
        [code, text(f"validation.level.{levels[code]}", lang), n] for code, n in report.counts().items()
    ]
    top = 4
    blocks = [
        Block(top, 1, list(texts("validation.header", lang)), rows, fills=fills, filter=True),
        Block(top, 9, list(texts("validation.side", lang)), side_rows),
    ]
    if legend:
        marks: list[list[object]] = [["", text(f"validation.mark.{level}", lang)] for level in MARK_FILLS]
        legend_fills = {(i, 0): rgb for i, rgb in enumerate(MARK_FILLS.values())}
        caption = text("validation.legend", lang)
        blocks.append(Block(top + len(side_rows) + 3, 9, [], marks, caption=caption, fills=legend_fills))
    subtitle = text(
        "validation.subtitle", lang, as_of=clean_text(as_of), errors=report.errors, warnings=report.warnings
    )
    return Page(
        name=sheet_name or text("sheet.validation", lang),
        title=text("validation.title", lang, name=name),
        subtitle=subtitle,
        blocks=blocks,
        widths=[10, 24, 60, 16, 16, 16, 24, 2, 26, 10, 8],
        freeze=top + 1,
        print_rows=(top, top),
    )
