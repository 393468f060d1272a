"""Read a workbook's sheets as grids of cached values, fast, and say clearly why a file cannot be read.

The package is checked first (`addin.files.package`: limits, compression, encodings, the error
cells). python-calamine then reads the values (about five times faster than openpyxl read-only
here); it returns `''` for error cells, so those found in the sheet XML become `CellError("#N/A")`.
Grids start at A1, so list positions are row/column numbers - 1.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import cast
from xml.etree import ElementTree

from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from addin.core.schema import OWNED_PREFIX
from addin.files.limits import DEFAULT, Limits
from addin.files.package import FileError, Package, open_package, sheet_parts

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


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


def book_facts(book: ElementTree.Element) -> tuple[bool, frozenset[str]]:
    """The 1904 date system flag, and the sheets our defined names mark as owned."""
    pr = book.find("m:workbookPr", _NS)
    date1904 = pr is not None and pr.get("date1904", "0").lower() in ("1", "true")
    owned = set()
    for name in book.iterfind("m:definedNames/m:definedName", _NS):
        if name.get("name", "").startswith(OWNED_PREFIX) and name.text and "!" in name.text:
            owned.add(name.text.rsplit("!", 1)[0].strip("'").replace("''", "'"))
    return date1904, frozenset(owned)


def _grid(workbook: CalamineWorkbook, name: str) -> list[list[object]]:
    # Widened, not converted: `load` then puts `CellError`s into the rows, which calamine's cell type leaves out.
    return cast(list[list[object]], workbook.get_sheet_by_name(name).to_python(skip_empty_area=False))


def load(path: Path, limits: Limits = DEFAULT) -> Loaded:
    """Every worksheet as a grid from A1, with error cells marked; `FileError` if unreadable or over a limit."""
    classify(path)
    package = open_package(path, limits)
    try:
        book = ElementTree.fromstring(package.xml["xl/workbook.xml"])
        rels = ElementTree.fromstring(package.xml["xl/_rels/workbook.xml.rels"])
    except ElementTree.ParseError as exc:
        raise FileError(f"corrupt: the workbook part is not valid XML ({exc})") from None
    if book.tag.startswith("{http://purl.oclc.org/ooxml/"):
        raise FileError("a Strict Open XML workbook, which is not supported; save it as 'Excel Workbook (.xlsx)' first")
    parts = sheet_parts(rels, book)  # the package checked these parse
    date1904, owned = book_facts(book)
    sheets = _read_values(path, package, parts)
    for name, part in parts.items():
        grid, measured = sheets.get(name), package.sheets.get(part)
        if grid is None or measured is None:
            continue
        for (row, column), error in measured.errors.items():
            if row <= len(grid) and column <= len(grid[row - 1]):
                grid[row - 1][column - 1] = error
    return Loaded(path, sheets, date1904, owned)


def _read_values(path: Path, package: Package, parts: dict[str, str]) -> dict[str, list[list[object]]]:
    """calamine's grids of the worksheets; any failure of the reader is the file's `FileError`."""
    try:
        if package.converted is None:
            workbook = CalamineWorkbook.from_path(str(path))
        else:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(package.converted))
        return {name: _grid(workbook, name) for name in workbook.sheet_names if name in parts}
    except PasswordError:
        raise FileError("encrypted (password-protected); save an unprotected copy first") from None
    except CalamineError as exc:
        raise FileError(f"corrupt workbook ({exc})") from None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - the native reader's panics are BaseExceptions; each is this file's failure
        raise FileError(f"the reader failed on this file ({exc.__class__.__name__}: {exc})") from None


def excel_lock_file(path: Path) -> Path | None:
    """Excel's `~$name.xlsx` owner file beside a workbook that is open in Excel, if any."""
    for candidate in (path.with_name("~$" + path.name), path.with_name("~$" + path.name[2:])):
        if candidate.exists() and candidate != path:
            return candidate
    return None
