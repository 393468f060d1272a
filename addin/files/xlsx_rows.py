"""A block's data rows written straight as sheet XML, for the report and summary workbooks.

XlsxWriter keeps a record per cell and writes each through several calls when the workbook
closes, about 10 µs a cell: the 56k-row Flags list of a 100k log (17 columns), written twice
per run (report and summary workbook), cost 20 s. `FastSheet` takes runs of finished `<c>`
elements instead, made here in one pass: text as shared strings, numbers and naive datetimes
as XlsxWriter formats them, blanks with their style. Anything else (booleans, dates, long
text, links XlsxWriter must know of, HYPERLINK formulas it would rewrite) goes through
XlsxWriter's own calls, so the cells are the ones it would write; only the optional `spans`
hint of the `<row>` elements is left out on a sheet with such rows (as XlsxWriter itself does
in its constant-memory mode). Relies on XlsxWriter's worksheet internals (3.x).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from operator import itemgetter

from xlsxwriter.format import Format
from xlsxwriter.url import Url
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import CellStringTuple, Worksheet

from addin.pages.page import Link, formula_text, written, written_text

_EPOCH = datetime(1899, 12, 31)
_SHORT_TEXT = 16_383  # longer text may pass Excel's 32,767 UTF-16 units: XlsxWriter checks and cuts it
_ERROR_CODES = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"}
_COLUMNS: list[str] = []


def _column(col: int) -> str:
    while len(_COLUMNS) <= col:
        _COLUMNS.append(xl_col_to_name(len(_COLUMNS)))
    return _COLUMNS[col]


def _escape(text: str) -> str:
    """XML character data as XlsxWriter escapes it (quotes are left alone)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class FastSheet(Worksheet):
    """An XlsxWriter worksheet that also writes pre-rendered runs of cells (`runs`: row -> [(column, xml)])."""

    def __init__(self) -> None:
        super().__init__()
        self.runs: dict[int, list[tuple[int, str]]] = {}

    def _write_rows(self) -> None:
        if not self.runs:
            super()._write_rows()
            return
        table, low, high = self.table, self.dim_rowmin, self.dim_rowmax
        rows = {r for r, cells in table.items() if cells} | set(self.runs) | set(self.row_info) | set(self.comments)
        for row in sorted(r for r in rows if low <= r <= high):
            info, cells, runs = self.row_info.get(row), table.get(row), self.runs.get(row, [])
            if not cells and not runs:
                self._write_empty_row(row, None, info)
                continue
            self._write_row(row, None, info)
            for col, xml in sorted([*runs, *((c, None) for c in cells or ())], key=itemgetter(0)):
                if xml is None:
                    assert cells is not None
                    self._write_cell(row, col, cells[col])
                else:
                    self.fh.write(xml)
            self._xml_end_tag("row")


