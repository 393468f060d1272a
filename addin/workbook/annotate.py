"""Write results into the workbook itself with openpyxl: owned sheets, cell marks, a legend.

Ownership is recorded in the workbook, so a re-run knows what it wrote:
* each owned sheet has a defined name `CD_Owned_<role>` pointing at its A1 (Excel keeps it
  pointing at the sheet when the sheet is renamed); a sheet without such a name is the user's
  and is never replaced or deleted, even when its name clashes (ours then gets `Name (2)`);
* every cell we mark is listed, with its original fill, in a very hidden ledger sheet; a
  re-run restores those fills (unless the user has recoloured the cell since) and removes
  only comments whose author is Complaint Desk. A cell that already has a user's comment
  keeps it and gets only the fill.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.colors import Color
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from addin.layout import (
    BELOW_TARGET_FONT,
    HEADER_FILL,
    HEADER_HEIGHT,
    LINK_COLOUR,
    MARK_AUTHOR,
    MARK_FILLS,
    NUMBER_FORMATS,
    SCALE_COLOURS,
    SUBTITLE_COLOUR,
    Block,
    Chart,
    Link,
    Page,
    is_formula_like,
    scale_stops,
)
from addin.problems import Level, Problem, cell_ref, column_letter
from addin.workbook.reader import OWNED_PREFIX

LEDGER_ROLE = "ledger"
LEDGER_SHEET = "_ComplaintDesk"
LEDGER_HEADER = ["sheet", "cell", "role", "original_fill", "mark_rgb", "comment_added"]
MAX_NOTE_LINES = 6


def owned_sheets(wb: Workbook) -> dict[str, str]:
    """role -> sheet title of every sheet this add-in created (by its defined name)."""
    owned = {}
    for name, defined in list(wb.defined_names.items()):
        if not name.startswith(OWNED_PREFIX):
            continue
        for title, _ in defined.destinations:
            if title in wb.sheetnames:
                owned[name[len(OWNED_PREFIX) :]] = title
    return owned


def claim(wb: Workbook, ws: Worksheet, role: str) -> None:
    name = OWNED_PREFIX + role
    wb.defined_names[name] = DefinedName(name, attr_text=f"{cell_ref(ws.title, None, None)}!$A$1")


def release(wb: Workbook, role: str) -> None:
    """Delete our sheet for `role` (if it still exists) and its defined name."""
    title = owned_sheets(wb).get(role)
    if title is not None:
        del wb[title]
    wb.defined_names.pop(OWNED_PREFIX + role, None)


def free_title(wb: Workbook, wanted: str) -> str:
    """`wanted`, or `wanted (2)`, `(3)`… when a user's sheet already has that name."""
    taken = {t.casefold() for t in wb.sheetnames}
    title, n = wanted, 1
    while title.casefold() in taken:
        n += 1
        title = f"{wanted} ({n})"
    return title


def new_owned_sheet(wb: Workbook, role: str, wanted: str) -> tuple[Worksheet, str | None]:
    """A fresh owned sheet; the second value says why the name differs from `wanted`, if it does."""
    release(wb, role)
    title = free_title(wb, wanted)
    ws = wb.create_sheet(title)
    claim(wb, ws, role)
    note = None if title == wanted else f"a sheet named '{wanted}' belongs to you, so results went to '{title}'"
    return ws, note


def _color_spec(color: Color | None) -> dict[str, object] | None:
    if color is None:
        return None
    return {"type": color.type, "value": color.value, "tint": color.tint}


def _color(spec: dict[str, object] | None) -> Color | None:
    if not spec:
        return None
    kind, value, tint = spec["type"], spec["value"], spec.get("tint", 0)
    if kind == "theme":
        return Color(theme=value, tint=tint)
    if kind == "indexed":
        return Color(indexed=value, tint=tint)
    return Color(rgb=value, tint=tint)


def _fill_spec(fill: PatternFill) -> str:
    return json.dumps({"pattern": fill.fill_type, "fg": _color_spec(fill.fgColor), "bg": _color_spec(fill.bgColor)})


