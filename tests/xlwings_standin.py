"""An in-memory stand-in for the part of xlwings that `addin.excel.buttons` uses, and nothing more.

The subset is the one listed in `addin.excel.buttons`'s docstring. It behaves like Excel where our code
depends on it, and counts every call so tests can bound the round trips a live Excel would make:
* a book says which of xlwings' engines it stands for (`Book(engine=)`, by the module of its
  `impl`, as `addin.excel.canvas.engine_of` reads it): "windows" (the default) or "mac";
* reads return numbers as float, dates as datetime and blanks as None; error cells (`XError`) as
  their text with `err_to_str=True` - on "windows" the errors xlwings does not know (#SPILL!,
  #CALC!, …) as their COM code, as pywin32 hands them over; on "mac" a multi-cell read with
  `err_to_str=True` raises TypeError as `_xlmac.py` does, `raw_value` gives "" for blanks and
  `MISSING` for errors, and `.api.string_value.get()` the cells' texts; a multi-area address
  raises on "mac" (xlwings would cut it at its first ":" and hit one cell);
* a string written into a cell whose number format is `@` (text) is stored as it is, "'" and "="
  included; into any other cell, one starting with "'" is stored as text without it, one starting
  with "=" is a formula, and only `HYPERLINK(...)` is understood - any other formula raises, so a
  test fails if user text ever reaches Excel as a formula; and any other string is parsed as
  Excel parses typed text (`0012` -> 12.0, `03/04/2026` or `2026-10-26 17:30` -> datetime,
  `TRUE` -> True);
* `App.fail` names the settings (`status_bar`, `screen_updating`, `alert`) that raise, as on
  xlwings' remote engine;
* `.color` of a range whose cells differ raises TypeError, as xlwings does when Excel answers Null;
* the used range ends at the last cell with a value or a format.

`remote_json` turns a stand-in book into the JSON an xlwings client sends to xlwings' remote
engine, so the same workbook can be opened there too (`tests/test_excel.py`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import openpyxl
from openpyxl.utils import column_index_from_string, get_column_letter

from addin.core.values import CellError

_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
_NUMBER = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
ENGINE_MODULES = {"windows": "xlwings._xlwindows", "mac": "xlwings._xlmac"}
KNOWN_ERRORS = {  # what xlwings' _xlwindows.py turns into text with err_to_str=True; others stay COM codes
    "#DIV/0!": -2146826281,
    "#N/A": -2146826246,
    "#NAME?": -2146826259,
    "#NULL!": -2146826288,
    "#NUM!": -2146826252,
    "#REF!": -2146826265,
    "#VALUE!": -2146826273,
}
NEW_ERRORS = {"#SPILL!": 2045, "#CALC!": 2050, "#FIELD!": 2049, "#BLOCKED!": 2047, "#CONNECT!": 2046}


class XError(str):
    """An error value in a cell (its text, e.g. "#N/A")."""


class _Missing:
    """AppleScript's `missing value`, what a raw read on macOS gives for an error cell."""

    def __repr__(self) -> str:
        return "k.missing_value"


MISSING = _Missing()
_HYPERLINK = re.compile(r'^=HYPERLINK\("((?:[^"]|"")*)","((?:[^"]|"")*)"\)$')
READS, WRITES = "range read", "range write"


@dataclass(slots=True)
class XCell:
    value: object = None
    formula: str | None = None
    fill: tuple[int, int, int] | None = None
    font: dict[str, object] | None = None  # attribute -> value, once one is set
    number_format: str | None = None
    wrap: bool = False
    note: str | None = None


def _parse_cell(text: str) -> tuple[int, int]:
    match = _CELL.match(text.strip())
    if not match:
        raise ValueError(f"not a cell address: {text!r}")
    return int(match.group(2)), column_index_from_string(match.group(1))


def _rgb(colour: object) -> tuple[int, int, int] | None:
    if colour is None:
        return None
    if isinstance(colour, str):
        colour = colour.lstrip("#")
        return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)
    return tuple(colour)  # type: ignore[return-value]


