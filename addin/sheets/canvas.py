"""The one small interface our workbook writers need, and the page renderer written once over it.

Two front ends change a user's workbook: the CLI's `--annotate` / `--in-place` (the file's
package, `addin.files.package_canvas.PackageCanvas`, which takes whole pages: `Canvas.page`)
and the Excel buttons (the live workbook
through xlwings, `addin.excel.canvas.XlwingsCanvas`). Everything they write - owned sheets, marks,
the ledger, the flag columns - is decided once, in this module and `addin.sheets.marks`, in terms of
a `Canvas`. Its operations take whole rectangles and blocks, because every call to a live
Excel is a round trip: a block of values is one call, a style on many ranges is as few calls
as the backend allows.

Cells are `(row, column)`, 1-based; a `Rect` is `(top, left, bottom, right)`, inclusive.
A fill "spec" is a JSON string describing a cell's own fill so that it can be put back
(`fill_spec`); both backends read and write the same form, so either can undo the other's marks.
`UNKNOWN_FILL` is the spec of a fill that could not be read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from addin.pages.page import (
    BELOW_TARGET_FONT,
    HEADER_FILL,
    HEADER_HEIGHT,
    LINK_COLOUR,
    NUMBER_FORMATS,
    SCALE_COLOURS,
    SUBTITLE_COLOUR,
    Block,
    Link,
    Page,
    scale_stops,
)

Cell = tuple[int, int]
Rect = tuple[int, int, int, int]
NO_FILL = json.dumps({"pattern": None, "fg": None, "bg": None})
# A fill the canvas could not read (xlwings' remote engine: Excel on the web). Recorded as is in the
# ledger; a canvas that cannot read fills takes the cell as still ours, and none restores it to a guess
# (the xlwings canvas leaves the cell; a file, which needs a fill, gets none, as the spec's pattern says).
UNKNOWN_FILL = json.dumps({"pattern": None, "unknown": True})


@dataclass(frozen=True)
class Style:
    """Formatting applied to rectangles; `None` leaves that aspect alone."""

    bold: bool | None = None
    italic: bool | None = None
    size: float | None = None
    colour: str | None = None  # font colour, RGB hex
    underline: bool | None = None
    fill: str | None = None  # RGB hex
    wrap: bool | None = None
    number_format: str | None = None


@dataclass(frozen=True)
class ChartSpec:
    """A column chart with resolved ranges: bars for `series`, an optional dashed `line` (the target)."""

    title: str
    anchor: Cell
    categories: Rect
    series: tuple[Rect, ...]  # each includes its header cell
    line: Rect | None
    y_title: str
    y_max: int | None


class Canvas(Protocol):
    """A workbook being written: the subset every writer of ours needs. Sheets are named by title."""

    def titles(self) -> list[str]: ...
    def names(self) -> dict[str, str]: ...  # defined name -> title of the sheet it points at
    def set_name(self, name: str, title: str) -> None: ...  # name -> 'title'!$A$1
    def drop_name(self, name: str) -> None: ...
    def add_sheet(self, title: str) -> None: ...  # appended after the last sheet
    def drop_sheet(self, title: str) -> None: ...
    def hide(self, title: str) -> None: ...  # very hidden: not even in Excel's Unhide list
    def activate(self, title: str) -> None: ...
    def read(self, title: str, top: int = 1, bottom: int | None = None) -> list[list[object]]: ...
    def last_row(self, title: str) -> int: ...
    def last_column(self, title: str) -> int: ...  # the last column holding anything in any row (0: none)
    def write(self, title: str, top: int, left: int, rows: Sequence[Sequence[object]]) -> None: ...
    def style(self, title: str, rects: Sequence[Rect], style: Style) -> None: ...
    def paint(self, title: str, rects: Sequence[Rect], rgb: str | None) -> None: ...  # None: no fill
    def fills(self, title: str, rects: Sequence[Rect]) -> dict[Cell, str]: ...  # filled cells' specs, or UNKNOWN_FILL
    def restore(self, title: str, specs: dict[Cell, str]) -> None: ...
    def notes(self, title: str, cells: Iterable[Cell]) -> dict[Cell, bool]: ...  # cells with a note -> ours?
    def note(self, title: str, cell: Cell, text: str | None, *, author: str) -> None: ...
    def widths(self, title: str, widths: dict[int, float]) -> None: ...
    def page(self, title: str, page: Page) -> None: ...  # a `Page` into the new, empty sheet `title`


class PageCanvas(Canvas, Protocol):
    """A canvas that draws pages itself, cell by cell (`render`): a live Excel through xlwings."""

    def height(self, title: str, row: int, points: float) -> None: ...
    def scale(self, title: str, rect: Rect, target: float, values: Sequence[object]) -> None: ...  # one column
    def chart(self, title: str, spec: ChartSpec) -> None: ...
    def layout(self, title: str, *, freeze: int | None, filter: Rect | None, page: Page) -> None: ...


def fill_spec(pattern: str | None, fg: dict[str, object] | None, bg: dict[str, object] | None) -> str:
    return json.dumps({"pattern": pattern, "fg": fg, "bg": bg})


def rgb_spec(rgb: str) -> str:
    """The spec of a plain solid fill of `rgb` (what a live Excel reports for any fill)."""
    colour = {"type": "rgb", "value": "FF" + rgb.upper(), "tint": 0}
    return fill_spec("solid", colour, colour)


def spec_rgb(spec: str) -> str | None:
    """The RGB of a solid fill spec, or None (no fill, or a theme/indexed colour)."""
    data = json.loads(spec)
    fg = data.get("fg") or {}
    if data.get("pattern") != "solid" or fg.get("type") != "rgb" or not fg.get("value"):
        return None
    return str(fg["value"])[-6:].upper()


def is_ours(spec: str | None, rgb: object) -> bool:
    """Does a cell whose fill is `spec` still carry our colour `rgb`? A fill that could not be read
    (`UNKNOWN_FILL`) is taken as ours: the ledger says we coloured it, and nothing says otherwise."""
    return spec is not None and (spec == UNKNOWN_FILL or spec_rgb(spec) == str(rgb).upper())


def scale_colour(value: float, target: float) -> str:
    """The colour a 3-stop colour scale gives `value` (for backends without conditional formatting)."""
    (low, mid, high), (at_low, at_mid, at_high) = SCALE_COLOURS, scale_stops(target)
    if value <= at_mid:
        a, b, share = low, mid, (value - at_low) / (at_mid - at_low) if at_mid > at_low else 1.0
    else:
        a, b, share = mid, high, (value - at_mid) / (at_high - at_mid) if at_high > at_mid else 1.0
    share = min(1.0, max(0.0, share))
    mixed = []
    for i in (0, 2, 4):
        x, y = int(a[i : i + 2], 16), int(b[i : i + 2], 16)
        mixed.append(round(x + (y - x) * share))
    return "".join(f"{c:02X}" for c in mixed)


def below_target_style() -> Style:
    return Style(bold=True, colour=BELOW_TARGET_FONT)


def render(canvas: PageCanvas, title: str, page: Page) -> None:
    """Write a `Page` into the (new, empty) sheet `title`: all values in one write, styles by rectangle."""
    canvas.widths(title, {column: width for column, width in enumerate(page.widths, start=1)})
    canvas.write(title, 1, 1, _grid(page))
    canvas.style(title, [(1, 1, 1, 1)], Style(bold=True, size=14))
    canvas.style(title, [(2, 1, 2, 1)], Style(italic=True, colour=SUBTITLE_COLOUR))
    filter_rect = None
    for block in page.blocks:
        filter_rect = _style_block(canvas, title, block) or filter_rect
    canvas.layout(title, freeze=page.freeze, filter=filter_rect, page=page)
    for chart in page.charts:
        block = page.blocks[chart.block]
        if chart.count < 1:
            continue
        first, last = block.first_row, block.first_row + chart.count - 1

        def column(index: int, top: int, block: Block = block, last: int = last) -> Rect:
            return (top, block.left + index, last, block.left + index)

        canvas.chart(
            title,
            ChartSpec(
                title=chart.title,
                anchor=chart.anchor,
                categories=column(chart.categories, first),
                series=tuple(column(v, block.top) for v in chart.values),
                line=None if chart.line is None else column(chart.line, block.top),
                y_title=chart.y_title,
                y_max=chart.y_max,
            ),
        )


def _grid(page: Page) -> list[list[object]]:
    """The page's values as one rectangle from A1 (None where nothing is written)."""
    cells: dict[Cell, object] = {(1, 1): page.title, (2, 1): page.subtitle}
    for block in page.blocks:
        if block.caption:
            cells[(block.top - 1, block.left)] = block.caption
        for c, text in enumerate(block.header):
            cells[(block.top, block.left + c)] = text
        for r, row in enumerate(block.rows, start=block.first_row):
            for c, value in enumerate(row, start=block.left):
                cells[(r, c)] = value
    bottom, right = max(r for r, _ in cells), max(c for _, c in cells)
    grid: list[list[object]] = [[None] * right for _ in range(bottom)]
    for (r, c), value in cells.items():
        grid[r - 1][c - 1] = value
    return grid


