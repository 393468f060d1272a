"""What an owned result sheet contains, as plain data; writers for each library render it.

A `Page` is title lines, `Block`s (tables) and `Chart`s. Keeping the content here means the
report workbook, the annotated workbook and (later) the live Excel workbook show the same
rows, headers, colours and charts from one definition; each writer only renders a `Page`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from addin.core.problems import Level, Problem, Report, cell_ref
from addin.core.schema import VALIDATION_SHEET, Field
from addin.core.text import text, texts
from addin.core.values import clean_text

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


def location(problem: Problem) -> str:
    """Where a link should land: the cell, the row's first cell, or the sheet's A1."""
    return cell_ref(problem.sheet, problem.row or 1, problem.column or 1)


def validation_content(
    report: Report, *, name: str, as_of: datetime, fields: dict[str, Field], legend: bool, sheet_name: str | None = None
) -> Page:
    """The Validation sheet: every problem with a link to its cell, counts per code, and the marks' legend."""
    lang = report.lang
    rows: list[list[object]] = []
    fills: dict[tuple[int, int], str] = {}
    for i, p in enumerate(report.sorted()):
        f = fields.get(p.field or "")
        rows.append(
            [
                text(f"validation.level.{p.severity}", lang),
                p.code,
                p.message(lang),
                p.sheet,
                Link(p.cell, location(p)),
                f.header(lang) if f else (p.field or ""),
                p.value,
            ]
        )
        fills[(i, 0)] = MARK_FILLS[p.severity]
    if not rows:
        rows.append([text("validation.none", lang), "", "", "", "", "", ""])
    levels = {p.code: p.severity for p in report.problems}
    side_rows: list[list[object]] = [
        [code, text(f"validation.level.{levels[code]}", lang), n] for code, n in report.counts().items()
    ]
    top = 4
    blocks = [
        Block(top, 1, list(texts("validation.header", lang)), rows, fills=fills, filter=True),
        Block(top, 9, list(texts("validation.side", lang)), side_rows),
    ]
    if legend:
        marks: list[list[object]] = [["", text(f"validation.mark.{level}", lang)] for level in MARK_FILLS]
        legend_fills = {(i, 0): rgb for i, rgb in enumerate(MARK_FILLS.values())}
        caption = text("validation.legend", lang)
        blocks.append(Block(top + len(side_rows) + 3, 9, [], marks, caption=caption, fills=legend_fills))
    subtitle = text(
        "validation.subtitle", lang, as_of=clean_text(as_of), errors=report.errors, warnings=report.warnings
    )
    return Page(
        name=sheet_name or VALIDATION_SHEET[lang],
        title=text("validation.title", lang, name=name),
        subtitle=subtitle,
        blocks=blocks,
        widths=[10, 24, 60, 16, 16, 16, 24, 2, 26, 10, 8],
        freeze=top + 1,
        print_rows=(top, top),
    )


def is_formula_like(value: object) -> bool:
    """Text that a spreadsheet would take for a formula; writers must store it as text."""
    return isinstance(value, str) and value[:1] in ("=", "+", "-", "@")