class Cells:
    """Writes the data rows of one sheet (a `FastSheet`, unless every block is `slow`); `prefix` and `links` as
    in `addin.files.xlsx_writer.write_pages`."""

    def __init__(self, ws: Worksheet, prefix: str, links: bool, link_style: Format, max_urls: int) -> None:
        self.ws, self.prefix, self.links, self.link_style = ws, prefix, links, link_style
        self.count, self.max_urls = 0, max_urls  # links written on this sheet; past max_urls, HYPERLINK formulas
        self.index = ws.str_table._get_shared_string_index
        self.template = _template(prefix) if links else None

    def rows(
        self, first: int, left: int, rows: Sequence[Sequence[object]], styles: Sequence[list[Format]], *, slow: bool
    ) -> None:
        """Write `rows` from 0-based (`first`, `left`), `styles[r][c]` each cell's format; `slow`: every
        cell through XlsxWriter's calls (a chart's data, whose values XlsxWriter caches from its own records)."""
        ws = self.ws
        count = min(len(rows), ws.xls_rowmax - first)  # XlsxWriter drops the rows past the sheet's end
        width = max((len(row) for row in rows[:count]), default=0)
        if count <= 0 or width == 0:
            return
        ws._check_dimensions(first, left)
        ws._check_dimensions(first + count - 1, left + width - 1)
        columns = [_column(left + c) for c in range(width)]
        xfs: dict[int, list[int]] = {}  # id of a row's style list -> the styles' XF numbers
        for r in range(count):
            row_styles = styles[r]
            if (numbers := xfs.get(id(row_styles))) is None:
                numbers = xfs[id(row_styles)] = [style._get_xf_index() for style in row_styles]
            self._row(first + r, left, rows[r], (columns, numbers, row_styles), slow)

    def _row(
        self,
        row: int,
        left: int,
        values: Sequence[object],
        styles: tuple[list[str], list[int], list[Format]],
        slow: bool,
    ) -> None:
        """One row's cells; `styles` are the columns' letters, the cells' XF numbers and formats."""
        columns, xfs, formats = styles
        number, index, start = str(row + 1), self.index, left
        parts: list[str] = []
        runs: list[tuple[int, str]] = []
        for c, value in enumerate(map(written, values)):
            kind = type(value)
            if slow:
                xml = self._cell(row, left + c, "", value, formats[c], slow)
            elif kind is str and len(value) <= _SHORT_TEXT:  # type: ignore[arg-type]
                xml = f'<c r="{columns[c]}{number}" s="{xfs[c]}" t="s"><v>{index(value)}</v></c>'
            elif value is None:
                xml = f'<c r="{columns[c]}{number}" s="{xfs[c]}"/>'
            elif kind is int or kind is float:
                xml = f'<c r="{columns[c]}{number}" s="{xfs[c]}"><v>{value:.16G}</v></c>'
            else:
                xml = self._cell(row, left + c, f'r="{columns[c]}{number}" s="{xfs[c]}"', value, formats[c], slow)
            if xml is None:  # written through XlsxWriter
                if parts:
                    runs.append((start, "".join(parts)))
                    parts = []
                start = left + c + 1
            else:
                parts.append(xml)
        if parts:
            runs.append((start, "".join(parts)))
        if runs:
            assert isinstance(self.ws, FastSheet)  # a plain Worksheet is written `slow`, all through XlsxWriter
            self.ws.runs.setdefault(row, []).extend(runs)

    def _cell(self, row: int, col: int, attributes: str, value: object, style: Format, slow: bool) -> str | None:
        """The cell's XML, or None once XlsxWriter has taken it."""
        kind = type(value)
        if isinstance(value, Link):
            if not self.links:
                return self._cell(row, col, attributes, written_text(value.text), style, slow)
            return self._link(row, col, value, slow)
        if slow:
            pass
        elif kind is str:
            assert isinstance(value, str)
            if len(value) <= _SHORT_TEXT:
                return f'<c {attributes} t="s"><v>{self.index(value)}</v></c>'
        elif value is None:
            return f"<c {attributes}/>"
        elif kind is int or kind is float:
            return f"<c {attributes}><v>{value:.16G}</v></c>"
        elif kind is datetime and not self.ws.date_1904:
            assert isinstance(value, datetime)
            if value.tzinfo is None and value.year > 1900:  # 1900 has Excel's leap-year quirks: XlsxWriter's
                delta = value - _EPOCH
                serial = delta.days + (float(delta.seconds) + float(delta.microseconds) / 1e6) / 86400 + 1
                return f"<c {attributes}><v>{serial:.16G}</v></c>"
        write_value(self.ws, row, col, value, style)
        return None

    def _link(self, row: int, col: int, link: Link, slow: bool) -> str | None:
        """A link XlsxWriter records (the cell's text with it), or a HYPERLINK formula's XML past the limit."""
        self.count += 1
        text, ws = written_text(link.text), self.ws
        target = f"{self.prefix}#{link.location}" if self.prefix else f"#{link.location}"
        if self.count > self.max_urls:
            return self._formula(row, col, target, text, slow)
        template = self.template
        if template is None or slow:  # links inside this workbook, or a path XlsxWriter must check: its own call
            url = f"external:{target}" if self.prefix else f"internal:{link.location}"
            ws.write_url(row, col, url, self.link_style, text)
            return None
        url = Url.__new__(Url)  # a copy of the parsed template (copy.copy costs 25 µs here)
        url.__dict__.update(template.__dict__)
        url._original_url, url._anchor, url._text = f"external:{target}", link.location, text
        ws.hlink_count += 1
        ws.table[row][col] = CellStringTuple(self.index(text), self.link_style)
        ws.hyperlinks[row][col] = url
        return None

    def _formula(self, row: int, col: int, target: str, text: str, slow: bool) -> str | None:
        quoted = target.replace('"', '""')
        formula = f'HYPERLINK("{quoted}","{formula_text(text)}")'
        if slow or formula.count("(") > 1 or "_xlfn." in formula:  # XlsxWriter may rewrite function names
            self.ws.write_formula(row, col, "=" + formula, self.link_style, text)
            return None
        kind = "" if text == "" else ' t="e"' if text in _ERROR_CODES else ' t="str"'
        attributes = f'r="{_column(col)}{row + 1}" s="{self.link_style._get_xf_index()}"{kind}'
        return f"<c {attributes}><f>{_escape(formula)}</f><v>{_escape(text)}</v></c>"


def write_value(ws: Worksheet, row: int, col: int, value: object, style: Format) -> None:
    """One value through XlsxWriter, as what it is: text always as text, never as a formula."""
    if isinstance(value, str):
        ws.write_string(row, col, value, style)
    elif value is None:
        ws.write_blank(row, col, None, style)
    elif isinstance(value, datetime):
        ws.write_datetime(row, col, value, style)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        ws.write_number(row, col, value, style)
    else:
        ws.write(row, col, value, style)


def _template(prefix: str) -> Url | None:
    """The parsed link to `prefix` that every link of a sheet copies (None: each link made by XlsxWriter)."""
    if not prefix or len(prefix) > 2000:  # XlsxWriter skips links past 2,079 characters, with a warning
        return None
    try:
        return Url(f"external:{prefix}#A1")
    except ValueError:
        return None