class App:
    def __init__(self, engine: str = "windows") -> None:
        self.engine = engine
        self.calls: Counter[str] = Counter()
        self.alerts: list[str] = []
        self.status: list[object] = []
        self._screen_updating = True
        self.books = _Books()
        self.fail: set[str] = set()  # settings that raise, e.g. {"status_bar"}

    def _check(self, setting: str) -> None:
        if setting in self.fail:
            raise NotImplementedError(f"App.{setting} is not supported on this engine")

    @property
    def screen_updating(self) -> bool:
        self._check("screen_updating")
        return self._screen_updating

    @screen_updating.setter
    def screen_updating(self, value: bool) -> None:
        self._check("screen_updating")
        self._screen_updating = value

    @property
    def status_bar(self) -> object:
        self._check("status_bar")
        return self.status[-1] if self.status else False

    @status_bar.setter
    def status_bar(self, value: object) -> None:
        self._check("status_bar")
        self.status.append(value)

    def alert(self, prompt: str, title: str | None = None, **_: object) -> None:
        self._check("alert")
        self.alerts.append(prompt)


class _Books:
    active: Book | None = None


class Book:
    def __init__(self, name: str, app: App | None = None, engine: str = "windows") -> None:
        self.name = name
        self.fullname = name  # a new, unsaved workbook; `from_file` gives the saved path
        self.app = app or App(engine)
        self.impl = type("Book", (), {"__module__": ENGINE_MODULES[self.app.engine]})()
        self.app.books.active = self
        self.sheets = Sheets(self)
        self.names = Names(self)
        self.active_sheet: str | None = None

    @classmethod
    def from_file(cls, path: Path, engine: str = "windows") -> Book:
        """A live book holding what Excel would show for the file: values, fills, notes, defined names."""
        wb = openpyxl.load_workbook(path, data_only=True)  # Excel shows formulas' values (errors as "#N/A")
        formulas = openpyxl.load_workbook(path)
        book = cls(path.name, engine=engine)
        book.fullname = str(path.resolve())
        for ws in wb.worksheets:
            sheet = book.sheets.add(ws.title, after=book.sheets[-1] if len(book.sheets) else None)
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value is None and not (cell.has_style and cell.fill.fill_type == "solid"):
                        continue
                    target = sheet.cells.setdefault((cell.row, cell.column), XCell())
                    target.value = XError(cell.value) if cell.data_type == "e" else cell.value
                    typed = formulas[ws.title].cell(cell.row, cell.column)
                    if typed.data_type == "f":
                        target.formula = str(typed.value)
                    if cell.fill.fill_type == "solid" and cell.fill.fgColor.type == "rgb":
                        target.fill = _rgb(str(cell.fill.fgColor.rgb)[-6:])
                    if cell.comment is not None:
                        target.note = cell.comment.text
        for name, defined in wb.defined_names.items():
            book.names.add(name, "=" + defined.attr_text)
        book.app.calls.clear()
        return book


class Sheets:
    def __init__(self, book: Book) -> None:
        self.book = book
        self._items: list[Sheet] = []

    def __iter__(self):  # noqa: ANN204
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, key: str | int) -> Sheet:
        if isinstance(key, int):
            return self._items[key]
        for sheet in self._items:
            if sheet.name.casefold() == key.casefold():
                return sheet
        raise KeyError(key)

    def add(self, name: str, after: Sheet | None = None) -> Sheet:
        if any(s.name.casefold() == name.casefold() for s in self._items):
            raise ValueError(f"a sheet named {name} exists")
        sheet = Sheet(self.book, name)
        index = self._items.index(after) + 1 if after is not None else 0
        self._items.insert(index, sheet)
        self.book.app.calls["sheet add"] += 1
        return sheet


class Names:
    def __init__(self, book: Book) -> None:
        self.book = book
        self._items: dict[str, Name] = {}

    def __iter__(self):  # noqa: ANN204
        return iter(list(self._items.values()))

    def __getitem__(self, name: str) -> Name:
        return self._items[name]

    def add(self, name: str, refers_to: str) -> Name:
        self._items[name] = Name(self, name, refers_to)
        self.book.app.calls["name"] += 1
        return self._items[name]


@dataclass
class Name:
    owner: Names
    name: str
    refers_to: str

    def delete(self) -> None:
        del self.owner._items[self.name]