def _fill(spec: str) -> PatternFill:
    data = json.loads(spec)
    if not data.get("pattern"):
        return PatternFill(fill_type=None)
    return PatternFill(fill_type=data["pattern"], fgColor=_color(data["fg"]), bgColor=_color(data["bg"]))


def remove_marks(wb: Workbook) -> int:
    """Undo every mark listed in the ledger; returns how many cells were restored."""
    title = owned_sheets(wb).get(LEDGER_ROLE)
    if title is None:
        return 0
    restored = 0
    for sheet, ref, _role, original, rgb, added in wb[title].iter_rows(min_row=2, values_only=True):
        if sheet not in wb.sheetnames or not ref:
            continue
        target = wb[sheet][ref]
        if target.fill.fill_type == "solid" and str(target.fill.fgColor.rgb).endswith(str(rgb)):
            target.fill = _fill(original)
            restored += 1
        if added and target.comment is not None and target.comment.author == MARK_AUTHOR:
            target.comment = None
    release(wb, LEDGER_ROLE)
    return restored


@dataclass(frozen=True)
class Mark:
    sheet: str
    row: int
    column: int
    level: Level
    note: str


def marks_from(problems: list[Problem], lang: str) -> list[Mark]:
    """One mark per cell: the worst severity and the messages of every problem there."""
    by_cell: dict[tuple[str, int, int], list[Problem]] = defaultdict(list)
    for p in problems:
        if p.row is not None and p.column is not None:
            by_cell[(p.sheet, p.row, p.column)].append(p)
    marks = []
    for (sheet, row, column), found in by_cell.items():
        level = Level.ERROR if any(p.severity is Level.ERROR for p in found) else Level.WARNING
        lines = [f"[{p.code}] {p.message(lang)}" for p in found[:MAX_NOTE_LINES]]
        marks.append(Mark(sheet, row, column, level, "\n".join(lines)))
    return marks


def apply_marks(wb: Workbook, marks: list[Mark]) -> None:
    """Fill and annotate each marked cell and record it in a fresh ledger sheet."""
    ledger, _ = new_owned_sheet(wb, LEDGER_ROLE, LEDGER_SHEET)
    ledger.sheet_state = "veryHidden"
    ledger.append(LEDGER_HEADER)
    fills = {
        level: PatternFill(fill_type="solid", fgColor="FF" + rgb, bgColor="FF" + rgb)
        for level, rgb in MARK_FILLS.items()
    }
    for mark in marks:
        target = wb[mark.sheet].cell(mark.row, mark.column)
        original = _fill_spec(target.fill)
        target.fill = fills[mark.level]
        added = target.comment is None
        if added:
            comment = Comment(mark.note, MARK_AUTHOR)
            comment.width, comment.height = 320, 120
            target.comment = comment
        ledger.append(
            [
                mark.sheet,
                f"{column_letter(mark.column)}{mark.row}",
                "validation",
                original,
                MARK_FILLS[mark.level],
                int(added),
            ]
        )


def render(ws: Worksheet, page: Page) -> None:
    """Write a `Page` into an openpyxl sheet; links stay inside the workbook."""
    for column, width in enumerate(page.widths, start=1):
        ws.column_dimensions[column_letter(column)].width = width
    ws.cell(1, 1, page.title).font = Font(bold=True, size=14)
    ws.cell(2, 1, page.subtitle).font = Font(italic=True, color=SUBTITLE_COLOUR)
    for block in page.blocks:
        _block(ws, block)
    if page.freeze:
        ws.freeze_panes = ws.cell(page.freeze, 1)
    ws.page_setup.orientation = "landscape"
    if page.fit_width:
        ws.sheet_properties.pageSetUpPr.fitToPage = True  # printed: one page wide, as many long as needed
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    if page.print_rows:
        ws.print_title_rows = f"{page.print_rows[0]}:{page.print_rows[1]}"
    for chart in page.charts:
        _chart(ws, page, chart)


