"""The zip package of a workbook, checked before any reader parses it (`addin.files.limits`).

Every entry is unpacked once here, in chunks and against the limits: its compression method
(stored or deflated, what Excel writes), the encryption flag, its unpacked size and packing
ratio, its checksum. XML parts must be UTF-8 (another declared encoding, UTF-16 included, is
converted here, and the readers then get the converted package) and carry no document type
declaration. Sheets are then measured without parsing: the box their values span (which is
what python-calamine allocates; a sheet's declared `<dimension>` is never used), the longest
text, and the error cells (calamine reads those as blank). A problem is a `FileError` whose one
line names the part and the limit.
"""

from __future__ import annotations

import codecs
import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from xml.etree import ElementTree

from addin.core.values import CellError
from addin.files.limits import MB, Limits

REQUIRED = ("[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels")
_METHODS = {9: "Deflate64", 12: "bzip2", 14: "LZMA", 93: "Zstandard", 95: "xz", 98: "PPMd", 99: "AES"}
_CHUNK = 1 << 20
_RATIO_FROM = 16 * MB  # small parts may pack very well (a sheet of blanks); the ratio limit starts here
_XML = (".xml", ".rels", ".vml")
_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


class FileError(Exception):
    """A file that cannot be processed; the message is one line a user understands."""


@dataclass
class Sheet:
    rows: int  # the last row and column that hold a value (an upper bound)
    columns: int
    errors: dict[tuple[int, int], CellError]


@dataclass
class Package:
    xml: dict[str, bytes]  # the workbook's own parts (workbook, its relationships)
    sheets: dict[str, Sheet]  # part name -> measures
    converted: bytes | None  # the whole package again, when some part had to be converted to UTF-8


