"""Hostile and broken input, one class per test: limits before parsing, the child process, paths,
backups, our columns beside a user's, cached formula values, the one text guard, bounded numbers.

The generated corpus run over every mode is tests/test_fuzz.py; these tests pin each class down
with a file built for it, through the real CLI (`addin.cli`) and the real readers.
"""

from __future__ import annotations

import json
import os
import stat
import struct
import sys
import time
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from addin.cli import cli
from addin.core.values import Bad, parse_date, parse_exact, parse_whole
from addin.files.isolation import Failed, run_isolated
from addin.files.limits import DEFAULT, Limits
from addin.files.package import FileError, open_package
from addin.files.reader import load
from tests.builders import complaint, response, standard_workbook
from tests.hostile import FORMULA_PAYLOADS

AS_OF = ["--as-of", "2026-11-22T12:00"]
LOG_PART = "xl/worksheets/sheet1.xml"  # the Complaints sheet of standard_workbook


def invoke(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args] + AS_OF)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.stdout, result.stderr


def rezip(source: Path, target: Path, changes: dict[str, bytes | None]) -> Path:
    """A copy of the package with parts replaced (bytes), removed (None) or added."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename in changes:
                continue
            new.writestr(info, old.read(info))
        for name, data in changes.items():
            if data is not None:
                new.writestr(name, data)
    return target


def part(path: Path, name: str = LOG_PART) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def with_cells(xml: bytes, cells: bytes) -> bytes:
    """The sheet with extra rows appended at the end of its data."""
    return xml.replace(b"</sheetData>", cells + b"</sheetData>")


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return standard_workbook(tmp_path / "book.xlsx")


# --- limits before parsing ---------------------------------------------------------------------


def test_a_stray_value_at_xfd1048576_is_refused_before_the_reader_allocates(book: Path, tmp_path: Path) -> None:
    stray = rezip(
        book,
        tmp_path / "stray.xlsx",
        {LOG_PART: with_cells(part(book), b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')},
    )
    code, out, err = invoke("validate", stray, "--json", "--out", tmp_path / "out")
    assert code == 3
    entry = json.loads(out)["files"][0]
    assert entry["error"].startswith("over limits.cells: values in sheet 'Complaints' span 1,048,576 rows × 16,384")
    assert "Traceback" not in err


def test_formatting_far_away_and_a_huge_declared_dimension_cost_nothing(book: Path, tmp_path: Path) -> None:
    xml = part(book).replace(b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>', 1)
    if b"<dimension" in part(book):
        xml = part(book).replace(b'<dimension ref="', b'<dimension ref="A1:XFD1048576" old="', 1)
    xml = with_cells(xml, b'<row r="1048576" s="0"><c r="XFD1048576" s="0"/></row>')
    far = rezip(book, tmp_path / "far.xlsx", {LOG_PART: xml})
    started = time.perf_counter()
    code, out, _ = invoke("validate", far, "--json", "--out", tmp_path / "out")
    entry = json.loads(out)["files"][0]
    assert code == 0 and entry["log"]["rows"] == 5 and entry["errors"] == 0
    assert time.perf_counter() - started < 30


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"[Content_Types].xml": None}, "the part [Content_Types].xml is missing"),
        ({"xl/workbook.xml": None}, "the part xl/workbook.xml is missing"),
        ({LOG_PART: b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet/>'}, "declares a document type"),
        (
            {
                LOG_PART: with_cells(
                    b"<worksheet><sheetData></sheetData></worksheet>",
                    b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + b"x" * 40_000 + b"</t></is></c></row>",
                )
            },
            "over limits.text: a cell of sheet 'Complaints' holds 40,000 characters",
        ),
    ],
)
def test_broken_packages_are_one_line_each(
    book: Path, tmp_path: Path, changes: dict[str, bytes | None], reason: str
) -> None:
    broken = rezip(book, tmp_path / "broken.xlsx", changes)
    for mode in ([], ["--annotate"]):
        code, out, err = invoke("run", broken, "--json", "--out", tmp_path / "out", *mode)
        assert code == 3 and "Traceback" not in err
        assert reason in json.loads(out)["files"][0]["error"]


def _patch_entry(path: Path, name: str, *, method: int | None = None, flags: int | None = None) -> None:
    """Change an entry's compression method or flag bits in both its local header and the central directory."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        local = archive.getinfo(name).header_offset
    central = data.find(b"PK\x01\x02")
    while data[central + 46 : central + 46 + struct.unpack_from("<H", data, central + 28)[0]] != name.encode():
        central = data.find(b"PK\x01\x02", central + 4)
    for offset, flag_at, method_at in ((local, 6, 8), (central, 8, 10)):
        if flags is not None:
            struct.pack_into("<H", data, offset + flag_at, flags)
        if method is not None:
            struct.pack_into("<H", data, offset + method_at, method)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("method", "flags", "reason"),
    [(9, None, "uses Deflate64 compression"), (None, 1, "is encrypted inside the zip"), (14, None, "uses LZMA")],
)
def test_entries_no_reader_should_try_are_refused(
    book: Path, method: int | None, flags: int | None, reason: str
) -> None:
    _patch_entry(book, LOG_PART, method=method, flags=flags)
    with pytest.raises(FileError, match=reason):
        load(book)


