"""New workbooks of pages, written with XlsxWriter: the report (`<stem>.report.xlsx`), the summary
workbook (`<stem>.summary.xlsx`) and the e-mail attachment. Fast, and it never touches the input.

Links point back into the original workbook by a path relative to the report (absolute when
no relative path exists, e.g. another drive); `#` and `%` in that path are percent-encoded, since
a link's first `#` starts its cell reference. Excel allows 65,530 hyperlinks per sheet; past
that, links are written as HYPERLINK formulas with the reference as their cached value.
"""

from __future__ import annotations

import io
import os
from datetime import datetime
from pathlib import Path

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from addin.core.collector import collector_paused
from addin.files.paths import atomic_target
from addin.files.xlsx_rows import Cells, FastSheet
from addin.pages.page import (
    BELOW_TARGET_FONT,
    HEADER_FILL,
    HEADER_HEIGHT,
    LINK_COLOUR,
    NUMBER_FORMATS,
    SCALE_COLOURS,
    SUBTITLE_COLOUR,
    Block,
    Chart,
    Page,
    scale_stops,
    written,
    written_text,
)

MAX_URLS = 65_530
FIXED_CREATED = datetime(2026, 1, 1)


def link_prefix(report: Path, original: Path | None) -> str:
    """`..\\log.xlsx` (relative to the report) or '' for links inside the same workbook."""
    if original is None:
        return ""
    try:
        relative = os.path.relpath(original.resolve(), report.resolve().parent)
    except ValueError:  # another drive on Windows
        relative = str(original.resolve())
    return relative.replace("/", "\\").replace("%", "%25").replace("#", "%23")  # '#' starts the cell part