def part_target(source: str, target: str) -> str:
    """Where a relationship of part `source` points inside the zip: absolute, or relative to its folder."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def sheet_parts(rels: ElementTree.Element, book: ElementTree.Element) -> dict[str, str]:
    """Worksheet name -> part path inside the zip (chart sheets are left out), from workbook.xml and its rels."""
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


def open_package(path: Path, limits: Limits) -> Package:
    """Check every entry of the package against `limits`; `FileError` names the first one that fails."""
    size = path.stat().st_size
    if size > limits.file_mb * MB:
        raise FileError(f"over limits.file_mb: the file is {size // MB} MB (limit {limits.file_mb} MB)")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        raise FileError(f"corrupt: not a readable zip package ({exc})") from None
    with archive:
        infos = _entries(archive, limits)
        return _unpack(archive, infos, limits)


def _entries(archive: zipfile.ZipFile, limits: Limits) -> list[zipfile.ZipInfo]:
    infos = [i for i in archive.infolist() if not i.is_dir()]
    names = {i.filename for i in infos}
    for name in REQUIRED:
        if name not in names:
            raise FileError(f"corrupt or incomplete workbook: the part {name} is missing")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise FileError(f"the part {info.filename} is encrypted inside the zip; save an unprotected copy in Excel")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            method = _METHODS.get(info.compress_type, f"method {info.compress_type}")
            raise FileError(
                f"the part {info.filename} uses {method} compression, which Excel does not write; "
                "open the file in Excel and save it again"
            )
        _check_size(info.filename, info.file_size, limits)
        total += info.file_size
    if total > limits.total_mb * MB:
        raise FileError(f"over limits.total_mb: the parts unpack to {total // MB} MB (limit {limits.total_mb} MB)")
    return infos


def _check_size(name: str, size: int, limits: Limits) -> None:
    if size > limits.part_mb * MB:
        raise FileError(f"over limits.part_mb: the part {name} unpacks to {size // MB} MB (limit {limits.part_mb} MB)")


def _unpack(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: Limits) -> Package:
    package = Package({}, {}, None)
    converted: dict[str, bytes] = {}
    total = 0
    labels: dict[str, str] = {}  # sheet part -> "sheet 'Name'" for messages
    infos = sorted(infos, key=lambda i: i.filename not in REQUIRED)  # the workbook's own parts first
    for info in infos:
        data = _inflate(archive, info, limits)
        total += len(data)
        if total > limits.total_mb * MB:
            raise FileError(f"over limits.total_mb: the parts unpack to over {limits.total_mb} MB")
        name = info.filename
        if name.lower().endswith(_XML):
            utf8 = as_utf8(name, data)
            if utf8 is not data:
                converted[name] = utf8
            data = utf8
            if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:4096]:
                raise FileError(f"refused: the part {name} declares a document type (XML entities are not allowed)")
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            package.sheets[name] = measure(labels.get(name, name), data, limits)
        elif name == "xl/sharedStrings.xml":
            _check_shared_strings(data, limits)
        elif name in REQUIRED[1:]:
            package.xml[name] = data
            if len(package.xml) == 2:
                labels = _sheet_labels(package.xml)
                missing = [label for part, label in labels.items() if part not in archive.NameToInfo]
                if missing:
                    raise FileError(f"corrupt or incomplete workbook: the part of {missing[0]} is missing")
    if converted:
        package.converted = _rebuilt(archive, infos, converted)
    return package


def _sheet_labels(xml: dict[str, bytes]) -> dict[str, str]:
    try:
        book = ElementTree.fromstring(xml["xl/workbook.xml"])
        rels = ElementTree.fromstring(xml["xl/_rels/workbook.xml.rels"])
    except ElementTree.ParseError as exc:
        raise FileError(f"corrupt: the workbook part is not valid XML ({exc})") from None
    return {part: f"sheet '{name}'" for name, part in sheet_parts(rels, book).items()}


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> bytes:
    """One entry unpacked in chunks, stopped as soon as it passes the size or ratio limit."""
    cap = limits.part_mb * MB
    ratio_cap = max(_RATIO_FROM, limits.ratio * max(info.compress_size, 1))
    chunks, size = [], 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > cap:
                    raise FileError(f"over limits.part_mb: the part {info.filename} unpacks to over {cap // MB} MB")
                if size > ratio_cap:
                    raise FileError(
                        f"over limits.ratio: the part {info.filename} unpacks to over {limits.ratio} times "
                        "its packed size (a zip bomb?)"
                    )
                chunks.append(chunk)
    except zlib.error as exc:
        raise FileError(f"corrupt: the part {info.filename} cannot be unpacked ({exc})") from None
    except zipfile.BadZipFile as exc:
        raise FileError(f"corrupt: the part {info.filename} is damaged ({exc})") from None
    except (EOFError, OSError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise FileError(f"corrupt: the part {info.filename} cannot be read ({exc or exc.__class__.__name__})") from None
    return b"".join(chunks)


def as_utf8(name: str, data: bytes) -> bytes:
    """The part as UTF-8 (the same object when it already is); `FileError` when it cannot be decoded."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or data[:2] in (b"<\x00", b"\x00<"):
        encoding = "utf-16" if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else _utf16_order(data)
    else:
        declared = _DECLARED.match(data.removeprefix(codecs.BOM_UTF8))
        encoding = declared.group(1).decode().lower() if declared else "utf-8"
        if encoding.replace("-", "").replace("_", "") in ("utf8", "ascii", "usascii"):
            return data
    try:
        text = data.decode(encoding)
    except (LookupError, UnicodeDecodeError) as exc:
        raise FileError(f"corrupt: the part {name} is not valid {encoding} text ({exc})") from None
    text = text.removeprefix("\ufeff")
    text = re.sub(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*)["'][^"']*["']""", r'\1"UTF-8"', text, count=1)
    return text.encode("utf-8")


def _utf16_order(data: bytes) -> str:
    return "utf-16-le" if data[:2] == b"<\x00" else "utf-16-be"


def _rebuilt(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], converted: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in infos:
            out.writestr(info.filename, converted.get(info.filename) or archive.read(info))
    return buffer.getvalue()


def _prefix(xml: bytes) -> bytes:
    """The namespace prefix of the root element (`x:` in files some .NET libraries write), or b""."""
    root = re.search(rb"<([A-Za-z_][\w.-]*:)?worksheet\b", xml[:8192])
    return root.group(1) or b"" if root else b""


def measure(name: str, xml: bytes, limits: Limits) -> Sheet:
    """A sheet's value box and error cells; `FileError` over `limits.cells` or `limits.text`."""
    p = _prefix(xml)
    rows, columns = _quick_box(xml, p)
    if rows * columns > limits.cells:
        rows, columns = _exact_box(xml)
    if rows * columns > limits.cells:
        raise FileError(
            f"over limits.cells: values in {name} span {rows:,} rows × {columns:,} columns "
            f"(limit {limits.cells:,} cells); delete the stray cells far from the data (Ctrl+End finds them)"
        )
    _check_text(name, xml, limits)
    return Sheet(rows, columns, error_cells(xml, p))


