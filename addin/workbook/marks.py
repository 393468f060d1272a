"""Marks on the user's own sheets, and the ledger that lets a re-run take back exactly those.

Two kinds of marks, each a `role` in the ledger (a very hidden owned sheet):
* `validation`: one invalid cell, filled and commented (a user's own comment is kept);
* `flags`: one log row coloured by its most urgent flag (`flags_page.ROW_FILLS`), recorded
  as one ledger line per row with the original fills of the cells that had one.
A re-run of a job undoes only its own role: a cell is restored when it still carries our
colour (a cell the user recoloured since is left alone), and our comments are removed.
Validation marks win over row colours; either job can run alone without losing the other's.
The columns appended to the log (`⚑ State`, …) are ours outright and rewritten each run.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.colors import Color
from openpyxl.utils import range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from addin.flags_page import LogColumns
from addin.layout import HEADER_FILL, MARK_AUTHOR, MARK_FILLS, NUMBER_FORMATS
from addin.problems import Level, Problem, column_letter
from addin.table import Table, owned_columns
from addin.workbook.annotate import new_owned_sheet, owned_sheets, release, solid

LEDGER_ROLE = "ledger"
LEDGER_SHEET = "_ComplaintDesk"
LEDGER_HEADER = ["sheet", "cell", "role", "original_fill", "mark_rgb", "comment_added"]
VALIDATION, FLAGS = "validation", "flags"
MAX_NOTE_LINES = 6
COLUMN_WIDTHS = (16, 16, 22, 28, 26)  # our log columns: due, due, state, flags, suggested severity
_NO_FILL = json.dumps({"pattern": None, "fg": None, "bg": None})


@dataclass(frozen=True)
class Mark:
    sheet: str
    row: int
    column: int
    level: Level
    note: str


def marks_from(problems: list[Problem], lang: str) -> list[Mark]:
    """One mark per cell: the worst severity and the messages of every problem there."""
    by_cell: dict[tuple[str, int, int], list[Problem]] = defaultdict(list)
    for p in problems:
        if p.row is not None and p.column is not None:
            by_cell[(p.sheet, p.row, p.column)].append(p)
    marks = []
    for (sheet, row, column), found in by_cell.items():
        level = Level.ERROR if any(p.severity is Level.ERROR for p in found) else Level.WARNING
        lines = [f"[{p.code}] {p.message(lang)}" for p in found[:MAX_NOTE_LINES]]
        marks.append(Mark(sheet, row, column, level, "\n".join(lines)))
    return marks


def _color_spec(color: Color | None) -> dict[str, object] | None:
    if color is None:
        return None
    return {"type": color.type, "value": color.value, "tint": color.tint}


def _color(spec: dict[str, object] | None) -> Color | None:
    if not spec:
        return None
    kind, value, tint = spec["type"], spec["value"], spec.get("tint", 0)
    if kind == "theme":
        return Color(theme=value, tint=tint)
    if kind == "indexed":
        return Color(indexed=value, tint=tint)
    return Color(rgb=value, tint=tint)


def _fill_spec(fill: PatternFill) -> str:
    return json.dumps({"pattern": fill.fill_type, "fg": _color_spec(fill.fgColor), "bg": _color_spec(fill.bgColor)})


def _fill(spec: str) -> PatternFill:
    data = json.loads(spec)
    if not data.get("pattern"):
        return PatternFill(fill_type=None)
    return PatternFill(fill_type=data["pattern"], fgColor=_color(data["fg"]), bgColor=_color(data["bg"]))


def _ours(cell: object, rgb: object) -> bool:
    fill = cell.fill  # type: ignore[attr-defined]
    return fill.fill_type == "solid" and str(fill.fgColor.rgb).endswith(str(rgb))


class Ledger:
    """The marks this add-in made, read from and saved to the very hidden ledger sheet."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        title = owned_sheets(wb).get(LEDGER_ROLE)
        self.rows: list[tuple[object, ...]] = (
            [] if title is None else [tuple(r) for r in wb[title].iter_rows(min_row=2, values_only=True)]
        )

    def undo(self, role: str) -> int:
        """Take back every mark of `role`; returns how many cells got their own fill back."""
        restored, kept = 0, []
        for entry in self.rows:
            sheet, ref, kind, original, rgb, added = (*entry, None, None, None, None, None, None)[:6]
            if kind != role:
                kept.append(entry)
                continue
            if sheet not in self.wb.sheetnames or not ref:
                continue
            ws = self.wb[sheet]
            if kind == FLAGS:
                restored += _restore_row(ws, str(ref), str(original or "{}"), rgb)
                continue
            target = ws[ref]
            if _ours(target, rgb):
                target.fill = _fill(str(original))
                restored += 1
            if added and target.comment is not None and target.comment.author == MARK_AUTHOR:
                target.comment = None
        self.rows = kept
        return restored

    def cells(self, role: str) -> set[tuple[str, str]]:
        return {(str(e[0]), str(e[1])) for e in self.rows if e[2] == role}

    def coloured_rows(self) -> dict[tuple[str, int], tuple[dict[str, str], str]]:
        """(sheet, row) -> (column letter -> original fill, our colour) for the rows coloured by flags."""
        result = {}
        for sheet, ref, kind, original, rgb, *_ in self.rows:
            if kind == FLAGS:
                _, row, _, _ = range_boundaries(str(ref))
                result[(str(sheet), row)] = (json.loads(str(original or "{}")), str(rgb))
        return result

    def save(self) -> None:
        release(self.wb, LEDGER_ROLE)
        if not self.rows:
            return
        ledger, _ = new_owned_sheet(self.wb, LEDGER_ROLE, LEDGER_SHEET)
        ledger.sheet_state = "veryHidden"
        ledger.append(LEDGER_HEADER)
        for entry in self.rows:
            ledger.append(list(entry))


