"""A small fake of pywin32 (`win32com`, `pywintypes`, `pythoncom`, `win32api`, ...) that xlwings'
`_xlwindows.py` drives, over the in-memory workbook of `tests/fake_appscript.py`, so the project's
buttons run through xlwings' real Windows code.

What it models of Excel's COM object model, and only that:
* every property read, property write and method call on a fake object is recorded as a `Call`
  whose path is the expression VBA would write: `Workbooks('log.xlsx').Worksheets('Complaints')
  .Range('A5:V9,A12:V12').Interior.Color = 255`; a range built from two cells reads
  `Range(Cells(2, 1), Cells(13, 14))`, a cell of a range `UsedRange(13, 14)`;
* a range is whatever address string reaches `Range(...)`, taken as is: a multi-area address acts
  on every area for formats, fills and notes, and `Value` reads and writes its first area (as COM);
* `Value` reads give a scalar for one cell and a tuple of row tuples otherwise; blanks are None,
  numbers float, dates `pywintypes.TimeType`, and an error cell the integer COM hands over
  (0x800A0000 + its XlCVError number as a signed 32-bit int: #N/A -2146826246, #SPILL! -2146826243);
* `Value` writes store what Excel stores for typed input (`typed_as_excel`): unless the cell's
  `NumberFormat` is '@', "0012" becomes 12.0 and "03/04/2026" a date;
* `Interior.Color` is an Excel colour integer (BGR: red is 255); a range whose cells differ
  answers None for `Interior.Color` and `Interior.ColorIndex` (COM's Null); no fill is
  `ColorIndex` -4142 (xlColorIndexNone);
* `Font.*`, `NumberFormat`, `WrapText`, `ColumnWidth`, `RowHeight`, `Left`/`Top`, `Comment` /
  `AddComment` (raises `com_error` on a cell that has one) / `Comment.Text()` / `Delete()`,
  `ChartObjects().Add(...)` with `Chart.SetSourceData/ChartType/ChartStyle/HasTitle/ChartTitle.Text`,
  `Names` (`Add`, by name or index, `RefersTo`, `Delete`), `Worksheets` (`Add(Before=)`,
  `Move(Before=)`, `Name`, `Visible`, `Delete`, `Activate`), `Application.ScreenUpdating /
  StatusBar / DisplayAlerts`, and `win32api.MessageBox` (recorded in `FakeExcel.alerts`).
`Rows.Count` / `Columns.Count` answer without a record of their own (the `Rows` read is recorded).
The native layer (`ctypes`, `win32gui`, `win32process`) knows one Excel window, so `App.activate`
and `xlwings.apps.active` find it.
Not modelled: formulas' results (only HYPERLINK's text), the Null of other mixed formats (a read
answers the first cell's), events, RPC retries, or any other COM member: an unknown one raises
`NotImplementedError` naming its path, so a gap shows as a failure, never as a silent pass.

`install(monkeypatch, excel)` puts the modules into `sys.modules` (and `ctypes.oledll`,
`ctypes.windll`, `ctypes.PyDLL`, which `_xlwindows` uses at import) and returns a fresh
`xlwings._xlwindows`; `open_book` builds an `xlwings.Book` on its real classes.
"""

from __future__ import annotations

import atexit
import ctypes
import importlib
import sys
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tests.fake_appscript import Area, Cell, Chart, Sheet, Workbook, XlError, format_address, parse_address, write_grid

# XlCVError numbers: xlErrSpill and older from Microsoft's XlCVError page, the newer as Excel 365's CVErr gives them
XL_ERRORS = {
    "#NULL!": 2000,
    "#DIV/0!": 2007,
    "#VALUE!": 2015,
    "#REF!": 2023,
    "#NAME?": 2029,
    "#NUM!": 2036,
    "#N/A": 2042,
    "#GETTING_DATA": 2043,
    "#SPILL!": 2045,
    "#CONNECT!": 2046,
    "#BLOCKED!": 2047,
    "#UNKNOWN!": 2048,
    "#FIELD!": 2049,
    "#CALC!": 2050,
}
COLOR_INDEX_NONE = -4142  # xlColorIndexNone