class Sheet:
    def __init__(self, book: Book, name: str) -> None:
        self.book, self.name = book, name
        self.cells: dict[tuple[int, int], XCell] = {}
        self.widths: dict[int, float] = {}
        self.heights: dict[int, float] = {}
        self.visible = True
        self.charts = Charts(self)

    def delete(self) -> None:
        self.book.sheets._items.remove(self)

    def activate(self) -> None:
        self.book.active_sheet = self.name

    @property
    def used_range(self) -> Range:
        used = [key for key, c in self.cells.items() if c.value is not None or c.fill or c.note or c.font]
        if not used:
            return Range(self, [(1, 1, 1, 1)])
        rows, columns = [r for r, _ in used], [c for _, c in used]
        return Range(self, [(min(rows), min(columns), max(rows), max(columns))])

    def range(self, first: object, last: object = None) -> Range:
        if isinstance(first, str):
            if "," in first and self.book.app.engine == "mac":
                raise AssertionError(f"xlwings on macOS cuts {first!r} at its first ':': one area per call")
            areas = []
            for part in first.split(","):
                corners = [_parse_cell(p) for p in part.split(":")]
                (top, left), (bottom, right) = corners[0], corners[-1]
                areas.append((top, left, bottom, right))
            return Range(self, areas)
        top, left = first  # type: ignore[misc]
        bottom, right = last if last is not None else first  # type: ignore[misc]
        return Range(self, [(top, left, bottom, right)])

    def cell(self, row: int, column: int) -> XCell:
        return self.cells.setdefault((row, column), XCell())


class Range:
    def __init__(self, sheet: Sheet, areas: list[tuple[int, int, int, int]], ndim: int | None = None) -> None:
        self.sheet, self.areas, self.ndim = sheet, areas, ndim
        self._count = sheet.book.app.calls

    def _keys(self) -> list[tuple[int, int]]:
        return [
            (r, c)
            for top, left, bottom, right in self.areas
            for r in range(top, bottom + 1)
            for c in range(left, right + 1)
        ]

    def _cells(self) -> list[XCell]:
        return [self.sheet.cell(r, c) for r, c in self._keys()]

    def _existing(self) -> list[XCell | None]:
        """The cells without creating the absent ones (None): what reads and clearing writes need."""
        cells = self.sheet.cells
        return [cells.get(key) for key in self._keys()]

    def options(self, ndim: int | None = None, err_to_str: bool = False) -> Range:
        top, left, bottom, right = self.areas[0]
        if err_to_str and self.sheet.book.app.engine == "mac" and (top, left) != (bottom, right):
            raise TypeError("'NoneType' object is not iterable")  # _xlmac.py's ensure_2d on a 2-D list
        return Range(self.sheet, self.areas, ndim)

    def _grid(self, convert: object) -> list[list[object]]:
        (top, left, bottom, right), get = self.areas[0], self.sheet.cells.get
        columns = range(left, right + 1)
        return [
            [convert(None if (cell := get((r, c))) is None else cell.value) for c in columns]  # type: ignore[operator]
            for r in range(top, bottom + 1)
        ]

    @property
    def raw_value(self) -> object:
        """What AppleScript hands over on macOS: "" for a blank, `MISSING` for an error."""
        assert self.sheet.book.app.engine == "mac", "raw_value is read on macOS only"
        self._count[READS] += 1
        return self._grid(lambda v: "" if v is None else MISSING if isinstance(v, XError) else _as_read(v))

    @property
    def api(self) -> _MacRange:
        return _MacRange(self)

    @property
    def last_cell(self) -> Range:
        top, left, bottom, right = self.areas[-1]
        return Range(self.sheet, [(bottom, right, bottom, right)])

    @property
    def row(self) -> int:
        return self.areas[0][0]

    @property
    def column(self) -> int:
        return self.areas[0][1]

    @property
    def left(self) -> float:
        return sum(self.sheet.widths.get(c, 8.43) * 5.6 for c in range(1, self.column))

    @property
    def top(self) -> float:
        return sum(self.sheet.heights.get(r, 15.0) for r in range(1, self.row))

    @property
    def value(self) -> object:
        self._count[READS] += 1
        top, left, bottom, right = self.areas[0]
        grid = self._grid(_as_read if self.sheet.book.app.engine == "mac" else _as_read_windows)
        if self.ndim == 2 or (top, left) != (bottom, right):
            return grid
        return grid[0][0]

    @value.setter
    def value(self, data: object) -> None:
        self._count[WRITES] += 1
        top, left = self.areas[0][:2]
        rows = data if isinstance(data, list) and data and isinstance(data[0], list) else [[data]]
        cells = self.sheet.cells
        for r, row in enumerate(rows, start=top):
            for c, value in enumerate(row, start=left):
                cell = cells.get((r, c))
                if cell is None:
                    if value is None or value == "":
                        continue  # clearing an empty cell leaves it as it was
                    if not isinstance(value, str) or value[0] not in "'=":  # typed as Excel types it
                        cells[(r, c)] = XCell(value=_typed(value))
                        continue
                    cell = cells[(r, c)] = XCell()
                _store(cell, value)

    @property
    def color(self) -> tuple[int, int, int] | None:
        self._count["colour read"] += 1
        found = {None if cell is None else cell.fill for cell in self._existing()}
        if len(found) > 1:
            raise TypeError("int() argument must be a string, a bytes-like object or a real number, not 'NoneType'")
        return found.pop()

    @color.setter
    def color(self, colour: object) -> None:
        self._count["format"] += 1
        rgb = _rgb(colour)
        for cell in self._existing() if rgb is None else self._cells():
            if cell is not None:
                cell.fill = rgb

    @property
    def font(self) -> _Font:
        return _Font(self)

    def _format(self, **attributes: object) -> None:
        self._count["format"] += 1
        for cell in self._cells():
            for key, value in attributes.items():
                setattr(cell, key, value)

    wrap_text = property(None, lambda self, v: self._format(wrap=v))
    number_format = property(None, lambda self, v: self._format(number_format=v))

    @property
    def column_width(self) -> None:
        raise NotImplementedError

    @column_width.setter
    def column_width(self, width: float) -> None:
        self._count["format"] += 1
        for _, left, _, right in self.areas:
            for c in range(left, right + 1):
                self.sheet.widths[c] = width

    @property
    def row_height(self) -> None:
        raise NotImplementedError

    @row_height.setter
    def row_height(self, points: float) -> None:
        self._count["format"] += 1
        for top, _, bottom, _ in self.areas:
            for r in range(top, bottom + 1):
                self.sheet.heights[r] = points

    @property
    def note(self) -> _Note | None:
        self._count["note"] += 1
        cell = self._cells()[0]
        return None if cell.note is None else _Note(cell)

    def add_note(self, text: str) -> _Note:
        self._count["note"] += 1
        cell = self._cells()[0]
        if cell.note is not None:
            raise ValueError("This cell already has a note")
        cell.note = text
        return _Note(cell)


