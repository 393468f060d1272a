"""A small fake of the AppleScript bridge (`appscript`, `aem`, `osax`) that xlwings' `_xlmac.py` drives,
over an in-memory workbook, so the project's buttons run through xlwings' real macOS code.

What it models of Excel for Mac's AppleScript dictionary, and only that:
* references are lazy paths (`app('Microsoft Excel').workbooks['log.xlsx'].worksheets['Log']
  .cells['A1:C3'].value`); nothing happens until a command (`get()`, `set(v)`, `get_address()`,
  `count(each=...)`, `make(...)`, ...) is sent, and every command is recorded as a `Call`;
* a range is whatever address string arrives in `cells[...]`: a multi-area address
  ("A5:V9,A12:V12") acts on every area, and a value read or write on its first area;
* `value.get()` gives a scalar for one cell and a list of rows otherwise; blanks are "",
  numbers float, an error cell `missing value` (its text only comes from `string_value`);
* `value.set(v)` stores what Excel would store for typed input (`typed_as_excel`): unless the
  cell's number format is '@', text that looks like a number or a date becomes one, a leading
  "'" marks text, "=" a formula;
* `interior_object.color` / `color_index`, `font_object.*`, `number_format`, `wrap_text`,
  `column_width`, `row_height`, `Excel_comment` / `add_comment` / `clear_Excel_comments`,
  chart objects (`make(new=chart_object)`, `set_source_data`, `chart_type`, `has_title`,
  `chart_title.chart_title_text`), named items and worksheets (add, rename, hide, delete).
Not modelled: formulas' results, styles of a range whose cells differ (a read answers the first
cell's), events, errors other than a missing note, or any other AppleScript class. A command the
fake does not know raises `NotImplementedError` naming its path, so a gap shows as a failure.

`install(monkeypatch)` puts the modules into `sys.modules` and returns a fresh `xlwings._xlmac`.
The workbook model (`Workbook`, `Sheet`, `Cell`) is shared with `tests/fake_win32.py`.
"""

from __future__ import annotations

import importlib
import re
import struct
import sys
import types
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from openpyxl.utils import column_index_from_string, get_column_letter

from tests.builders import complaint, log_grid, response, survey_grid

# ---------------------------------------------------------------- the workbook model (both fakes)

