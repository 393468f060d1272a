"""Our owned sheets as new parts of a user's package: rendered once by XlsxWriter, then moved in.

The pages (and the ledger) are written into one workbook in memory by the same code as the
report (`addin.files.xlsx_writer.render`, links inside the workbook), under the titles they
get in the user's file, so their links, filters, print titles and chart ranges already name
the right sheets. Each sheet part then moves into the user's package:
* its text cells become inline strings (the user's shared strings part stays as it is);
* its style indexes, and the `dxfId`s of its conditional formats, are mapped onto styles
  added to the user's `styles.xml` (found again, not added twice, on a re-run);
* its drawing and charts get part names free in the user's package, with their relationships;
* its sheet-scoped names (`_xlnm._FilterDatabase`, `_xlnm.Print_Titles`) are returned for the
  workbook part; the sheet is not selected (the workbook opens on the user's sheet as before).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from html import unescape

import xlsxwriter

from addin.core.collector import collector_paused
from addin.files.book_xml import Book, ContentTypes, elements
from addin.files.package import part_target
from addin.files.styles_xml import Styles, attributes
from addin.files.xlsx_rows import FastSheet
from addin.files.xlsx_writer import Formats, render
from addin.pages.page import Page, written


@dataclass
class NewSheet:
    """A sheet this run adds: a page, or plain rows (the ledger)."""

    title: str
    page: Page | None = None
    rows: list[list[object]] = field(default_factory=list)
    hidden: bool = False


@dataclass
class Moved:
    sheets: dict[str, str] = field(default_factory=dict)  # title -> its part in the user's package
    parts: dict[str, bytes] = field(default_factory=dict)  # every new part -> its bytes
    types: dict[str, str] = field(default_factory=dict)  # new part -> content type
    names: list[tuple[str, str, str]] = field(default_factory=list)  # (name, text, sheet title)


def rendered(sheets: list[NewSheet]) -> bytes:
    """One XlsxWriter workbook holding `sheets`, in order."""
    buffer = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False, "in_memory": True}
    book = xlsxwriter.Workbook(buffer, options)
    book.set_properties({"created": datetime(2026, 1, 1)})
    fmt = Formats(book)
    with collector_paused():
        for sheet in sheets:
            ws = book.add_worksheet(sheet.title, FastSheet)
            if sheet.page is not None:
                render(book, ws, fmt, sheet.page, "", links=True)
            for r, row in enumerate(sheet.rows):
                for c, value in enumerate(row):
                    value = written(value)
                    if isinstance(value, str):
                        ws.write_string(r, c, value)
                    elif value is not None:
                        ws.write(r, c, value)
        book.close()
    return buffer.getvalue()


def move(sheets: list[NewSheet], styles: Styles, taken: set[str]) -> Moved:
    """The parts of `sheets` for a package whose part names are `taken`, styles added to `styles`."""
    moved = Moved()
    if not sheets:
        return moved
    with zipfile.ZipFile(io.BytesIO(rendered(sheets))) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    book = Book(parts["xl/workbook.xml"], parts["xl/_rels/workbook.xml.rels"])
    strings = _strings(parts.get("xl/sharedStrings.xml", b""))
    xfs, dxfs = _merged_styles(Styles(parts["xl/styles.xml"]), styles)
    types = ContentTypes(parts["[Content_Types].xml"]).overrides
    titles = [s.attrs.get("name", "") for s in book.sheets]
    renamed: dict[str, str] = {}
    for title, part in book.parts().items():
        new = _free(taken, "xl/worksheets/sheet{}.xml")
        renamed[part] = moved.sheets[title] = new
        for linked in _linked(parts, part):
            renamed.setdefault(linked, _free(taken, re.sub(r"\d+(?=\.xml$)", "{}", linked)))
    for old, new in renamed.items():
        data = parts[old]
        if old.startswith("xl/worksheets/"):
            data = _sheet(data, strings, xfs, dxfs)
        moved.parts[new] = data
        moved.types[new] = types.get(old, "")
        rels = _rels_name(old)
        if rels in parts:
            moved.parts[_rels_name(new)] = _retargeted(parts[rels], old, new, renamed)
    for entry in book.names:
        local = entry.attrs.get("localSheetId")
        if local is not None and local.isdigit() and int(local) < len(titles):
            moved.names.append((entry.attrs.get("name", ""), entry.text, titles[int(local)]))
    return moved


def _strings(xml: bytes) -> list[bytes]:
    """The shared strings as the inner XML of an inline string (`<t>…</t>`, or runs)."""
    return [m.group(1) for m in re.finditer(rb"<si>(.*?)</si>", xml, re.S)]


def _merged_styles(source: Styles, target: Styles) -> tuple[dict[int, int], dict[int, int]]:
    """Cell style index and dxf index maps from the rendered workbook's styles into the user's."""
    p = target.p

    def copied(name: str, item: bytes) -> int:
        return target.add(name, _prefixed(item, p))

    fonts = {i: copied("fonts", f) for i, f in enumerate(source.lists["fonts"].items)}
    fills = {i: copied("fills", f) for i, f in enumerate(source.lists["fills"].items)}
    borders = {i: copied("borders", b) for i, b in enumerate(source.lists["borders"].items)}
    xfs = {}
    for i, xf in enumerate(source.lists["cellXfs"].items):
        attrs = attributes(xf[: xf.find(b">")])
        number = int(attrs.get("numFmtId", "0"))
        attrs["numFmtId"] = str(target.number_format(source.formats[number]) if number in source.formats else number)
        attrs["fontId"] = str(fonts.get(int(attrs.get("fontId", "0")), 0))
        attrs["fillId"] = str(fills.get(int(attrs.get("fillId", "0")), 0))
        attrs["borderId"] = str(borders.get(int(attrs.get("borderId", "0")), 0))
        attrs["xfId"] = "0"
        inner = re.match(rb"<[^>]*?>(.*)</[^>]*>$", xf, re.S) if not xf.endswith(b"/>") else None
        body = _prefixed(inner.group(1), p) if inner else b""
        head = f"<{p}xf" + "".join(f' {k}="{v}"' for k, v in attrs.items())
        xfs[i] = target.add(
            "cellXfs", (head + ">").encode() + body + f"</{p}xf>".encode() if body else (head + "/>").encode()
        )
    dxfs = {i: copied("dxfs", d) for i, d in enumerate(source.lists["dxfs"].items)}
    return xfs, dxfs


def _prefixed(xml: bytes, p: str) -> bytes:
    """Unprefixed elements of the main namespace given the user's prefix `p` (most files have none)."""
    if not p:
        return xml
    return re.sub(rb"<(/?)(?=[A-Za-z_])(?![\w.-]+:)", b"<\\1" + p.encode(), xml)


