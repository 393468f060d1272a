"""Owned sheets, marks on the user's sheets, and the ledger that lets a re-run take back exactly those.

Written once over `addin.sheets.canvas.Canvas`, so the CLI's annotate path (the package editor) and the Excel
buttons (xlwings) behave the same.

Ownership is recorded in the workbook, so a re-run knows what it wrote: each owned sheet has a
defined name `CD_Owned_<role>` pointing at its A1 (Excel keeps it pointing at the sheet when
the sheet is renamed); a sheet without such a name is the user's and is never replaced or
deleted, even when its name clashes (ours then gets `Name (2)`).

Two kinds of marks, each a `role` in the ledger (a very hidden owned sheet):
* `validation`: one invalid cell, filled and given a note (a user's own note is kept);
* `flags`: one log row coloured by its most urgent flag (`addin.pages.flags.ROW_FILLS`), recorded
  as one ledger line per row with the original fills of the cells that had one.
A re-run of a job undoes only its own role: a cell is restored when it still carries our
colour (a cell the user recoloured since is left alone), and our notes are removed.
Validation marks win over row colours; either job can run alone without losing the other's.
The columns appended to the log (`⚑ State`, …) are ours outright and rewritten each run.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from addin.core.problems import Level, Problem, column_letter
from addin.core.schema import OWNED_PREFIX
from addin.core.table import Table, owned_columns
from addin.core.text import Message, message
from addin.pages.flags import LogColumns
from addin.pages.page import HEADER_FILL, MARK_AUTHOR, MARK_FILLS, NUMBER_FORMATS
from addin.sheets.canvas import NO_FILL, Canvas, Cell, Rect, Style, cells, is_ours, runs

LEDGER_ROLE = "ledger"
LEDGER_SHEET = "_ComplaintDesk"
LEDGER_HEADER = ["sheet", "cell", "role", "original_fill", "mark_rgb", "comment_added"]
VALIDATION, FLAGS = "validation", "flags"
MAX_NOTE_LINES = 6
COLUMN_WIDTHS = (16, 16, 22, 28, 26)  # our log columns: due, due, state, flags, suggested severity


def owned_sheets(canvas: Canvas) -> dict[str, str]:
    """role -> sheet title of every sheet this add-in created (by its defined name)."""
    titles = set(canvas.titles())
    return {
        name[len(OWNED_PREFIX) :]: title
        for name, title in canvas.names().items()
        if name.startswith(OWNED_PREFIX) and title in titles
    }


def release(canvas: Canvas, role: str) -> None:
    """Delete our sheet for `role` (if it still exists) and its defined name."""
    name = OWNED_PREFIX + role
    names = canvas.names()  # one pass: each name is a round trip in a live Excel
    if name not in names:
        return
    if names[name] in canvas.titles():
        canvas.drop_sheet(names[name])
    canvas.drop_name(name)


def free_title(titles: Iterable[str], wanted: str) -> str:
    """`wanted`, or `wanted (2)`, `(3)`… when a user's sheet already has that name."""
    taken = {t.casefold() for t in titles}
    title, n = wanted, 1
    while title.casefold() in taken:
        n += 1
        title = f"{wanted} ({n})"
    return title


def new_owned_sheet(canvas: Canvas, role: str, wanted: str) -> tuple[str, Message | None]:
    """A fresh owned sheet's title; the second value says why it differs from `wanted`, if it does."""
    release(canvas, role)
    title = free_title(canvas.titles(), wanted)
    canvas.add_sheet(title)
    canvas.set_name(OWNED_PREFIX + role, title)
    note = None if title == wanted else message("note.sheet-taken", wanted=wanted, title=title)
    return title, note


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


def parse_ref(ref: str) -> Rect:
    """'B7' or 'A5:V5' -> (top, left, bottom, right)."""
    corners = []
    for part in ref.split(":"):
        letters = part.rstrip("0123456789")
        column = 0
        for ch in letters.upper():
            column = column * 26 + ord(ch) - 64
        corners.append((int(part[len(letters) :]), column))
    (top, left), (bottom, right) = corners[0], corners[-1]
    return top, left, bottom, right