Area = tuple[int, int, int, int]  # top, left, bottom, right
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DATES = (
    (re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$"), "%m/%d/%Y"),
    (re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$"), "%Y-%m-%d"),
    (re.compile(r"^\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{2}$"), "%Y-%m-%d %H:%M"),
)


@dataclass(frozen=True)
class XlError:
    """An error cell (#N/A, #SPILL!, ...): what a formula shows, not text."""

    text: str


@dataclass
class Cell:
    value: object = None
    formula: str | None = None
    number_format: str = "General"
    fill: tuple[int, int, int] | None = None
    font: dict[str, object] = field(default_factory=dict)
    wrap: bool = False
    note: str | None = None


@dataclass
class Chart:
    name: str
    source: str | None = None
    chart_type: object = None
    title: str | None = None
    has_title: bool = False


@dataclass
class Sheet:
    name: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    visible: bool = True
    widths: dict[int, float] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)
    charts: list[Chart] = field(default_factory=list)

    def cell(self, row: int, column: int) -> Cell:
        return self.cells.setdefault((row, column), Cell())

    def used(self) -> Area:
        keys = [k for k, c in self.cells.items() if c.value is not None or c.fill or c.note or c.font]
        if not keys:
            return (1, 1, 1, 1)
        return (min(r for r, _ in keys), min(c for _, c in keys), max(r for r, _ in keys), max(c for _, c in keys))

    def keys(self, areas: list[Area]) -> list[tuple[int, int]]:
        return [(r, c) for t, lf, b, rt in areas for r in range(t, b + 1) for c in range(lf, rt + 1)]


@dataclass
class Workbook:
    name: str
    sheets: list[Sheet] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # name -> refers_to ("='Log'!$A$1")
    fullname: str = ""
    active: str | None = None

    def sheet(self, key: object) -> Sheet:
        if isinstance(key, int):
            return self.sheets[key - 1]
        for sheet in self.sheets:
            if sheet.name.casefold() == str(key).casefold():
                return sheet
        raise KeyError(key)


def book_from_grids(name: str, grids: dict[str, list[list[object]]]) -> Workbook:
    """A workbook holding these values from A1 (`XlError` cells are error cells)."""
    book = Workbook(name, fullname=name)
    for title, grid in grids.items():
        sheet = Sheet(title)
        for r, row in enumerate(grid, start=1):
            for c, value in enumerate(row, start=1):
                if value not in (None, ""):
                    sheet.cells[(r, c)] = Cell(value=float(value) if type(value) is int else value)
        book.sheets.append(sheet)
    return book


def parse_address(address: str) -> list[Area]:
    """ "$A$1:$N$6" or "A5:V9,A12:V12" (an optional "'Sheet'!" prefix is dropped) as areas."""
    areas = []
    for part in address.split("!")[-1].split(","):
        corners = []
        for corner in part.split(":"):
            match = _CELL.match(corner.strip())
            if not match:
                raise ValueError(f"not an address: {address!r}")
            corners.append((int(match.group(2)), column_index_from_string(match.group(1).upper())))
        (top, left), (bottom, right) = corners[0], corners[-1]
        areas.append((min(top, bottom), min(left, right), max(top, bottom), max(left, right)))
    return areas


def format_address(areas: list[Area], absolute: bool = True) -> str:
    d = "$" if absolute else ""

    def one(top: int, left: int, bottom: int, right: int) -> str:
        first = f"{d}{get_column_letter(left)}{d}{top}"
        return first if (top, left) == (bottom, right) else f"{first}:{d}{get_column_letter(right)}{d}{bottom}"

    return ",".join(one(*a) for a in areas)


def typed_as_excel(cell: Cell, value: object) -> None:
    """Store `value` as Excel stores a value written into a cell: as if typed, unless the format is '@'."""
    cell.formula = None
    if isinstance(value, str) and cell.number_format != "@":
        if value.startswith("'"):
            cell.value = value[1:]
            return
        if value.startswith("="):
            cell.formula = value
            link = re.match(r'^=HYPERLINK\("(?:[^"]|"")*","((?:[^"]|"")*)"\)$', value)
            cell.value = link.group(1).replace('""', '"') if link else XlError("#NAME?")
            return
        if _NUMBER.match(value.strip()):
            cell.value = float(value)
            return
        for pattern, fmt in _DATES:
            if pattern.match(value.strip()):
                cell.value = datetime.strptime(value.strip(), fmt)
                return
    cell.value = None if value == "" else value


def write_grid(sheet: Sheet, area: Area, data: object) -> None:
    """A value write into `area`: a grid (list/tuple of rows) from its top left, or one value for every cell."""
    top, left, bottom, right = area
    if isinstance(data, list | tuple) and data and isinstance(data[0], list | tuple):
        rows = data
    elif isinstance(data, list | tuple):
        rows = [data]
    else:
        rows = [[data] * (right - left + 1)] * (bottom - top + 1)
    for r, row in enumerate(rows, start=top):
        for c, value in enumerate(row, start=left):
            typed_as_excel(sheet.cell(r, c), value)


# ---------------------------------------------------------------- appscript


class Keyword:
    """`appscript.k.<name>`: equal by name, hashable (xlwings keys dicts by them)."""

    def __init__(self, name: str) -> None:
        self.AS_name = name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Keyword) and other.AS_name == self.AS_name

    def __hash__(self) -> int:
        return hash(("k", self.AS_name))

    def __repr__(self) -> str:
        return f"k.{self.AS_name}"