def com_error_code(text: str) -> int:
    """The integer COM hands over for an error cell: HRESULT 0x800A0000 + the XlCVError number, signed."""
    return (0x800A0000 + XL_ERRORS[text]) - (1 << 32)


def bgr(rgb: tuple[int, int, int]) -> int:
    return rgb[0] + rgb[1] * 256 + rgb[2] * 65536


def from_bgr(number: int) -> tuple[int, int, int]:
    return number % 256, number // 256 % 256, number // 65536 % 256


class com_error(Exception):  # noqa: N801 - pywintypes' name
    """`pywintypes.com_error`: (hresult, message, excepinfo, argerror) as pywin32 raises it."""

    def __init__(self, hresult: int = -2147352567, message: str = "Exception occurred.") -> None:
        super().__init__(hresult, message, None, None)
        self.hresult = hresult


class TimeType(datetime):
    """`pywintypes.TimeType`: COM dates arrive as this datetime subclass."""


@dataclass(frozen=True)
class Call:
    """One COM round trip: a property read ("get"), write ("set") or a method call ("call")."""

    path: str
    kind: str
    args: tuple[object, ...] = ()

    def __str__(self) -> str:
        if self.kind == "set":
            return f"{self.path} = {self.args[0]!r}"
        if self.kind == "call":
            return f"{self.path}({', '.join(repr(a) for a in self.args)})"
        return self.path


class Dispatch:
    """A fake IDispatch: reads, writes and calls of CamelCase members are recorded, then answered
    by `get` / `put` / `invoke` (methods are the names in `METHODS`); calling the object itself is
    its default member (`item`)."""

    METHODS: frozenset[str] = frozenset()

    def __init__(self, excel: FakeExcel) -> None:
        object.__setattr__(self, "_excel", excel)

    @property
    def path(self) -> str:
        raise NotImplementedError

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self.METHODS:

            def method(*args: object, **kwargs: object) -> Any:
                self._excel.calls.append(Call(f"{self.path}.{name}", "call", (*args, *kwargs.items())))
                return self.invoke(name, args, kwargs)

            return method
        self._excel.calls.append(Call(f"{self.path}.{name}", "get"))
        return self.get(name)

    def __setattr__(self, name: str, value: object) -> None:
        self._excel.calls.append(Call(f"{self.path}.{name}", "set", (value,)))
        self.put(name, value)

    def __call__(self, *args: object) -> Any:
        self._excel.calls.append(Call(self.path, "call", args))
        return self.item(*args)

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        return f"<COM {self.path}>"

    def get(self, name: str) -> Any:
        raise NotImplementedError(f"{self.path}.{name}")

    def put(self, name: str, value: object) -> None:
        raise NotImplementedError(f"{self.path}.{name} = {value!r}")

    def invoke(self, name: str, args: tuple[object, ...], kwargs: dict[str, object]) -> Any:
        raise NotImplementedError(f"{self.path}.{name}{args}")

    def item(self, *args: object) -> Any:
        raise NotImplementedError(f"{self.path}{args}")


class FakeExcel:
    """The Excel application: its workbooks, settings, the record of every COM call, and the alerts shown."""

    def __init__(self, *books: Workbook) -> None:
        self.books = list(books)
        self.calls: list[Call] = []
        self.alerts: list[tuple[str, str]] = []  # (title, prompt) of each MessageBox
        self.application = Application(self)

    def sent(self, kind: str | None = None, contains: str = "") -> list[Call]:
        return [c for c in self.calls if (kind is None or c.kind == kind) and contains in c.path]

    def workbook(self, book: Workbook) -> WorkbookCom:
        return WorkbookCom(self, book)


