"""The annotate and in-place paths: owned sheets, marks, idempotence, safety, no lost data."""

from __future__ import annotations

import hashlib
import re
import struct
import zipfile
import zlib
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
import xlsxwriter
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from addin.files.run import JOBS, FileError, Options, process_file
from tests.builders import AS_OF, complaint, log_grid, standard_workbook, write_workbook
from tests.real_files import edit_parts


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def bad_workbook(path: Path) -> Path:
    """Complaints!E5 has an unknown category, H6 is 'Open' with a resolved time (warning)."""
    records = [complaint(1), complaint(2, category="Widgets"), complaint(3, status="Open")]
    return standard_workbook(path, records)


def annotate(path: Path, mode: str = "annotate", out: Path | None = None):  # type: ignore[no-untyped-def]
    return process_file(path, Options(as_of=AS_OF, mode=mode, out=out))


def test_annotated_copy_has_sheet_marks_notes_and_legend(tmp_path: Path) -> None:
    source = bad_workbook(tmp_path / "log.xlsx")
    before = digest(source)
    result = annotate(source)
    assert digest(source) == before  # the input is only read
    copy = result.outputs["annotated"]
    assert copy == tmp_path / "log.annotated.xlsx"
    wb = openpyxl.load_workbook(copy)
    assert wb.sheetnames == ["Complaints", "Survey", "Validation", "_ComplaintDesk"]
    assert wb["_ComplaintDesk"].sheet_state == "veryHidden"
    log = wb["Complaints"]
    assert log["E5"].fill.fgColor.rgb == "FFFFC7CE" and "[unknown-category]" in log["E5"].comment.text
    assert log["H6"].fill.fgColor.rgb == "FFFFEB9C" and log["H6"].comment.author == "Complaint Desk"
    assert log["E4"].fill.fill_type is None and log["E4"].comment is None
    sheet = wb["Validation"]
    rows = [r for r in sheet.iter_rows(min_row=5, max_col=7, values_only=True) if any(r)]
    assert [(r[1], r[4]) for r in rows] == [
        ("unknown-category", "Complaints!E5"),
        ("open-with-resolved-time", "Complaints!H6"),
    ]
    assert sheet["E5"].hyperlink.location == "Complaints!E5"
    legend = [sheet.cell(r, 10).value for r in range(1, 15)]
    assert "Invalid cell (error)" in legend and "Questionable cell (warning)" in legend


def test_rerun_in_place_is_idempotent_and_removes_only_its_marks(tmp_path: Path) -> None:
    source = bad_workbook(tmp_path / "log.xlsx")
    wb = openpyxl.load_workbook(source)
    user_fill = PatternFill(fill_type="solid", fgColor="FF00B0F0")
    wb["Complaints"]["E5"].fill = user_fill  # the user's own colour under our mark
    wb["Complaints"]["H6"].comment = Comment("call the customer", "Li")  # the user's own note
    wb["Complaints"]["A2"].fill = user_fill  # an unrelated user colour
    wb.save(source)
    annotate(source, "in-place")
    annotate(source, "in-place")
    wb = openpyxl.load_workbook(source)
    assert wb.sheetnames == ["Complaints", "Survey", "Validation", "_ComplaintDesk"]
    assert wb["_ComplaintDesk"].max_row == 3  # header + two marks, not four
    log = wb["Complaints"]
    assert log["E5"].fill.fgColor.rgb == "FFFFC7CE"
    assert log["H6"].comment.text == "call the customer"  # kept, not replaced
    # fix the data, re-run: our marks go, the user's colours and notes stay
    log["E5"] = "Other"
    log["H6"] = "Resolved"
    wb.save(source)
    result = annotate(source, "in-place")
    assert result.outcome.report.problems == []
    wb = openpyxl.load_workbook(source)
    log = wb["Complaints"]
    assert log["E5"].fill.fgColor.rgb == "FF00B0F0" and log["E5"].comment is None
    assert log["H6"].fill.fill_type is None and log["H6"].comment.text == "call the customer"
    assert log["A2"].fill.fgColor.rgb == "FF00B0F0"
    assert [c.value for c in wb["Validation"]["A"]][4] == "No problems found."