class _Keywords:
    def __getattr__(self, name: str) -> Keyword:
        if name.startswith("__"):
            raise AttributeError(name)
        return Keyword(name)


k = _Keywords()
MISSING = k.missing_value


class CommandError(Exception):
    """appscript's error for a command Excel refused; `errornumber` as AppleScript gives it."""

    def __init__(self, errornumber: int = -1728, message: str = "Can't get reference.") -> None:
        super().__init__(message)
        self.errornumber = errornumber


@dataclass(frozen=True)
class Call:
    """One AppleScript command: the reference it went to, the command, its arguments."""

    ref: str
    command: str
    args: tuple[object, ...] = ()
    kwargs: tuple[tuple[str, object], ...] = ()

    def __str__(self) -> str:
        parts = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs]
        return f"{self.ref}.{self.command}({', '.join(parts)})"


class Reference:
    """A lazy AppleScript reference: attributes and `[key]` extend the path, a call sends a command."""

    def __init__(self, excel: FakeExcel, steps: tuple[tuple[str, object], ...] = ()) -> None:
        object.__setattr__(self, "_excel", excel)
        object.__setattr__(self, "_steps", steps)

    def __getattr__(self, name: str) -> Reference:
        if name.startswith("__"):
            raise AttributeError(name)
        return Reference(self._excel, (*self._steps, ("attr", name)))

    def __getitem__(self, key: object) -> Reference:
        return Reference(self._excel, (*self._steps, ("item", key)))

    def __call__(self, *args: object, **kwargs: object) -> Any:
        kind, command = self._steps[-1]
        assert kind == "attr", f"cannot call {self}"
        target = Reference(self._excel, self._steps[:-1])
        return self._excel.command(target, str(command), args, kwargs)

    def __bool__(self) -> bool:
        return True

    def __str__(self) -> str:
        text = f"app({self._excel.app_name!r})"
        for kind, value in self._steps:
            text += f".{value}" if kind == "attr" else f"[{value!r}]"
        return text

    __repr__ = __str__


@dataclass
class _Target:
    """What a reference's path points at in the model."""

    book: Workbook | None = None
    sheet: Sheet | None = None
    areas: list[Area] | None = None
    chart: Chart | None = None
    name: str | None = None  # a named item
    rest: tuple[str, ...] = ()  # the attributes after the object