class Application(Dispatch):
    def __init__(self, excel: FakeExcel) -> None:
        super().__init__(excel)
        props: dict[str, object] = {"ScreenUpdating": True, "StatusBar": False, "DisplayAlerts": True, "Hwnd": HWND}
        object.__setattr__(self, "props", props)

    @property
    def path(self) -> str:
        return "Application"

    def get(self, name: str) -> Any:
        if name == "Workbooks":
            return Workbooks(self._excel)
        if name == "Application":
            return self
        if name == "ActiveWorkbook":
            return self._excel.workbook(self._excel.books[0])
        if name in self.props:
            return self.props[name]
        return super().get(name)

    def put(self, name: str, value: object) -> None:
        if name not in self.props or name == "Hwnd":
            super().put(name, value)
        self.props[name] = value


class Workbooks(Dispatch):
    @property
    def path(self) -> str:
        return "Workbooks"

    def get(self, name: str) -> Any:
        if name == "Count":
            return len(self._excel.books)
        if name == "Application":
            return self._excel.application
        return super().get(name)

    def item(self, *args: object) -> Any:
        (key,) = args
        if isinstance(key, int):
            return self._excel.workbook(self._excel.books[key - 1])
        for book in self._excel.books:
            if book.name.casefold() == str(key).casefold():
                return self._excel.workbook(book)
        raise com_error()

    def __iter__(self) -> Iterator[WorkbookCom]:
        return iter([self._excel.workbook(b) for b in self._excel.books])


class WorkbookCom(Dispatch):
    METHODS = frozenset({"Activate"})

    def __init__(self, excel: FakeExcel, book: Workbook) -> None:
        super().__init__(excel)
        object.__setattr__(self, "book", book)

    @property
    def path(self) -> str:
        return f"Workbooks({self.book.name!r})"

    def get(self, name: str) -> Any:
        values: dict[str, Callable[[], object]] = {
            "Name": lambda: self.book.name,
            "FullName": lambda: self.book.fullname,
            "Path": lambda: "",
            "Worksheets": lambda: Worksheets(self._excel, self.book),
            "Names": lambda: Names(self._excel, self.book),
            "Application": lambda: self._excel.application,
            "ActiveSheet": lambda: SheetCom(self._excel, self.book, self.book.sheet(self.book.active or 1)),
        }
        return values[name]() if name in values else super().get(name)

    def invoke(self, name: str, args: tuple[object, ...], kwargs: dict[str, object]) -> Any:
        return None  # Activate


class Worksheets(Dispatch):
    METHODS = frozenset({"Add"})

    def __init__(self, excel: FakeExcel, book: Workbook) -> None:
        super().__init__(excel)
        object.__setattr__(self, "book", book)

    @property
    def path(self) -> str:
        return f"Workbooks({self.book.name!r}).Worksheets"

    def _com(self, sheet: Sheet) -> SheetCom:
        return SheetCom(self._excel, self.book, sheet)

    def get(self, name: str) -> Any:
        if name == "Count":
            return len(self.book.sheets)
        if name == "Parent":
            return self._excel.workbook(self.book)
        return super().get(name)

    def item(self, *args: object) -> Any:
        (key,) = args
        try:
            return self._com(self.book.sheet(key))
        except (KeyError, IndexError):
            raise com_error(-2147352565, "Invalid index.") from None

    def __iter__(self) -> Iterator[SheetCom]:
        return iter([self._com(s) for s in self.book.sheets])

    def invoke(self, name: str, args: tuple[object, ...], kwargs: dict[str, object]) -> Any:
        before = kwargs.get("Before")
        assert name == "Add" and isinstance(before, SheetCom) and not args, f"Add{args}{kwargs}"
        n = len(self.book.sheets) + 1
        while any(s.name.casefold() == f"sheet{n}" for s in self.book.sheets):
            n += 1
        sheet = Sheet(f"Sheet{n}")
        self.book.sheets.insert(self.book.sheets.index(before.sheet), sheet)
        self.book.active = sheet.name
        return self._com(sheet)


