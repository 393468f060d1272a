"""The openpyxl round trip of `--annotate`/`--in-place`, made to keep what openpyxl alone would not.

* **Warnings are refusals.** openpyxl warns, and goes on, when it will drop or change something
  (an unsupported extension "will be removed", an image format it drops). Each such warning
  refuses the file with its own text; only "no default style" is harmless (openpyxl adds Excel's default).
* **Formulas keep their cached values.** openpyxl writes a formula with an empty value, so the next
  reader of the file (ours, or any that does not recalculate) would see a blank. After the save,
  each formula cell of a user's sheet gets back the cached value and type it had in the input.
* **Rich text stays rich**: cells are loaded with `rich_text=True`.
* **Dates stay the numbers they are.** openpyxl turns a number in a date-formatted cell into a
  `datetime` (rounded to the microsecond, or `#VALUE!` past year 9999) and back into a serial on
  save, which changes the double (`6923-04-10 12:26:21.028` came back a millisecond early). Here
  it loads them as the numbers they are, so they are saved with the same digits and format.
* **Numbers keep every digit.** openpyxl writes numbers with `%.16g`, which changes a double
  that needs 17 digits (`-329052.31286241696` would come back as `-329052.312862417`, the
  largest double as `-inf`); during our save its writer formats numbers with `repr`, the shortest
  text that reads back as the same double. A cell holding NaN or infinity (no Excel writes one)
  refuses the rewrite, since openpyxl would write it empty.
* An empty text cell (`''`) comes back as an empty cell: no reader, ours or Excel, tells them apart.
"""

from __future__ import annotations

import functools
import math
import os
import re
import warnings
import zipfile
from pathlib import Path
from xml.etree import ElementTree
from xml.sax.saxutils import escape

import openpyxl
import openpyxl.cell._writer
import openpyxl.reader.excel
from openpyxl.workbook.workbook import Workbook

from addin.files.package import FileError, sheet_parts

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_HARMLESS = ("no default style",)
Caches = dict[str, tuple[str, str]]  # cell reference -> (type, cached value text) of a formula cell


def load_for_rewrite(path: Path) -> Workbook:
    """The workbook as openpyxl loads it; `FileError` when openpyxl says it would lose or change anything."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        setattr(_READER, "apply_stylesheet", _numbers_stay_numbers)  # noqa: B010
        try:
            wb = openpyxl.load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm", keep_links=True, rich_text=True)
        except (KeyError, ValueError, TypeError, IndexError, AttributeError, ElementTree.ParseError) as exc:
            raise FileError(f"not modified: openpyxl cannot load it ({exc.__class__.__name__}: {exc})") from None
        finally:
            setattr(_READER, "apply_stylesheet", _apply_stylesheet)  # noqa: B010
    lost = [str(w.message) for w in caught if not any(h in str(w.message) for h in _HARMLESS)]
    if lost:
        raise FileError(f"not modified: saving it with openpyxl would change it ({lost[0]}); use the report instead")
    return wb


_READER = openpyxl.reader.excel  # the module whose stylesheet step load_for_rewrite wraps
_apply_stylesheet = getattr(_READER, "apply_stylesheet")  # noqa: B009 - untyped in the stubs


def _numbers_stay_numbers(archive: zipfile.ZipFile, wb: Workbook) -> object:
    """openpyxl's stylesheet step, then no number format counts as a date while the sheets are read."""
    applied = _apply_stylesheet(archive, wb)
    for formats in ("_date_formats", "_timedelta_formats"):  # read only by the sheet reader; untyped in the stubs
        setattr(wb, formats, set())
    return applied


def _exact_number(value: object) -> str:
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # past 2**53 too: -18506107250113136 stays itself
    return str(_openpyxl_text(value))


_WRITER = openpyxl.cell._writer  # noqa: SLF001 - the module whose number formatting save_exactly swaps
_openpyxl_text = getattr(_WRITER, "safe_string")  # noqa: B009 - untyped in the stubs


def save_exactly(wb: Workbook, target: Path) -> None:
    """`wb.save(target)` with numbers written to the last digit (see the module's note)."""
    for ws in wb.worksheets:
        for cell in ws._cells.values():  # noqa: SLF001 - the loaded cells only (iter_rows would fill the box)
            if isinstance(cell.value, float) and not math.isfinite(cell.value):
                raise FileError(
                    f"not modified: {ws.title}!{cell.coordinate} holds {cell.value}, which openpyxl would save "
                    "empty; use the report instead"
                )
    setattr(_WRITER, "safe_string", _exact_number)  # noqa: B010
    try:
        wb.save(target)
    finally:
        setattr(_WRITER, "safe_string", _openpyxl_text)  # noqa: B010


def formula_caches(path: Path, owned: frozenset[str]) -> dict[str, Caches]:
    """User sheet name -> its formula cells' cached values, read from the input before it is rewritten."""
    found: dict[str, Caches] = {}
    with zipfile.ZipFile(path) as archive:
        for name, part in _parts(archive).items():
            if name not in owned and part in archive.NameToInfo and b"<f" in (data := archive.read(part)):
                found[name] = _caches(data)
    return found


def _parts(archive: zipfile.ZipFile) -> dict[str, str]:
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    return sheet_parts(ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels")), book)


def _caches(xml: bytes) -> Caches:
    caches: Caches = {}
    for _, cell in ElementTree.iterparse(_Bytes(xml)):
        if cell.tag != f"{_MAIN}c":
            if cell.tag == f"{_MAIN}row":
                cell.clear()
            continue
        value = cell.find(f"{_MAIN}v")
        if cell.find(f"{_MAIN}f") is not None and value is not None and value.text is not None:
            caches[cell.get("r", "")] = (cell.get("t", "n"), value.text)
    return caches


class _Bytes:
    """A file-like view of bytes for iterparse (without copying them into a BytesIO)."""

    def __init__(self, data: bytes) -> None:
        self.data, self.position = memoryview(data), 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.position + size
        chunk = bytes(self.data[self.position : end])
        self.position += len(chunk)
        return chunk


_EMPTY_FORMULA = re.compile(rb'<c r="([A-Z]{1,3}\d+)"([^>]*)>(<f\b[^>]*?(?:/>|>[^<]*</f>))<v(?:\s*/>|></v>)</c>')


def restore_caches(saved: Path, caches: dict[str, Caches]) -> None:
    """Put the input's cached values back into the formula cells openpyxl saved empty (the zip is rewritten)."""
    if not caches:
        return
    with zipfile.ZipFile(saved) as archive:
        parts = {part: caches[name] for name, part in _parts(archive).items() if name in caches}
        rewritten = saved.with_name(saved.name + ".cached")
        with zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as out:
            for info in archive.infolist():
                data = archive.read(info)
                if info.filename in parts:
                    data = _EMPTY_FORMULA.sub(functools.partial(_filled, caches=parts[info.filename]), data)
                out.writestr(info, data)
    os.replace(rewritten, saved)


def _filled(match: re.Match[bytes], caches: Caches) -> bytes:
    cached = caches.get(match.group(1).decode())
    if cached is None:
        return match.group()
    kind, text = cached
    typed = f' t="{kind}"'.encode() if kind in ("str", "b", "e") else b""
    value = escape(text).encode()
    return (
        b'<c r="'
        + match.group(1)
        + b'"'
        + match.group(2)
        + typed
        + b">"
        + match.group(3)
        + b"<v>"
        + value
        + b"</v></c>"
    )