class _MacRange:
    """The AppleScript range behind a Range on macOS, as far as the canvas asks it (`string_value`)."""

    def __init__(self, owner: Range) -> None:
        self.owner = owner

    @property
    def string_value(self) -> _MacRange:
        return self

    def get(self) -> list[list[str]]:
        self.owner._count[READS] += 1
        return self.owner._grid(lambda v: "" if v is None else str(v))


class _Font:
    def __init__(self, owner: Range) -> None:
        object.__setattr__(self, "owner", owner)

    def __setattr__(self, key: str, value: object) -> None:
        owner: Range = object.__getattribute__(self, "owner")
        owner._count["format"] += 1
        for cell in owner._cells():
            if cell.font is None:
                cell.font = {}
            cell.font[key] = _rgb(value) if key == "color" else value


@dataclass
class _Note:
    cell: XCell

    @property
    def text(self) -> str:
        return str(self.cell.note)

    def delete(self) -> None:
        self.cell.note = None


class Charts:
    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.items: list[Chart] = []

    def add(
        self, left: float = 0, top: float = 0, width: float = 355, height: float = 211, anchor: Range | None = None
    ) -> Chart:
        if anchor is not None and (left or top):
            raise ValueError("You must either provide 'anchor' or 'top'/'left', but not both.")
        self.sheet.book.app.calls["chart"] += 1
        chart = Chart(anchor=None if anchor is None else (anchor.row, anchor.column))
        self.items.append(chart)
        return chart


@dataclass
class Chart:
    source: Range | None = None
    chart_type: str | None = None
    name: str | None = None
    title: str | None = None
    anchor: tuple[int, int] | None = None

    def set_source_data(self, source: Range) -> None:
        self.source = source


def _as_read_windows(value: object) -> object:
    """A cell as xlwings on Windows reads it with err_to_str=True: its newer errors stay COM codes."""
    if isinstance(value, XError) and value in NEW_ERRORS:
        return NEW_ERRORS[value] - 2146828288
    return _as_read(value)


def _as_read(value: object) -> object:
    if isinstance(value, XError):
        return str(value)
    if isinstance(value, str | bool | float) or value is None:
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value


