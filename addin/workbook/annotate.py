"""Write results into the workbook itself with openpyxl: owned sheets, cell marks, a legend.

Ownership is recorded in the workbook, so a re-run knows what it wrote:
* each owned sheet has a defined name `CD_Owned_<role>` pointing at its A1 (Excel keeps it
  pointing at the sheet when the sheet is renamed); a sheet without such a name is the user's
  and is never replaced or deleted, even when its name clashes (ours then gets `Name (2)`);
* every cell we mark is listed, with its original fill, in a very hidden ledger sheet; a
  re-run restores those fills (unless the user has recoloured the cell since) and removes
  only comments whose author is Complaint Desk. A cell that already has a user's comment
  keeps it and gets only the fill.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.colors import Color
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from addin.layout import MARK_AUTHOR, MARK_FILLS, Link, SheetContent, is_formula_like
from addin.problems import Level, Problem, cell_ref, column_letter
from addin.workbook.reader import OWNED_PREFIX

LEDGER_ROLE = "ledger"
LEDGER_SHEET = "_ComplaintDesk"
LEDGER_HEADER = ["sheet", "cell", "role", "original_fill", "mark_rgb", "comment_added"]
MAX_NOTE_LINES = 6


def owned_sheets(wb: Workbook) -> dict[str, str]:
    """role -> sheet title of every sheet this add-in created (by its defined name)."""
    owned = {}
    for name, defined in list(wb.defined_names.items()):
        if not name.startswith(OWNED_PREFIX):
            continue
        for title, _ in defined.destinations:
            if title in wb.sheetnames:
                owned[name[len(OWNED_PREFIX) :]] = title
    return owned


def claim(wb: Workbook, ws: Worksheet, role: str) -> None:
    name = OWNED_PREFIX + role
    wb.defined_names[name] = DefinedName(name, attr_text=f"{cell_ref(ws.title, None, None)}!$A$1")


def release(wb: Workbook, role: str) -> None:
    """Delete our sheet for `role` (if it still exists) and its defined name."""
    title = owned_sheets(wb).get(role)
    if title is not None:
        del wb[title]
    wb.defined_names.pop(OWNED_PREFIX + role, None)


def free_title(wb: Workbook, wanted: str) -> str:
    """`wanted`, or `wanted (2)`, `(3)`… when a user's sheet already has that name."""
    taken = {t.casefold() for t in wb.sheetnames}
    title, n = wanted, 1
    while title.casefold() in taken:
        n += 1
        title = f"{wanted} ({n})"
    return title


def new_owned_sheet(wb: Workbook, role: str, wanted: str) -> tuple[Worksheet, str | None]:
    """A fresh owned sheet; the second value says why the name differs from `wanted`, if it does."""
    release(wb, role)
    title = free_title(wb, wanted)
    ws = wb.create_sheet(title)
    claim(wb, ws, role)
    note = None if title == wanted else f"a sheet named '{wanted}' belongs to you, so results went to '{title}'"
    return ws, note


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


def remove_marks(wb: Workbook) -> int:
    """Undo every mark listed in the ledger; returns how many cells were restored."""
    title = owned_sheets(wb).get(LEDGER_ROLE)
    if title is None:
        return 0
    restored = 0
    for sheet, ref, _role, original, rgb, added in wb[title].iter_rows(min_row=2, values_only=True):
        if sheet not in wb.sheetnames or not ref:
            continue
        target = wb[sheet][ref]
        if target.fill.fill_type == "solid" and str(target.fill.fgColor.rgb).endswith(str(rgb)):
            target.fill = _fill(original)
            restored += 1
        if added and target.comment is not None and target.comment.author == MARK_AUTHOR:
            target.comment = None
    release(wb, LEDGER_ROLE)
    return restored


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


def apply_marks(wb: Workbook, marks: list[Mark]) -> None:
    """Fill and annotate each marked cell and record it in a fresh ledger sheet."""
    ledger, _ = new_owned_sheet(wb, LEDGER_ROLE, LEDGER_SHEET)
    ledger.sheet_state = "veryHidden"
    ledger.append(LEDGER_HEADER)
    fills = {
        level: PatternFill(fill_type="solid", fgColor="FF" + rgb, bgColor="FF" + rgb)
        for level, rgb in MARK_FILLS.items()
    }
    for mark in marks:
        target = wb[mark.sheet].cell(mark.row, mark.column)
        original = _fill_spec(target.fill)
        target.fill = fills[mark.level]
        added = target.comment is None
        if added:
            comment = Comment(mark.note, MARK_AUTHOR)
            comment.width, comment.height = 320, 120
            target.comment = comment
        ledger.append(
            [
                mark.sheet,
                f"{column_letter(mark.column)}{mark.row}",
                "validation",
                original,
                MARK_FILLS[mark.level],
                int(added),
            ]
        )


def render(ws: Worksheet, content: SheetContent) -> None:
    """Write a `SheetContent` into an openpyxl sheet; links stay inside the workbook."""
    bold = Font(bold=True)
    link_font = Font(color="0563C1", underline="single")
    header_fill = PatternFill(fill_type="solid", fgColor="FFD9E1F2")
    for column, width in enumerate(content.widths, start=1):
        ws.column_dimensions[column_letter(column)].width = width
    ws.cell(1, 1, content.title).font = Font(bold=True, size=14)
    ws.cell(2, 1, content.subtitle).font = Font(italic=True, color="595959")
    top = content.HEADER_ROW
    for c, text in enumerate(content.header, start=1):
        head = ws.cell(top, c, text)
        head.font, head.fill = bold, header_fill
        head.alignment = Alignment(wrap_text=True)
    fills = {str(level): PatternFill(fill_type="solid", fgColor="FF" + rgb) for level, rgb in MARK_FILLS.items()}
    for r, row in enumerate(content.rows, start=top + 1):
        for c, value in enumerate(row, start=1):
            _put(ws, r, c, value, link_font)
        if content.severities[r - top - 1] in fills:
            ws.cell(r, 1).fill = fills[content.severities[r - top - 1]]
    ws.auto_filter.ref = f"A{top}:{column_letter(len(content.header))}{top + len(content.rows)}"
    ws.freeze_panes = ws.cell(top + 1, 1)
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # printed: one page wide, as many long as needed
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = f"{top}:{top}"
    side = content.SIDE_COLUMN
    for c, text in enumerate(content.side_header, start=side):
        head = ws.cell(top, c, text)
        head.font, head.fill = bold, header_fill
    for r, row in enumerate(content.side_rows, start=top + 1):
        for c, value in enumerate(row, start=side):
            _put(ws, r, c, value, link_font)
    if content.legend:
        first = top + len(content.side_rows) + 2
        ws.cell(first, side, content.legend_title).font = bold
        for r, (text, rgb) in enumerate(content.legend, start=first + 1):
            ws.cell(r, side).fill = PatternFill(fill_type="solid", fgColor="FF" + rgb)
            ws.cell(r, side + 1, text)


def _put(ws: Worksheet, r: int, c: int, value: object, link_font: Font) -> None:
    if isinstance(value, Link):
        target = ws.cell(r, c, value.text)
        target.hyperlink = Hyperlink(ref=target.coordinate, location=value.location)
        target.font = link_font
        return
    target = ws.cell(r, c, value)
    if is_formula_like(value):
        target.data_type = "s"  # user text such as "=1+1" stays text, never a formula