class Formats:
    """XlsxWriter formats made once per workbook, by (font, fill, number format)."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.book = book
        self.cache: dict[tuple[object, ...], Format] = {}
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.subtitle = book.add_format({"italic": True, "font_color": "#" + SUBTITLE_COLOUR})
        self.header = book.add_format({"bold": True, "bg_color": "#" + HEADER_FILL, "border": 1, "text_wrap": True})
        self.caption = book.add_format({"bold": True})
        self.below = book.add_format({"font_color": "#" + BELOW_TARGET_FONT, "bold": True})

    def get(self, fill: str | None = None, number: str | None = None, link: bool = False) -> Format:
        key = (fill, number, link)
        if key not in self.cache:
            spec: dict[str, object] = {}
            if fill:
                spec["bg_color"] = "#" + fill
            if number:
                spec["num_format"] = NUMBER_FORMATS[number]
            if link:
                spec.update(font_color="#" + LINK_COLOUR, underline=1)
            self.cache[key] = self.book.add_format(spec)
        return self.cache[key]


def render(book: xlsxwriter.Workbook, ws: Worksheet, fmt: Formats, page: Page, prefix: str, links: bool) -> None:
    """Write one `Page`; every value is written as what it is, text never as a formula.

    On a `FastSheet` (`book.add_worksheet(name, FastSheet)`) the data rows are written as XML in one
    pass, except a chart's data; on any other worksheet every cell goes through XlsxWriter's calls.
    """
    for column, width in enumerate(page.widths):
        ws.set_column(column, column, width)
    ws.write_string(0, 0, page.title, fmt.title)
    ws.write_string(1, 0, page.subtitle, fmt.subtitle)
    cells = Cells(ws, prefix, links, fmt.get(link=True), MAX_URLS)  # one per sheet: Excel's link limit is per sheet
    charted = {chart.block for chart in page.charts}
    for i, block in enumerate(page.blocks):
        _block(ws, fmt, block, cells, slow=i in charted or not isinstance(ws, FastSheet))
    if page.freeze:
        ws.freeze_panes(page.freeze - 1, 0)
    ws.set_landscape()
    if page.fit_width:
        ws.fit_to_pages(1, 0)  # printed: one page wide, as many long as needed
    if page.print_rows:
        ws.repeat_rows(page.print_rows[0] - 1, page.print_rows[1] - 1)
    for chart in page.charts:
        _chart(book, ws, page, chart)


def _block(ws: Worksheet, fmt: Formats, block: Block, cells: Cells, *, slow: bool) -> None:
    """One table; `slow` writes its cells through XlsxWriter's own calls (a chart's data)."""
    left = block.left - 1
    if block.caption:
        ws.write_string(block.top - 2, left, written_text(block.caption), fmt.caption)
    if block.header:
        ws.write_row(block.top - 1, left, [written(h) for h in block.header], fmt.header)
        ws.set_row(block.top - 1, HEADER_HEIGHT)
    first = block.first_row - 1
    plain = [fmt.get(None, block.formats.get(c)) for c in range(block.width)]  # one lookup per column, not cell
    styles = [plain] * len(block.rows)
    for (r, c), fill in block.fills.items():
        if r < len(styles) and c < len(plain):
            styles[r] = styles[r] if styles[r] is not plain else list(plain)
            styles[r][c] = fmt.get(fill, block.formats.get(c))
    cells.rows(first, left, block.rows, styles, slow=slow)
    last = first + len(block.rows) - 1
    if block.filter and block.header:
        ws.autofilter(block.top - 1, left, max(last, block.top - 1), left + len(block.header) - 1)
    if block.target is not None and block.rows:
        for c in block.scaled:
            ws.conditional_format(first, left + c, last, left + c, _colour_scale(block.target))
            ws.conditional_format(
                first,
                left + c,
                last,
                left + c,
                {"type": "cell", "criteria": "<", "value": block.target, "format": fmt.below},
            )


def _colour_scale(target: float) -> dict[str, object]:
    low, mid, high = SCALE_COLOURS
    at_low, at_mid, at_high = scale_stops(target)
    return {
        "type": "3_color_scale",
        "min_type": "num",
        "min_value": at_low,
        "mid_type": "num",
        "mid_value": at_mid,
        "max_type": "num",
        "max_value": at_high,
        "min_color": "#" + low,
        "mid_color": "#" + mid,
        "max_color": "#" + high,
    }


def _chart(book: xlsxwriter.Workbook, ws: Worksheet, page: Page, spec: Chart) -> None:
    block = page.blocks[spec.block]
    if spec.count < 1:
        return
    first, last, left = block.first_row - 1, block.first_row - 2 + spec.count, block.left - 1
    name = ws.get_name()

    def series(column: int) -> dict[str, object]:
        return {
            "name": [name, block.top - 1, left + column],
            "categories": [name, first, left + spec.categories, last, left + spec.categories],
            "values": [name, first, left + column, last, left + column],
        }

    chart = book.add_chart({"type": "column"})
    for column in spec.values:
        chart.add_series({**series(column), "data_labels": {"value": True, "num_format": NUMBER_FORMATS[spec.labels]}})
    if spec.line is not None:
        line = book.add_chart({"type": "line"})
        line.add_series({**series(spec.line), "line": {"color": "#" + BELOW_TARGET_FONT, "dash_type": "dash"}})
        chart.combine(line)
    chart.set_title({"name": spec.title})
    chart.set_y_axis({"min": 0, "max": spec.y_max, "name": spec.y_title})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 560, "height": 300})
    ws.insert_chart(spec.anchor[0] - 1, spec.anchor[1] - 1, chart)


def write_pages(path: Path, contents: list[Page], original: Path | None, *, links: bool = True) -> Path:
    """Write the results workbook atomically; `original` is where the links point.

    With `links=False` (the standalone summary, which travels without the log) a link is
    written as its plain text.
    """
    with atomic_target(path) as temporary:
        _write(str(temporary), contents, link_prefix(path, original), links)
    return path


def pages_bytes(contents: list[Page]) -> bytes:
    """The same workbook in memory, links as plain text: an e-mail attachment."""
    buffer = io.BytesIO()
    _write(buffer, contents, "", links=False)
    return buffer.getvalue()


def _write(target: str | io.BytesIO, contents: list[Page], prefix: str, links: bool) -> None:
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    book = xlsxwriter.Workbook(target, {**options, "in_memory": isinstance(target, io.BytesIO)})
    book.set_properties({"created": FIXED_CREATED, "author": "Complaint Desk"})
    fmt = Formats(book)
    with collector_paused():
        for content in contents:
            render(book, book.add_worksheet(content.name, FastSheet), fmt, content, prefix, links)
        book.close()