class Ledger:
    """The marks this add-in made, read from and saved to the very hidden ledger sheet."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        title = owned_sheets(canvas).get(LEDGER_ROLE)
        grid = [] if title is None else canvas.read(title)[1:]
        width = len(LEDGER_HEADER)
        self.rows: list[tuple[object, ...]] = [
            tuple((list(r) + [None] * width)[:width]) for r in grid if any(v not in (None, "") for v in r)
        ]

    def undo(self, role: str) -> int:
        """Take back every mark of `role`; returns how many cells got their own fill back."""
        mine: dict[str, list[tuple[object, ...]]] = defaultdict(list)
        kept: list[tuple[object, ...]] = []
        for entry in self.rows:
            (mine[str(entry[0])] if entry[2] == role else kept).append(entry)
        self.rows = kept
        restored = 0
        titles = set(self.canvas.titles())
        for sheet, entries in mine.items():
            if sheet in titles:
                restored += self._undo_sheet(sheet, [e for e in entries if e[1]])
        return restored

    def _undo_sheet(self, sheet: str, entries: list[tuple[object, ...]]) -> int:
        rects = [parse_ref(str(e[1])) for e in entries]
        current = self.canvas.fills(sheet, rects)
        restore: dict[Cell, str] = {}
        noted: list[Cell] = []
        for (_, _, kind, original, rgb, added), rect in zip(entries, rects, strict=True):
            if kind == FLAGS:
                saved = json.loads(str(original or "{}"))
                for r, c in cells(rect):
                    if is_ours(current.get((r, c)), rgb):
                        restore[(r, c)] = saved.get(column_letter(c), NO_FILL)
                continue
            cell = rect[:2]
            if is_ours(current.get(cell), rgb):
                restore[cell] = str(original or NO_FILL)
            if added:
                noted.append(cell)
        self.canvas.restore(sheet, restore)
        for cell, ours in self.canvas.notes(sheet, noted).items():
            if ours:
                self.canvas.note(sheet, cell, None, author=MARK_AUTHOR)
        return len(restore)

    def cells(self, role: str) -> set[tuple[str, str]]:
        return {(str(e[0]), str(e[1])) for e in self.rows if e[2] == role}

    def coloured_rows(self) -> dict[tuple[str, int], tuple[dict[str, str], str]]:
        """(sheet, row) -> (column letter -> original fill, our colour) for the rows coloured by flags."""
        result = {}
        for sheet, ref, kind, original, rgb, *_ in self.rows:
            if kind == FLAGS:
                result[(str(sheet), parse_ref(str(ref))[0])] = (json.loads(str(original or "{}")), str(rgb))
        return result

    def save(self) -> None:
        """Rewrite the ledger sheet (one block), or drop it when there is nothing to remember."""
        release(self.canvas, LEDGER_ROLE)
        if not self.rows:
            return
        title, _ = new_owned_sheet(self.canvas, LEDGER_ROLE, LEDGER_SHEET)
        self.canvas.write(title, 1, 1, [LEDGER_HEADER, *(list(e) for e in self.rows)])
        self.canvas.hide(title)


def apply_marks(canvas: Canvas, ledger: Ledger, marks: list[Mark]) -> None:
    """Fill and annotate each marked cell and record it; under a row colour, the row's own fill is kept."""
    coloured = ledger.coloured_rows()
    by_sheet: dict[str, list[Mark]] = defaultdict(list)
    for mark in marks:
        by_sheet[mark.sheet].append(mark)
    for sheet, found in by_sheet.items():
        marked = [(m.row, m.column) for m in found]
        current = canvas.fills(sheet, [(r, c, r, c) for r, c in marked])
        noted = canvas.notes(sheet, marked)
        for level, rgb in MARK_FILLS.items():
            canvas.paint(sheet, runs((m.row, m.column) for m in found if m.level is level), rgb)
        for mark in found:
            cell, letter = (mark.row, mark.column), column_letter(mark.column)
            under = coloured.get((sheet, mark.row))
            if under is not None and is_ours(current.get(cell), under[1]):  # the fill the row had before we coloured it
                original = under[0].get(letter, NO_FILL)
            else:
                original = current.get(cell, NO_FILL)
            added = cell not in noted
            if added:
                canvas.note(sheet, cell, mark.note, author=MARK_AUTHOR)
            ledger.rows.append((sheet, f"{letter}{mark.row}", VALIDATION, original, MARK_FILLS[mark.level], int(added)))


