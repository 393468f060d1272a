"""Write results into the workbook itself with openpyxl: owned sheets and their contents.

Ownership is recorded in the workbook, so a re-run knows what it wrote:
* each owned sheet has a defined name `CD_Owned_<role>` pointing at its A1 (Excel keeps it
  pointing at the sheet when the sheet is renamed); a sheet without such a name is the user's
  and is never replaced or deleted, even when its name clashes (ours then gets `Name (2)`);
* marks on the user's sheets are listed in a very hidden ledger sheet (`addin.workbook.marks`).
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from addin.layout import (
    BELOW_TARGET_FONT,
    HEADER_FILL,
    HEADER_HEIGHT,
    LINK_COLOUR,
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
from addin.problems import cell_ref, column_letter
from addin.workbook.reader import OWNED_PREFIX


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


def solid(rgb: str) -> PatternFill:
    """A plain fill of colour `rgb` (hex without alpha), as every writer of ours uses it."""
    return PatternFill(fill_type="solid", fgColor="FF" + rgb, bgColor="FF" + rgb)


def _block(ws: Worksheet, block: Block) -> None:
    bold, link_font, header_fill = Font(bold=True), Font(color=LINK_COLOUR, underline="single"), solid(HEADER_FILL)
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
        ws.cell(first + r, block.left + c).fill = solid(rgb)
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