class SheetCom(Dispatch):
    METHODS = frozenset({"Range", "Cells", "ChartObjects", "Activate", "Delete", "Move"})

    def __init__(self, excel: FakeExcel, book: Workbook, sheet: Sheet) -> None:
        super().__init__(excel)
        object.__setattr__(self, "book", book)
        object.__setattr__(self, "sheet", sheet)

    @property
    def path(self) -> str:
        return f"Workbooks({self.book.name!r}).Worksheets({self.sheet.name!r})"

    def range(self, areas: list[Area], how: str) -> RangeCom:
        return RangeCom(self._excel, self, areas, how)

    def get(self, name: str) -> Any:
        if name == "Name":
            return self.sheet.name
        if name == "Index":
            return self.book.sheets.index(self.sheet) + 1
        if name == "Visible":
            return -1 if self.sheet.visible else 0  # xlSheetVisible, xlSheetHidden
        if name == "UsedRange":
            return self.range([self.sheet.used()], "UsedRange")
        if name == "Parent":
            return self._excel.workbook(self.book)
        return super().get(name)

    def put(self, name: str, value: object) -> None:
        if name == "Name":
            self.sheet.name = str(value)
        elif name == "Visible":
            self.sheet.visible = bool(value)
        else:
            super().put(name, value)

    def invoke(self, name: str, args: tuple[object, ...], kwargs: dict[str, object]) -> Any:
        if name == "Cells":
            row, column = args
            assert isinstance(row, int) and isinstance(column, int)
            return self.range([(row, column, row, column)], f"Cells({row}, {column})")
        if name == "Range" and len(args) == 1 and isinstance(args[0], str):
            return self.range(parse_address(args[0]), f"Range({args[0]!r})")
        if name == "Range" and len(args) == 2 and all(isinstance(a, RangeCom) for a in args):
            first, last = args
            assert isinstance(first, RangeCom) and isinstance(last, RangeCom)
            corners = [first.areas[0], last.areas[-1]]
            area = (
                min(a[0] for a in corners),
                min(a[1] for a in corners),
                max(a[2] for a in corners),
                max(a[3] for a in corners),
            )
            return self.range([area], f"Range({first.how}, {last.how})")
        if name == "ChartObjects" and not args:
            return ChartObjects(self._excel, self)
        if name == "Activate":
            self.book.active = self.sheet.name
            return None
        if name == "Delete":
            self.book.sheets.remove(self.sheet)
            return None
        if name == "Move" and isinstance(kwargs.get("Before"), SheetCom):
            target = kwargs["Before"]
            assert isinstance(target, SheetCom)
            self.book.sheets.remove(self.sheet)
            self.book.sheets.insert(self.book.sheets.index(target.sheet), self.sheet)
            return None
        return super().invoke(name, args, kwargs)