Cells = set[tuple[str, str]]  # (sheet, "B7")


def write_log_columns(canvas: Canvas, ledger: Ledger, log: Table, columns: LogColumns, skip: Cells) -> None:
    """Write our columns at the right end of the log (reusing them on a re-run) and colour flagged rows.

    Our columns get this run's values in one block (rows without a complaint are cleared) and
    lose any old colour; a flagged row is then coloured across the log and our columns. Cells
    in `skip` (validation marks) keep their mark.
    """
    sheet, top = log.sheet, log.header_row
    width = len(columns.headers)
    first = _our_columns(canvas, sheet, canvas.read(sheet, top, top)[0], width)
    right = first + width - 1
    canvas.write(sheet, top, first, [columns.headers])
    canvas.style(sheet, [(top, first, top, right)], Style(bold=True, fill=HEADER_FILL, wrap=True))
    canvas.widths(sheet, {first + c: COLUMN_WIDTHS[c % len(COLUMN_WIDTHS)] for c in range(width)})
    last = max(canvas.last_row(sheet), top + 1)
    blank = [None] * width
    canvas.write(sheet, top + 1, first, [columns.values.get(row, blank) for row in range(top + 1, last + 1)])
    canvas.style(sheet, [(top + 1, first, last, first + 1)], Style(number_format=NUMBER_FORMATS["datetime"]))
    canvas.paint(sheet, [(top + 1, first, last, right)], None)
    table_left = min(log.columns.values()) + 1
    flagged = sorted(columns.fills)
    spans = [(t, table_left, b, first - 1) for t, _, b, _ in runs((row, table_left) for row in flagged)]
    originals = canvas.fills(sheet, spans) if first > table_left else {}
    by_colour: dict[str, list[Cell]] = defaultdict(list)
    letters = {c: column_letter(c) for c in range(table_left, right + 1)}
    for row in flagged:
        rgb, kept, number = columns.fills[row], {}, str(row)
        for c in range(table_left, right + 1):
            letter = letters[c]
            if c < first and (sheet, letter + number) in skip:
                continue
            by_colour[rgb].append((row, c))
            if c < first and (row, c) in originals:
                kept[letter] = originals[(row, c)]
        ref = f"{column_letter(table_left)}{row}:{column_letter(first - 1)}{row}"
        ledger.rows.append((sheet, ref, FLAGS, json.dumps(kept), rgb, 0))
    for rgb, coloured in by_colour.items():
        canvas.paint(sheet, runs(coloured), rgb)


def _our_columns(canvas: Canvas, sheet: str, header: list[object], width: int) -> int:
    """Where our `width` columns go: where they already are, side by side (`table.owned_columns`, the
    rule the table finder uses to skip them); else after the last column holding anything in any row
    of the sheet, so a user's unlabelled columns right of the log are never written over. When the
    user has inserted a column between ours, a fresh set goes to the right end (the old ones keep
    their ⚑ headers, so the table finder still skips them).
    """
    ours = owned_columns(header)
    if ours and all(c in ours for c in range(min(ours), min(ours) + width)):
        return min(ours) + 1
    return canvas.last_column(sheet) + 1