def test_in_place_keeps_a_backup_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    source = bad_workbook(tmp_path / "log.xlsx")
    original = digest(source)
    result = annotate(source, "in-place")
    assert digest(result.outputs["backup"]) == original
    assert result.outputs["backup"] == tmp_path / "log.bak.xlsx"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.bak.xlsx", "log.xlsx"]


def test_a_users_sheet_named_validation_is_never_touched(tmp_path: Path) -> None:
    source = bad_workbook(tmp_path / "log.xlsx")
    wb = openpyxl.load_workbook(source)
    wb.create_sheet("Validation")["A1"] = "my own checks"
    wb.save(source)
    first = annotate(source, "in-place")
    assert any("results went to 'Validation (2)'" in str(n) for n in first.notes)
    names = {n: d.attr_text for n, d in openpyxl.load_workbook(source).defined_names.items()}
    assert names["CD_Owned_validation"] == "'Validation (2)'!$A$1"
    annotate(source, "in-place")
    wb = openpyxl.load_workbook(source)
    assert wb.sheetnames == ["Complaints", "Survey", "Validation", "Validation (2)", "_ComplaintDesk"]
    assert wb["Validation"]["A1"].value == "my own checks" and wb["Validation"].max_row == 1


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    source = standard_workbook(tmp_path / "log.xlsx", [complaint(1, category='=HYPERLINK("http://x","y")')])
    report = process_file(source, Options(as_of=AS_OF)).outputs["report"]
    copy = annotate(source).outputs["annotated"]
    for path in (report, copy):
        sheet = openpyxl.load_workbook(path)["Validation"]
        cell = sheet["G5"]
        assert cell.value == '=HYPERLINK("http://x","y")' and cell.data_type == "s", path


def test_report_path_links_to_the_original_and_never_touches_it(tmp_path: Path) -> None:
    source = bad_workbook(tmp_path / "in" / "log.xlsx") if (tmp_path / "in").mkdir() is None else None
    assert source is not None
    before = digest(source)
    report = process_file(source, Options(as_of=AS_OF, out=tmp_path / "out")).outputs["report"]
    assert digest(source) == before
    assert report == tmp_path / "out" / "log.report.xlsx"
    sheet = openpyxl.load_workbook(report)["Validation"]
    link = sheet["E5"].hyperlink
    assert (link.target, link.location) == ("..\\in\\log.xlsx", "Complaints!E5")
    counts = {sheet.cell(r, 9).value: sheet.cell(r, 11).value for r in range(5, 7)}
    assert counts == {"open-with-resolved-time": 1, "unknown-category": 1}


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0\0\0\0")) + chunk(b"IEND", b"")
    )


def _xlsxwriter_log(path: Path, extra, records=None) -> Path:  # type: ignore[no-untyped-def]
    """The log of `records` (two complaints by default) written by XlsxWriter, then `extra(book, ws, path)`."""
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("Complaints")
    for r, row in enumerate(log_grid(records or [complaint(1), complaint(2, category="Widgets")])):
        for c, value in enumerate(row):
            ws.write(r, c, value)
    extra(book, ws, path)
    book.close()
    return path


def _chart(book, ws, path):  # type: ignore[no-untyped-def]
    chart = book.add_chart({"type": "column"})
    chart.add_series({"values": "=Complaints!$L$2:$L$3"})
    ws.insert_chart("P2", chart)


def _image(book, ws, path):  # type: ignore[no-untyped-def]
    picture = path.with_suffix(".png")
    picture.write_bytes(_png())
    ws.insert_image("P2", str(picture))


def _button(book, ws, path):  # type: ignore[no-untyped-def]
    ws.insert_button("P2", {"macro": "Validate", "caption": "Validate"})


# Parts an annotate run writes (the log sheet and what its notes need, styles, the workbook's own parts).
CHANGED = {
    "xl/worksheets/sheet1.xml",
    "xl/styles.xml",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "[Content_Types].xml",
}