def test_an_entry_that_fails_to_inflate_is_corrupt_not_a_crash(book: Path, tmp_path: Path) -> None:
    data = bytearray(book.read_bytes())
    with zipfile.ZipFile(book) as archive:
        info = archive.getinfo(LOG_PART)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + 10 : start + 60] = bytes(range(50))  # garbage in the deflate stream
    book.write_bytes(bytes(data))
    with pytest.raises(FileError, match=f"corrupt: the part {LOG_PART}"):
        load(book)


def test_a_zip_bomb_stops_at_the_ratio_limit_without_unpacking(tmp_path: Path, book: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(book) as old, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename != LOG_PART:
                new.writestr(info, old.read(info))
        with new.open(LOG_PART, "w", force_zip64=True) as stream:
            stream.write(b"<worksheet><sheetData>")
            for _ in range(64):
                stream.write(b" " * (1 << 20))  # 64 MB of spaces pack to about 64 KB
            stream.write(b"</sheetData></worksheet>")
    assert bomb.stat().st_size < 1 << 20
    with pytest.raises(
        FileError, match="over limits.ratio: the part xl/worksheets/sheet1.xml unpacks to over 200 times"
    ):
        open_package(bomb, DEFAULT)
    with pytest.raises(FileError, match="over limits.part_mb"):
        open_package(bomb, Limits(part_mb=8, ratio=10_000))


def test_limits_come_from_the_config_file_and_are_checked(book: Path, tmp_path: Path) -> None:
    config = tmp_path / "limits.toml"
    config.write_text("[limits]\ncells = 10\n", encoding="utf-8")
    code, _, err = invoke("validate", book, "--config", config, "--out", tmp_path / "out")
    assert code == 3 and "over limits.cells" in err
    config.write_text("[limits]\ncels = 10\n", encoding="utf-8")
    code, _, err = invoke("validate", book, "--config", config)
    assert code == 2 and "unknown limit; the limits are limits.file_mb" in err
    config.write_text('[limits]\ncells = "many"\n', encoding="utf-8")
    code, _, err = invoke("validate", book, "--config", config)
    assert code == 2 and "a whole number of at least 1" in err
    config.write_text("[limits]\nrewrite_cells = 10\n", encoding="utf-8")  # retired: an older config still works
    code, _, err = invoke("validate", book, "--config", config, "--annotate", "--out", tmp_path / "out")
    assert code in (0, 1) and not err


def test_a_utf16_sheet_part_is_read_like_a_utf8_one(book: Path, tmp_path: Path) -> None:
    xml = (
        part(book)
        .decode("utf-8")
        .replace('encoding="UTF-8"', 'encoding="UTF-16"')
        .replace("encoding='UTF-8'", "encoding='UTF-16'")
    )
    if 'encoding="UTF-16"' not in xml:
        xml = '<?xml version="1.0" encoding="UTF-16"?>' + xml.split("?>", 1)[-1]
    wide = rezip(book, tmp_path / "wide.xlsx", {LOG_PART: xml.encode("utf-16")})
    assert load(wide).sheets["Complaints"] == load(book).sheets["Complaints"]


# --- the child process ---------------------------------------------------------------------------


def _abort() -> None:
    os.abort()


def _sleep() -> None:
    time.sleep(60)


def _greedy() -> bytes:
    return b"x" * (3 << 30)


def test_a_child_that_aborts_overruns_or_eats_memory_is_one_failure() -> None:
    crashed = run_isolated(_abort, (), DEFAULT)
    assert isinstance(crashed, Failed) and crashed.kind == "file" and "the reader crashed (SIGABRT)" in crashed.reason
    started = time.perf_counter()
    slow = run_isolated(_sleep, (), Limits(seconds=1))
    assert isinstance(slow, Failed) and slow.reason.startswith("over limits.seconds: not done after 1 s")
    assert time.perf_counter() - started < 10
    if sys.platform == "linux":
        greedy = run_isolated(_greedy, (), Limits(memory_mb=1024))
        assert isinstance(greedy, Failed) and "limits.memory_mb" in greedy.reason


def test_an_internal_error_exits_5_with_its_traceback_in_the_log(
    book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> None:
        raise ZeroDivisionError("planted bug")

    log = tmp_path / "errors.log"
    monkeypatch.setenv("COMPLAINTS_ERROR_LOG", str(log))
    monkeypatch.setattr("addin.files.outcome.process_file", broken)
    other = standard_workbook(tmp_path / "other.xlsx")
    code, out, err = invoke("validate", book, other, "--json")
    assert code == 5
    entries = json.loads(out)["files"]
    assert [e["error"].split(";")[0] for e in entries] == ["internal error (ZeroDivisionError: planted bug)"] * 2
    assert all(e["internal"] is True for e in entries)
    assert f"details in {log}" in err and "Traceback" not in err
    assert "Traceback (most recent call last)" in log.read_text(encoding="utf-8")
    assert 'raise ZeroDivisionError("planted bug")' in log.read_text(encoding="utf-8")


# --- paths and backups --------------------------------------------------------------------------


def test_in_place_never_replaces_a_backup(book: Path) -> None:
    original = book.read_bytes()
    backup = book.with_name("book.bak.xlsx")
    code, out, _ = invoke("flag", book, "--in-place")
    assert code == 0 and backup.read_bytes() == original and str(backup) in out
    first_output = book.read_bytes()
    code, out, _ = invoke("flag", book, "--in-place")
    second = book.with_name("book.2.bak.xlsx")
    assert code == 0 and backup.read_bytes() == original and second.read_bytes() == first_output
    assert str(second) in out


def test_in_place_follows_a_symbolic_link_and_refuses_a_read_only_file(book: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.xlsx"
    link.symlink_to(book)
    before = book.read_bytes()
    code, _, _ = invoke("flag", link, "--in-place")
    assert code == 0 and link.is_symlink() and book.read_bytes() != before
    assert book.with_name("book.bak.xlsx").read_bytes() == before
    book.chmod(stat.S_IRUSR)
    kept = book.read_bytes()
    code, _, err = invoke("flag", book, "--in-place")
    assert code == 3 and "read-only: book.xlsx cannot be changed in place; use --annotate" in err
    assert book.read_bytes() == kept


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_one_line_suggesting_out(book: Path, tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    copy = folder / "book.xlsx"
    copy.write_bytes(book.read_bytes())
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        code, _, err = invoke("validate", copy)
    finally:
        folder.chmod(stat.S_IRWXU)
    assert code == 3 and "choose another folder with --out" in err and "Traceback" not in err


def test_an_output_folder_that_cannot_be_made_is_one_line(book: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    code, out, err = invoke("run", book, "--json", "--out", blocker / "out")
    assert code == 3 and "Traceback" not in err
    assert json.loads(out)["files"][0]["error"].startswith(f"cannot write {blocker / 'out'}")


def test_a_hash_in_the_file_name_does_not_cut_the_links(tmp_path: Path) -> None:
    book = standard_workbook(tmp_path / "East #2 log.xlsx", [complaint(1, region=""), complaint(2)])
    code, _, _ = invoke("validate", book)
    assert code == 1
    wb = openpyxl.load_workbook(tmp_path / "East #2 log.report.xlsx")
    links = [c.hyperlink for row in wb["Validation"].iter_rows() for c in row if c.hyperlink is not None]
    assert links and {link.target for link in links} == {"East %232 log.xlsx"}
    assert all(link.location.startswith("Complaints!") for link in links)


# --- the user's cells ---------------------------------------------------------------------------


def test_our_columns_go_after_a_users_unlabelled_columns(tmp_path: Path) -> None:
    book = standard_workbook(tmp_path / "book.xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb["Complaints"]
    last = max(c for c in range(1, ws.max_column + 1) if ws.cell(3, c).value is not None)
    for row in range(4, ws.max_row + 1):
        ws.cell(row, last + 1, datetime(2026, 1, row))  # no header: a user's working column
        ws.cell(row, last + 3, row * 10)  # and one more after an empty column
    wb.save(book)
    code, _, _ = invoke("flag", book, "--annotate")
    out = openpyxl.load_workbook(tmp_path / "book.annotated.xlsx")["Complaints"]
    for row in range(4, ws.max_row + 1):
        assert out.cell(row, last + 1).value == datetime(2026, 1, row)
        assert out.cell(row, last + 3).value == row * 10
    assert out.cell(3, last + 4).value.startswith("⚑")
    assert all(out.cell(3, c).value is None for c in range(last + 1, last + 4))


def test_formula_cells_keep_formula_and_cached_value(book: Path, tmp_path: Path) -> None:
    xml = with_cells(
        part(book),
        b'<row r="40"><c r="C40" t="str"><f>"K"&amp;"9"</f><v>K9</v></c><c r="D40"><f>1+1</f><v>2</v></c></row>',
    )
    formulas = rezip(book, tmp_path / "formulas.xlsx", {LOG_PART: xml})
    code, _, _ = invoke("validate", formulas, "--annotate")
    assert code == 1  # the row's other cells are blank
    annotated = tmp_path / "formulas.annotated.xlsx"
    ws = openpyxl.load_workbook(annotated)["Complaints"]
    assert ws["C40"].value == '="K"&"9"' and ws["D40"].value == "=1+1"
    values = CalamineWorkbook.from_path(str(annotated)).get_sheet_by_name("Complaints").to_python()
    assert values[39][2] == "K9" and values[39][3] == 2


PAYLOADS = [*FORMULA_PAYLOADS, '=WEBSERVICE("http://x")']  # the corpus's payloads, and one more


def test_no_text_of_the_users_becomes_a_formula_or_breaks_the_file(tmp_path: Path) -> None:
    records = [
        complaint(n, complaint_id=p, customer_id=p, region=p, category=p, subject=p, owner=p, severity=p, status=p)
        for n, p in enumerate(PAYLOADS, start=1)
    ] + [complaint(n) for n in range(20, 26)]
    responses = [response(n, response_id=p, customer_id=p, region=p) for n, p in enumerate(PAYLOADS, start=1)]
    book = standard_workbook(tmp_path / "payloads.xlsx", records, responses + [response(n) for n in range(20, 26)])
    controls = part(book).replace(b"<t>Li</t>", b"<t>L_x0001_i_x000B_</t>", 3)  # control characters in owners
    book = rezip(book, tmp_path / "payloads-controls.xlsx", {LOG_PART: controls})
    for mode in (["--annotate"], []):
        code, out, err = invoke("run", book, "--json", *mode)
        assert code in (0, 1) and "Traceback" not in err, err
        for written in json.loads(out)["files"][0]["outputs"].values():
            wb = openpyxl.load_workbook(written)
            mine = [ws for ws in wb.worksheets if mode == [] or ws.title != "Complaints"]
            formulas = [
                (ws.title, c.coordinate, c.value)
                for ws in mine
                for row in ws.iter_rows()
                for c in row
                if c.data_type == "f"
            ]
            assert not [f for f in formulas if 'HYPERLINK("#' not in str(f[2])], formulas


def test_numbers_in_date_cells_keep_their_digits_through_the_rewrite(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    ws = wb["Complaints"]
    ws["B4"].value = 1e308  # no date: openpyxl alone would make it #VALUE!
    ws["B5"].value = datetime(6923, 4, 10, 12, 26, 21, 28000)  # a serial openpyxl alone moves by 1 ms
    for cell in ("B4", "B5"):
        ws[cell].number_format = "yyyy-mm-dd hh:mm:ss.000"
    wb.save(book)
    before = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Complaints").to_python()
    serials = {cell: _value_text(book, cell) for cell in ("B4", "B5")}
    code, _, err = invoke("validate", book, "--annotate")
    assert code == 1, err
    marked = book.with_name(f"{book.stem}.annotated.xlsx")
    after = CalamineWorkbook.from_path(str(marked)).get_sheet_by_name("Complaints").to_python()
    assert [row[1] for row in after] == [row[1] for row in before]
    assert {cell: _value_text(marked, cell) for cell in serials} == serials
    with pytest.warns(UserWarning, match="outside the limits for dates"):  # openpyxl as a reader: the format kept
        assert openpyxl.load_workbook(marked)["Complaints"]["B4"].number_format == "yyyy-mm-dd hh:mm:ss.000"


def _value_text(path: Path, cell: str) -> str:
    """The `<v>` text of a cell of the first sheet, as the file holds it."""
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    return xml.split(f'r="{cell}"')[1].split("<v>")[1].split("</v>")[0]


def test_extensions_under_any_prefix_are_kept_by_the_rewrite(book: Path, tmp_path: Path) -> None:
    ext = (
        b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
        b'xmlns:foo="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
        b'<foo:dataValidations count="0"/></ext></extLst>'
    )
    xml = part(book).replace(b"</worksheet>", ext + b"</worksheet>")
    extended = rezip(book, tmp_path / "ext.xlsx", {LOG_PART: xml})
    code, _, err = invoke("validate", extended, "--annotate")
    assert code in (0, 1), err
    assert part(tmp_path / "ext.annotated.xlsx").endswith(ext + b"</worksheet>")


# --- numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), 1e308, "1e999999", "9" * 5000, 10**400])
def test_numeric_extremes_are_not_numbers(value: object) -> None:
    assert parse_whole(value) is None
    started = time.perf_counter()
    assert parse_exact(value) is None
    assert time.perf_counter() - started < 0.1


def test_excel_serials_follow_the_1900_date_system() -> None:
    assert parse_date(1) == datetime(1900, 1, 1)
    assert parse_date(59) == datetime(1900, 2, 28)
    assert isinstance(parse_date(60), Bad) and "1900-02-29" in parse_date(60).reason  # type: ignore[union-attr]
    assert parse_date(61) == datetime(1900, 3, 1)
    assert parse_date(45000) == datetime(2023, 3, 15)
    assert parse_date(0, date1904=True) == datetime(1904, 1, 1)


def test_extreme_values_in_every_numeric_field_and_setting(tmp_path: Path) -> None:
    extremes = ["NaN", "inf", "-inf", 1e308, -1e308, "1e999999", "9" * 5000]
    records = [complaint(n, complainants=x) for n, x in enumerate(extremes, start=1)]
    book = standard_workbook(tmp_path / "extremes.xlsx", records)
    wb = openpyxl.load_workbook(book)
    settings = wb.create_sheet("Settings")
    keys = [
        "score.target",
        "score.min_responses",
        "deadline.due_soon",
        "repeat.window_days",
        "deadline.response_hours.general",
    ]
    for r, (key, value) in enumerate(zip(keys, extremes, strict=False), start=1):
        settings.cell(r, 1, key)
        settings.cell(r, 2, value)
    wb.save(book)
    started = time.perf_counter()
    code, out, err = invoke("run", book, "--json", "--out", tmp_path / "out")
    assert code == 1 and "Traceback" not in err
    assert time.perf_counter() - started < 60
    problems = json.loads(out)["files"][0]["problems"]
    assert sum(p["code"] == "invalid-complainants" for p in problems) == len(extremes)
    assert sum(p["code"] == "invalid-setting" for p in problems) == len(keys)