def _style_block(canvas: PageCanvas, title: str, block: Block) -> Rect | None:
    """Format one block (its values are already written); returns its filter range when it asks for one."""
    left, first = block.left, block.first_row
    if block.caption:
        canvas.style(title, [(block.top - 1, left, block.top - 1, left)], Style(bold=True))
    if block.header:
        head = (block.top, left, block.top, left + len(block.header) - 1)
        canvas.style(title, [head], Style(bold=True, fill=HEADER_FILL, wrap=True))
        canvas.height(title, block.top, HEADER_HEIGHT)
    last = first + len(block.rows) - 1
    if block.rows:
        for c, number in block.formats.items():
            canvas.style(title, [(first, left + c, last, left + c)], Style(number_format=NUMBER_FORMATS[number]))
        links = [(first + r, left + c) for r, row in enumerate(block.rows) for c, v in enumerate(row) if _link(v)]
        if links:
            canvas.style(title, runs(links), Style(colour=LINK_COLOUR, underline=True))
    by_colour: dict[str, list[Cell]] = {}
    for (r, c), rgb in block.fills.items():
        by_colour.setdefault(rgb, []).append((first + r, left + c))
    for rgb, cells in by_colour.items():
        canvas.paint(title, runs(cells), rgb)
    if block.target is not None and block.rows:
        for c in block.scaled:
            column = [row[c] if c < len(row) else None for row in block.rows]
            canvas.scale(title, (first, left + c, last, left + c), block.target, column)
    if block.filter and block.header:
        return (block.top, left, max(last, block.top), left + len(block.header) - 1)
    return None