class RangeCom(Dispatch):
    METHODS = frozenset({"AddComment", "GetAddress", "ClearContents"})

    def __init__(self, excel: FakeExcel, sheet: SheetCom, areas: list[Area], how: str) -> None:
        super().__init__(excel)
        object.__setattr__(self, "parent", sheet)
        object.__setattr__(self, "areas", areas)
        object.__setattr__(self, "how", how)  # how it was made: "Range('A1:B2')", "Cells(1, 2)", "UsedRange"

    @property
    def path(self) -> str:
        return f"{self.parent.path}.{self.how}"

    @property
    def model(self) -> Sheet:
        return self.parent.sheet  # type: ignore[no-any-return]

    def keys(self) -> list[tuple[int, int]]:
        return self.model.keys(self.areas)

    def cells(self) -> list[Cell]:
        return [self.model.cell(*key) for key in self.keys()]

    def get(self, name: str) -> Any:
        top, left, bottom, right = self.areas[0]
        if name == "Value":
            rows = tuple(
                tuple(_as_com(self.model.cells.get((r, c))) for c in range(left, right + 1))
                for r in range(top, bottom + 1)
            )
            return rows[0][0] if (top, left) == (bottom, right) else rows
        if name in ("Row", "Column"):
            return top if name == "Row" else left
        if name == "Worksheet":
            return self.parent
        if name == "Count":
            return len(self.keys())
        if name in ("Rows", "Columns"):
            return types.SimpleNamespace(Count=bottom - top + 1 if name == "Rows" else right - left + 1)
        if name == "Address":
            return format_address(self.areas)
        if name == "NumberFormat":
            return self.model.cells.get((top, left), Cell()).number_format
        if name in ("Interior", "Font"):
            return (Interior if name == "Interior" else Font)(self._excel, self)
        if name == "Left":
            return sum(self.model.widths.get(c, 8.43) * 5.7 for c in range(1, left))
        if name == "Top":
            return sum(self.model.heights.get(r, 15.0) for r in range(1, top))
        if name == "Comment":
            note = self.model.cells.get((top, left), Cell()).note
            return None if note is None else CommentCom(self._excel, self)
        return super().get(name)

    def put(self, name: str, value: object) -> None:
        if name == "Value":
            write_grid(self.model, self.areas[0], _from_com(value))
        elif name in ("NumberFormat", "WrapText"):
            for cell in self.cells():
                setattr(cell, "number_format" if name == "NumberFormat" else "wrap", value)
        elif name in ("ColumnWidth", "RowHeight"):
            for top, left, bottom, right in self.areas:
                if name == "ColumnWidth":
                    self.model.widths.update(dict.fromkeys(range(left, right + 1), float(value)))  # type: ignore[arg-type]
                else:
                    self.model.heights.update(dict.fromkeys(range(top, bottom + 1), float(value)))  # type: ignore[arg-type]
        else:
            super().put(name, value)

    def invoke(self, name: str, args: tuple[object, ...], kwargs: dict[str, object]) -> Any:
        if name == "AddComment":
            cell = self.cells()[0]
            if cell.note is not None:
                raise com_error(-2146827284, "Application-defined or object-defined error")
            cell.note = str(args[0])
            return CommentCom(self._excel, self)
        if name == "GetAddress":
            return format_address(self.areas, absolute=bool(args[0]) if args else True)
        return super().invoke(name, args, kwargs)

    def item(self, *args: object) -> Any:
        row, column = args
        assert isinstance(row, int) and isinstance(column, int)
        top, left = self.areas[0][:2]
        r, c = top + row - 1, left + column - 1
        return RangeCom(self._excel, self.parent, [(r, c, r, c)], f"{self.how}({row}, {column})")


def _as_com(cell: Cell | None) -> object:
    """A cell's value as COM hands it over."""
    value = None if cell is None else cell.value
    if isinstance(value, XlError):
        return com_error_code(value.text)
    if isinstance(value, datetime):
        return TimeType(value.year, value.month, value.day, value.hour, value.minute, value.second)
    if type(value) is int:
        return float(value)
    return value


def _from_com(value: object) -> object:
    """What pywin32 passes for a Python value: datetimes lose their zone (xlwings sends them as UTC)."""
    if isinstance(value, list | tuple):
        return [_from_com(v) for v in value]
    if isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, value.hour, value.minute, value.second)
    return value


class Interior(Dispatch):
    def __init__(self, excel: FakeExcel, rng: RangeCom) -> None:
        super().__init__(excel)
        object.__setattr__(self, "rng", rng)

    @property
    def path(self) -> str:
        return f"{self.rng.path}.Interior"

    def get(self, name: str) -> Any:
        fills = {self.rng.model.cells.get(key, Cell()).fill for key in self.rng.keys()}
        if len(fills) > 1:
            return None  # COM's Null: the cells differ
        (fill,) = fills
        if name == "ColorIndex":
            return COLOR_INDEX_NONE if fill is None else 1
        if name == "Color":
            return 16777215 if fill is None else bgr(fill)
        return super().get(name)

    def put(self, name: str, value: object) -> None:
        if name == "ColorIndex" and value == COLOR_INDEX_NONE:
            for key in self.rng.keys():
                if key in self.rng.model.cells:
                    self.rng.model.cells[key].fill = None
        elif name == "Color" and isinstance(value, int):
            for cell in self.rng.cells():
                cell.fill = from_bgr(value)
        else:
            super().put(name, value)


