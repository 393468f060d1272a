"""A corpus of workbooks made the way users' files are made: by LibreOffice, with Excel tables,
x14 extensions, a pivot table, our own .xlsm template, shaped as Google Sheets and WPS save them.
Each holds the sample's log (60 complaints, planted problems and flag cases), so a run marks
cells, adds notes and appends the `⚑` columns.

Built at test time (`build_corpus`); nothing binary is committed. The LibreOffice-made files need
`soffice` and are left out without it. `RealFile.expects` names what each file must contain
(`missing_parts` checks it), so a file that silently lost its chart fails its own test.

Below the builders: the package as parts (`read_parts`, `relations`, `sheet_parts`) and
`owned_parts`, the parts a run may rewrite; every other part must come back byte for byte.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import xlsxwriter

from addin.build.sample import write_sample
from addin.core.schema import SEVERITIES, STATUSES

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "workbooks" / "complaints_template.xlsm"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
ROWS = 60  # as in the template: every planted problem and flag case, and quick to run
LOG, SURVEY = "Complaints", "Survey"
LAST = 4 + ROWS  # the log's header is on row 4, its last complaint on this row
Grids = dict[str, list[list[object]]]
# the user's own notes (cell on the log, text); B10 is a cell the run marks, T7 one it does not
NOTES = {
    "libreoffice": ("B10", "Typed from the letter; check the year"),
    "table": ("T7", "Customer asked for a call back"),
}
_X14 = b"http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
_XDR = b"http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
_DRAWING_TYPE = b"application/vnd.openxmlformats-officedocument.drawing+xml"
_DRAWING = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"


@dataclass(frozen=True)
class RealFile:
    """One corpus workbook (its log is always on `LOG`): the user's own note, what it must contain."""

    name: str  # also the file's stem
    path: Path
    note: tuple[str, str] | None = None  # (cell on the log, text) of a note the user wrote
    # `part:<prefix>` a zip part starting so; `log:<text>` in the log sheet's XML; `any:<text>` in any part;
    # `!…` must not be there
    expects: tuple[str, ...] = ()


def sample_grids(folder: Path) -> Grids:
    """The sample's sheets (`complaints sample`, English, seed 2026) as grids of values from A1."""
    path = folder / "sample_source.xlsx"
    write_sample(path, rows=ROWS, survey_rows=ROWS, lang="en", seed=2026)
    book = openpyxl.load_workbook(path)
    return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in book}


def _book(path: Path) -> xlsxwriter.Workbook:
    options = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    return xlsxwriter.Workbook(str(path), options)


def write_grids(book: xlsxwriter.Workbook, grids: Grids) -> dict[str, xlsxwriter.worksheet.Worksheet]:
    """Each grid on a sheet of its name: dates with a date format, `#N/A` as an error formula."""
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    bold = book.add_format({"bold": True, "text_wrap": True, "bg_color": "#DDEBF7"})
    sheets = {}
    for title, grid in grids.items():
        ws = sheets[title] = book.add_worksheet(title)
        ws.set_column(0, len(grid[0]) - 1, 14)
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                if isinstance(value, datetime):
                    ws.write_datetime(r, c, value, day if value.time() == datetime.min.time() else when)
                elif value == "#N/A":
                    ws.write_formula(r, c, "=NA()", None, "#N/A")
                elif value is not None:
                    ws.write(r, c, value, bold if title == LOG and r == 3 else None)
    return sheets


def plain_log(path: Path, grids: Grids) -> None:
    """The sample as XlsxWriter writes it and nothing else: the baseline the openpyxl path accepts."""
    book = _book(path)
    write_grids(book, grids)
    book.close()


def libreoffice_source(path: Path, grids: Grids) -> None:
    """What LibreOffice will save: validations, a conditional format and the user's note on the log,
    frozen panes and a filter, and a chart of the complainants on a sheet of its own."""
    book = _book(path)
    log = write_grids(book, grids)[LOG]
    log.freeze_panes(4, 0)
    log.autofilter(3, 0, LAST - 1, len(grids[LOG][3]) - 1)
    log.data_validation(f"J5:J{LAST}", {"validate": "list", "source": [s.en for s in STATUSES]})
    log.data_validation(f"N5:N{LAST}", {"validate": "integer", "criteria": "between", "minimum": 0, "maximum": 999})
    red = book.add_format({"bg_color": "#FFFF00"})
    log.conditional_format(f"N5:N{LAST}", {"type": "cell", "criteria": ">=", "value": 3, "format": red})
    log.write_comment(*NOTES["libreoffice"], {"author": "Alice"})
    chart = book.add_chart({"type": "column"})
    chart.add_series({"name": "Complainants", "categories": f"={LOG}!$A$5:$A$24", "values": f"={LOG}!$N$5:$N$24"})
    book.add_worksheet("Chart").insert_chart("B2", chart)
    book.close()


