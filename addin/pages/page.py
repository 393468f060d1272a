"""What an owned result sheet contains, as plain data; writers for each library render it.

A `Page` is title lines, `Block`s (tables) and `Chart`s. Keeping the content here means the
report workbook, the annotated workbook and (later) the live Excel workbook show the same
rows, headers, colours and charts from one definition; each writer only renders a `Page`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from addin.core.problems import Level

# Fill colours of the marks on the log (RGB hex), by problem severity.
MARK_FILLS = {Level.ERROR: "FFC7CE", Level.WARNING: "FFEB9C"}
MARK_AUTHOR = "Complaint Desk"


@dataclass(frozen=True)
class Link:
    """A cell reference that should be clickable: `text` shown, `location` like `'Log'!F17`."""

    text: str
    location: str


@dataclass
class Block:
    """A table on a sheet. `top`/`left` are the 1-based row and column of its header row.

    An optional caption sits on the row above the header; a block without a header starts
    its rows at `top`. `formats` names a number format per column index, `fills` colours
    single cells, and the `scaled` columns get a colour scale centred on `target` with the
    values below target in red.
    """

    top: int
    left: int
    header: list[str]
    rows: list[list[object]]
    caption: str = ""
    formats: dict[int, str] = field(default_factory=dict)  # column index -> key of NUMBER_FORMATS
    fills: dict[tuple[int, int], str] = field(default_factory=dict)  # (row index, column index) -> RGB
    scaled: tuple[int, ...] = ()
    target: float | None = None
    filter: bool = False

    @property
    def first_row(self) -> int:
        """1-based row of the first data row."""
        return self.top + 1 if self.header else self.top

    @property
    def bottom(self) -> int:
        """1-based row below the block's last row."""
        return self.first_row + len(self.rows)

    @property
    def width(self) -> int:
        return max([len(self.header), *(len(r) for r in self.rows)], default=0)


@dataclass(frozen=True)
class Chart:
    """A column chart drawn from a block: `values` as bars, `line` as a line (the target), first `count` rows."""

    title: str
    block: int  # index into Page.blocks
    categories: int  # column index in the block
    values: tuple[int, ...]
    line: int | None
    count: int
    anchor: tuple[int, int]  # 1-based row and column of the chart's top-left cell
    y_title: str = ""
    y_max: int | None = 100
    labels: str = "score"  # the data labels' number format (a NUMBER_FORMATS key)


@dataclass
class Page:
    """An owned sheet: a title, a subtitle, blocks and charts. `freeze` freezes the rows above it."""

    name: str
    title: str
    subtitle: str
    blocks: list[Block]
    charts: list[Chart] = field(default_factory=list)
    widths: list[int] = field(default_factory=list)
    freeze: int | None = None
    print_rows: tuple[int, int] | None = None  # rows repeated on each printed page
    fit_width: bool = True  # printed one page wide


# Number formats by name, shared by every writer.
NUMBER_FORMATS = {
    "score": "0.0",
    "percent": "0.0%",
    "change": "+0.0;-0.0;0.0",
    "correlation": "0.00",
    "count": "0",
    "datetime": "yyyy-mm-dd hh:mm",
}
BELOW_TARGET_FONT = "9C0006"
# Colour scale on scores: red at target - SCALE_SPAN and below, yellow at the target, green at 100.
SCALE_COLOURS = ("F8696B", "FFEB84", "63BE7B")
SCALE_SPAN = 20


def scale_stops(target: float) -> tuple[float, float, float]:
    """The values the colour scale's low, middle and high colours sit at."""
    return max(0.0, target - SCALE_SPAN), target, 100.0


HEADER_FILL = "D9E1F2"
HEADER_HEIGHT = 30  # points: room for a header wrapped on two lines
SUBTITLE_COLOUR = "595959"
LINK_COLOUR = "0563C1"


MAX_TEXT = 32_767  # characters in one cell, Excel's limit
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def written(value: object) -> object:
    """A value as every writer stores it: the one guard, applied by each writer as its last step.

    Text keeps every character XML can hold (others become U+FFFD, so a user's control
    character in a quoted value cannot break the file) and at most `MAX_TEXT` of them; a
    non-finite number becomes its text. Text is always stored as text, never as a formula,
    whatever it starts with (`=`, `+`, `-`, `@`, a tab or a full-width `＝`): the openpyxl
    writer sets the cell type, XlsxWriter writes strings as strings, and the Excel writer
    formats every text cell `@` before the values go in.
    """
    if isinstance(value, str):
        if len(value) <= MAX_TEXT and value.isprintable():  # the common case: no control character, no surrogate
            return value
        text = _NOT_XML.sub("\ufffd", value)
        return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def written_text(text: str) -> str:
    """`written` for a value known to be text (link captions, notes, headers)."""
    return str(written(text))


def formula_text(text: str) -> str:
    """Text in a formula's string literal (a HYPERLINK's caption): quotes doubled, at most Excel's 255 characters."""
    return written_text(text)[:255].replace('"', '""')