def _restore_row(ws: Worksheet, ref: str, originals: str, rgb: object) -> int:
    left, row, right, _ = range_boundaries(ref)
    saved = json.loads(originals)
    restored = 0
    for column in range(left, right + 1):
        target = ws.cell(row, column)
        if _ours(target, rgb):
            target.fill = _fill(saved.get(column_letter(column), _NO_FILL))
            restored += 1
    return restored


def apply_marks(wb: Workbook, ledger: Ledger, marks: list[Mark]) -> None:
    """Fill and annotate each marked cell and record it; under a row colour, the row's own fill is kept."""
    fills = {level: solid(rgb) for level, rgb in MARK_FILLS.items()}
    coloured = ledger.coloured_rows()
    for mark in marks:
        target = wb[mark.sheet].cell(mark.row, mark.column)
        letter = column_letter(mark.column)
        under = coloured.get((mark.sheet, mark.row))
        if under is not None and _ours(target, under[1]):  # keep the fill the row had before we coloured it
            original = under[0].get(letter, _NO_FILL)
        else:
            original = _fill_spec(target.fill)
        target.fill = fills[mark.level]
        added = target.comment is None
        if added:
            comment = Comment(mark.note, MARK_AUTHOR)
            comment.width, comment.height = 320, 120
            target.comment = comment
        ledger.rows.append(
            (mark.sheet, f"{letter}{mark.row}", VALIDATION, original, MARK_FILLS[mark.level], int(added))
        )


Cells = set[tuple[str, str]]  # (sheet, "B7")


def write_log_columns(wb: Workbook, ledger: Ledger, log: Table, columns: LogColumns, skip: Cells) -> None:
    """Write our columns at the right end of the log (reusing them on a re-run) and colour flagged rows.

    One pass over the rows: each row's cells in our columns get this run's value (or are
    cleared), and a flagged row is coloured across the log and our columns. Cells in `skip`
    (validation marks) keep their mark.
    """
    ws = wb[log.sheet]
    first = _our_columns(ws, log.header_row)
    header_fill, bold = solid(HEADER_FILL), Font(bold=True)
    for c, text in enumerate(columns.headers):
        head = ws.cell(log.header_row, first + c, text)
        head.fill, head.font, head.alignment = header_fill, bold, Alignment(wrap_text=True)
        ws.column_dimensions[column_letter(first + c)].width = COLUMN_WIDTHS[c % len(COLUMN_WIDTHS)]
    date_format, no_fill, blank = NUMBER_FORMATS["datetime"], PatternFill(fill_type=None), [None] * len(columns.headers)
    fills = {rgb: solid(rgb) for rgb in set(columns.fills.values())}
    table_left = min(log.columns.values()) + 1
    for row in range(log.header_row + 1, ws.max_row + 1):  # the complaints' rows are all within max_row
        rgb = columns.fills.get(row)
        fill = fills[rgb] if rgb is not None else no_fill
        for c, value in enumerate(columns.values.get(row, blank)):
            cell = ws.cell(row, first + c, value)
            cell.fill = fill
            if c < 2 and value is not None:
                cell.number_format = date_format
        if rgb is not None:
            _colour_row(ws, ledger, log.sheet, row, range(table_left, first), fill, rgb, skip)


def _colour_row(
    ws: Worksheet, ledger: Ledger, sheet: str, row: int, columns: range, fill: PatternFill, rgb: str, skip: Cells
) -> None:
    """Colour a log row, keeping the original fills in the ledger (one line per row)."""
    originals: dict[str, str] = {}
    for column in columns:
        target = ws.cell(row, column)
        letter = column_letter(column)
        if (sheet, f"{letter}{row}") in skip:
            continue
        if target.has_style and target.fill.fill_type is not None:
            originals[letter] = _fill_spec(target.fill)
        target.fill = fill
    ref = f"{column_letter(columns.start)}{row}:{column_letter(columns.stop - 1)}{row}"
    ledger.rows.append((sheet, ref, FLAGS, json.dumps(originals), rgb, 0))


def _our_columns(ws: Worksheet, header_row: int) -> int:
    """The first of our columns in the header row (`table.owned_columns`, the rule the table finder
    uses to skip them), or the column after the log's last header. Ours are written side by side."""
    header = [cell.value for cell in ws[header_row]]
    ours = owned_columns(header)
    if ours:
        return min(ours) + 1
    return max((c + 1 for c, v in enumerate(header) if v is not None and str(v).strip()), default=0) + 1
