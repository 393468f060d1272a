"""What each xlwings engine takes and gives: which engine a book is on, addresses, values on the
way in and out (COM error codes, HYPERLINK formulas), the text stretches to format `@`, widths.

The canvas (`addin.excel.canvas`) uses these; they hold no xlwings object of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from fractions import Fraction
from typing import Any

from addin.core.problems import column_letter
from addin.core.values import CellError
from addin.pages.page import Link, formula_text, written
from addin.sheets.canvas import Rect

WINDOWS, MAC, REMOTE, OTHER = "windows", "mac", "remote", "other"
_ENGINES = {"xlwings._xlwindows": WINDOWS, "xlwings._xlmac": MAC, "xlwings.pro._xlremote": REMOTE}
UNIONS = frozenset({WINDOWS})  # engines that take a multi-area address in one call
MAX_ADDRESS = 255  # Excel refuses a longer multi-area address in Range("…")
MAC_CELLS = 500_000  # cells per raw read on macOS: an Apple Event reply has a size cap (xlwings uses 1.5M for numbers)
TEXT_FORMAT = "@"
SET_COLORS = 10_000  # cells per Range.set_colors call (xlwings' limit)
# XlCVError: COM hands an error cell over as 0x800A0000 + the error's number (xlwings maps only the first seven)
_XL_ERRORS = {
    2007: "#DIV/0!",
    2042: "#N/A",
    2029: "#NAME?",
    2000: "#NULL!",
    2036: "#NUM!",
    2023: "#REF!",
    2015: "#VALUE!",
    2043: "#GETTING_DATA",
    2045: "#SPILL!",
    2046: "#CONNECT!",
    2047: "#BLOCKED!",
    2048: "#UNKNOWN!",
    2049: "#FIELD!",
    2050: "#CALC!",
}
COM_ERRORS = {number - 2146828288: text for number, text in _XL_ERRORS.items()}
ERRORS = frozenset(_XL_ERRORS.values()) | {"#BUSY!", "#PYTHON!", "#DATA!", "#TIMEOUT!"}


def engine_of(book: Any) -> str:
    """WINDOWS, MAC, REMOTE or OTHER: which of xlwings' engines `book` lives on (by its impl's module)."""
    impl = getattr(book, "impl", None)
    return _ENGINES.get(type(impl).__module__, OTHER) if impl is not None else OTHER


def _one(rect: Rect) -> str:
    top, left, bottom, right = rect
    one = f"{column_letter(left)}{top}"
    if (top, left) != (bottom, right):
        one += f":{column_letter(right)}{bottom}"
    return one


def _address(rects: Sequence[Rect]) -> list[str]:
    """Multi-area addresses ("A5:V9,A12:V12") of at most MAX_ADDRESS characters each."""
    chunks: list[str] = []
    current = ""
    for rect in rects:
        one = _one(rect)
        if current and len(current) + 1 + len(one) > MAX_ADDRESS:
            chunks.append(current)
            current = ""
        current = f"{current},{one}" if current else one
    if current:
        chunks.append(current)
    return chunks


def _excel_value(value: object) -> object:
    """A value as Excel should receive it: links as HYPERLINK formulas. Text goes as it is: `write` formats
    every text cell `@` first, so Excel stores it as text, formula-like text included (never evaluated; an
    apostrophe prefix would be kept as part of the text in a cell formatted as text)."""
    if isinstance(value, Link):
        location, text = value.location.replace('"', '""'), formula_text(value.text)
        return f'=HYPERLINK("#{location}","{text}")'
    if isinstance(value, Fraction):
        return float(value)
    return written(value)


def _from_excel(value: object) -> object:
    """A read cell as the core expects it: error texts and COM error codes become `CellError`."""
    if isinstance(value, str) and value in ERRORS:
        return CellError(value)
    if isinstance(value, int) and not isinstance(value, bool) and value in COM_ERRORS:
        return CellError(COM_ERRORS[value])
    return value


def text_rects(rows: Sequence[Sequence[object]], top: int, left: int) -> list[Rect]:
    """The rectangles to format as text before `rows` go in at (top, left): per column, each stretch
    without a number, date or link that holds some text; equal stretches side by side are joined."""
    width = max((len(r) for r in rows), default=0)
    vertical: list[Rect] = []
    for c in range(width):
        start, texts = None, False
        for r, row in enumerate(rows):
            value = row[c] if c < len(row) else None
            if value is None or value == "" or (isinstance(value, str) and not isinstance(value, Link)):
                start = r if start is None else start
                texts = texts or (isinstance(value, str) and value != "")
                continue
            if start is not None and texts:
                vertical.append((top + start, left + c, top + r - 1, left + c))
            start, texts = None, False
        if start is not None and texts:
            vertical.append((top + start, left + c, top + len(rows) - 1, left + c))
    merged: dict[tuple[int, int, int], Rect] = {}
    for t, c, b, _ in vertical:
        before = merged.pop((t, b, c - 1), None)
        merged[(t, b, c)] = (t, before[1] if before else c, b, c)
    return sorted(merged.values())


def _points(characters: float) -> float:
    """A column width in characters (of the default font, Calibri 11: 7 px each plus 5 px padding) in points."""
    return (round(7 * characters) + 5) * 0.75


def _square(values: object, height: int, width: int) -> list[list[object]]:
    """A raw read as rows: AppleScript answers one cell with a value and one row or column with a flat list."""
    if not isinstance(values, list):
        return [[values]]
    if values and not isinstance(values[0], list):
        return [list(values)] if height == 1 else [[v] for v in values]
    return [list(row) for row in values]


_PLAIN = (str, int, float, bool, date, datetime, time)


def _mac_cell(value: object) -> object:
    return None if value == "" or value is None else value