def _typed(value: object, number_format: str | None = None) -> object:
    """A written value as Excel stores it: text it can read as a number, date or truth value becomes one,
    unless the cell is formatted as text (`@`)."""
    if not isinstance(value, str) or number_format == "@":
        return value
    if _NUMBER.match(value):
        return float(value)
    if value.upper() in ("TRUE", "FALSE"):
        return value.upper() == "TRUE"
    try:
        if match := _SLASHED.match(value):
            return datetime(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        if match := _ISO.match(value):
            parts = [int(p) if p else 0 for p in match.groups()]
            return datetime(*parts)
    except ValueError:
        return value
    return value


def _store(cell: XCell, value: object) -> None:
    if cell.formula and not _HYPERLINK.match(cell.formula) and value == cell.value:
        return  # the user's formula, read and written back unchanged (as Excel keeps it)
    cell.formula = None
    if isinstance(value, str) and value and cell.number_format == "@":
        cell.value = value
    elif isinstance(value, str) and value.startswith("'"):
        cell.value = value[1:]
    elif isinstance(value, str) and value.startswith("="):
        match = _HYPERLINK.match(value)
        if match is None:
            raise AssertionError(f"a formula reached Excel: {value!r}")
        cell.formula, cell.value = value, match.group(2).replace('""', '"')
    elif value == "":
        cell.value = None
    else:
        cell.value = _typed(value, cell.number_format)


def hyperlink_target(cell: XCell) -> str | None:
    """The location a HYPERLINK formula points at, without the leading '#'."""
    match = _HYPERLINK.match(cell.formula or "")
    return None if match is None else match.group(1).replace('""', '"').lstrip("#")


def cell_letter(row: int, column: int) -> str:
    return f"{get_column_letter(column)}{row}"


def book_from_grids(name: str, sheets: dict[str, list[list[object]]], engine: str = "windows") -> Book:
    """A live book holding these values from A1 (no formats; `CellError`s as errors): quick to build at 100k rows."""
    book = Book(name, engine=engine)
    for title, grid in sheets.items():
        sheet = book.sheets.add(title, after=book.sheets[-1] if len(book.sheets) else None)
        for r, row in enumerate(grid, start=1):
            for c, value in enumerate(row, start=1):
                if isinstance(value, CellError):
                    sheet.cells[(r, c)] = XCell(value=XError(value.text))
                elif value not in (None, ""):
                    sheet.cells[(r, c)] = XCell(value=value)
    book.app.calls.clear()
    return book


def _js_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, date):  # a date cell: Office.js hands it over as ISO text in UTC form
        moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
        return moment.isoformat(timespec="milliseconds") + "Z"
    return value


def remote_json(book: Book, client: str = "Office.js") -> dict[str, object]:
    """The book as an xlwings client sends it to xlwings' remote engine (`xlwings.Book(json=...)`, the
    engine of xlwings Server and Lite): each sheet's values from A1 (blanks as "", dates as ISO text),
    its notes by address and its visibility, and the defined names. Fills and formulas are not in it."""
    import xlwings  # only here: the rest of the stand-in never needs the real package

    sheets = []
    for sheet in book.sheets:
        filled = [key for key, cell in sheet.cells.items() if cell.value is not None]
        bottom, right = max((r for r, _ in filled), default=0), max((c for _, c in filled), default=0)
        values = [
            [_js_value(getattr(sheet.cells.get((r, c)), "value", None)) for c in range(1, right + 1)]
            for r in range(1, bottom + 1)
        ] or [[]]
        sheets.append(
            {
                "name": sheet.name,
                "values": values,
                "used_range_address": f"A1:{cell_letter(bottom, right)}" if filled else None,
                "visibility": "Visible" if sheet.visible else "Hidden",
                "notes": [{"address": cell_letter(r, c)} for (r, c), cell in sheet.cells.items() if cell.note],
                **dict.fromkeys(("pictures", "shapes", "charts", "tables", "pivot_tables"), []),
            }
        )
    names = [
        {"name": n.name, "refers_to": n.refers_to, "book_scope": True, "scope_sheet_index": None}
        | {"scope_sheet_name": None, "sheet_index": None, "address": None}
        for n in book.names
    ]
    return {
        "client": client,
        "version": xlwings.__version__,
        "book": {"name": book.name, "active_sheet_index": 0, "selection": "A1"},
        "names": names,
        "sheets": sheets,
    }