def unchanged_parts(source: Path, copy: Path, changed: set[str]) -> None:
    """Every part of `source` but `changed` is in `copy` with the same bytes."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(copy) as new:
        for name in old.namelist():
            if name not in changed:
                assert new.read(name) == old.read(name), name


@pytest.mark.parametrize(
    ("extra", "part"),
    [(_chart, "xl/charts/chart1.xml"), (_image, "xl/media/image1.png"), (_button, "xl/drawings/vmlDrawing1.vml")],
)
def test_charts_pictures_and_buttons_on_the_log_are_kept(tmp_path: Path, extra, part: str) -> None:  # type: ignore[no-untyped-def]
    """What openpyxl would drop stays byte for byte; a button's VML drawing gains our notes beside it."""
    source = _xlsxwriter_log(tmp_path / "log.xlsx", extra)
    before = digest(source)
    copy = annotate(source).outputs["annotated"]
    assert digest(source) == before
    vml = {"xl/drawings/vmlDrawing1.vml", "xl/worksheets/_rels/sheet1.xml.rels"}
    unchanged_parts(source, copy, CHANGED | vml)
    with zipfile.ZipFile(copy) as archive:
        assert part in archive.namelist()
        if extra is _button:  # the button and our note share the drawing
            drawing = archive.read("xl/drawings/vmlDrawing1.vml")
            assert b'ObjectType="Button"' in drawing and b'ObjectType="Note"' in drawing
    log = openpyxl.load_workbook(copy)["Complaints"]
    assert log["E3"].fill.fgColor.rgb == "FFFFC7CE" and log["E3"].comment.author == "Complaint Desk"
    again = annotate(copy, "in-place").outputs["in-place"]
    unchanged_parts(source, again, CHANGED | vml)


def _with_parts(source: Path, target: Path, parts: dict[str, bytes], rels: bytes = b"") -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if rels and info.filename == "_rels/.rels":
                data = data.replace(b"</Relationships>", rels + b"</Relationships>")
            new.writestr(info, data)
        for name, data in parts.items():
            new.writestr(name, data)
    return target


@pytest.mark.parametrize(
    ("parts", "rels"),
    [
        ({"xl/pivotTables/pivotTable1.xml": b"<x/>"}, b""),
        ({"xl/slicers/slicer1.xml": b"<x/>"}, b""),
        ({"xl/externalLinks/externalLink1.xml": b"<x/>"}, b""),
        ({"xl/activeX/activeX1.xml": b"<x/>"}, b""),
        ({"xl/threadedComments/threadedComment1.xml": b"<x/>"}, b""),
        (
            {"customUI/customUI14.xml": b"<customUI/>"},
            b'<Relationship Id="rX" Type="http://schemas.microsoft.com/office/2007/relationships/ui/extensibility" '
            b'Target="customUI/customUI14.xml"/>',
        ),
        ({"xl/metadata.xml": b"<x/>"}, b""),
        ({"xl/unknownThing.bin": b"x"}, b""),
    ],
)
def test_parts_we_do_not_know_are_copied_as_they_are(tmp_path: Path, parts: dict[str, bytes], rels: bytes) -> None:
    source = _with_parts(bad_workbook(tmp_path / "clean.xlsx"), tmp_path / "log.xlsx", parts, rels)
    copy = annotate(source).outputs["annotated"]
    unchanged_parts(source, copy, CHANGED | {"xl/worksheets/_rels/sheet1.xml.rels"})
    with zipfile.ZipFile(copy) as archive:
        assert all(archive.read(name) == data for name, data in parts.items())


def _edited(source: Path, target: Path, part: str, change) -> Path:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            new.writestr(info, change(data) if info.filename == part else data)
    return target


def _protected(data: bytes) -> bytes:
    return data.replace(b"</sheetData>", b'</sheetData><sheetProtection sheet="1"/>', 1)


def _strict(data: bytes) -> bytes:
    return data.replace(
        b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main"
    )


@pytest.mark.parametrize(
    ("part", "change", "why"),
    [
        ("xl/worksheets/sheet1.xml", _protected, "not modified: the sheet 'Complaints' is protected"),
        ("xl/workbook.xml", _strict, "a Strict Open XML workbook"),
    ],
)
def test_refused_only_for_what_the_editor_cannot_do_safely(tmp_path: Path, part: str, change, why: str) -> None:  # type: ignore[no-untyped-def]
    source = _edited(bad_workbook(tmp_path / "clean.xlsx"), tmp_path / "log.xlsx", part, change)
    before = digest(source)
    for mode in ("annotate", "in-place"):
        with pytest.raises(FileError, match=why):
            annotate(source, mode)
    assert digest(source) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean.xlsx", "log.xlsx"]


