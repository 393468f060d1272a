"""`Canvas` on an openpyxl workbook: how `--annotate` / `--in-place` write into a file.

What to write is decided in `addin.sheets.marks` / `addin.sheets.write`; this module only maps each
operation onto openpyxl cells. It keeps the formatting a file can hold that a live Excel
through xlwings cannot set portably: conditional colour scales, frozen panes, autofilter and
print setup.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NotRequired, TypedDict, cast

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.colors import Color
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from addin.core.problems import cell_ref, column_letter
from addin.pages.page import (
    BELOW_TARGET_FONT,
    MARK_AUTHOR,
    SCALE_COLOURS,
    Link,
    Page,
    scale_stops,
    written,
    written_text,
)
from addin.sheets.canvas import NO_FILL, Cell, ChartSpec, Rect, Style, cells, fill_spec

if TYPE_CHECKING:
    from openpyxl.cell import _CellSetValue

NOTE_SIZE = (320, 120)  # points: room for a few problem lines


def solid(rgb: str) -> PatternFill:
    """A plain fill of colour `rgb` (hex without alpha), as every writer of ours uses it."""
    return PatternFill(fill_type="solid", fgColor="FF" + rgb, bgColor="FF" + rgb)


def _cells(rects: Iterable[Rect]) -> Iterable[Cell]:
    return (cell for rect in rects for cell in cells(rect))


def _color_spec(color: Color | None) -> dict[str, object] | None:
    if color is None:
        return None
    return {"type": color.type, "value": color.value, "tint": color.tint}


class _ColorSpec(TypedDict):
    """A colour as `_color_spec` (or `addin.sheets.canvas.rgb_spec`) wrote it into a fill spec."""

    type: str  # rgb, theme or indexed
    value: str | int
    tint: NotRequired[float]


def _color(spec: _ColorSpec) -> Color:
    kind, value, tint = spec["type"], spec["value"], spec.get("tint", 0)
    if kind == "theme":
        return Color(theme=value, tint=tint)
    if kind == "indexed":
        return Color(indexed=value, tint=tint)
    return Color(rgb=value, tint=tint)


def _fill(spec: str) -> PatternFill:
    data = json.loads(spec)
    if not data.get("pattern"):
        return PatternFill(fill_type=None)
    # Both colours are there: a spec with a pattern is written from a `PatternFill`, whose colours are never None.
    return PatternFill(fill_type=data["pattern"], fgColor=_color(data["fg"]), bgColor=_color(data["bg"]))


class OpenpyxlCanvas:
    """The `addin.sheets.canvas.Canvas` operations on an openpyxl `Workbook` (saved by the caller)."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb

    def titles(self) -> list[str]:
        return list(self.wb.sheetnames)

    def names(self) -> dict[str, str]:
        found = {}
        for name, defined in list(self.wb.defined_names.items()):
            for title, _ in defined.destinations:
                found[name] = title
        return found

    def set_name(self, name: str, title: str) -> None:
        self.wb.defined_names[name] = DefinedName(name, attr_text=f"{cell_ref(title, None, None)}!$A$1")

    def drop_name(self, name: str) -> None:
        self.wb.defined_names.pop(name, None)

    def add_sheet(self, title: str) -> None:
        self.wb.create_sheet(title)

    def drop_sheet(self, title: str) -> None:
        del self.wb[title]

    def hide(self, title: str) -> None:
        self.wb[title].sheet_state = "veryHidden"

    def activate(self, title: str) -> None:
        self.wb.active = self.wb.sheetnames.index(title)
        for sheet in self.wb.worksheets:
            sheet.sheet_view.tabSelected = sheet.title == title

    def read(self, title: str, top: int = 1, bottom: int | None = None) -> list[list[object]]:
        ws = self.wb[title]
        width = ws.max_column
        rows = ws.iter_rows(min_row=top, max_row=bottom or ws.max_row, max_col=width, values_only=True)
        return [list(r) for r in rows]

    def last_row(self, title: str) -> int:
        """The last row with a value (a cell that only has a format, even at row 1,048,576, does not count)."""
        cells = self.wb[title]._cells  # noqa: SLF001 - the loaded cells, as in last_column
        return max((row for (row, _), cell in cells.items() if cell.value is not None), default=0)

    def last_column(self, title: str) -> int:
        """The last column with a value in any row (a cell that only has a format does not count)."""
        cells = self.wb[title]._cells  # noqa: SLF001 - the loaded cells; iter_cols would create the missing ones
        return max((column for (_, column), cell in cells.items() if cell.value is not None), default=0)

    def write(self, title: str, top: int, left: int, rows: Sequence[Sequence[object]]) -> None:
        ws = self.wb[title]
        for r, row in enumerate(rows, start=top):
            for c, value in enumerate(row, start=left):
                if isinstance(value, Link):
                    target = ws.cell(r, c, written_text(value.text))
                    target.hyperlink = Hyperlink(ref=target.coordinate, location=value.location)
                else:
                    # Page plans write values openpyxl takes (text, numbers, dates, booleans, None).
                    target = ws.cell(r, c, cast("_CellSetValue", written(value)))
                if target.data_type == "f":
                    target.data_type = "s"  # openpyxl takes any text starting with "=" for a formula: ours never is

    def style(self, title: str, rects: Sequence[Rect], style: Style) -> None:
        ws = self.wb[title]
        font = None
        if any(v is not None for v in (style.bold, style.italic, style.size, style.colour, style.underline)):
            font = Font(
                bold=style.bold,
                italic=style.italic,
                size=style.size,
                color=style.colour,
                underline="single" if style.underline else None,
            )
        fill = solid(style.fill) if style.fill else None
        wrap = Alignment(wrap_text=True) if style.wrap else None
        for r, c in _cells(rects):
            target = ws.cell(r, c)
            if font is not None:
                target.font = font
            if fill is not None:
                target.fill = fill
            if wrap is not None:
                target.alignment = wrap
            if style.number_format:
                target.number_format = style.number_format

    def paint(self, title: str, rects: Sequence[Rect], rgb: str | None) -> None:
        ws, fill = self.wb[title], solid(rgb) if rgb else PatternFill(fill_type=None)
        for r, c in _cells(rects):
            ws.cell(r, c).fill = fill

    def fills(self, title: str, rects: Sequence[Rect]) -> dict[Cell, str]:
        ws, found = self.wb[title], {}
        for r, c in _cells(rects):
            target = ws.cell(r, c)
            if target.has_style and target.fill.fill_type is not None:
                fill = target.fill
                found[(r, c)] = fill_spec(fill.fill_type, _color_spec(fill.fgColor), _color_spec(fill.bgColor))
        return found

    def restore(self, title: str, specs: dict[Cell, str]) -> None:
        ws = self.wb[title]
        made: dict[str, PatternFill] = {}
        for (r, c), spec in specs.items():
            ws.cell(r, c).fill = made.setdefault(spec, _fill(spec or NO_FILL))

    def notes(self, title: str, cells: Iterable[Cell]) -> dict[Cell, bool]:
        ws, found = self.wb[title], {}
        for r, c in cells:
            comment = ws.cell(r, c).comment
            if comment is not None:
                found[(r, c)] = comment.author == MARK_AUTHOR
        return found

    def note(self, title: str, cell: Cell, text: str | None, *, author: str) -> None:
        target = self.wb[title].cell(*cell)
        if text is None:
            target.comment = None
            return
        comment = Comment(written_text(text), author)
        comment.width, comment.height = NOTE_SIZE
        target.comment = comment

    def widths(self, title: str, widths: dict[int, float]) -> None:
        ws = self.wb[title]
        for column, width in widths.items():
            ws.column_dimensions[column_letter(column)].width = width

    def height(self, title: str, row: int, points: float) -> None:
        self.wb[title].row_dimensions[row].height = points

    def scale(self, title: str, rect: Rect, target: float, values: Sequence[object]) -> None:
        top, left, bottom, right = rect
        cells = f"{column_letter(left)}{top}:{column_letter(right)}{bottom}"
        (low, mid, high), (at_low, at_mid, at_high) = SCALE_COLOURS, scale_stops(target)
        ws = self.wb[title]
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
        below = Font(color=BELOW_TARGET_FONT, bold=True)
        ws.conditional_formatting.add(cells, CellIsRule(operator="lessThan", formula=[str(target)], font=below))

    def chart(self, title: str, spec: ChartSpec) -> None:
        ws: Worksheet = self.wb[title]  # charts go on our own sheets: worksheets, never chart sheets

        def ref(rect: Rect) -> Reference:
            return Reference(ws, min_col=rect[1], min_row=rect[0], max_col=rect[3], max_row=rect[2])

        chart = BarChart()
        chart.type, chart.title, chart.y_axis.title = "col", spec.title, spec.y_title or None
        for series in spec.series:
            chart.add_data(ref(series), titles_from_data=True)
        chart.set_categories(ref(spec.categories))
        chart.dataLabels = DataLabelList(showVal=True, showSerName=False, showCatName=False, showLegendKey=False)
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, spec.y_max
        chart.y_axis.number_format = "0"
        chart.y_axis.delete = chart.x_axis.delete = False  # openpyxl hides axes unless told
        chart.legend.position = "b"
        if spec.line is not None:
            line = LineChart()
            line.add_data(ref(spec.line), titles_from_data=True)
            line.set_categories(ref(spec.categories))
            line.series[0].graphicalProperties.line.solidFill = BELOW_TARGET_FONT
            line.series[0].graphicalProperties.line.dashStyle = "dash"
            chart += line
        chart.width, chart.height = 15, 8
        ws.add_chart(chart, f"{column_letter(spec.anchor[1])}{spec.anchor[0]}")

    def layout(self, title: str, *, freeze: int | None, filter: Rect | None, page: Page) -> None:
        ws = self.wb[title]
        if filter is not None:
            top, left, bottom, right = filter
            ws.auto_filter.ref = f"{column_letter(left)}{top}:{column_letter(right)}{bottom}"
        if freeze:
            ws.freeze_panes = ws.cell(freeze, 1).coordinate
        ws.page_setup.orientation = "landscape"
        if page.fit_width:
            setup = ws.sheet_properties.pageSetUpPr
            assert setup is not None  # openpyxl's WorksheetProperties always makes one; its stubs allow None
            setup.fitToPage = True  # printed: one page wide, as many long as needed
            ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        if page.print_rows:
            ws.print_title_rows = f"{page.print_rows[0]}:{page.print_rows[1]}"
