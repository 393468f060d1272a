"""A user's worksheet XML, edited by streaming: the cells we write change, every other byte stays.

The part is never parsed into a tree. Its `<row>` elements are found with `bytes.find` (a row
without an `r` attribute is the one after the previous), and a row's cells are split only when
the row has an edit; untouched rows, and everything outside `<sheetData>` but `<dimension>`
and `<cols>`, are copied as they are: conditional formats, validations, merged cells, panes,
filters, table parts, the `extLst`. Namespace prefixes are the part's own.

An edit of a cell sets its value (written as a number, a boolean, a date serial in the
workbook's date system, or an inline string: the shared strings part stays untouched), its
style index, or both. A cell whose only change is its style keeps its value, formula and type;
only its `s` attribute changes. A cell that does not exist gets the style it showed until now
(its row's, when the row has `customFormat`, else its column's). Widths we set split the
user's `<col>` spans so the columns beside ours keep their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from addin.core.problems import column_letter
from addin.files.package import FileError, column_number
from addin.files.styles_xml import attributes

_EPOCHS = {False: datetime(1899, 12, 30), True: datetime(1904, 1, 1)}
_ROW_NUMBER = re.compile(rb"""\sr\s*=\s*["'](\d+)["']""")
_CELL_REF = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]{1,3})(\d+)["']""")
_STYLE = re.compile(rb"""\ss\s*=\s*["'](\d+)["']""")
_SPANS = re.compile(rb"""\sspans\s*=\s*["'](\d+):(\d+)["']""")
_SPACE = (b" ", b">", b"/", b"\n", b"\t", b"\r")
Edits = dict[int, dict[int, object]]  # row -> column -> new value
StyleEdits = dict[int, dict[int, int]]  # row -> column -> new style index


@dataclass
class _Row:
    head: bytes  # the start tag, always open (`<row …>`)
    cells: dict[int, bytes]  # column -> the cell element's bytes, in the part's order
    styles: dict[int, int]  # column -> the cell's style index
    tail: bytes  # what follows the last cell in the row (an extLst), with the end tag
    default: int | None = None  # the row's own style (customFormat), for cells it does not have


_NUMBERS: dict[bytes, int] = {}
_LETTERS: dict[int, str] = {}


def _number(letters: bytes) -> int:
    """A column's number from its letters (cached: a log has a few dozen columns)."""
    found = _NUMBERS.get(letters)
    if found is None:
        found = _NUMBERS[letters] = column_number(letters.upper())
    return found


