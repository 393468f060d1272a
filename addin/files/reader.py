"""Read a workbook's sheets as grids of cached values, fast, and say clearly why a file cannot be read.

python-calamine reads the values (about five times faster than openpyxl read-only here). It
returns `''` for error cells, so the sheet XML is scanned once for cells of type `e` and those
cells become `CellError("#N/A")`. Grids start at A1, so list positions are row/column numbers - 1.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import cast
from xml.etree import ElementTree

from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from addin.core.schema import OWNED_PREFIX
from addin.core.values import CellError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")


class FileError(Exception):
    """A file that cannot be processed; the message is one line a user understands."""


@dataclass
class Loaded:
    path: Path
    sheets: dict[str, list[list[object]]]
    date1904: bool
    owned: frozenset[str] = frozenset()  # sheets the add-in wrote; never read as data


def classify(path: Path) -> None:
    """Raise `FileError` for a file that is missing, locked, encrypted, legacy or not Excel."""
    if not path.exists():
        raise FileError("not found")
    if path.is_dir():
        raise FileError("is a folder, not an Excel file")
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
            rest = handle.read() if head == OLE_MAGIC else b""
    except PermissionError:
        raise FileError("locked by another program (or no permission to read it)") from None
    if head == OLE_MAGIC:
        if "EncryptedPackage".encode("utf-16-le") in rest:
            raise FileError("encrypted (password-protected); save an unprotected copy first")
        raise FileError("legacy .xls (Excel 97-2003) format; save it as .xlsx in Excel first")
    if not head.startswith(ZIP_MAGIC):
        raise FileError("not an Excel file (.xlsx/.xlsm expected)")
    if path.suffix.lower() not in EXCEL_SUFFIXES:
        raise FileError(f"'{path.suffix}' files are not supported (.xlsx/.xlsm expected)")


def part_target(source: str, target: str) -> str:
    """Where a relationship of part `source` points inside the zip: absolute, or relative to its folder."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def sheet_parts(archive: zipfile.ZipFile, book: ElementTree.Element) -> dict[str, str]:
    """Worksheet name -> part path inside the zip (chart sheets are left out)."""
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {
        r.get("Id"): r.get("Target", "")
        for r in rels.findall("rel:Relationship", _NS)
        if r.get("Type", "").endswith("/worksheet")
    }
    parts = {}
    for sheet in book.iterfind("m:sheets/m:sheet", _NS):
        target = targets.get(sheet.get(f"{{{_NS['r']}}}id"))
        if target is not None:
            parts[sheet.get("name", "")] = part_target("xl/workbook.xml", target)
    return parts


def book_facts(book: ElementTree.Element) -> tuple[bool, frozenset[str]]:
    """The 1904 date system flag, and the sheets our defined names mark as owned."""
    pr = book.find("m:workbookPr", _NS)
    date1904 = pr is not None and pr.get("date1904", "0").lower() in ("1", "true")
    owned = set()
    for name in book.iterfind("m:definedNames/m:definedName", _NS):
        if name.get("name", "").startswith(OWNED_PREFIX) and name.text and "!" in name.text:
            owned.add(name.text.rsplit("!", 1)[0].strip("'").replace("''", "'"))
    return date1904, frozenset(owned)


def error_cells(xml: bytes) -> dict[tuple[int, int], CellError]:
    """(row, column) 1-based -> error value, for every `t="e"` cell of a sheet's XML."""
    found: dict[tuple[int, int], CellError] = {}
    start = 0
    while (pos := xml.find(b't="e"', start)) != -1:
        start = pos + 5
        tag_start = xml.rfind(b"<c ", 0, pos)
        tag_end = xml.find(b">", pos)
        ref = _CELL_REF.search(xml, tag_start, tag_end)
        if tag_start == -1 or ref is None:
            continue
        close = xml.find(b"</c>", tag_end)
        value = _VALUE.search(xml, tag_end, close if close != -1 else len(xml))
        column = 0
        for letter in ref.group(1):
            column = column * 26 + letter - 64
        found[(int(ref.group(2)), column)] = CellError(value.group(1).decode() if value else "#VALUE!")
    return found


def _grid(workbook: CalamineWorkbook, name: str) -> list[list[object]]:
    # Widened, not converted: `load` then puts `CellError`s into the rows, which calamine's cell type leaves out.
    return cast(list[list[object]], workbook.get_sheet_by_name(name).to_python(skip_empty_area=False))


def load(path: Path) -> Loaded:
    """Every worksheet as a grid from A1, with error cells marked; `FileError` if unreadable."""
    classify(path)
    try:
        with zipfile.ZipFile(path) as archive:
            book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            parts = sheet_parts(archive, book)
            date1904, owned = book_facts(book)
            errors = {
                name: error_cells(archive.read(part)) for name, part in parts.items() if part in archive.NameToInfo
            }
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, EOFError, ValueError) as exc:
        raise FileError(f"corrupt or incomplete workbook ({exc.__class__.__name__}: {exc})") from None
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheets = {name: _grid(workbook, name) for name in workbook.sheet_names if name in parts}
    except PasswordError:
        raise FileError("encrypted (password-protected); save an unprotected copy first") from None
    except (CalamineError, ValueError) as exc:
        raise FileError(f"corrupt workbook ({exc})") from None
    for name, found in errors.items():
        grid = sheets.get(name)
        for (row, column), error in found.items():
            if grid is not None and row <= len(grid) and column <= len(grid[row - 1]):
                grid[row - 1][column - 1] = error
    return Loaded(path, sheets, date1904, owned)


def excel_lock_file(path: Path) -> Path | None:
    """Excel's `~$name.xlsx` owner file beside a workbook that is open in Excel, if any."""
    for candidate in (path.with_name("~$" + path.name), path.with_name("~$" + path.name[2:])):
        if candidate.exists() and candidate != path:
            return candidate
    return None