class FakeExcel:
    """The Excel application behind the references: workbooks, and the record of every command."""

    def __init__(self, *books: Workbook, app_name: str = "Microsoft Excel") -> None:
        self.books = list(books)
        self.app_name = app_name
        self.calls: list[Call] = []
        self.props: dict[str, object] = {"screen_updating": True, "display_alerts": True, "status_bar": False}
        self.alerts: list[tuple[str, str]] = []
        self.app = Reference(self)

    # -- what tests ask
    def sent(self, command: str | None = None, contains: str = "") -> list[Call]:
        return [c for c in self.calls if (command is None or c.command == command) and contains in c.ref]

    # -- resolving paths
    def _book(self, key: object) -> Workbook:
        if isinstance(key, int):
            return self.books[key - 1]
        for book in self.books:
            if book.name.casefold() == str(key).casefold():
                return book
        raise CommandError()

    def _resolve(self, ref: Reference) -> _Target:
        t, steps, i = _Target(), list(ref._steps), 0
        rest: list[str] = []
        while i < len(steps):
            kind, value = steps[i]
            nxt = steps[i + 1] if i + 1 < len(steps) else None
            if kind == "attr" and value in ("workbooks",) and nxt and nxt[0] == "item":
                t.book, i = self._book(nxt[1]), i + 2
            elif kind == "attr" and value == "active_workbook":
                t.book, i = self.books[0], i + 1
            elif kind == "attr" and value in ("worksheets", "sheets") and nxt and nxt[0] == "item":
                assert t.book is not None
                try:
                    t.sheet = t.book.sheet(nxt[1])
                except (KeyError, IndexError):
                    raise CommandError() from None
                i += 2
            elif kind == "attr" and value == "cells" and nxt and nxt[0] == "item":
                t.areas, i = parse_address(str(nxt[1])), i + 2
            elif kind == "attr" and value == "rows" and nxt and nxt[0] == "item" and t.sheet is not None:
                row = int(nxt[1])  # type: ignore[call-overload]
                column = int(steps[i + 3][1])  # type: ignore[call-overload]  # .columns[c]
                t.areas, i = [(row, column, row, column)], i + 4
            elif kind == "attr" and value == "used_range":
                assert t.sheet is not None
                t.areas, i = [t.sheet.used()], i + 1
            elif kind == "attr" and value == "chart_objects" and nxt and nxt[0] == "item":
                assert t.sheet is not None
                key = nxt[1]
                found = [c for c in t.sheet.charts if c.name == key]
                t.chart = t.sheet.charts[key - 1] if isinstance(key, int) else (found[0] if found else None)
                if t.chart is None:
                    raise CommandError()
                i += 2
            elif kind == "attr" and value == "named_items":
                if nxt and nxt[0] == "item":
                    assert t.book is not None
                    key = nxt[1]
                    t.name = list(t.book.names)[key - 1] if isinstance(key, int) else str(key)
                    i += 2
                else:
                    rest.append("named_items")
                    i += 1
            else:
                rest.append(str(value) if kind == "attr" else f"[{value!r}]")
                i += 1
        t.rest = tuple(rest)
        return t

    # -- commands
    def command(self, ref: Reference, command: str, args: tuple[object, ...], kwargs: dict[str, object]) -> Any:
        self.calls.append(Call(str(ref), command, args, tuple(kwargs.items())))
        t = self._resolve(ref)
        rest = ".".join(t.rest)
        value = args[0] if args else None
        if t.areas is not None and t.sheet is not None:
            return self._range(t.sheet, t.areas, rest, command, value, kwargs)
        if t.chart is not None:
            return self._chart(t.chart, rest, command, value, kwargs)
        if t.name is not None and t.book is not None:
            return self._name(t.book, t.name, rest, command, value)
        if t.sheet is not None:
            return self._sheet(t.book, t.sheet, ref, rest, command, value, kwargs)  # type: ignore[arg-type]
        if t.book is not None:
            return self._workbook(t.book, ref, rest, command, value, kwargs)
        return self._application(rest, command, value)

    def _application(self, rest: str, command: str, value: object) -> Any:
        if command == "set":  # also System Events' `processes[...].frontmost` (app.activate)
            self.props[rest] = value
            return None
        if command == "get" and rest in self.props:
            return self.props[rest]
        if rest == "AS_appdata" and command == "target":
            return types.SimpleNamespace(
                addressdesc=types.SimpleNamespace(coerce=lambda _: types.SimpleNamespace(data=struct.pack("i", 4242)))
            )
        raise NotImplementedError(f"application: {rest}.{command}")

    def _workbook(
        self, book: Workbook, ref: Reference, rest: str, command: str, value: object, kwargs: dict[str, object]
    ) -> Any:
        if rest == "name" and command == "get":
            return book.name
        if rest == "" and command == "properties":
            return {k.full_name: book.fullname, k.path: "", k.name: book.name}
        if rest == "" and command == "count" and kwargs.get("each") == k.worksheet:
            return len(book.sheets)
        if rest == "" and command in ("exists", "activate_object"):
            return True
        if rest == "worksheets.name" and command == "get":
            return [s.name for s in book.sheets] or MISSING
        if rest == "named_items.name" and command == "get":
            return list(book.names) or MISSING
        if rest == "named_items" and command == "get":
            return [self.app.workbooks[book.name].named_items[n] for n in book.names] or MISSING
        if rest == "active_sheet.name" and command == "get":
            return book.active or book.sheets[0].name
        if rest == "" and command == "make" and kwargs.get("new") == k.worksheet:
            at = kwargs["at"]
            assert isinstance(at, Reference)
            where = self._resolve(at)
            assert where.sheet is not None
            index = book.sheets.index(where.sheet) + (1 if where.rest == ("after",) else 0)
            n = len(book.sheets) + 1
            while any(s.name == f"Sheet{n}" for s in book.sheets):
                n += 1
            book.sheets.insert(index, Sheet(f"Sheet{n}"))
            return self.app.workbooks[book.name].worksheets[f"Sheet{n}"]
        if rest == "" and command == "make" and kwargs.get("new") == k.named_item:
            props = kwargs["with_properties"]
            assert isinstance(props, dict)
            book.names[str(props[k.name])] = str(props[k.references])
            return self.app.workbooks[book.name].named_items[str(props[k.name])]
        raise NotImplementedError(f"workbook: {ref}.{command}")

    def _sheet(
        self,
        book: Workbook,
        sheet: Sheet,
        ref: Reference,
        rest: str,
        command: str,
        value: object,
        kwargs: dict[str, object],
    ) -> Any:
        if rest == "name" and command == "get":
            return sheet.name
        if rest == "name" and command == "set":
            sheet.name = str(value)
            return None
        if rest == "entry_index" and command == "get":
            return book.sheets.index(sheet) + 1
        if rest == "visible" and command == "get":
            return k.sheet_visible if sheet.visible else k.sheet_hidden
        if rest == "visible" and command == "set":
            sheet.visible = bool(value)
            return None
        if rest == "" and command == "activate_object":
            book.active = sheet.name
            return None
        if rest == "" and command == "delete":
            book.sheets.remove(sheet)
            return None
        if rest == "" and command == "exists":
            return True
        if rest == "" and command == "count":
            return 1_048_576 if kwargs.get("each") == k.row else 16_384
        if rest == "" and command == "make" and kwargs.get("new") == k.chart_object:
            chart = Chart(f"Chart {len(sheet.charts) + 1}")
            sheet.charts.append(chart)
            return self.app.workbooks[book.name].worksheets[sheet.name].chart_objects[chart.name]
        raise NotImplementedError(f"worksheet: {ref}.{command}")

    def _range(
        self, sheet: Sheet, areas: list[Area], rest: str, command: str, value: object, kwargs: dict[str, object]
    ) -> Any:
        first = areas[0]
        top, left, bottom, right = first
        keys = sheet.keys(areas)
        if command == "get_address":
            return format_address(areas, absolute=kwargs.get("row_absolute", True) is not False)
        if rest == "" and command == "count":
            return bottom - top + 1 if kwargs.get("each") == k.row else right - left + 1
        if rest == "first_row_index" and command == "get":
            return top
        if rest == "first_column_index" and command == "get":
            return left
        if rest in ("value", "string_value") and command == "get":
            rows = [
                [self._read(sheet.cells.get((r, c)), rest) for c in range(left, right + 1)]
                for r in range(top, bottom + 1)
            ]
            return rows[0][0] if (top, left) == (bottom, right) else rows
        if rest == "value" and command == "set":
            write_grid(sheet, first, value)
            return None
        if rest == "" and command == "properties":
            x = sum(sheet.widths.get(c, 8.43) * 5.6 for c in range(1, left))
            y = sum(sheet.heights.get(r, 15.0) for r in range(1, top))
            return {k.left_position: x, k.top: y}
        if rest == "interior_object.color_index" and command == "get":
            return k.color_index_none if sheet.cells.get(keys[0], Cell()).fill is None else 1
        if rest == "interior_object.color" and command == "get":
            return list(sheet.cells.get(keys[0], Cell()).fill or (255, 255, 255))
        if rest == "interior_object.color_index" and command == "set":
            for key in keys:
                if key in sheet.cells:
                    sheet.cells[key].fill = None
            return None
        if rest == "interior_object.color" and command == "set":
            assert isinstance(value, list | tuple)
            for key in keys:
                sheet.cell(*key).fill = (int(value[0]), int(value[1]), int(value[2]))
            return None
        if rest.startswith("font_object.") and command == "set":
            for key in keys:
                sheet.cell(*key).font[rest.removeprefix("font_object.")] = value
            return None
        if rest in ("number_format", "wrap_text") and command == "set":
            for key in keys:
                setattr(sheet.cell(*key), "wrap" if rest == "wrap_text" else rest, value)
            return None
        if rest == "column_width" and command == "set":
            for c in range(left, right + 1):
                sheet.widths[c] = float(value)  # type: ignore[arg-type]
            return None
        if rest == "row_height" and command == "set":
            for r in range(top, bottom + 1):
                sheet.heights[r] = float(value)  # type: ignore[arg-type]
            return None
        if rest == "Excel_comment" and command == "Excel_comment_text":
            note = sheet.cells.get(keys[0], Cell()).note
            if note is None:
                raise CommandError()
            return note
        if rest == "" and command == "add_comment":
            cell = sheet.cell(*keys[0])
            if cell.note is not None:
                raise CommandError(-50, "The cell already has a comment.")
            cell.note = str(kwargs["comment_text"])
            return Reference(self, ())
        if rest == "" and command == "clear_Excel_comments":
            for key in keys:
                if key in sheet.cells:
                    sheet.cells[key].note = None
            return None
        raise NotImplementedError(f"range {format_address(areas)}: {rest}.{command}")

    @staticmethod
    def _read(cell: Cell | None, what: str) -> object:
        value = None if cell is None else cell.value
        if isinstance(value, XlError):
            return value.text if what == "string_value" else MISSING
        if value is None:
            return ""
        if what == "string_value":
            return str(value)
        return float(value) if type(value) is int else value

    def _chart(self, chart: Chart, rest: str, command: str, value: object, kwargs: dict[str, object]) -> Any:
        if rest == "name" and command == "get":
            return chart.name
        if rest == "name" and command == "set":
            chart.name = str(value)
            return None
        if rest == "chart" and command == "set_source_data":
            source = kwargs["source"]
            assert isinstance(source, Reference)
            kind, address = source._steps[-1]
            chart.source = str(address)
            return None
        if rest == "chart.chart_type" and command == "set":
            chart.chart_type = value
            return None
        if rest == "chart.chart_style" and command == "set" or rest == "chart.style" and command == "set":
            return None
        if rest == "chart.has_title" and command == "set":
            chart.has_title = bool(value)
            return None
        if rest == "chart.chart_title.chart_title_text" and command == "set":
            chart.title = str(value)
            return None
        raise NotImplementedError(f"chart {chart.name}: {rest}.{command}")

    def _name(self, book: Workbook, name: str, rest: str, command: str, value: object) -> Any:
        if name not in book.names:
            raise CommandError()
        if rest == "name" and command == "get":
            return name
        if rest == "" and command == "properties":
            return {k.references: book.names[name], k.name: name}
        if rest == "references" and command == "get":
            return book.names[name]
        if rest == "" and command == "exists":
            return True
        if rest == "" and command == "get":
            return name
        if rest == "" and command == "delete":
            del book.names[name]
            return None
        raise NotImplementedError(f"named item {name}: {rest}.{command}")