class SheetXml:
    """One worksheet part: lookups of the cells' style indexes, and the part with edits applied."""

    def __init__(self, xml: bytes, name: str = "the sheet") -> None:
        self.xml, self.name = xml, name
        root = re.search(rb"<([\w.-]+:)?worksheet\b", xml)
        if root is None:
            raise FileError(f"corrupt: {name} is not a worksheet")
        self.p = root.group(1) or b""
        data = re.search(rb"<" + re.escape(self.p) + rb"sheetData\b[^>]*?(/?)>", xml)
        if data is None:
            raise FileError(f"corrupt: {name} has no sheetData")
        self.data_tag = (data.start(), data.end())
        self.closed = bool(data.group(1))  # <sheetData/>
        self.start = data.end()
        self.end = self.start if self.closed else xml.find(b"</" + self.p + b"sheetData>", self.start)
        if self.end < 0:
            raise FileError(f"corrupt: {name} does not end its sheetData")
        self.spans = self._index()
        self.parsed: dict[int, _Row] = {}
        p = re.escape(self.p)
        # A cell, with `r` and `s` read on the way when they come first, as every writer we know puts them.
        self._cell_pattern = re.compile(
            rb"(<"
            + p
            + rb"c(?=[\s/>])(?:\s+r=\"([A-Za-z]+)\d+\")?(?:\s+s=\"(\d+)\")?[^>]*?(?:/>|>.*?</"
            + p
            + rb"c>))",
            re.S,
        )
        self.column_styles = _column_styles(self._cols_bytes())

    def _index(self) -> dict[int, tuple[int, int]]:
        """Row number -> the byte span of its `<row>` element."""
        xml, found, previous = self.xml, {}, 0
        tag, close = b"<" + self.p + b"row", b"</" + self.p + b"row>"
        at = self.start
        while (start := xml.find(tag, at, self.end)) >= 0:
            head_end = xml.find(b">", start)
            if xml[start + len(tag) : start + len(tag) + 1] not in _SPACE:
                at = start + len(tag)
                continue
            end = head_end + 1 if xml[head_end - 1 : head_end] == b"/" else xml.find(close, head_end) + len(close)
            if head_end < 0 or end < len(close):
                raise FileError(f"corrupt: a row of {self.name} is not closed")
            number = _ROW_NUMBER.search(xml, start, head_end)
            previous = int(number.group(1)) if number else previous + 1
            found[previous] = (start, end)
            at = end
        return found

    def _row(self, number: int) -> _Row | None:
        if number in self.parsed:
            return self.parsed[number]
        span = self.spans.get(number)
        if span is None:
            return None
        element = self.xml[span[0] : span[1]]
        head_end = element.find(b">") + 1
        if element.endswith(b"/>") and head_end == len(element):
            row = _Row(element[:-2].rstrip() + b">", {}, {}, b"</" + self.p + b"row>")
        else:
            row = self._split(element, head_end)
        self.parsed[number] = row
        return row

    def _split(self, element: bytes, head_end: int) -> _Row:
        cells, styles, previous = {}, {}, 0
        found = self._cell_pattern.findall(element, head_end)
        for cell, letters, s in found:
            if not letters or not s:  # attributes in another order, or no r / no s
                head = cell[: cell.find(b">")]
                ref = _CELL_REF.search(head) if not letters else None
                letters = ref.group(1) if ref else letters
                given = _STYLE.search(head) if not s else None
                s = given.group(1) if given else s
            previous = _number(letters) if letters else previous + 1
            cells[previous] = cell
            styles[previous] = int(s) if s else 0
        at = element.rfind(found[-1][0]) + len(found[-1][0]) if found else head_end
        return _Row(element[:head_end], cells, styles, element[at:])

    def row_styles(self, row: int) -> tuple[dict[int, int], int | None]:
        """A row's cells' style indexes, and the row's own style (None: cells without one take their column's)."""
        found = self._row(row)
        if found is None:
            return {}, None
        if found.default is None:
            custom = re.search(rb"""\scustomFormat\s*=\s*["'](1|true)["']""", found.head)
            s = _STYLE.search(found.head) if custom else None
            found.default = int(s.group(1)) if s else -1
        return found.styles, None if found.default < 0 else found.default

    def style(self, row: int, column: int) -> int:
        """The style index cell (row, column) shows: its own, else its row's or its column's."""
        styles, default = self.row_styles(row)
        found = styles.get(column)
        if found is not None:
            return found
        return default if default is not None else self.column_styles.get(column, 0)

    def last_content_column(self, known: int) -> int:
        """The last column holding a cell with content (a value, a formula, an inline string), looking
        right of `known` only (the reader's last column with a value). The reader does not see
        a formula whose result is empty text: such a column must not be taken for free; nor one inside a
        merged area. Only cells with an `r` are seen (cells without one are placed by the reader, which
        counts their values)."""
        beyond = re.compile(rb"""r\s*=\s*["'](""" + _letters_after(known) + rb""")\d+["']""")  # no \s first: fast
        tag, last = b"<" + self.p + b"c", known
        for found in beyond.finditer(self.xml, self.start, self.end):
            opened = self.xml.rfind(b"<", self.start, found.start())
            closed = self.xml.find(b">", found.end())
            spaced = self.xml[found.start() - 1] in b" \t\r\n"  # the attribute `r`, not the end of another name
            if spaced and self.xml.startswith(tag, opened) and self.xml[opened + len(tag)] in b" \t\r\n":
                if self.xml[closed - 1 : closed] != b"/":  # `<c …/>`: a format only
                    last = max(last, _number(found.group(1)))
        merged = (
            rb"<" + re.escape(self.p) + rb"""mergeCell\b[^>]*?\sref\s*=\s*["'][A-Za-z]+\d+:([A-Za-z]{1,3})\d+["']"""
        )
        for found in re.finditer(merged, self.xml[self.end :]):  # a merged area is the user's, to its right edge
            last = max(last, _number(found.group(1)))
        return last

    def _cols_bytes(self) -> bytes:
        found = re.search(
            rb"<" + re.escape(self.p) + rb"cols\b.*?</" + re.escape(self.p) + rb"cols>",
            self.xml[: self.data_tag[0]],
            re.S,
        )
        return found.group() if found else b""

    # -- writing -----------------------------------------------------------------------------------------

    def saved(self, values: Edits, styles: StyleEdits, widths: dict[int, float], date1904: bool) -> bytes:
        """The part with new cell `values` and style indexes (row -> column -> …) and our column `widths`."""
        rows = sorted({r for r, row in values.items() if row} | {r for r, row in styles.items() if row})
        if not rows and not widths:
            return self.xml
        body = self._data(rows, values, styles, date1904)
        head = self._with_cols(self.xml[: self.data_tag[0]], widths)
        columns = max([max(row) for row in values.values() if row] + [max(row) for row in styles.values() if row] + [1])
        head = _with_dimension(head, self.p, max([*rows, *self.spans], default=1), columns)
        tag = self.xml[self.data_tag[0] : self.data_tag[1]]
        if self.closed:
            tag = tag[:-2].rstrip() + b">"
            body += b"</" + self.p + b"sheetData>"
        return head + tag + body + self.xml[self.end :]

    def _data(self, rows: list[int], values: Edits, styles: StyleEdits, date1904: bool) -> bytes:
        """sheetData's content with `rows` written. Spliced in the order of the document, not of the row
        numbers: a sheet whose rows are out of order (Excel would not write one) keeps its order."""
        pieces: list[tuple[int, int, int, bytes]] = []  # (start, end, row, its new XML)
        existing = sorted(self.spans)
        following = 0  # index into `existing` of the first row after the one being written
        empty: dict[int, object] = {}
        for number in rows:
            while following < len(existing) and existing[following] < number:
                following += 1
            span = self.spans.get(number)
            row = self._row(number)
            if span is None or row is None:  # a new row goes before the next existing one
                position = self.spans[existing[following]][0] if following < len(existing) else self.end
                row = _Row(b"<" + self.p + b'row r="' + str(number).encode() + b'">', {}, {}, b"</" + self.p + b"row>")
                span = (position, position)
            written = self._written(number, row, values.get(number, empty), styles.get(number, {}), date1904)
            pieces.append((span[0], span[1], number, written))
        pieces.sort()  # a new row (start, start) goes before an existing row starting there
        out, at = [], self.start
        for start, end, _, written in pieces:
            out += [self.xml[at:start], written]
            at = end
        out.append(self.xml[at : self.end])
        return b"".join(out)

    def _written(
        self, number: int, row: _Row, values: dict[int, object], styles: dict[int, int], date1904: bool
    ) -> bytes:
        cells = dict(row.cells)
        for column, style in styles.items():
            old = cells.get(column)
            if column not in values and old is not None:
                cells[column] = _restyled(old, row.styles.get(column, 0), style)
            elif column not in values:
                cells[column] = self._cell(number, column, None, style, date1904)
        for column, value in values.items():
            given = styles.get(column)
            style = self.style(number, column) if given is None else given
            cells[column] = self._cell(number, column, value, style, date1904)
        touched = [*values, *styles]
        head = _with_spans(row.head, min(touched), max(touched))
        return head + b"".join(cells[c] for c in sorted(cells) if cells[c]) + row.tail

    def _cell(self, row: int, column: int, value: object, style: int, date1904: bool) -> bytes:
        p = self.p.decode()
        letters = _LETTERS.get(column) or _LETTERS.setdefault(column, column_letter(column))
        attrs = f'<{p}c r="{letters}{row}" s="{style}"' if style else f'<{p}c r="{letters}{row}"'
        if value is None or value == "":
            return (attrs + "/>").encode() if style else b""
        if isinstance(value, bool):
            return f'{attrs} t="b"><{p}v>{int(value)}</{p}v></{p}c>'.encode()
        if isinstance(value, datetime | date):
            value = serial(value, date1904)
        if isinstance(value, int | float):
            return f"{attrs}><{p}v>{value!r}</{p}v></{p}c>".encode()
        text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return f'{attrs} t="inlineStr"><{p}is><{p}t xml:space="preserve">{text}</{p}t></{p}is></{p}c>'.encode()

    def _with_cols(self, head: bytes, widths: dict[int, float]) -> bytes:
        if not widths:
            return head
        old = self._cols_bytes()
        made = _cols(old, self.p, widths)
        if old:
            return head.replace(old, made, 1)
        return head + made  # `<cols>` comes right before `<sheetData>` (after sheetFormatPr)