def test_a_utf16_part_we_edit_is_written_back_as_utf8(tmp_path: Path) -> None:
    source = _edited(bad_workbook(tmp_path / "clean.xlsx"), tmp_path / "log.xlsx", "xl/styles.xml", _utf16)
    copy = annotate(source).outputs["annotated"]
    with zipfile.ZipFile(copy) as archive:
        assert archive.read("xl/styles.xml").startswith(b"<")
    assert openpyxl.load_workbook(copy)["Complaints"]["E5"].fill.fgColor.rgb == "FFFFC7CE"


def _utf16(data: bytes) -> bytes:
    return data.decode().encode("utf-16")


def test_a_log_sheet_holding_a_pivot_table_is_refused(tmp_path: Path) -> None:
    rel = (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rP" '
        b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/pivotTable" '
        b'Target="../pivotTables/pivotTable1.xml"/></Relationships>'
    )
    parts = {"xl/worksheets/_rels/sheet1.xml.rels": rel, "xl/pivotTables/pivotTable1.xml": b"<x/>"}
    source = _with_parts(bad_workbook(tmp_path / "clean.xlsx"), tmp_path / "log.xlsx", parts)
    with pytest.raises(FileError, match="holds a pivot table"):
        annotate(source)


def test_xlsm_keeps_its_vba_project_and_ribbon(tmp_path: Path) -> None:
    vba = tmp_path / "vbaProject.bin"
    vba.write_bytes(b"\xd0\xcf\x11\xe0fake vba project bytes" * 10)
    source = tmp_path / "log.xlsm"
    book = xlsxwriter.Workbook(str(source))
    ws = book.add_worksheet("Complaints")
    for r, row in enumerate(log_grid([complaint(1, category="Widgets")])):
        for c, value in enumerate(row):
            ws.write(r, c, value)
    book.add_vba_project(str(vba))
    book.close()
    ribbon = b'<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui"/>'
    rel = (
        b'<Relationship Id="rUI" Type="http://schemas.microsoft.com/office/2006/relationships/ui/extensibility" '
        b'Target="customUI/customUI.xml"/>'
    )
    source = _with_parts(source, tmp_path / "with_ribbon.xlsm", {"customUI/customUI.xml": ribbon}, rel)
    copy = annotate(source).outputs["annotated"]
    assert copy.suffix == ".xlsm"
    with zipfile.ZipFile(copy) as archive:
        assert archive.read("xl/vbaProject.bin") == vba.read_bytes()
        assert archive.read("customUI/customUI.xml") == ribbon
        assert b"ui/extensibility" in archive.read("_rels/.rels")
        assert b"macroEnabled" in archive.read("[Content_Types].xml")
    assert openpyxl.load_workbook(copy)["Validation"]["B5"].value == "unknown-category"


def test_plain_xlsx_stays_macro_free(tmp_path: Path) -> None:
    copy = annotate(bad_workbook(tmp_path / "log.xlsx")).outputs["annotated"]
    with zipfile.ZipFile(copy) as archive:
        assert b"macroEnabled" not in archive.read("[Content_Types].xml")


def test_in_place_refused_while_excel_has_the_file_open(tmp_path: Path) -> None:
    source = bad_workbook(tmp_path / "log.xlsx")
    (tmp_path / "~$log.xlsx").write_bytes(b"\x05Li")
    with pytest.raises(FileError, match="open in Excel"):
        annotate(source, "in-place")
    assert annotate(source).outputs["annotated"].exists()  # a copy is fine


def test_annotated_copy_cannot_overwrite_the_input(tmp_path: Path) -> None:
    source = write_workbook(tmp_path / "log.annotated.xlsx", {"Complaints": log_grid([complaint(1)])})
    renamed = source.rename(tmp_path / "log.xlsx")
    result = annotate(renamed, out=tmp_path)
    assert result.outputs["annotated"] == tmp_path / "log.annotated.xlsx"