def table_log(path: Path, grids: Grids) -> None:
    """The log as an Excel table (header row 4), with the user's note on a cell we do not mark."""
    book = _book(path)
    log = write_grids(book, grids)[LOG]
    headers = [str(h) for h in grids[LOG][3]]
    columns = [{"header": h} for h in headers]
    log.add_table(
        3, 0, LAST - 1, len(headers) - 1, {"name": "Log", "style": "Table Style Medium 2", "columns": columns}
    )
    log.write_comment(*NOTES["table"], {"author": "Maria"})
    book.close()


def x14_log(path: Path, grids: Grids) -> None:
    """Extensions Excel 2010 added, all in the log sheet's `<extLst>`: a 2010 data bar, a sparkline,
    and a validation list on another sheet; also a merged title and a link."""
    book = _book(path)
    log = write_grids(book, grids)[LOG]
    lists = book.add_worksheet("Lists")
    lists.write_column(0, 0, [s.en for s in SEVERITIES])
    log.data_validation(f"I5:I{LAST}", {"validate": "list", "source": "=Lists!$A$1:$A$4"})
    log.conditional_format(f"N5:N{LAST}", {"type": "data_bar", "data_bar_2010": True, "bar_color": "#63BE7B"})
    log.add_sparkline("H2", {"range": f"{LOG}!N5:N{LAST}", "type": "column"})
    log.merge_range("A1:F1", grids[LOG][0][0])
    log.write_url("T6", "https://example.com/tickets/6", string="ticket 6")
    log.freeze_panes(4, 1)
    book.close()
    edit_parts(path, {"xl/worksheets/sheet1.xml": _x14_validation})


def _x14_validation(xml: bytes) -> bytes:
    """Move the validation list into the `extLst`, as Excel 2010 saves a list on another sheet."""
    found = re.search(rb"<dataValidations .*?</dataValidations>", xml)
    assert found is not None
    rule = re.search(rb'<dataValidation (.*?) sqref="([^"]+)"><formula1>(.*?)</formula1>', found.group())
    assert rule is not None
    x14 = (
        b'<ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" xmlns:x14="' + _X14 + b'">'
        b'<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
        b"<x14:dataValidation " + rule.group(1) + b"><x14:formula1><xm:f>" + rule.group(3) + b"</xm:f>"
        b"</x14:formula1><xm:sqref>" + rule.group(2) + b"</xm:sqref></x14:dataValidation></x14:dataValidations></ext>"
    )
    sparklines = xml.rindex(b'<ext xmlns:x14="' + _X14 + b'" uri="{05C60535')
    xml = xml[:sparklines] + x14 + xml[sparklines:]
    return xml.replace(found.group(), b"")


def edit_parts(path: Path, edits: dict[str, Callable[[bytes], bytes]]) -> None:
    """Rewrite parts of a zip package in place (a part it lacks is edited from b""), the rest as they were."""
    with zipfile.ZipFile(path) as z:
        parts = {info.filename: (info, z.read(info)) for info in z.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, (info, data) in parts.items():
            z.writestr(info, edits[name](data) if name in edits else data)
        for name in edits.keys() - parts.keys():
            z.writestr(name, edits[name](b""))


def google_sheets_log(path: Path, grids: Grids) -> None:
    """The log shaped as Google Sheets exports it: no `<dimension>`, rows without `spans`, Google's
    `sheetFormatPr` and outline settings, and the empty drawing it gives every sheet."""
    plain_log(path, grids)
    drawing = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<xdr:wsDr xmlns:xdr="' + _XDR + b'"/>'
    rels = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org'
        b'/package/2006/relationships"><Relationship Id="rId1" Type="'
        + _DRAWING
        + b'" Target="../drawings/drawing1.xml"/>'
        b"</Relationships>"
    )
    kind = b'<Override PartName="/xl/drawings/drawing1.xml" ContentType="' + _DRAWING_TYPE + b'"/>'
    edits = {
        "xl/worksheets/sheet1.xml": _google_sheet,
        "xl/worksheets/_rels/sheet1.xml.rels": lambda _: rels,
        "xl/drawings/drawing1.xml": lambda _: drawing,
        "[Content_Types].xml": lambda xml: xml.replace(b"</Types>", kind + b"</Types>"),
    }
    edit_parts(path, edits)