# ---------------------------------------------------------------- the modules


def modules(excel: FakeExcel) -> dict[str, types.ModuleType]:
    """`appscript`, `appscript.reference`, `aem`, `osax`, `psutil` as `_xlmac.py` imports them."""
    appscript = types.ModuleType("appscript")
    reference = types.ModuleType("appscript.reference")
    reference.CommandError = CommandError  # type: ignore[attr-defined]
    reference.Reference = Reference  # type: ignore[attr-defined]
    appscript.reference = reference  # type: ignore[attr-defined]
    appscript.k = k  # type: ignore[attr-defined]
    appscript.its = Reference(excel, (("attr", "its"),))  # type: ignore[attr-defined]
    appscript.mactypes = types.SimpleNamespace(Alias=str, File=str)  # type: ignore[attr-defined]
    appscript.CommandError = CommandError  # type: ignore[attr-defined]

    def app(*_: object, **__: object) -> Reference:
        return excel.app

    appscript.app = app  # type: ignore[attr-defined]
    aem = types.ModuleType("aem")
    aem.kae = types.SimpleNamespace(typeKernelProcessID=b"kpid")  # type: ignore[attr-defined]
    osax = types.ModuleType("osax")

    class OSAX:
        """StandardAdditions: only `activate` and `display_alert` (recorded in `excel.alerts`)."""

        def __init__(self, *_: object, **__: object) -> None:
            pass

        def activate(self) -> None:
            pass

        def display_alert(self, title: str, message: str = "", **_: object) -> dict[Keyword, str]:
            excel.alerts.append((title, message))
            return {k.button_returned: "OK"}

    osax.OSAX = OSAX  # type: ignore[attr-defined]
    psutil = types.ModuleType("psutil")  # xlwings' atexit hook looks for Excel processes: there are none
    psutil.process_iter = lambda *_, **__: iter(())  # type: ignore[attr-defined]
    return {"appscript": appscript, "appscript.reference": reference, "aem": aem, "osax": osax, "psutil": psutil}