def cells(rect: Rect) -> Iterable[Cell]:
    """Every cell of a rectangle, row by row."""
    top, left, bottom, right = rect
    return ((r, c) for r in range(top, bottom + 1) for c in range(left, right + 1))


def _link(value: object) -> bool:
    return isinstance(value, Link)


def runs(cells: Iterable[Cell]) -> list[Rect]:
    """Cells merged into rectangles: vertical runs per column, then equal runs side by side joined.

    A list's link column or a coloured log row becomes one rectangle instead of one per cell,
    which is what keeps a live Excel's call count low.
    """
    by_column: dict[int, list[int]] = {}
    for r, c in cells:
        by_column.setdefault(c, []).append(r)
    vertical: list[Rect] = []
    for c in sorted(by_column):
        rows = sorted(set(by_column[c]))
        start = prev = rows[0]
        for r in rows[1:]:
            if r != prev + 1:
                vertical.append((start, c, prev, c))
                start = r
            prev = r
        vertical.append((start, c, prev, c))
    merged: dict[tuple[int, int, int], Rect] = {}  # (top, bottom, right) of an open rectangle -> it
    for top, c, bottom, _ in vertical:  # sorted by column, so a neighbour to the left is already open
        left_rect = merged.pop((top, bottom, c - 1), None)
        left = left_rect[1] if left_rect else c
        merged[(top, bottom, c)] = (top, left, bottom, c)
    return sorted(merged.values())