class Font(Dispatch):
    def __init__(self, excel: FakeExcel, rng: RangeCom) -> None:
        super().__init__(excel)
        object.__setattr__(self, "rng", rng)

    @property
    def path(self) -> str:
        return f"{self.rng.path}.Font"

    def put(self, name: str, value: object) -> None:
        if name not in ("Bold", "Italic", "Size", "Color", "Underline", "Name"):
            super().put(name, value)
        for cell in self.rng.cells():
            cell.font[name] = value


class CommentCom(Dispatch):
    METHODS = frozenset({"Text", "Delete"})

    def __init__(self, excel: FakeExcel, rng: RangeCom) -> None:
        super().__init__(excel)
        object.__setattr__(self, "rng", rng)

    @property
    def path(self) -> str:
        return f"{self.rng.path}.Comment"

    def invoke(self, name: str, args: tuple[object, ...], kwargs: dict[str, object]) -> Any:
        cell = self.rng.cells()[0]
        if name == "Text" and not args:
            return cell.note
        if name == "Delete":
            cell.note = None
            return None
        return super().invoke(name, args, kwargs)


class ChartObjects(Dispatch):
    METHODS = frozenset({"Add", "Item"})

    def __init__(self, excel: FakeExcel, sheet: SheetCom) -> None:
        super().__init__(excel)
        object.__setattr__(self, "sheet", sheet)

    @property
    def path(self) -> str:
        return f"{self.sheet.path}.ChartObjects()"

    def get(self, name: str) -> Any:
        if name == "Count":
            return len(self.sheet.sheet.charts)
        return super().get(name)

    def invoke(self, name: str, args: tuple[object, ...], kwargs: dict[str, object]) -> Any:
        charts: list[Chart] = self.sheet.sheet.charts
        if name == "Add":
            left, top, width, height = args
            chart = Chart(f"Chart {len(charts) + 1}")
            charts.append(chart)
            return ChartObjectCom(self._excel, self.sheet, chart)
        if name == "Item":
            (key,) = args
            found = [c for c in charts if c.name == key] if isinstance(key, str) else charts[key - 1 : key]  # type: ignore[operator]
            if not found:
                raise com_error()
            return ChartObjectCom(self._excel, self.sheet, found[0])
        return super().invoke(name, args, kwargs)


class ChartObjectCom(Dispatch):
    """A ChartObject (`Name`, `Chart`) and, with `inner`, its Chart (`SetSourceData`, `ChartType`, titles)."""

    METHODS = frozenset({"SetSourceData", "Delete"})

    def __init__(self, excel: FakeExcel, sheet: SheetCom, chart: Chart, inner: bool = False) -> None:
        super().__init__(excel)
        object.__setattr__(self, "sheet", sheet)
        object.__setattr__(self, "chart", chart)
        object.__setattr__(self, "inner", inner)

    @property
    def path(self) -> str:
        return f"{self.sheet.path}.ChartObjects({self.chart.name!r})" + (".Chart" if self.inner else "")

    def get(self, name: str) -> Any:
        if name == "Chart" and not self.inner:
            return ChartObjectCom(self._excel, self.sheet, self.chart, inner=True)
        if name == "Name" and not self.inner:
            return self.chart.name
        if name == "ChartTitle" and self.inner:
            if not self.chart.has_title:
                raise com_error(-2147352567, "This object has no title.")
            return ChartTitle(self._excel, self)
        if name == "HasTitle" and self.inner:
            return self.chart.has_title
        return super().get(name)

    def put(self, name: str, value: object) -> None:
        if name == "Name" and not self.inner:
            self.chart.name = str(value)
        elif name == "ChartType" and self.inner:
            self.chart.chart_type = value
        elif name == "ChartStyle" and self.inner:
            pass
        elif name == "HasTitle" and self.inner:
            self.chart.has_title = bool(value)
        else:
            super().put(name, value)

    def invoke(self, name: str, args: tuple[object, ...], kwargs: dict[str, object]) -> Any:
        if name == "SetSourceData" and self.inner:
            source = args[0]
            assert isinstance(source, RangeCom)
            self.chart.source = format_address(source.areas, absolute=False)
            return None
        return super().invoke(name, args, kwargs)