def _lsappinfo(args: list[str], **_: object) -> bytes:
    """macOS `lsappinfo`, which `App.activate` runs: one Excel process, pid 4242."""
    return b'"pid"=4242\n' if "info" in args else b'ASN:0x0-0x1:"Microsoft_Excel" '


def install(monkeypatch: Any, excel: FakeExcel) -> types.ModuleType:
    """Put the fake modules in `sys.modules` (undone by `monkeypatch`) and import `xlwings._xlmac` afresh."""
    for name, module in modules(excel).items():
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.delitem(sys.modules, "xlwings._xlmac", raising=False)
    monkeypatch.delitem(sys.modules, "xlwings.mac_dict", raising=False)
    import xlwings

    module = importlib.import_module("xlwings._xlmac")
    monkeypatch.setattr(module, "subprocess", types.SimpleNamespace(check_output=_lsappinfo))
    monkeypatch.setattr(xlwings, "_xlmac", module, raising=False)
    # `Book.activate` asks xlwings' active engine for the active app, which Linux has none of
    monkeypatch.setattr(xlwings.main.engines, "active", xlwings.main.Engine(impl=module.engine))
    return module


def open_book(monkeypatch: Any, workbook: Workbook) -> tuple[Any, FakeExcel]:
    """An `xlwings.Book` over xlwings' real macOS classes, with `workbook` in the fake Excel behind them."""
    import xlwings

    excel = FakeExcel(workbook)
    mac = install(monkeypatch, excel)
    return xlwings.Book(impl=mac.Book(mac.App(xl=excel.app), workbook.name)), excel


def planted_grids(changes: dict[int, dict[str, object]] | None = None) -> dict[str, list[list[object]]]:
    """A log with planted problems, open overdue complaints on rows apart (multi-area row colours),
    an error cell and IDs Excel would re-type, and a survey; `changes` edit records by index."""
    old = datetime(2026, 9, 1, 9, 0)
    records = [complaint(n) for n in range(1, 13)]
    for n in (2, 3, 4, 8):  # open and long overdue: rows 3-5 and 9 get the same colour
        records[n - 1] |= {"status": "Open", "resolved_at": None, "received_at": old, "first_response_at": None}
    records[5]["region"] = ""  # a missing region: a validation mark and note
    records[6]["customer_id"] = "0012"  # leading zeros: text Excel would turn into 12
    records[9]["owner"] = XlError("#N/A")  # a formula's error in the log
    for index, change in (changes or {}).items():
        records[index] |= change
    survey = [response(n) for n in range(1, 9)]
    return {"Complaints": log_grid(records), "Survey": survey_grid(survey)}
