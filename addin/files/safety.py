"""What an openpyxl round trip would drop or damage, found before anything is written.

The check is a whitelist: every part of the package must be one openpyxl reads and writes
back (or one whose loss is harmless and documented: calculation chain, printer settings,
thumbnail). Anything else is named, and `--annotate`/`--in-place` refuse the file; the
report path never rewrites the input and is always allowed.

Harmless losses, by decision: `xl/calcChain.xml` (Excel rebuilds it), printer settings
blobs, the thumbnail picture, a VBA signature (any change to the file invalidates it).
Parts reachable only from sheets the add-in owns (the charts of our Scores sheet) are not
losses either: a re-run deletes and rebuilds those sheets.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from addin.files.package import part_target, sheet_parts
from addin.files.reader import book_facts

_KEPT = [
    r"\[Content_Types\]\.xml",
    r"_rels/\.rels",
    r"docProps/(core|app|custom)\.xml",
    r"docProps/thumbnail\.\w+",
    r"xl/workbook\.xml",
    r"xl/_rels/workbook\.xml\.rels",
    r"xl/styles\.xml",
    r"xl/theme/theme\d+\.xml",
    r"xl/sharedStrings\.xml",
    r"xl/calcChain\.xml",
    r"xl/worksheets/sheet\d+\.xml",
    r"xl/worksheets/_rels/sheet\d+\.xml\.rels",
    r"xl/comments\d*\.xml",
    r"xl/comments/comment\d+\.xml",
    r"xl/drawings/vmlDrawing\d+\.vml",
    r"xl/drawings/commentsDrawing\d+\.vml",
    r"xl/tables/table\d+\.xml",
    r"xl/printerSettings/printerSettings\d+\.bin",
    r"xl/worksheets/_rels/.*",
    r"xl/_rels/vbaProject\.bin\.rels",
]
_KEPT_WITH_VBA = [
    r"xl/vbaProject\.bin",
    r"xl/vbaProjectSignature\w*\.bin",
    r"customUI/customUI\.xml",
    r"customUI/_rels/customUI\.xml\.rels",
    r"customUI/images/.*",
]
_WHAT = [  # part pattern -> what the user would lose
    (r"xl/charts/|xl/chartsheets/", "charts"),
    (r"xl/drawings/drawing", "drawings, shapes or pictures"),
    (r"xl/media/", "images"),
    (r"xl/pivotTables/|xl/pivotCache/", "pivot tables"),
    (r"xl/slicers/|xl/slicerCaches/|xl/timelines/|xl/timelineCaches/", "slicers or timelines"),
    (r"xl/externalLinks/", "external links"),
    (r"xl/activeX/|xl/ctrlProps/|xl/embeddings/", "ActiveX or form controls, or embedded objects"),
    (r"customUI/customUI14\.xml|customUI/", "a ribbon (custom UI)"),
    (r"xl/threadedComments/|xl/persons/", "threaded comments"),
    (r"xl/connections\.xml|xl/queryTables/|customXml/|xl/model/", "data connections, queries or custom XML"),
    (r"xl/richData/|xl/metadata\.xml", "pictures in cells or dynamic-array formulas"),
    (r"xl/vbaProject\.bin", "the VBA project (a macro-free .xlsx cannot keep it)"),
]
# openpyxl drops every worksheet extension (`<ext>` in an `<extLst>`, the sheet's or a rule's), whatever its
# namespace prefix; named here by the element inside the `<ext>`, so the refusal says what would be lost.
_EXT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?ext\b[^>]*>\s*<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_EXT_LOSSES = {
    b"sparklineGroups": "sparklines",
    b"dataValidations": "data validation lists on other sheets (x14)",
    b"conditionalFormattings": "extended conditional formats (data bars, icon sets)",
    b"id": "extended conditional formats (data bars, icon sets)",
    b"protectedRanges": "protected ranges (x14)",
    b"ignoredErrors": "ignored-error settings (x14)",
    b"webExtensions": "web extensions (x15)",
    b"slicerList": "slicers",
    b"timelineRefs": "timelines",
    b"tableSlicerCache": "slicers",
}
_NON_NOTE_VML = re.compile(rb'ObjectType="(?!Note")(\w+)"')


def _describe(part: str) -> str:
    for pattern, what in _WHAT:
        if re.match(pattern, part):
            return what
    return f"the part {part}"


def unsafe_parts(path: Path) -> list[str]:
    """What openpyxl would drop or damage in this file, as short phrases; empty when safe."""
    keep_vba = path.suffix.lower() == ".xlsm"
    kept = re.compile("|".join(f"(?:{p})" for p in _KEPT + (_KEPT_WITH_VBA if keep_vba else [])) + "$")
    found: dict[str, None] = {}
    with zipfile.ZipFile(path) as archive:
        ours = _owned_only_parts(archive)
        for info in archive.infolist():
            name = info.filename
            if info.is_dir() or name in ours:
                continue
            if not kept.match(name):
                found[_describe(name)] = None
            elif name.endswith(".vml") and (m := _NON_NOTE_VML.search(archive.read(name))):
                found[f"form controls ({m.group(1).decode()})"] = None
            elif name.startswith("xl/worksheets/sheet"):
                for element in _EXT.findall(_tail(archive, name)):
                    found[_EXT_LOSSES.get(element, f"a worksheet extension ({element.decode()})")] = None
        rels = archive.read("_rels/.rels") if "_rels/.rels" in archive.NameToInfo else b""
        if b"2007/relationships/ui/extensibility" in rels:
            found["a ribbon linked with the 2007 (customUI14) relationship"] = None
    return list(found)


def _related(archive: zipfile.ZipFile, part: str) -> set[str]:
    """Parts that `part` links to through its relationships file (internal targets only)."""
    rels = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    if rels not in archive.NameToInfo:
        return set()
    linked = {rels}
    for rel in ElementTree.fromstring(archive.read(rels)):
        target = rel.get("Target", "")
        if rel.get("TargetMode") != "External" and target:
            linked.add(part_target(part, target))
    return linked


def _reachable(archive: zipfile.ZipFile, roots: set[str]) -> set[str]:
    seen, todo = set(), list(roots)
    while todo:
        part = todo.pop()
        if part in seen:
            continue
        seen.add(part)
        todo.extend(_related(archive, part) - seen)
    return seen


def _owned_only_parts(archive: zipfile.ZipFile) -> set[str]:
    """Parts hanging off owned sheets (drawings, charts, their styles) and off no other sheet."""
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        parts = sheet_parts(ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels")), book)
    except (KeyError, ElementTree.ParseError):
        return set()
    _, owned = book_facts(book)
    ours = {part for name, part in parts.items() if name in owned}
    if not ours:
        return set()
    theirs = _reachable(archive, set(parts.values()) - ours)
    return (_reachable(archive, ours) - ours) - theirs - {"xl/workbook.xml"}


def _tail(archive: zipfile.ZipFile, name: str) -> bytes:
    """The part of a sheet after its cell data, where openpyxl-lost extensions live."""
    data = archive.read(name)
    end = data.rfind(b"</sheetData>")
    return data[end:] if end != -1 else data