class ChartTitle(Dispatch):
    def __init__(self, excel: FakeExcel, chart: ChartObjectCom) -> None:
        super().__init__(excel)
        object.__setattr__(self, "chart", chart)

    @property
    def path(self) -> str:
        return f"{self.chart.path}.ChartTitle"

    def put(self, name: str, value: object) -> None:
        if name != "Text":
            super().put(name, value)
        self.chart.chart.title = str(value)


class Names(Dispatch):
    METHODS = frozenset({"Add"})

    def __init__(self, excel: FakeExcel, book: Workbook) -> None:
        super().__init__(excel)
        object.__setattr__(self, "book", book)

    @property
    def path(self) -> str:
        return f"Workbooks({self.book.name!r}).Names"

    def get(self, name: str) -> Any:
        if name == "Count":
            return len(self.book.names)
        return super().get(name)

    def item(self, *args: object) -> Any:
        (key,) = args
        names = list(self.book.names)
        if isinstance(key, int) and 1 <= key <= len(names):
            return NameCom(self._excel, self.book, names[key - 1])
        if isinstance(key, str) and key in self.book.names:
            return NameCom(self._excel, self.book, key)
        raise com_error(-2147352567)

    def invoke(self, name: str, args: tuple[object, ...], kwargs: dict[str, object]) -> Any:
        assert name == "Add" and len(args) == 2, f"Names.{name}{args}"
        self.book.names[str(args[0])] = str(args[1])
        return NameCom(self._excel, self.book, str(args[0]))


class NameCom(Dispatch):
    METHODS = frozenset({"Delete"})

    def __init__(self, excel: FakeExcel, book: Workbook, name: str) -> None:
        super().__init__(excel)
        object.__setattr__(self, "book", book)
        object.__setattr__(self, "name", name)

    @property
    def path(self) -> str:
        return f"Workbooks({self.book.name!r}).Names({self.name!r})"

    def get(self, name: str) -> Any:
        if name == "Name":
            return self.name
        if name == "RefersTo":
            return self.book.names[self.name]
        return super().get(name)

    def invoke(self, name: str, args: tuple[object, ...], kwargs: dict[str, object]) -> Any:
        if name == "Delete":
            del self.book.names[self.name]
            return None
        return super().invoke(name, args, kwargs)


# ---------------------------------------------------------------- the modules


class _NoCom:
    """What `_xlwindows` wraps in its retry wrapper (`CDispatch`, ...): none of the fakes is one."""