def _google_sheet(xml: bytes) -> bytes:
    xml = re.sub(rb"<dimension [^>]*/>", b"", xml)
    xml = re.sub(rb' spans="[^"]*"', b"", xml)
    xml = re.sub(
        rb"<sheetFormatPr [^>]*/>",
        b'<sheetFormatPr customHeight="1" defaultColWidth="12.63" defaultRowHeight="15.75"/>',
        xml,
    )
    head = xml.index(b">", xml.index(b"<worksheet")) + 1
    xml = xml[:head] + b'<sheetPr><outlinePr summaryBelow="0" summaryRight="0"/></sheetPr>' + xml[head:]
    return xml.replace(b"</worksheet>", b'<drawing r:id="rId1"/></worksheet>')


_ETC = "http://www.wps.cn/officeDocument/2017/etCustomData"
WPS_IMAGE = "ID_7F3A2C914E6B4D0A8B1C2D3E4F506172"


def _png() -> bytes:
    """A 1x1 red PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\xff\0\0"))
        + chunk(b"IEND", b"")
    )


def wps_log(path: Path, grids: Grids) -> None:
    """The log shaped as WPS Spreadsheets saves one (no WPS here to make it; the traits are those public
    readers of WPS files handle): a picture in a cell (`xl/cellimages.xml`, WPS's own part, shown by a
    `DISPIMG` formula in a Photo column right of the log), WPS's `etc:` attribute on the log's filter,
    and its build number in the custom properties."""
    book = _book(path)
    log = write_grids(book, grids)[LOG]
    width = len(grids[LOG][3])
    log.autofilter(3, 0, LAST - 1, width - 1)
    log.write(3, width, "Photo")
    for r in (4, 6):
        log.write_formula(r, width, f'_xlfn.DISPIMG("{WPS_IMAGE}",1)', None, f'=DISPIMG("{WPS_IMAGE}",1)')
    book.close()
    images = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<etc:cellImages xmlns:xdr="{_XDR.decode()}" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        f'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:etc="{_ETC}"><etc:cellImage>'
        f'<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="2" name="{WPS_IMAGE}" descr="receipt"/><xdr:cNvPicPr/>'
        '</xdr:nvPicPr><xdr:blipFill><a:blip r:embed="rId1"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>'
        '<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="952500" cy="952500"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic></etc:cellImage></etc:cellImages>'
    ).encode()
    package_rels = b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    image_rels = (
        package_rels + b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/image" Target="media/image1.png"/></Relationships>'
    )
    custom = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.openxmlformats'
        b'.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006'
        b'/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="KSOProductBuildVer">'
        b"<vt:lpwstr>2052-12.1.0.17147</vt:lpwstr></property></Properties>"
    )
    types = (
        b'<Default Extension="png" ContentType="image/png"/>'
        b'<Override PartName="/xl/cellimages.xml" ContentType="application/vnd.wps-officedocument.cellimage+xml"/>'
        b'<Override PartName="/docProps/custom.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>'
    )
    edits: dict[str, Callable[[bytes], bytes]] = {
        "xl/worksheets/sheet1.xml": _wps_sheet,
        "xl/cellimages.xml": lambda _: images,
        "xl/_rels/cellimages.xml.rels": lambda _: image_rels,
        "xl/media/image1.png": lambda _: _png(),
        "docProps/custom.xml": lambda _: custom,
        "xl/_rels/workbook.xml.rels": lambda xml: xml.replace(
            b"</Relationships>",
            b'<Relationship Id="rIdWps1" Type="http://www.wps.cn/officeDocument/2020/cellImage" '
            b'Target="cellimages.xml"/></Relationships>',
        ),
        "_rels/.rels": lambda xml: xml.replace(
            b"</Relationships>",
            b'<Relationship Id="rIdWps2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'custom-properties" Target="docProps/custom.xml"/></Relationships>',
        ),
        "[Content_Types].xml": lambda xml: xml.replace(b"</Types>", types),
    }
    edit_parts(path, edits)


def _wps_sheet(xml: bytes) -> bytes:
    head = xml.index(b">", xml.index(b"<worksheet"))
    xml = xml[:head] + b' xmlns:etc="' + _ETC.encode() + b'"' + xml[head:]
    return xml.replace(b"<autoFilter ", b'<autoFilter etc:filterBottomFollowUsedRange="0" ', 1)


def pivot_source(path: Path, grids: Grids) -> None:
    """The sample plus an empty `Pivot` sheet (LibreOffice fills it) and a chart on `Chart`."""
    book = _book(path)
    write_grids(book, grids)
    book.add_worksheet("Pivot")
    chart = book.add_chart({"type": "pie"})
    chart.add_series({"categories": f"={LOG}!$C$5:$C$14", "values": f"={LOG}!$N$5:$N$14"})
    book.add_worksheet("Chart").insert_chart("B2", chart)
    book.close()


def add_pivot(fods: Path) -> None:
    """Give a flat ODS a pivot table (complaints counted by region) on its `Pivot` sheet."""
    pilot = (
        '<table:data-pilot-tables><table:data-pilot-table table:name="ByRegion" '
        'table:target-range-address="Pivot.A1:Pivot.B8" table:buttons="Pivot.A1">'
        f'<table:source-cell-range table:cell-range-address="{LOG}.A4:{LOG}.T{LAST}"/>'
        '<table:data-pilot-field table:source-field-name="Region" table:orientation="row"/>'
        '<table:data-pilot-field table:source-field-name="Complainants" table:orientation="data" '
        'table:function="sum"/></table:data-pilot-table></table:data-pilot-tables>'
    )
    text = fods.read_text(encoding="utf-8")
    assert text.count("</office:spreadsheet>") == 1
    fods.write_text(text.replace("</office:spreadsheet>", pilot + "</office:spreadsheet>"), encoding="utf-8")


def soffice(paths: Iterable[Path], target: str, folder: Path, timeout: float = 240) -> list[Path]:
    """Convert `paths` with one LibreOffice headless call (its own profile) into `folder`."""
    paths = list(paths)
    assert SOFFICE is not None, "LibreOffice (soffice) is not installed"
    profile = (folder.parent / f"{folder.name}-profile").as_uri()
    command = [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", target]
    subprocess.run(
        [*command, "--outdir", str(folder), *map(str, paths)], check=True, capture_output=True, timeout=timeout
    )
    converted = [folder / f"{p.stem}.{target.split(':')[0]}" for p in paths]
    missing = [p.name for p in converted if not p.exists()]
    assert not missing, f"LibreOffice did not convert {missing}"
    return converted


def libreoffice_files(folder: Path, grids: Grids) -> dict[str, Path]:
    """Files LibreOffice saved: a re-save of a decorated log, and a pivot it made and refreshed."""
    work = folder / "lo-work"
    work.mkdir()
    libreoffice_source(work / "libreoffice.xlsx", grids)
    pivot_source(work / "pivot.xlsx", grids)
    (fods,) = soffice([work / "pivot.xlsx"], "fods", work / "fods")
    add_pivot(fods)
    (pivot,) = soffice([fods], "xlsx", work / "pivot-made")
    # the first save holds the pivot's definition only; LibreOffice computes its cells on the next open
    made = soffice([work / "libreoffice.xlsx", pivot], "xlsx", folder / "lo")
    return dict(zip(("libreoffice", "pivot"), made, strict=True))


BUILDERS = {
    "xlsxwriter": plain_log,
    "table": table_log,
    "x14": x14_log,
    "google": google_sheets_log,
    "wps": wps_log,
}
EXPECTS = {
    "xlsxwriter": (),
    "table": ("part:xl/tables/table1.xml", "log:<tableParts", "part:xl/comments"),
    "x14": (
        "log:x14:dataValidation ",
        "log:x14:sparklineGroup",
        "log:x14:dataBar",
        "log:<mergeCells",
        "log:<hyperlinks",
    ),
    "google": ("part:xl/drawings/drawing1.xml", "log:<drawing ", "log:<outlinePr", "!log:<dimension", "!log: spans="),
    "wps": ("part:xl/cellimages.xml", "part:xl/media/image1.png", "log:etc:filterBottomFollowUsedRange", "log:DISPIMG"),
    "template": ("part:xl/vbaProject.bin", 'any:ObjectType="Button"'),
    "libreoffice": ("part:xl/charts/chart", "part:xl/comments", "log:<dataValidations", "log:<conditionalFormatting"),
    "pivot": ("part:xl/pivotTables/", "part:xl/pivotCache/", "part:xl/charts/chart"),
}


def build_corpus(folder: Path) -> dict[str, RealFile]:
    """Every corpus file, by name, built in `folder` (the LibreOffice-made ones only with soffice)."""
    grids = sample_grids(folder)
    paths = {"template": Path(shutil.copyfile(TEMPLATE, folder / "template.xlsm"))}
    for name, build in BUILDERS.items():
        build(paths.setdefault(name, folder / f"{name}.xlsx"), grids)
    if SOFFICE is not None:
        paths |= libreoffice_files(folder, grids)
    return {name: RealFile(name, path, NOTES.get(name), EXPECTS[name]) for name, path in paths.items()}


def missing_parts(real: RealFile) -> list[str]:
    """The entries of `real.expects` that its file does not hold."""
    with zipfile.ZipFile(real.path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    log = parts[sheet_part(parts, LOG)]
    found = {
        "part": lambda x: any(n.startswith(x) for n in parts),
        "log": lambda x: x.encode() in log,
        "any": lambda x: any(x.encode() in data for data in parts.values()),
    }
    kind = [(e, e.lstrip("!").split(":", 1)) for e in real.expects]
    return [e for e, (k, x) in kind if found[k](x) == e.startswith("!")]


# The package as parts, and which parts a run may change (the rest must stay byte for byte).
Parts = dict[str, bytes]
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_OWNED_NAME = re.compile(r"^(?:'((?:[^']|'')+)'|([^!]+))!")
_MARKED_RELATIONS = ("comments", "vmlDrawing")  # what a run changes beside a marked sheet's own part


def read_parts(path: Path) -> Parts:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def rels_part(part: str) -> str:
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


def relations(parts: Parts, part: str) -> dict[str, tuple[str, str]]:
    """A part's relationships: id -> (type's last word, target part), external targets left out."""
    rels = parts.get(rels_part(part))
    if rels is None:
        return {}
    base = part.rpartition("/")[0].split("/") if "/" in part else []
    found = {}
    for rel in ElementTree.fromstring(rels).iter(f"{_REL}Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        path = target.lstrip("/").split("/") if target.startswith("/") else [*base, *target.split("/")]
        resolved: list[str] = []
        for step in path:
            if step == "..":
                resolved.pop()
            elif step not in ("", "."):
                resolved.append(step)
        found[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], "/".join(resolved))
    return found


def workbook_part(parts: Parts) -> str:
    return next(t for kind, t in relations(parts, "").values() if kind == "officeDocument")


def sheet_parts(parts: Parts) -> dict[str, str]:
    """Sheet name -> its worksheet part."""
    book = workbook_part(parts)
    targets = relations(parts, book)
    root = ElementTree.fromstring(parts[book])
    return {s.get("name", ""): targets[s.get(_R_ID, "")][1] for s in root.iter(f"{_MAIN}sheet")}


def sheet_part(parts: Parts, name: str) -> str:
    return sheet_parts(parts)[name]


def owned_sheets(parts: Parts) -> set[str]:
    """The sheets the add-in wrote: the targets of the workbook's `CD_Owned_*` defined names."""
    root = ElementTree.fromstring(parts[workbook_part(parts)])
    names = [d.text or "" for d in root.iter(f"{_MAIN}definedName") if d.get("name", "").startswith("CD_Owned_")]
    found = (_OWNED_NAME.match(n) for n in names)
    return {(m.group(1) or "").replace("''", "'") or m.group(2) for m in found if m}


def owned_parts(parts: Parts, marked: Iterable[str]) -> set[str]:
    """The parts a run may rewrite: the workbook's own, the `marked` sheets with their notes, our sheets whole."""
    book = workbook_part(parts)
    owned = {book, rels_part(book), "[Content_Types].xml", "docProps/app.xml", "xl/calcChain.xml"}
    owned |= {t for kind, t in relations(parts, book).values() if kind in ("styles", "calcChain")}
    sheets = sheet_parts(parts)
    for name in marked:
        if name in sheets:
            owned |= {sheets[name], rels_part(sheets[name])}
            owned |= {t for kind, t in relations(parts, sheets[name]).values() if kind in _MARKED_RELATIONS}
    todo = [sheets[name] for name in owned_sheets(parts) if name in sheets]
    while todo:  # our sheets with everything that hangs off them (drawings, charts)
        part = todo.pop()
        if part not in owned:
            owned |= {part, rels_part(part)}
            todo += [t for _, t in relations(parts, part).values()]
    return owned
