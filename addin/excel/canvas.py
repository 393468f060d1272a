"""The `addin.sheets.canvas.Canvas` operations on a live workbook through xlwings, each as few calls as it allows.

What a live workbook does not get (see `addin.excel.buttons`): frozen panes, autofilter, print
setup, underlined links and a very hidden ledger (it is hidden). Colour scales become fixed
colours computed from the same stops; links are `HYPERLINK` formulas, written with the
block's values in the same call.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

from addin.core.problems import column_letter
from addin.core.values import CellError
from addin.pages.page import Link, Page, is_formula_like
from addin.sheets.canvas import (
    NO_FILL,
    Cell,
    ChartSpec,
    Rect,
    Style,
    below_target_style,
    cells,
    rgb_spec,
    runs,
    scale_colour,
    spec_rgb,
)

MAX_ADDRESS = 255  # Excel refuses a longer multi-area address in Range("…")
ERRORS = frozenset({"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"})


def _address(rects: Sequence[Rect]) -> list[str]:
    """Multi-area addresses ("A5:V9,A12:V12") of at most MAX_ADDRESS characters each."""
    chunks: list[str] = []
    current = ""
    for top, left, bottom, right in rects:
        one = f"{column_letter(left)}{top}"
        if (top, left) != (bottom, right):
            one += f":{column_letter(right)}{bottom}"
        if current and len(current) + 1 + len(one) > MAX_ADDRESS:
            chunks.append(current)
            current = ""
        current = f"{current},{one}" if current else one
    if current:
        chunks.append(current)
    return chunks


def _excel_value(value: object) -> object:
    """A value as Excel should receive it: links as HYPERLINK formulas, formula-like text kept as text."""
    if isinstance(value, Link):
        location, text = value.location.replace('"', '""'), value.text.replace('"', '""')
        return f'=HYPERLINK("#{location}","{text}")'
    if is_formula_like(value):
        return "'" + str(value)  # Excel's text prefix: shown without the apostrophe, never evaluated
    if isinstance(value, Fraction):
        return float(value)
    return value


def _from_excel(value: object) -> object:
    """A read cell as the core expects it: error texts become `CellError`."""
    if isinstance(value, str) and value in ERRORS:
        return CellError(value)
    return value


class XlwingsCanvas:
    """The `addin.sheets.canvas.Canvas` operations on a live workbook, each as few xlwings calls as it allows."""

    def __init__(self, book: Any) -> None:
        self.book = book

    def _sheet(self, title: str) -> Any:
        return self.book.sheets[title]

    def _areas(self, title: str, rects: Sequence[Rect]) -> Iterable[Any]:
        sheet = self._sheet(title)
        return (sheet.range(address) for address in _address(rects))

    def titles(self) -> list[str]:
        return [sheet.name for sheet in self.book.sheets]

    def names(self) -> dict[str, str]:
        found = {}
        for name in self.book.names:
            target = (name.refers_to or "").lstrip("=")
            if "!" in target:
                found[name.name] = target.rsplit("!", 1)[0].strip("'").replace("''", "'")
        return found

    def set_name(self, name: str, title: str) -> None:
        quoted = title.replace("'", "''")
        self.book.names.add(name, f"='{quoted}'!$A$1")

    def drop_name(self, name: str) -> None:
        self.book.names[name].delete()

    def add_sheet(self, title: str) -> None:
        self.book.sheets.add(title, after=self.book.sheets[-1])

    def drop_sheet(self, title: str) -> None:
        self._sheet(title).delete()

    def hide(self, title: str) -> None:
        self._sheet(title).visible = False

    def activate(self, title: str) -> None:
        self._sheet(title).activate()

    def read(self, title: str, top: int = 1, bottom: int | None = None) -> list[list[object]]:
        sheet = self._sheet(title)
        last = sheet.used_range.last_cell
        bottom = last.row if bottom is None else bottom
        if bottom < top:
            return []
        values = sheet.range((top, 1), (bottom, last.column)).options(ndim=2, err_to_str=True).value
        return [[_from_excel(v) for v in row] for row in values]

    def last_row(self, title: str) -> int:
        return int(self._sheet(title).used_range.last_cell.row)

    def write(self, title: str, top: int, left: int, rows: Sequence[Sequence[object]]) -> None:
        if not rows:
            return
        width = max(len(r) for r in rows)
        grid = [[_excel_value(v) for v in row] + [None] * (width - len(row)) for row in rows]
        self._sheet(title).range((top, left)).value = grid

    def style(self, title: str, rects: Sequence[Rect], style: Style) -> None:
        for area in self._areas(title, rects):
            if style.bold is not None:
                area.font.bold = style.bold
            if style.italic is not None:
                area.font.italic = style.italic
            if style.size is not None:
                area.font.size = style.size
            if style.colour is not None:
                area.font.color = "#" + style.colour
            if style.fill is not None:
                area.color = "#" + style.fill
            if style.wrap is not None:
                area.wrap_text = style.wrap
            if style.number_format is not None:
                area.number_format = style.number_format

    def paint(self, title: str, rects: Sequence[Rect], rgb: str | None) -> None:
        for area in self._areas(title, rects):
            area.color = None if rgb is None else "#" + rgb

    def fills(self, title: str, rects: Sequence[Rect]) -> dict[Cell, str]:
        """Read fills by halving: the whole area first (a plain log is one read), a mixed area in halves.

        Excel reports one colour, or none, for a range whose cells agree and Null (xlwings:
        TypeError) when they differ, so k filled patches cost about k·log(n) reads, not one per cell.
        """
        wanted = {cell for rect in rects for cell in cells(rect)}
        if not wanted:
            return {}
        sheet, found = self._sheet(title), {}
        rows, columns = [r for r, _ in wanted], [c for _, c in wanted]
        pending = [(min(rows), min(columns), max(rows), max(columns))]
        while pending:
            top, left, bottom, right = area = pending.pop()
            if not any(cell in wanted for cell in cells(area)):
                continue
            try:
                colour = sheet.range((top, left), (bottom, right)).color
            except (TypeError, ValueError):  # the cells differ: look at each half
                if top < bottom:
                    middle = (top + bottom) // 2
                    pending += [(top, left, middle, right), (middle + 1, left, bottom, right)]
                else:
                    middle = (left + right) // 2
                    pending += [(top, left, top, middle), (top, middle + 1, top, right)]
                continue
            if colour is not None:
                spec = rgb_spec("".join(f"{int(x):02X}" for x in colour))
                found.update({cell: spec for cell in cells(area) if cell in wanted})
        return found

    def restore(self, title: str, specs: dict[Cell, str]) -> None:
        """Put fills back by colour; a theme colour (recorded by the file path) can only come back as its RGB."""
        by_colour: dict[str | None, list[Cell]] = {}
        for cell, spec in specs.items():
            by_colour.setdefault(spec_rgb(spec or NO_FILL), []).append(cell)
        for rgb, coloured in by_colour.items():
            self.paint(title, runs(coloured), rgb)

    def notes(self, title: str, cells: Iterable[Cell]) -> dict[Cell, bool]:
        sheet, found = self._sheet(title), {}
        for cell in cells:
            note = sheet.range(cell).note
            if note is not None:
                found[cell] = note.text.startswith("[")  # ours always open with "[problem-code]"
        return found

    def note(self, title: str, cell: Cell, text: str | None, *, author: str) -> None:
        target = self._sheet(title).range(cell)
        if text is None:
            if target.note is not None:
                target.note.delete()
            return
        target.add_note(text)

    def widths(self, title: str, widths: dict[int, float]) -> None:
        sheet = self._sheet(title)
        for column, width in widths.items():
            sheet.range((1, column)).column_width = width

    def height(self, title: str, row: int, points: float) -> None:
        self._sheet(title).range((row, 1)).row_height = points

    def scale(self, title: str, rect: Rect, target: float, values: Sequence[object]) -> None:
        """Fixed colours from the colour scale's stops, and the below-target font (no conditional formats)."""
        top, column = rect[0], rect[1]
        by_colour: dict[str, list[Cell]] = {}
        below: list[Cell] = []
        for r, value in enumerate(values, start=top):
            if isinstance(value, int | float | Fraction) and not isinstance(value, bool):
                by_colour.setdefault(scale_colour(float(value), target), []).append((r, column))
                if value < target:
                    below.append((r, column))
        for rgb, coloured in by_colour.items():
            self.paint(title, runs(coloured), rgb)
        if below:
            self.style(title, runs(below), below_target_style())

    def chart(self, title: str, spec: ChartSpec) -> None:
        sheet = self._sheet(title)
        anchor = sheet.range(spec.anchor)
        chart = sheet.charts.add(anchor.left, anchor.top, 450, 240)
        header_row = spec.series[0][0]
        categories = (header_row, spec.categories[1], spec.categories[2], spec.categories[3])
        areas = [categories, *spec.series, *([spec.line] if spec.line else [])]
        chart.set_source_data(sheet.range(",".join(_address(areas))))
        chart.chart_type = "column_clustered"
        chart.name = spec.title

    def layout(self, title: str, *, freeze: int | None, filter: Rect | None, page: Page) -> None:
        """Frozen panes, autofilter and print setup have no portable xlwings API; the file path keeps them."""
