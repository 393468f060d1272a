"""The results workbook (`<stem>.report.xlsx`), written with XlsxWriter: fast, never touches the input.

Links point back into the original workbook by a path relative to the report (absolute when
no relative path exists, e.g. another drive). Excel allows 65,530 hyperlinks per sheet; past
that, links are written as HYPERLINK formulas with the reference as their cached value.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from addin.layout import MARK_FILLS, Link, SheetContent
from addin.workbook.files import atomic_target

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
    return relative.replace("/", "\\")


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.subtitle = book.add_format({"italic": True, "font_color": "#595959"})
        self.header = book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True})
        self.link = book.add_format({"font_color": "#0563C1", "underline": 1})
        self.text = book.add_format({})
        self.severity = {str(level): book.add_format({"bg_color": "#" + rgb}) for level, rgb in MARK_FILLS.items()}


def render(ws: Worksheet, fmt: _Formats, content: SheetContent, prefix: str) -> None:
    """Write one `SheetContent`; every value is written as what it is, text never as a formula."""
    for column, width in enumerate(content.widths):
        ws.set_column(column, column, width)
    ws.write_string(0, 0, content.title, fmt.title)
    ws.write_string(1, 0, content.subtitle, fmt.subtitle)
    top = content.HEADER_ROW - 1
    ws.write_row(top, 0, content.header, fmt.header)
    links = 0
    for r, row in enumerate(content.rows, start=top + 1):
        for c, value in enumerate(row):
            if isinstance(value, Link):
                links += 1
                _write_link(ws, r, c, value, prefix, fmt.link, links > MAX_URLS)
            elif isinstance(value, str):
                ws.write_string(r, c, value, fmt.text)
            elif value is not None:
                ws.write(r, c, value)
        severity = content.severities[r - top - 1]
        if severity in fmt.severity:
            ws.write_string(r, 0, str(row[0]), fmt.severity[severity])
    ws.autofilter(top, 0, top + len(content.rows), len(content.header) - 1)
    ws.freeze_panes(top + 1, 0)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)  # printed: one page wide, as many long as needed
    ws.repeat_rows(top)
    side = content.SIDE_COLUMN - 1
    if content.side_header:
        ws.write_row(top, side, content.side_header, fmt.header)
        for r, row in enumerate(content.side_rows, start=top + 1):
            ws.write_row(r, side, row)


def _write_link(ws: Worksheet, r: int, c: int, link: Link, prefix: str, style: object, as_formula: bool) -> None:
    target = f"{prefix}#{link.location}" if prefix else f"#{link.location}"
    if as_formula:
        quoted = target.replace('"', '""')
        ws.write_formula(r, c, f'=HYPERLINK("{quoted}","{link.text.replace(chr(34), chr(34) * 2)}")', style, link.text)
    elif prefix:
        ws.write_url(r, c, f"external:{target}", style, link.text)
    else:
        ws.write_url(r, c, f"internal:{link.location}", style, link.text)


def write_report(path: Path, contents: list[SheetContent], original: Path | None) -> Path:
    """Write the results workbook atomically; `original` is where the links point."""
    with atomic_target(path) as temporary:
        book = xlsxwriter.Workbook(
            str(temporary), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
        )
        book.set_properties({"created": FIXED_CREATED, "author": "Complaint Desk"})
        fmt = _Formats(book)
        prefix = link_prefix(path, original)
        for content in contents:
            render(book.add_worksheet(content.name), fmt, content, prefix)
        book.close()
    return path
