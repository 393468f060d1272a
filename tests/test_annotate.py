"""The annotate and in-place paths: owned sheets, marks, idempotence, safety, no lost data."""

from __future__ import annotations

import hashlib
import struct
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from addin.files.run import FileError, Options, process_file
from addin.files.safety import unsafe_parts
from tests.builders import AS_OF, complaint, log_grid, standard_workbook, write_workbook


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


def _xlsxwriter_log(path: Path, extra) -> Path:  # type: ignore[no-untyped-def]
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("Complaints")
    for r, row in enumerate(log_grid([complaint(1), complaint(2, category="Widgets")])):
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


@pytest.mark.parametrize(
    ("extra", "lost"),
    [(_chart, "charts"), (_image, "images"), (_button, "form controls (Button)")],
)
def test_refuses_what_openpyxl_would_drop_but_the_report_still_works(tmp_path: Path, extra, lost: str) -> None:  # type: ignore[no-untyped-def]
    source = _xlsxwriter_log(tmp_path / "log.xlsx", extra)
    before = digest(source)
    assert lost in unsafe_parts(source)
    for mode in ("annotate", "in-place"):
        with pytest.raises(FileError, match=f"would lose .*{lost.split(' ')[0]}"):
            annotate(source, mode)
    assert digest(source) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".xlsx") == ["log.xlsx"]
    assert process_file(source, Options(as_of=AS_OF)).outputs["report"].exists()


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
    ("parts", "rels", "lost"),
    [
        ({"xl/pivotTables/pivotTable1.xml": b"<x/>"}, b"", "pivot tables"),
        ({"xl/slicers/slicer1.xml": b"<x/>"}, b"", "slicers"),
        ({"xl/externalLinks/externalLink1.xml": b"<x/>"}, b"", "external links"),
        ({"xl/activeX/activeX1.xml": b"<x/>"}, b"", "ActiveX"),
        ({"xl/threadedComments/threadedComment1.xml": b"<x/>"}, b"", "threaded comments"),
        (
            {"customUI/customUI14.xml": b"<customUI/>"},
            b'<Relationship Id="rX" Type="http://schemas.microsoft.com/office/2007/relationships/ui/extensibility" '
            b'Target="customUI/customUI14.xml"/>',
            "ribbon",
        ),
        ({"xl/metadata.xml": b"<x/>"}, b"", "dynamic-array"),
        ({"xl/unknownThing.bin": b"x"}, b"", "the part xl/unknownThing.bin"),
    ],
)
def test_refuses_other_parts(tmp_path: Path, parts: dict[str, bytes], rels: bytes, lost: str) -> None:
    clean = bad_workbook(tmp_path / "clean.xlsx")
    assert unsafe_parts(clean) == []
    source = _with_parts(clean, tmp_path / "log.xlsx", parts, rels)
    assert any(lost in what for what in unsafe_parts(source)), unsafe_parts(source)
    with pytest.raises(FileError, match="not modified"):
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
    assert unsafe_parts(source) == []
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