def serial(value: date | datetime, date1904: bool) -> float:
    """The Excel serial number of a date or time in the workbook's date system."""
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    days = (moment.replace(tzinfo=None) - _EPOCHS[date1904]) / timedelta(days=1)
    return int(days) if days == int(days) else round(days, 10)


def _letters_after(column: int) -> bytes:
    """A pattern matching the letters of every column after `column` (upper case, as Excel writes them)."""
    if column < 1:
        return b"[A-Z]{1,3}"
    letters = column_letter(column)
    choices = [f"[A-Z]{{{len(letters) + 1},3}}"] if len(letters) < 3 else []
    for i, letter in enumerate(letters):
        if letter != "Z":
            rest = len(letters) - i - 1
            choices.append(letters[:i] + f"[{chr(ord(letter) + 1)}-Z]" + (f"[A-Z]{{{rest}}}" if rest else ""))
    return ("(?:" + "|".join(choices) + ")" if choices else "(?!)").encode()


def _restyled(cell: bytes, old: int, style: int) -> bytes:
    if old == style:
        return cell
    if old:
        quick = f' s="{old}"'.encode()
        at = cell.find(quick, 0, cell.find(b">"))
        if at > 0:
            return cell[:at] + (f' s="{style}"'.encode() if style else b"") + cell[at + len(quick) :]
    head_end = cell.find(b">")
    head = cell[:head_end]
    closed = head.endswith(b"/")
    if closed:
        head = head[:-1]
    found = _STYLE.search(head)
    if found:
        head = head[: found.start()] + (f' s="{style}"'.encode() if style else b"") + head[found.end() :]
    elif style:
        head = head.rstrip() + f' s="{style}"'.encode()
    return head + (b"/" if closed else b"") + cell[head_end:]