def modules(excel: FakeExcel) -> dict[str, types.ModuleType]:
    """`pywintypes`, `win32api`, `win32con`, `pythoncom`, `win32com(.client)`, `win32gui`,
    `win32process`, `win32timezone`, as `_xlwindows.py` and `_win32patch.py` import them."""

    def module(name: str, **attributes: object) -> types.ModuleType:
        found = types.ModuleType(name)
        found.__dict__.update(attributes)
        return found

    def message_box(hwnd: int, prompt: str, title: str, style: int) -> int:
        excel.alerts.append((title, prompt))
        return 1  # IDOK

    def no_excel(*_: object, **__: object) -> Any:
        raise NotImplementedError("the fake has no Excel process or window: use an App(xl=...)")

    pywintypes = module("pywintypes", com_error=com_error, error=com_error, TimeType=TimeType, IID=str)
    client = module(
        "win32com.client",
        CDispatch=_NoCom,
        CoClassBaseClass=_NoCom,
        DispatchBaseClass=_NoCom,
        Dispatch=lambda found: found,  # the Application the native layer found
        DispatchEx=no_excel,
    )
    return {
        "pywintypes": pywintypes,
        "win32api": module("win32api", MessageBox=message_box, OpenProcess=no_excel),
        "win32con": module(
            "win32con",
            MB_OK=0,
            MB_OKCANCEL=1,
            MB_YESNOCANCEL=3,
            MB_YESNO=4,
            MB_ICONWARNING=0x30,
            MB_ICONINFORMATION=0x40,
        ),
        "pythoncom": module(
            "pythoncom", __file__="pythoncom311.dll", CoInitialize=lambda: None, ole_error=com_error, new=no_excel
        ),
        "win32com": module("win32com", client=client),
        "win32com.client": client,
        "win32gui": module("win32gui", FindWindowEx=lambda *_: HWND + 1),  # Excel's XLDESK / EXCEL7 child windows
        "win32process": module("win32process", GetWindowThreadProcessId=lambda hwnd: (1, HWND)),
        "win32timezone": module(
            "win32timezone", TimeZoneInfo=types.SimpleNamespace(utc=lambda: __import__("datetime").timezone.utc)
        ),
    }


HWND = 4242  # the one Excel window (and process id) the native layer knows


class _Native:
    """`ctypes.oledll` / `windll` / `PyDLL(...)`: any library, any function; `restype` settable.

    Functions answer 0 (S_OK, no window) except the few `_xlwindows` needs to find the one Excel
    window: `GetTopWindow` and `GetForegroundWindow` give HWND, `GetWindow` (the next) none, and
    `PyCom_PyObjectFromIUnknown` the fake `Application` (through `win32com.client.Dispatch`)."""

    restype: object = None

    def __init__(self, excel: FakeExcel, name: str = "") -> None:
        self._excel, self._name = excel, name

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return _Native(self._excel, name)

    def __call__(self, *_: object) -> Any:
        if self._name in ("GetTopWindow", "GetForegroundWindow"):
            return HWND
        if self._name == "PyCom_PyObjectFromIUnknown":
            return self._excel.application
        return 0


def install(monkeypatch: Any, excel: FakeExcel) -> types.ModuleType:
    """Put the fake modules in `sys.modules` (undone by `monkeypatch`) and import `xlwings._xlwindows` afresh."""
    for name, found in modules(excel).items():
        monkeypatch.setitem(sys.modules, name, found)
    monkeypatch.setattr(ctypes, "oledll", _Native(excel), raising=False)
    monkeypatch.setattr(ctypes, "windll", _Native(excel), raising=False)
    monkeypatch.setattr(ctypes, "PyDLL", lambda *_, **__: _Native(excel))
    for name in ("xlwings._xlwindows", "xlwings._win32patch"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    import xlwings

    win = importlib.import_module("xlwings._xlwindows")
    atexit.unregister(win.cleanup)  # it would look for Excel processes with `tasklist` at exit
    monkeypatch.setattr(xlwings, "_xlwindows", win, raising=False)
    monkeypatch.setattr(xlwings.main.engines, "active", xlwings.main.Engine(impl=win.engine))
    return win


def open_book(monkeypatch: Any, workbook: Workbook) -> tuple[Any, FakeExcel]:
    """An `xlwings.Book` over xlwings' real Windows classes, with `workbook` in the fake Excel behind them."""
    import xlwings

    excel = FakeExcel(workbook)
    win = install(monkeypatch, excel)
    return xlwings.Book(impl=win.Book(xl=excel.workbook(workbook))), excel
