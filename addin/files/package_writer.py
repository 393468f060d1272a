"""Write what a `PackageCanvas` recorded as a new package: the changed parts new, the rest as it was.

Each part of the input that this run does not change is copied with its bytes (and its zip
entry's name, time and compression) as they are: pivot tables, slicers, charts, drawings,
media, tables, VBA, the ribbon, custom XML, other sheets, the shared strings. Parts that change:
the edited sheets (and their notes' comments and VML parts and relationships), `styles.xml`,
the workbook part and its relationships, `[Content_Types].xml`. Our old owned sheets go with
the parts only they used (their drawings and charts); the calculation chain goes only when it
lists cells of such a sheet (Excel rebuilds it).

Refused, one line each, before anything is written: a sheet we would edit that is protected
(`sheetProtection`: the user locked it), or that holds a pivot table (its cells are the pivot's).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

from addin.files.book_xml import ContentTypes, elements
from addin.files.notes_xml import idmap_blocks
from addin.files.owned_parts import move
from addin.files.package import FileError, part_target
from addin.files.package_canvas import COMMENTS_REL, VML_REL, PackageCanvas, sheet_rels

COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_TYPE = "application/vnd.openxmlformats-officedocument.vmlDrawing"
PIVOT_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/pivotTable"
_AFTER_LEGACY = ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts")


class Changes:
    """Parts replaced, added and removed, and the content types the new ones need."""

    def __init__(self, canvas: PackageCanvas) -> None:
        self.canvas = canvas
        self.replaced: dict[str, bytes] = {}
        self.added: dict[str, bytes] = {}
        self.removed: set[str] = set()
        self.types: dict[str, str] = {}
        self.taken = set(canvas.archive.NameToInfo)

    def read(self, part: str) -> bytes:
        if part in self.replaced:
            return self.replaced[part]
        if part in self.added:
            return self.added[part]
        return self.canvas.read_part(part)

    def free(self, pattern: str) -> str:
        n = 1
        while pattern.format(n) in self.taken:
            n += 1
        self.taken.add(pattern.format(n))
        return pattern.format(n)


def save(canvas: PackageCanvas, target: Path) -> None:
    """Write the edited package to `target` (a new file)."""
    changes = Changes(canvas)
    for title in _edited(canvas):
        _refuse(canvas, title)
    _drop_sheets(canvas, changes)
    for title in _edited(canvas):
        _sheet(canvas, changes, title)
    moved = move(list(canvas.new.values()), canvas.styles, changes.taken)
    changes.added.update(moved.parts)
    changes.types.update(moved.types)
    canvas.book.added = [(s.title, moved.sheets[s.title], s.hidden) for s in canvas.new.values()]
    canvas.book.new_names += [(name, text, scope) for name, text, scope in moved.names]
    changes.replaced["xl/workbook.xml"] = canvas.book.workbook_saved()
    changes.replaced["xl/_rels/workbook.xml.rels"] = canvas.book.rels_saved()
    changes.replaced[canvas.styles_part] = canvas.styles.saved()
    types = ContentTypes(canvas.read_part("[Content_Types].xml"))
    defaults = {"vml": VML_TYPE} if any(p.endswith(".vml") for p in changes.added) else {}
    changes.replaced["[Content_Types].xml"] = types.saved(changes.removed, changes.types, defaults)
    _write(canvas, changes, target)


def _edited(canvas: PackageCanvas) -> list[str]:
    titles = (
        set(canvas.values)
        | set(canvas.styles_of)
        | set(canvas.col_widths)
        | {t for t, n in canvas.notes_of.items() if n.changed}
    )
    return [t for t in canvas.book.titles() if t in titles and t not in canvas.new]


def _refuse(canvas: PackageCanvas, title: str) -> None:
    xml = canvas.sheet(title).xml
    protection = re.search(rb"<(?:[\w.-]+:)?sheetProtection\b[^>]*>", xml)
    if protection and re.search(rb"""\ssheet\s*=\s*["'](1|true)["']""", protection.group()):
        raise FileError(f"not modified: the sheet '{title}' is protected; unprotect it in Excel, or use the report")
    rels = sheet_rels(canvas.parts[title])
    if rels in canvas.archive.NameToInfo and PIVOT_REL.encode() in canvas.read_part(rels):
        raise FileError(f"not modified: the sheet '{title}' holds a pivot table, whose cells we must not write")


def _related(changes: Changes, part: str) -> set[str]:
    rels = sheet_rels(part) if "/" in part else f"_rels/{part}.rels"
    if rels not in changes.canvas.archive.NameToInfo:
        return set()
    linked = {rels}
    for _, _, e in elements(changes.canvas.read_part(rels), "Relationship"):
        if e.attrs.get("TargetMode") != "External" and e.attrs.get("Target"):
            linked.add(part_target(part, e.attrs["Target"]))
    return linked


def _reachable(changes: Changes, roots: set[str]) -> set[str]:
    seen, todo = set(), list(roots)
    while todo:
        part = todo.pop()
        if part not in seen:
            seen.add(part)
            todo.extend(_related(changes, part) - seen)
    return seen


def _drop_sheets(canvas: PackageCanvas, changes: Changes) -> None:
    """Our old owned sheets, and the parts only they used, leave the package."""
    dropped = {canvas.parts[t] for t in canvas.book.dropped if t in canvas.parts}
    if not dropped:
        return
    others = {
        part_target("xl/workbook.xml", e.attrs.get("Target", ""))
        for e in canvas.book.rels
        if part_target("xl/workbook.xml", e.attrs.get("Target", "")) not in dropped
    }
    gone = _reachable(changes, dropped) - _reachable(changes, others) - {"xl/workbook.xml"}
    changes.removed |= gone & set(canvas.archive.NameToInfo)
    changes.taken -= changes.removed
    ids = {s.attrs.get("sheetId", "") for s in canvas.book.sheets if s.attrs.get("name") in canvas.book.dropped}
    if "xl/calcChain.xml" in canvas.archive.NameToInfo:
        chain = canvas.read_part("xl/calcChain.xml")
        if any(re.search(rb"""\si\s*=\s*["']""" + i.encode() + rb"""["']""", chain) for i in ids):
            changes.removed.add("xl/calcChain.xml")
            canvas.book.drop_rel("xl/calcChain.xml")


def _sheet(canvas: PackageCanvas, changes: Changes, title: str) -> None:
    part, sheet = canvas.parts[title], canvas.sheet(title)
    values, styles = canvas.values.get(title, {}), canvas.styles_of.get(title, {})
    xml = sheet.saved(values, styles, canvas.col_widths.get(title, {}), canvas.date1904)
    notes = canvas.notes_of.get(title)
    if notes is not None and notes.changed:
        comments, vml = canvas.note_parts(title)
        if comments is None:
            comments = changes.free("xl/comments{}.xml")
            _add_rel(changes, part, COMMENTS_REL, comments)
            changes.types[comments] = COMMENTS_TYPE
        if vml is None:
            vml = changes.free("xl/drawings/vmlDrawing{}.vml")
            rid = _add_rel(changes, part, VML_REL, vml)
            xml = _with_legacy_drawing(xml, rid)
        blocks = [
            b
            for p in changes.taken
            if p.endswith(".vml") and p in canvas.archive.NameToInfo
            for b in idmap_blocks(canvas.read_part(p))
        ]
        block = max(blocks, default=0) + 1
        (changes.replaced if comments in canvas.archive.NameToInfo else changes.added)[comments] = (
            notes.comments_saved()
        )
        (changes.replaced if vml in canvas.archive.NameToInfo else changes.added)[vml] = notes.vml_saved(block)
    changes.replaced[part] = xml


def _add_rel(changes: Changes, part: str, kind: str, target: str) -> str:
    """Add a relationship from `part` to `target`; its id."""
    rels = sheet_rels(part)
    xml = (
        changes.read(rels)
        if rels in changes.taken
        else (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>'
        )
    )
    taken = {e.attrs.get("Id", "") for _, _, e in elements(xml, "Relationship")}
    n = 1
    while f"rIdCD{n}" in taken:
        n += 1
    relative = posixpath.relpath(target, posixpath.dirname(part))
    entry = f'<Relationship Id="rIdCD{n}" Type="{kind}" Target="{relative}"/>'.encode()
    end = xml.rfind(b"</Relationships>")
    xml = xml[:end] + entry + xml[end:]
    (changes.replaced if rels in changes.canvas.archive.NameToInfo else changes.added)[rels] = xml
    changes.taken.add(rels)
    return f"rIdCD{n}"


def _with_legacy_drawing(xml: bytes, rid: str) -> bytes:
    """`<legacyDrawing r:id>` in its place in the worksheet (before the elements the schema puts after it)."""
    root = re.search(rb"<([\w.-]+:)?worksheet\b[^>]*>", xml)
    assert root is not None  # SheetXml checked it
    p = root.group(1) or b""
    r = re.search(
        rb"""xmlns:([\w.-]+)\s*=\s*["']http://schemas.openxmlformats.org/officeDocument/2006/relationships["']""",
        root.group(),
    )
    prefix, declare = (
        (r.group(1), b"")
        if r
        else (b"cdr", b' xmlns:cdr="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
    )
    element = b"<" + p + b"legacyDrawing " + prefix + b':id="' + rid.encode() + b'"' + declare + b"/>"
    tail = xml.rfind(b"</" + p + b"sheetData>")
    tail = tail if tail >= 0 else root.end()
    at = _root_extlst(xml, p, tail)
    for tag in _AFTER_LEGACY:
        found = re.compile(rb"<" + re.escape(p) + tag.encode() + rb"\b").search(xml, tail)
        if found and found.start() < at:
            at = found.start()
    return xml[:at] + element + xml[at:]


def _root_extlst(xml: bytes, p: bytes, start: int) -> int:
    """Where the worksheet's own `<extLst>` (its last child) starts; the worksheet's end tag when it has none."""
    end = xml.rfind(b"</" + p + b"worksheet>")
    depth, opened = 0, end
    for m in re.finditer(rb"<(/?)" + re.escape(p) + rb"extLst\b", xml[:end]):
        if m.start() < start:
            continue
        if not m.group(1):
            opened, depth = (m.start() if depth == 0 else opened), depth + 1
            continue
        depth -= 1
        if depth == 0 and not xml[xml.find(b">", m.end()) + 1 : end].strip():
            return opened
    return end


def _write(canvas: PackageCanvas, changes: Changes, target: Path) -> None:
    # Deflate level 1: a few per cent larger than Excel's own, three times faster to write than the default.
    with zipfile.ZipFile(target, "w", compresslevel=1) as out:
        for info in canvas.archive.infolist():
            if info.filename in changes.removed:
                continue
            data = changes.replaced.get(info.filename)
            out.writestr(info, data if data is not None else canvas.archive.read(info), compresslevel=1)
        for name, data in changes.added.items():
            made = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            out.writestr(made, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