_LETTERS = {n: re.compile(rb' r="([A-Z]{%d})\d' % n) for n in (3, 2)}  # noqa: UP031 (bytes)


def _quick_box(xml: bytes, p: bytes) -> tuple[int, int]:
    """An upper bound of the value box from literal scans only: row numbers, the widest column
    letters, and one more row or column for each element without a reference."""
    numbered = re.findall(b"<" + re.escape(p) + rb'row r="(\d+)"', xml)
    rows = xml.count(b"<" + p + b"row")  # <rowBreaks> counts too: a bound may be high, never low
    cells = xml.count(b"<" + p + b"c")  # and <cols>, <col>, <conditionalFormatting>
    last = max(map(int, numbered), default=0) + max(0, rows - len(numbered))
    with_ref = xml.count(b' r="') - len(numbered)
    columns = 26 + max(0, cells - with_ref)  # cells without a reference are placed one after another
    for pattern in _LETTERS.values():
        found = set(pattern.findall(xml))
        if found:
            columns = max(columns, max(column_number(c) for c in found))
            break
    return last, columns


_VALUE_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\b([^>]*?)(/?)>")
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')


def _exact_box(xml: bytes) -> tuple[int, int]:
    """The value box cell by cell (slow: only when the quick bound is over the limit); empty cells do not count."""
    rows = columns = unplaced = 0
    for match in _VALUE_CELL.finditer(xml):
        if match.group(2):
            continue  # <c r="XFD1048576" s="1"/>: formatting only
        content = xml[match.end() : xml.find(b"</", match.end())]
        if b"v>" not in content and b"is>" not in content and b"f" not in content:
            continue  # <c r="XFD1048576" s="1"></c> (openpyxl writes formatted cells so): formatting only
        ref = _CELL_REF.search(match.group(1))
        if ref is None:
            unplaced += 1
            continue
        columns = max(columns, column_number(ref.group(1)))
        rows = max(rows, int(ref.group(2)))
    return rows + unplaced, columns + unplaced


def column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _check_text(name: str, xml: bytes, limits: Limits) -> None:
    long_run = re.compile(rb">[^<]{%d,}<" % (limits.text + 1))  # noqa: UP031 (bytes)
    for match in long_run.finditer(xml):
        length = len(unescape(match.group()[1:-1].decode("utf-8", "replace")))
        if length > limits.text:
            raise FileError(
                f"over limits.text: a cell of {name} holds {length:,} characters (limit {limits.text:,}, Excel's own)"
            )


def _check_shared_strings(xml: bytes, limits: Limits) -> None:
    if not re.search(rb">[^<]{%d,}" % (limits.text + 1), xml) and len(xml) < limits.text:  # noqa: UP031
        return
    for item in re.split(rb"<(?:[A-Za-z_][\w.-]*:)?si>", xml):
        if len(item) <= limits.text:
            continue
        texts = re.findall(rb"<(?:[A-Za-z_][\w.-]*:)?t(?:\s[^>]*)?>([^<]*)<", item)
        length = sum(len(unescape(t.decode("utf-8", "replace"))) for t in texts)
        if length > limits.text:
            raise FileError(
                f"over limits.text: a shared string holds {length:,} characters (limit {limits.text:,}, Excel's own)"
            )


def error_cells(xml: bytes, p: bytes = b"") -> dict[tuple[int, int], CellError]:
    """(row, column) 1-based -> error value, for every `t="e"` cell of a sheet's XML."""
    found: dict[tuple[int, int], CellError] = {}
    value = re.compile(rb"<" + re.escape(p) + rb"v>([^<]*)</" + re.escape(p) + rb"v>")
    opening, closing = b"<" + p + b"c ", b"</" + p + b"c>"
    start = 0
    while (pos := xml.find(b't="e"', start)) != -1:
        start = pos + 5
        tag_start = xml.rfind(opening, 0, pos)
        tag_end = xml.find(b">", pos)
        ref = _CELL_REF.search(xml, tag_start, tag_end) if tag_start != -1 else None
        if ref is None:
            continue
        close = xml.find(closing, tag_end)
        text = value.search(xml, tag_end, close if close != -1 else len(xml))
        error = text.group(1).decode("utf-8", "replace") if text else "#VALUE!"
        found[(int(ref.group(2)), column_number(ref.group(1)))] = CellError(error)
    return found
