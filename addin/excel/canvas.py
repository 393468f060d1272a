"""The `addin.sheets.canvas.Canvas` operations on a live workbook through xlwings, each as few calls as it allows.

Three xlwings engines run the buttons, and they differ in what a call can carry (`engine_of`):
* **Windows** (`xlwings._xlwindows`, COM): a multi-area address ("A5:V9,A12:V12") is one call;
  error cells come back as COM error codes, the newer ones (#SPILL!, #CALC!, …) even with
  `err_to_str` (`COM_ERRORS` maps them all).
* **macOS** (`xlwings._xlmac`, AppleScript): xlwings cuts an address at its first ":", so every
  area goes in its own call; `err_to_str` fails on any multi-cell read, so sheets are read raw
  (`Range.raw_value`, errors arrive as `missing value`) and, only where a chunk has errors, the
  cells' texts (`Range.api.string_value`) say which error it is.
* **remote** (`xlwings.pro._xlremote`: xlwings Server and Lite, Excel on the web): one area per
  call; fills, note texts and cell positions cannot be read, so a fill is recorded as
  `UNKNOWN_FILL` (see `addin.sheets.canvas`), a note is taken as ours, and charts are placed by
  their anchor cell; column widths are in points; notes need an Office.js client (elsewhere
  the mark is the fill alone); frozen panes exist only here.

Every block of values is written as Excel should store it: text cells get the number format
`@` before the values go in, so `0012`, `03/04/2026`, `2026-10-26 17:30` or `=1+1` stay text
(Excel parses a string written through COM or Office.js as if typed, formulas included); links
are `HYPERLINK` formulas, written with the block's values in the same call.

What a live workbook does not get: autofilter (xlwings 0.37.8 only applies filter criteria, it
cannot switch the drop-downs on without filtering), print setup (orientation, fit to width,
print titles: no API; the print area exists, but the file path sets none either), frozen panes
on Windows and macOS (0.37.8 implements them on the remote engine only), underlined links and a
very hidden ledger (it is hidden). Colour scales become fixed colours computed from the same
stops; a chart whose columns are not side by side shows only its value columns on macOS and
the remote engine (one source range, no multi-area).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

from addin.excel.engines import (
    _PLAIN,
    ERRORS,
    MAC,
    MAC_CELLS,
    REMOTE,
    SET_COLORS,
    TEXT_FORMAT,
    UNIONS,
    _address,
    _excel_value,
    _from_excel,
    _mac_cell,
    _one,
    _points,
    _square,
    engine_of,
    text_rects,
)
from addin.pages.page import Page, written_text
from addin.sheets.canvas import (
    NO_FILL,
    UNKNOWN_FILL,
    Cell,
    ChartSpec,
    Rect,
    Style,
    below_target_style,
    cells,
    render,
    rgb_spec,
    runs,
    scale_colour,
    spec_rgb,
)


class XlwingsCanvas:
    """The `addin.sheets.canvas.Canvas` operations on a live workbook, each as few xlwings calls as it allows."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.engine = engine_of(book)
        self.unions = self.engine in UNIONS

    def _sheet(self, title: str) -> Any:
        return self.book.sheets[title]

    def _areas(self, title: str, rects: Sequence[Rect]) -> Iterable[Any]:
        sheet = self._sheet(title)
        addresses = _address(rects) if self.unions else [_one(rect) for rect in rects]  # one area per call
        return (sheet.range(address) for address in addresses)

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
        if self.engine == MAC:
            values = self._read_mac(sheet, top, bottom, int(last.column))
        else:
            values = sheet.range((top, 1), (bottom, last.column)).options(ndim=2, err_to_str=True).value
        return [[_from_excel(v) for v in row] for row in values]

    @staticmethod
    def _read_mac(sheet: Any, top: int, bottom: int, width: int) -> list[list[object]]:
        """Raw reads of at most MAC_CELLS cells; an error cell (`missing value`) gets its text from `string_value`."""
        step = max(1, MAC_CELLS // max(width, 1))
        rows: list[list[object]] = []
        for start in range(top, bottom + 1, step):
            end = min(bottom, start + step - 1)
            area = sheet.range((start, 1), (end, width))
            raw = _square(area.raw_value, end - start + 1, width)
            errors = [
                (r, c)
                for r, row in enumerate(raw)
                for c, v in enumerate(row)
                if v is not None and not isinstance(v, _PLAIN)
            ]
            if errors:
                texts = _square(area.api.string_value.get(), end - start + 1, width)
                for r, c in errors:
                    shown = str(texts[r][c])
                    raw[r][c] = shown if shown in ERRORS else "#N/A"
            rows += [[_mac_cell(v) for v in row] for row in raw]
        return rows

    def last_row(self, title: str) -> int:
        return int(self._sheet(title).used_range.last_cell.row)

    def last_column(self, title: str) -> int:
        """The used range's last column: formats count too in Excel, so ours may land further right, never on data."""
        return int(self._sheet(title).used_range.last_cell.column)

    def write(self, title: str, top: int, left: int, rows: Sequence[Sequence[object]]) -> None:
        """One block of values in one call; its text cells formatted as text (`@`) first, so Excel keeps them text."""
        if not rows:
            return
        width = max(len(r) for r in rows)
        grid = [[_excel_value(v) for v in row] + [None] * (width - len(row)) for row in rows]
        for area in self._areas(title, text_rects(rows, top, left)):
            area.number_format = TEXT_FORMAT
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
        colour = None if rgb is None else "#" + rgb
        if self.engine == REMOTE:
            self._paint_windows(title, rects, colour)
            return
        for area in self._areas(title, rects):
            area.color = colour

    def _paint_windows(self, title: str, rects: Sequence[Rect], colour: str | None) -> None:
        """The remote engine (no multi-area): the areas in windows of at most SET_COLORS cells, each one
        `Range.set_colors` call whose other cells keep their fill (`...`); a lone area is one `color`."""
        sheet, bounds = self._sheet(title), (0, 0, 0, 0)
        window: list[Rect] = []

        def flush() -> None:
            top, left, bottom, right = bounds
            if len(window) == 1:
                sheet.range((top, left), (bottom, right)).color = colour
            elif window:
                matrix: list[list[object]] = [[...] * (right - left + 1) for _ in range(bottom - top + 1)]
                for t, lft, b, r in window:
                    for row in range(t, b + 1):
                        matrix[row - top][lft - left : r - left + 1] = [colour] * (r - lft + 1)
                sheet.range((top, left), (bottom, right)).set_colors(matrix)

        for rect in sorted(rects):
            t, lft, b, r = rect
            grown = (min(bounds[0], t), min(bounds[1], lft), max(bounds[2], b), max(bounds[3], r)) if window else rect
            if window and (grown[2] - grown[0] + 1) * (grown[3] - grown[1] + 1) > SET_COLORS:
                flush()
                window, grown = [], rect
            window.append(rect)
            bounds = grown
        flush()

    def fills(self, title: str, rects: Sequence[Rect]) -> dict[Cell, str]:
        """Read fills by halving: the whole area first (a plain log is one read), a mixed area in halves.

        Excel reports one colour, or none, for a range whose cells agree and Null (xlwings:
        TypeError) when they differ, so k filled patches cost about k·log(n) reads, not one per cell.
        Where fills cannot be read at all (the remote engine), every cell is `UNKNOWN_FILL`.
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
            except NotImplementedError:  # this engine cannot read a fill: say so, never guess
                return dict.fromkeys(wanted, UNKNOWN_FILL)
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
        """Put fills back by colour; a theme colour (recorded by the file path) can only come back as its RGB,
        and a fill that could not be read when it was recorded (`UNKNOWN_FILL`) is left as it is."""
        by_colour: dict[str | None, list[Cell]] = {}
        for cell, spec in specs.items():
            if spec != UNKNOWN_FILL:
                by_colour.setdefault(spec_rgb(spec or NO_FILL), []).append(cell)
        for rgb, coloured in by_colour.items():
            self.paint(title, runs(coloured), rgb)

    def notes(self, title: str, cells: Iterable[Cell]) -> dict[Cell, bool]:
        """Cells with a note -> is it ours? Where a note's text cannot be read (remote engine), it counts as ours:
        the ledger asks only about cells it put a note on."""
        sheet, found = self._sheet(title), {}
        for cell in cells:
            note = sheet.range(cell).note
            if note is not None:
                try:
                    found[cell] = note.text.startswith("[")  # ours always open with "[problem-code]"
                except NotImplementedError:
                    found[cell] = True
        return found

    def note(self, title: str, cell: Cell, text: str | None, *, author: str) -> None:
        target = self._sheet(title).range(cell)
        try:
            if text is None:
                if target.note is not None:
                    target.note.delete()
                return
            target.add_note(written_text(text))
        except NotImplementedError:  # notes need an Office.js client on the remote engine: the fill marks the cell
            return

    def widths(self, title: str, widths: dict[int, float]) -> None:
        sheet = self._sheet(title)
        for column, width in widths.items():
            sheet.range((1, column)).column_width = _points(width) if self.engine == REMOTE else width

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
        """A clustered column chart at its anchor cell (no position read), titled, from its columns."""
        sheet = self._sheet(title)
        chart = sheet.charts.add(width=450, height=240, anchor=sheet.range(spec.anchor))
        header_row = spec.series[0][0]
        categories = (header_row, spec.categories[1], spec.categories[2], spec.categories[3])
        values = [*spec.series, *([spec.line] if spec.line else [])]
        chart.set_source_data(sheet.range(*self._source(sheet, [categories, *values], values)))
        chart.chart_type = "column_clustered"
        chart.title = spec.title

    def _source(self, sheet: Any, areas: list[Rect], values: list[Rect]) -> tuple[Any, ...]:
        """The chart's source: all its columns as one multi-area range, or, where the engine takes one area
        only, the columns' block if they are side by side, else the value columns alone."""
        if self.unions:
            return (",".join(_address(areas)),)
        for chosen in (areas, values):
            columns = sorted({rect[1] for rect in chosen})
            if columns == list(range(columns[0], columns[-1] + 1)):
                break
        top, bottom = min(r[0] for r in chosen), max(r[2] for r in chosen)
        return (top, columns[0]), (bottom, columns[-1])

    def page(self, title: str, page: Page) -> None:
        render(self, title, page)

    def layout(self, title: str, *, freeze: int | None, filter: Rect | None, page: Page) -> None:
        """Frozen panes where the engine has them (remote); autofilter and print setup have no portable
        xlwings API (see the module docstring); the file path keeps them."""
        if freeze and freeze > 1 and self.engine == REMOTE:
            self._sheet(title).freeze_panes.freeze_at(f"1:{freeze - 1}")