def _solid(rgb: str) -> PatternFill:
    return PatternFill(fill_type="solid", fgColor="FF" + rgb)


def _block(ws: Worksheet, block: Block) -> None:
    bold, link_font, header_fill = Font(bold=True), Font(color=LINK_COLOUR, underline="single"), _solid(HEADER_FILL)
    if block.caption:
        ws.cell(block.top - 1, block.left, block.caption).font = bold
    for c, text in enumerate(block.header):
        head = ws.cell(block.top, block.left + c, text)
        head.font, head.fill = bold, header_fill
        head.alignment = Alignment(wrap_text=True)
    if block.header:
        ws.row_dimensions[block.top].height = HEADER_HEIGHT
    first = block.first_row
    for r, row in enumerate(block.rows):
        for c, value in enumerate(row):
            target = _put(ws, first + r, block.left + c, value, link_font)
            if (number := block.formats.get(c)) is not None:
                target.number_format = NUMBER_FORMATS[number]
    for (r, c), rgb in block.fills.items():
        ws.cell(first + r, block.left + c).fill = _solid(rgb)
    last = first + len(block.rows) - 1
    if block.filter and block.header:
        right = column_letter(block.left + len(block.header) - 1)
        ws.auto_filter.ref = f"{column_letter(block.left)}{block.top}:{right}{max(last, block.top)}"
    if block.target is not None and block.rows:
        low, mid, high = SCALE_COLOURS
        at_low, at_mid, at_high = scale_stops(block.target)
        for c in block.scaled:
            letter = column_letter(block.left + c)
            cells = f"{letter}{first}:{letter}{last}"
            ws.conditional_formatting.add(
                cells,
                ColorScaleRule(
                    start_type="num",
                    start_value=at_low,
                    start_color=low,
                    mid_type="num",
                    mid_value=at_mid,
                    mid_color=mid,
                    end_type="num",
                    end_value=at_high,
                    end_color=high,
                ),
            )
            ws.conditional_formatting.add(
                cells,
                CellIsRule(
                    operator="lessThan", formula=[str(block.target)], font=Font(color=BELOW_TARGET_FONT, bold=True)
                ),
            )


def _chart(ws: Worksheet, page: Page, spec: Chart) -> None:
    block = page.blocks[spec.block]
    if spec.count < 1:
        return
    first, last = block.first_row, block.first_row + spec.count - 1
    categories = Reference(ws, min_col=block.left + spec.categories, min_row=first, max_row=last)
    chart = BarChart()
    chart.type, chart.title, chart.y_axis.title = "col", spec.title, spec.y_title or None
    for column in spec.values:
        chart.add_data(
            Reference(ws, min_col=block.left + column, min_row=block.top, max_row=last), titles_from_data=True
        )
    chart.set_categories(categories)
    chart.dataLabels = DataLabelList(showVal=True, showSerName=False, showCatName=False, showLegendKey=False)
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, spec.y_max
    chart.y_axis.number_format = "0"
    chart.y_axis.delete = chart.x_axis.delete = False  # openpyxl hides axes unless told
    chart.legend.position = "b"
    if spec.line is not None:
        line = LineChart()
        line.add_data(
            Reference(ws, min_col=block.left + spec.line, min_row=block.top, max_row=last), titles_from_data=True
        )
        line.set_categories(categories)
        line.series[0].graphicalProperties.line.solidFill = BELOW_TARGET_FONT
        line.series[0].graphicalProperties.line.dashStyle = "dash"
        chart += line
    chart.width, chart.height = 15, 8
    ws.add_chart(chart, f"{column_letter(spec.anchor[1])}{spec.anchor[0]}")


def _put(ws: Worksheet, r: int, c: int, value: object, link_font: Font) -> Cell:
    if isinstance(value, Link):
        target = ws.cell(r, c, value.text)
        target.hyperlink = Hyperlink(ref=target.coordinate, location=value.location)
        target.font = link_font
        return target
    target = ws.cell(r, c, value)
    if is_formula_like(value):
        target.data_type = "s"  # user text such as "=1+1" stays text, never a formula
    return target
