from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from addin.core.values import CellError
from addin.files.package import FileError, error_cells
from addin.files.reader import OLE_MAGIC, load
from tests.builders import complaint, log_grid, write_workbook


def test_reads_grids_from_a1_with_cached_formula_values_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("Log")
    ws.write_string(2, 1, "ID")
    ws.write_formula(3, 1, "=1+1", None, 2)
    ws.write_formula(4, 1, "=NA()", None, "#N/A")
    ws.write_formula(5, 1, "=1/0", None, "#DIV/0!")
    book.close()
    loaded = load(path)
    grid = loaded.sheets["Log"]
    assert grid[2][1] == "ID"  # row 3, column B: positions are Excel's numbers - 1
    assert grid[3][1] == 2
    assert grid[4][1] == CellError("#N/A") and grid[5][1] == CellError("#DIV/0!")


def test_error_scan_handles_attribute_order_and_shared_strings() -> None:
    xml = (
        b'<sheetData><row r="7"><c t="e" s="1" r="AB7"><f>X</f><v>#REF!</v></c>'
        b'<c r="C7" t="s"><v>0</v></c><c r="D7" t="e"><v>#NAME?</v></c></row></sheetData>'
    )
    assert error_cells(xml) == {(7, 28): CellError("#REF!"), (7, 4): CellError("#NAME?")}


def test_dates_in_a_1904_workbook(tmp_path: Path) -> None:
    path = tmp_path / "mac.xlsx"
    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    wb.active["A1"] = datetime(2026, 11, 22, 14, 30)
    wb.save(path)
    loaded = load(path)
    assert loaded.date1904 is True
    assert loaded.sheets["Sheet"][0][0] == datetime(2026, 11, 22, 14, 30)


def test_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileError, match="not found"):
        load(tmp_path / "missing.xlsx")


def test_not_an_excel_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(FileError, match="not an Excel file"):
        load(path)


def _ole(tmp_path: Path, name: str, streams: list[str]) -> Path:
    path = tmp_path / name
    path.write_bytes(OLE_MAGIC + b"\0" * 504 + b"".join(s.encode("utf-16-le") for s in streams) + b"\0" * 512)
    return path


def test_encrypted(tmp_path: Path) -> None:
    with pytest.raises(FileError, match="encrypted"):
        load(_ole(tmp_path, "secret.xlsx", ["EncryptionInfo", "EncryptedPackage"]))


def test_legacy_xls(tmp_path: Path) -> None:
    with pytest.raises(FileError, match="legacy .xls"):
        load(_ole(tmp_path, "old.xls", ["Workbook", "SummaryInformation"]))


def test_corrupt_zip(tmp_path: Path) -> None:
    good = write_workbook(tmp_path / "good.xlsx", {"Log": log_grid([complaint(1)])})
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(FileError, match="corrupt"):
        load(broken)


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hi")
    with pytest.raises(FileError, match="corrupt"):
        load(path)


def test_other_suffix(tmp_path: Path) -> None:
    good = write_workbook(tmp_path / "good.xlsx", {"Log": log_grid([complaint(1)])})
    other = tmp_path / "good.ods"
    other.write_bytes(good.read_bytes())
    with pytest.raises(FileError, match="not supported"):
        load(other)