_EMPTY = (b"<t/>", b"<t></t>", b'<t xml:space="preserve"></t>', b'<t xml:space="preserve"/>')
# The start of a cell as XlsxWriter writes it (`r`, then `s`), and for text the rest: `t="s"` and the string's index.
_CELL = re.compile(rb'<c r="([A-Z]+\d+)"(?: s="(\d+)")?(?: t="s"><v>(\d+)</v></c>)?')
_ROW_STYLE = re.compile(rb'(<(?:row|col)\b[^>]*?\s(?:s|style)=")(\d+)(")')


def _sheet(xml: bytes, strings: list[bytes], xfs: dict[int, int], dxfs: dict[int, int]) -> bytes:
    """A rendered sheet with the user's style indexes and inline strings, in one pass over its cells."""
    styles = {str(k).encode(): str(v).encode() for k, v in xfs.items()}
    inline = [b"/>" if s in _EMPTY else b' t="inlineStr"><is>' + s + b"</is></c>" for s in strings]

    def cell(m: re.Match[bytes]) -> bytes:
        ref, number, text = m.group(1), m.group(2), m.group(3)
        made = b'<c r="' + ref + (b'" s="' + styles.get(number, b"0") + b'"' if number is not None else b'"')
        return made + inline[int(text)] if text is not None else made

    xml = _CELL.sub(cell, xml)
    xml = _ROW_STYLE.sub(lambda m: m.group(1) + styles.get(m.group(2), b"0") + m.group(3), xml)
    xml = re.sub(
        rb'(\sdxfId=")(\d+)(")', lambda m: m.group(1) + str(dxfs.get(int(m.group(2)), 0)).encode() + m.group(3), xml
    )
    return xml.replace(b' tabSelected="1"', b"")


def _rels_name(part: str) -> str:
    return posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")


def _linked(parts: dict[str, bytes], part: str) -> list[str]:
    """Every part reachable from `part` through relationships (drawings, charts, their styles)."""
    found: list[str] = []
    todo = [part]
    while todo:
        current = todo.pop()
        rels = parts.get(_rels_name(current))
        if rels is None:
            continue
        for _, _, entry in elements(rels, "Relationship"):
            target = part_target(current, entry.attrs.get("Target", ""))
            if entry.attrs.get("TargetMode") != "External" and target in parts and target not in found:
                found.append(target)
                todo.append(target)
    return found


def _retargeted(rels: bytes, old: str, new: str, renamed: dict[str, str]) -> bytes:
    def target(m: re.Match[bytes]) -> bytes:
        pointed = part_target(old, unescape(m.group(2).decode()))
        if pointed not in renamed:
            return m.group()
        relative = posixpath.relpath(renamed[pointed], posixpath.dirname(new))
        return m.group(1) + relative.encode() + m.group(3)

    return re.sub(rb'(\sTarget=")([^"]*)(")', target, rels)


def _free(taken: set[str], pattern: str) -> str:
    """The first part name `pattern` (with `{}` for a number) not taken; it is taken from now on."""
    n = 1
    while pattern.format(n) in taken:
        n += 1
    taken.add(pattern.format(n))
    return pattern.format(n)