THREAD_ID = "{2D5A6C31-8B7E-4F0A-9C1D-3E4F5A6B7C8D}"
PERSON_ID = "{6F1E2D3C-4B5A-4978-8877-665544332211}"
THREADED = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">'
    f'<threadedComment ref="E5" dT="2026-11-20T09:00:00.00" personId="{PERSON_ID}" id="{THREAD_ID}">'
    "<text>Is Widgets a category now?</text></threadedComment></ThreadedComments>"
).encode()
PERSONS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">'
    f'<person displayName="Li Na" id="{PERSON_ID}" userId="li.na@example.com" providerId="AD"/></personList>'
).encode()


def _threaded(source: Path, target: Path) -> Path:
    """`source` with a threaded comment on Complaints!E5 as Excel 365 saves one: the thread part, the
    people, and the legacy note (author `tc=<thread id>`) that older readers show."""
    wb = openpyxl.load_workbook(source)
    wb["Complaints"]["E5"].comment = Comment("[Threaded comment]\nIs Widgets a category now?", f"tc={THREAD_ID}")
    wb.save(target)
    edit_parts(
        target,
        {
            "xl/worksheets/_rels/sheet1.xml.rels": lambda xml: xml.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdTC1" Type="http://schemas.microsoft.com/office/2017/10/relationships/'
                b'threadedComment" Target="../threadedComments/threadedComment1.xml"/></Relationships>',
            ),
            "xl/_rels/workbook.xml.rels": lambda xml: xml.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdP1" Type="http://schemas.microsoft.com/office/2017/10/relationships/person"'
                b' Target="persons/person.xml"/></Relationships>',
            ),
            "[Content_Types].xml": lambda xml: xml.replace(
                b"</Types>",
                b'<Override PartName="/xl/threadedComments/threadedComment1.xml" '
                b'ContentType="application/vnd.ms-excel.threadedcomments+xml"/>'
                b'<Override PartName="/xl/persons/person.xml" ContentType="application/vnd.ms-excel.person+xml"/>'
                b"</Types>",
            ),
            "xl/threadedComments/threadedComment1.xml": lambda _: THREADED,
            "xl/persons/person.xml": lambda _: PERSONS,
        },
    )
    return target


def test_a_threaded_comment_on_the_log_is_kept_and_our_notes_go_beside_it(tmp_path: Path) -> None:
    source = _threaded(bad_workbook(tmp_path / "clean.xlsx"), tmp_path / "log.xlsx")
    with zipfile.ZipFile(source) as z:
        legacy = z.read("xl/comments/comment1.xml")
    theirs = next(c for c in legacy.split(b"<comment ")[1:] if b'ref="E5"' in c).split(b"</comment>")[0]
    annotated = annotate(source).outputs["annotated"]
    annotate(source, "in-place")
    for copy in (annotated, source):
        with zipfile.ZipFile(copy) as z:
            assert z.read("xl/threadedComments/threadedComment1.xml") == THREADED
            assert z.read("xl/persons/person.xml") == PERSONS
            assert theirs in z.read("xl/comments/comment1.xml")  # the legacy note of the thread, as it was
        log = openpyxl.load_workbook(copy)["Complaints"]
        assert log["E5"].fill.fgColor.rgb == "FFFFC7CE"  # marked; the thread keeps the cell's note
        assert log["E5"].comment.author == f"tc={THREAD_ID}"
        assert log["H6"].comment.author == "Complaint Desk"


