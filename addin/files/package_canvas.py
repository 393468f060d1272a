"""`Canvas` on a workbook package: how `--annotate` / `--in-place` write into a file.

What to write is decided in `addin.sheets.marks` / `addin.sheets.write`; this canvas records it
and `addin.files.package_writer.save` writes a new package in which only what changed is new:
* the user's sheets are edited as XML by `addin.files.sheet_xml` (values of our `⚑` columns,
  style indexes of marked cells, our column widths), their notes by `addin.files.notes_xml`;
* styles our marks need are added to `styles.xml` (`addin.files.styles_xml`), found again on a re-run;
* sheets we add (pages, the ledger) are rendered by XlsxWriter and moved in (`addin.files.owned_parts`).
Values are read from the grids the checks read (python-calamine), never from a second parse.

Decision: the workbook opens on the sheet it opened on before (`activate` is not recorded in a
file): selecting our sheet would mean changing the selection of a user's sheet, a part we
otherwise leave byte for byte. The run's line names the sheets it added.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from pathlib import Path

from addin.core.problems import cell_ref
from addin.core.table import Grid
from addin.files.book_xml import Book
from addin.files.notes_xml import Notes
from addin.files.owned_parts import NewSheet
from addin.files.package import FileError, as_utf8, part_target
from addin.files.sheet_xml import Edits, SheetXml, StyleEdits
from addin.files.styles_xml import Styles, fill_from_spec, fill_spec_of, font_with, no_fill, solid_fill
from addin.pages.page import Link, Page, written, written_text
from addin.sheets.canvas import Cell, Rect, Style

STYLES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
VML_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing"


def sheet_rels(part: str) -> str:
    folder, name = part.rsplit("/", 1)
    return f"{folder}/_rels/{name}.rels"


class PackageCanvas:
    """The `addin.sheets.canvas.Canvas` operations on the package at `path` (saved by the caller)."""

    def __init__(self, path: Path, grids: Mapping[str, Grid], date1904: bool) -> None:
        self.path, self.grids, self.date1904 = path, grids, date1904
        self.archive = zipfile.ZipFile(path)
        self.book = Book(self.read_part("xl/workbook.xml"), self.read_part("xl/_rels/workbook.xml.rels"))
        self.parts = self.book.parts()
        self.styles_part = next(
            (
                part_target("xl/workbook.xml", e.attrs.get("Target", ""))
                for e in self.book.rels
                if e.attrs.get("Type") == STYLES_REL
            ),
            "xl/styles.xml",
        )
        if self.styles_part not in self.archive.NameToInfo:
            raise FileError("not modified: the workbook has no styles part (xl/styles.xml) to add our marks to")
        self.styles = Styles(self.read_part(self.styles_part))
        self.new: dict[str, NewSheet] = {}
        self.sheets: dict[str, SheetXml] = {}
        self.values: dict[str, Edits] = {}  # user sheet -> row -> column -> value written
        self.styles_of: dict[str, StyleEdits] = {}  # user sheet -> row -> column -> style index
        self.col_widths: dict[str, dict[int, float]] = {}
        self.notes_of: dict[str, Notes] = {}
        self._made: dict[tuple[int, Hashable], int] = {}  # (style index, change) -> the style index it becomes
        self._last: dict[str, tuple[int, int]] = {}

    def read_part(self, name: str) -> bytes:
        """A part we parse, as UTF-8 (one in UTF-16 is converted, and written back as UTF-8 if it changes)."""
        try:
            return as_utf8(name, self.archive.read(name))
        except KeyError:
            raise FileError(f"corrupt: the package has no part {name}") from None

    def close(self) -> None:
        self.archive.close()

    # -- sheets and names --------------------------------------------------------------------------------

    def titles(self) -> list[str]:
        return self.book.titles()

    def names(self) -> dict[str, str]:
        found = {}
        for name, text in self.book.defined().items():
            if "!" in text:
                found[name] = text.rsplit("!", 1)[0].strip().removeprefix("'").removesuffix("'").replace("''", "'")
        return found

    def set_name(self, name: str, title: str) -> None:
        self.drop_name(name)
        self.book.new_names.append((name, f"{cell_ref(title, None, None)}!$A$1", None))

    def drop_name(self, name: str) -> None:
        self.book.new_names = [n for n in self.book.new_names if n[0] != name]
        self.book.dropped_names.add(name)

    def add_sheet(self, title: str) -> None:
        self.new[title] = NewSheet(title)

    def drop_sheet(self, title: str) -> None:
        if title in self.new:
            del self.new[title]
        else:
            self.book.dropped.add(title)

    def hide(self, title: str) -> None:
        self._new(title).hidden = True

    def activate(self, title: str) -> None:
        """Not recorded (see the module's note)."""

    def page(self, title: str, page: Page) -> None:
        self._new(title).page = page

    def _new(self, title: str) -> NewSheet:
        if title not in self.new:
            raise FileError(f"internal: '{title}' is not a sheet this run added")
        return self.new[title]

    # -- values ------------------------------------------------------------------------------------------

    def read(self, title: str, top: int = 1, bottom: int | None = None) -> list[list[object]]:
        grid: Sequence[Sequence[object]] = self.new[title].rows if title in self.new else self.grids.get(title, [])
        last = len(grid) if bottom is None else bottom
        rows = [list(grid[r - 1]) if r <= len(grid) else [] for r in range(top, last + 1)]
        written = self.values.get(title, {})
        for r, row in enumerate(rows, start=top):
            for c, value in written.get(r, {}).items():
                row.extend([None] * (c - len(row)))
                row[c - 1] = value
        return rows

    def _extent(self, title: str) -> tuple[int, int]:
        if title not in self._last:
            last_row = last_column = 0
            for r, row in enumerate(self.grids.get(title, []), start=1):
                used = [c for c, v in enumerate(row, start=1) if v is not None and v != ""]
                if used:
                    last_row, last_column = r, max(last_column, used[-1])
            self._last[title] = (last_row, last_column)
        return self._last[title]

    def last_row(self, title: str) -> int:
        """The last row with a value (a cell that only has a format does not count)."""
        return self._extent(title)[0]

    def last_column(self, title: str) -> int:
        """The last column with a value, a formula or a merged area in any row (a cell that only has a
        format does not count; a formula whose result is empty text does, which the reader's values do
        not show: `SheetXml.last_content_column`)."""
        known = self._extent(title)[1]
        if title in self.new or title not in self.parts:
            return known
        return self.sheet(title).last_content_column(known)

    def write(self, title: str, top: int, left: int, rows: Sequence[Sequence[object]]) -> None:
        if title in self.new:
            grid = self.new[title].rows
            for r, row in enumerate(rows, start=top - 1):
                grid.extend([] for _ in range(r + 1 - len(grid)))
                grid[r].extend([None] * (left - 1 + len(row) - len(grid[r])))
                grid[r][left - 1 : left - 1 + len(row)] = list(row)
            return
        edits = self.values.setdefault(title, {})
        for r, row in enumerate(rows, start=top):
            cells = edits.setdefault(r, {})
            for c, value in enumerate(row, start=left):
                cells[c] = written_text(value.text) if isinstance(value, Link) else written(value)

    # -- styles ------------------------------------------------------------------------------------------

    def sheet(self, title: str) -> SheetXml:
        if title not in self.sheets:
            if title not in self.parts:
                raise FileError(f"internal: '{title}' is not a worksheet of this workbook")
            self.sheets[title] = SheetXml(self.read_part(self.parts[title]), title)
        return self.sheets[title]

    def _restyle(self, title: str, rects: Iterable[Rect], change: Hashable, make: Callable[[int], int]) -> None:
        """Give each cell of `rects` the style `make(its style)` (found once per style and change)."""
        made, edits = self._made, self.styles_of.setdefault(title, {})
        for (r, c), old in self._styles(title, rects):
            new = made.get((old, change))
            if new is None:
                new = made[(old, change)] = make(old)
            row = edits.get(r)
            if row is None:
                row = edits[r] = {}
            row[c] = new

    def _styles(self, title: str, rects: Iterable[Rect]) -> Iterable[tuple[Cell, int]]:
        """Each cell of `rects` with the style index it has now (rows looked up afresh per rect, so that
        `_restyle` may change the cells it is given)."""
        sheet, edits = self.sheet(title), self.styles_of.get(title, {})
        for top, left, bottom, right in rects:
            for r in range(top, bottom + 1):
                row = edits.get(r, {})
                current, default = sheet.row_styles(r)
                for c in range(left, right + 1):
                    old = row.get(c)
                    if old is None:
                        old = current.get(c)
                        if old is None:
                            old = default if default is not None else sheet.column_styles.get(c, 0)
                    yield (r, c), old

    def style(self, title: str, rects: Sequence[Rect], style: Style) -> None:
        p, styles = self.styles.p, self.styles

        def made(old: int) -> int:
            changes = {}
            if style.fill:
                changes["fillId"] = str(styles.add("fills", solid_fill(style.fill, p)))
            if style.number_format:
                changes["numFmtId"] = str(styles.number_format(style.number_format))
            font = None
            if any(v is not None for v in (style.bold, style.italic, style.size, style.colour, style.underline)):
                font = font_with(
                    styles.font(old),
                    p,
                    bold=style.bold,
                    italic=style.italic,
                    size=style.size,
                    colour=style.colour,
                    underline=style.underline,
                )
            return styles.derived(old, changes, font, bool(style.wrap))

        self._restyle(title, rects, style, made)

    def paint(self, title: str, rects: Sequence[Rect], rgb: str | None) -> None:
        self._fill(title, rects, solid_fill(rgb, self.styles.p) if rgb else no_fill(self.styles.p))

    def fills(self, title: str, rects: Sequence[Rect]) -> dict[Cell, str]:
        found: dict[Cell, str] = {}
        specs: dict[int, str | None] = {}
        for cell, s in self._styles(title, rects):
            if s not in specs:
                specs[s] = fill_spec_of(self.styles.fill_of(s))
            spec = specs[s]
            if spec is not None:
                found[cell] = spec
        return found

    def restore(self, title: str, specs: dict[Cell, str]) -> None:
        by_spec: dict[str, list[Rect]] = {}
        for (r, c), spec in specs.items():
            by_spec.setdefault(spec, []).append((r, c, r, c))
        for spec, rects in by_spec.items():
            self._fill(title, rects, fill_from_spec(spec, self.styles.p))

    def _fill(self, title: str, rects: Sequence[Rect], fill: bytes) -> None:
        def made(old: int) -> int:
            return self.styles.with_fill(old, fill)

        self._restyle(title, rects, ("fill", fill), made)

    def widths(self, title: str, widths: dict[int, float]) -> None:
        if title not in self.new:
            self.col_widths.setdefault(title, {}).update(widths)

    # -- notes -------------------------------------------------------------------------------------------

    def sheet_notes(self, title: str) -> Notes:
        if title not in self.notes_of:
            comments, vml = self.note_parts(title)
            self.notes_of[title] = Notes(
                None if comments is None else self.read_part(comments), None if vml is None else self.read_part(vml)
            )
        return self.notes_of[title]

    def note_parts(self, title: str) -> tuple[str | None, str | None]:
        """The comments part and the legacy VML drawing of a user's sheet, where it has them."""
        part = self.parts[title]
        rels = sheet_rels(part)
        if rels not in self.archive.NameToInfo:
            return None, None
        from addin.files.book_xml import elements

        found: dict[str, str] = {}
        for _, _, e in elements(self.read_part(rels), "Relationship"):
            kind = e.attrs.get("Type", "")
            if kind in (COMMENTS_REL, VML_REL) and e.attrs.get("TargetMode") != "External":
                found.setdefault(kind, part_target(part, e.attrs.get("Target", "")))
        return found.get(COMMENTS_REL), found.get(VML_REL)

    def notes(self, title: str, cells: Iterable[Cell]) -> dict[Cell, bool]:
        from addin.pages.page import MARK_AUTHOR

        current = self.sheet_notes(title).current(list(cells))
        return {cell: author == MARK_AUTHOR for cell, author in current.items()}

    def note(self, title: str, cell: Cell, text: str | None, *, author: str) -> None:
        self.sheet_notes(title).note(cell, None if text is None else written_text(text), author)