def _with_spans(head: bytes, first: int, last: int) -> bytes:
    found = _SPANS.search(head)
    if found is None:
        return head
    low, high = min(int(found.group(1)), first), max(int(found.group(2)), last)
    return head[: found.start()] + f' spans="{low}:{high}"'.encode() + head[found.end() :]


def _with_dimension(head: bytes, p: bytes, rows: int, columns: int) -> bytes:
    found = re.search(rb"<" + re.escape(p) + rb"""dimension\b[^>]*?\sref\s*=\s*["']([^"']*)["']""", head)
    if found is None:
        return head
    corners = found.group(1).decode().split(":")
    last = re.match(r"([A-Za-z]*)(\d*)", corners[-1])
    assert last is not None  # the pattern matches any text
    old_column = column_number(last.group(1).upper().encode()) if last.group(1) else 1
    old_row = int(last.group(2) or 1)
    new = f"{corners[0] if len(corners) > 1 else 'A1'}:{column_letter(max(old_column, columns))}{max(old_row, rows)}"
    if len(corners) == 1 and corners[0] == new.split(":")[1]:
        return head
    return head[: found.start(1)] + new.encode() + head[found.end(1) :]


def _col_elements(cols: bytes) -> list[dict[str, str]]:
    return [attributes(m.group()) for m in re.finditer(rb"<(?:[\w.-]+:)?col\b[^>]*>", cols)]


def _column_styles(cols: bytes) -> dict[int, int]:
    styles = {}
    for col in _col_elements(cols):
        if col.get("style", "0") not in ("", "0"):
            for c in range(int(col.get("min", "1")), min(int(col.get("max", "1")), 16384) + 1):
                styles[c] = int(col["style"])
    return styles


def _cols(old: bytes, p: bytes, widths: dict[int, float]) -> bytes:
    """`<cols>` with our widths: a user's span that covers one of our columns is split around it."""
    spans = []
    for col in _col_elements(old):
        low, high = int(col.get("min", "1")), int(col.get("max", "1"))
        ours = sorted(c for c in widths if low <= c <= high)
        start = low
        for c in ours:
            if start < c:
                spans.append({**col, "min": str(start), "max": str(c - 1)})
            spans.append({**col, "min": str(c), "max": str(c), "width": f"{widths[c]:g}", "customWidth": "1"})
            start = c + 1
        if start <= high:
            spans.append({**col, "min": str(start), "max": str(high)})
    covered = {int(s["min"]) for s in spans if s["min"] == s["max"]}
    for c, width in widths.items():
        if c not in covered and not any(int(s["min"]) <= c <= int(s["max"]) for s in spans):
            spans.append({"min": str(c), "max": str(c), "width": f"{width:g}", "customWidth": "1"})
    if _same(old, spans):
        return old
    tag = p.decode() + "col"
    body = "".join(
        f"<{tag}" + "".join(f' {k}="{v}"' for k, v in span.items()) + "/>" for span in sorted(spans, key=_low)
    )
    head = re.match(rb"<[^>]*>", old)
    opening = head.group().decode() if head else f"<{p.decode()}cols>"
    return f"{opening}{body}</{p.decode()}cols>".encode()


def _low(span: dict[str, str]) -> int:
    return int(span["min"])


def _same(old: bytes, spans: list[dict[str, str]]) -> bool:
    """Are `spans` the spans `old` already has (a re-run sets the widths it set before)?"""
    return sorted(_col_elements(old), key=_low) == sorted(spans, key=_low)