def _prefixed(source: Path, target: Path) -> Path:
    """`source` with every SpreadsheetML part's elements under a prefix (`ns0:`, as ElementTree writes them;
    the .NET Open XML SDK writes `x:`): nothing may assume the default namespace."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename.startswith("xl/") and info.filename.endswith(".xml") and main.encode() in data:
                data = b'<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(ElementTree.fromstring(data))
            new.writestr(info, data)
    return target


def test_a_workbook_whose_parts_use_a_namespace_prefix_is_marked(tmp_path: Path) -> None:
    source = _prefixed(bad_workbook(tmp_path / "clean.xlsx"), tmp_path / "log.xlsx")
    with zipfile.ZipFile(source) as z:
        assert z.read("xl/worksheets/sheet1.xml").count(b"<ns0:c ") > 10 and b"<c " not in z.read(
            "xl/worksheets/sheet1.xml"
        )
    annotated = annotate(source).outputs["annotated"]
    for _ in range(2):
        annotate(source, "in-place")
    for copy in (annotated, source):
        with zipfile.ZipFile(copy) as z:
            sheet = z.read("xl/worksheets/sheet1.xml")
        assert b"<c " not in sheet and b"<ns0:legacyDrawing " in sheet  # ours written under the sheet's prefix
        wb = openpyxl.load_workbook(copy)
        log = wb["Complaints"]
        assert log["E5"].fill.fgColor.rgb == "FFFFC7CE" and "[unknown-category]" in log["E5"].comment.text
        assert "Validation" in wb.sheetnames and wb["_ComplaintDesk"].sheet_state == "veryHidden"


def _rows_reversed(source: Path, target: Path) -> Path:
    """`source` with the log's complaint rows in reverse order (no Excel writes that; some exporters do)."""

    def reverse(data: bytes) -> bytes:
        head, rest = data.split(b"<sheetData>")
        body, tail = rest.split(b"</sheetData>")
        rows = re.findall(rb"<row\b.*?</row>", body, re.S)
        return head + b"<sheetData>" + b"".join(rows[:3] + rows[:2:-1]) + b"</sheetData>" + tail

    return _edited(source, target, "xl/worksheets/sheet1.xml", reverse)


def test_rows_out_of_order_are_written_once_each_in_their_order(tmp_path: Path) -> None:
    records = [complaint(1), complaint(2, category="Widgets"), complaint(3, status="Open"), complaint(4)]
    source = _rows_reversed(standard_workbook(tmp_path / "clean.xlsx", records), tmp_path / "log.xlsx")

    def order(path: Path) -> list[bytes]:
        with zipfile.ZipFile(path) as z:
            return re.findall(rb'<row r="(\d+)"', z.read("xl/worksheets/sheet1.xml"))

    assert order(source)[3:] == [b"7", b"6", b"5"]
    copy = annotate(source).outputs["annotated"]
    assert order(copy) == order(source)
    log = openpyxl.load_workbook(copy)["Complaints"]
    assert [log.cell(r, 1).value for r in range(3, 8)] == ["Complaint ID", "C0001", "C0002", "C0003", "C0004"]
    assert log["E5"].fill.fgColor.rgb == "FFFFC7CE"


def test_our_columns_never_go_over_formulas_whose_result_is_empty(tmp_path: Path) -> None:
    """An unlabelled column of formulas that all show "" holds no value a reader sees; it is still the
    user's, and our ⚑ columns go right of it."""
    records = [complaint(1), complaint(2, category="Widgets"), complaint(3, status="Open")]
    grid = log_grid(records)
    width = len(grid[0])

    def formulas(book, ws, path):  # type: ignore[no-untyped-def]
        for r in range(1, len(grid)):
            ws.write_formula(r, width, f'=IF(A{r + 1}="x","hit","")', None, "")

    source = _xlsxwriter_log(tmp_path / "log.xlsx", formulas, records)
    for mode in ("annotate", "in-place"):
        copy = process_file(source, Options(as_of=AS_OF, mode=mode, jobs=JOBS)).outputs[
            "annotated" if mode == "annotate" else "in-place"
        ]
        log = openpyxl.load_workbook(copy)["Complaints"]
        assert [log.cell(r, width + 1).value for r in range(2, len(grid) + 1)] == [
            f'=IF(A{r}="x","hit","")' for r in range(2, len(grid) + 1)
        ]
        assert log.cell(1, width + 2).value == "⚑ Response due"


def test_our_columns_go_right_of_a_merged_area_beside_the_log(tmp_path: Path) -> None:
    records = [complaint(1), complaint(2, category="Widgets"), complaint(3, status="Open")]
    width = len(log_grid(records)[0])

    def merged(book, ws, path):  # type: ignore[no-untyped-def]
        ws.merge_range(2, width, 2, width + 2, "called back twice")  # three columns right of the log, one value

    source = _xlsxwriter_log(tmp_path / "log.xlsx", merged, records)
    copy = process_file(source, Options(as_of=AS_OF, mode="annotate", jobs=JOBS)).outputs["annotated"]
    log = openpyxl.load_workbook(copy)["Complaints"]
    assert log.cell(3, width + 1).value == "called back twice"
    assert [log.cell(1, c).value for c in range(width + 1, width + 5)] == [None, None, None, "⚑ Response due"]
