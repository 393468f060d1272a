from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from addin.files import xlsx_writer as writer_module
from addin.files.paths import atomic_target, expand, output_path
from addin.files.xlsx_writer import write_pages
from addin.pages.page import Block, Link, Page


def test_atomic_target_leaves_nothing_half_written(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"previous")
    with pytest.raises(RuntimeError), atomic_target(target) as temporary:
        temporary.write_bytes(b"half")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]
    with atomic_target(target) as temporary:
        temporary.write_bytes(b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_expand_files_folders_and_globs(tmp_path: Path) -> None:
    for name in ("b.xlsx", "a.xlsm", "a.report.xlsx", "a.annotated.xlsx", "a.bak.xlsx", "~$b.xlsx", "notes.txt"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.xlsx").write_bytes(b"x")
    assert [p.name for p in expand([str(tmp_path)])] == ["a.xlsm", "b.xlsx"]
    assert [p.name for p in expand([str(tmp_path / "**" / "*.xlsx")])] == ["b.xlsx", "c.xlsx"]
    assert expand([str(tmp_path / "missing.xlsx")]) == [tmp_path / "missing.xlsx"]  # reported as not found later
    assert expand([str(tmp_path / "b.xlsx"), str(tmp_path)]) == [tmp_path / "b.xlsx", tmp_path / "a.xlsm"]


def test_output_names(tmp_path: Path) -> None:
    source = tmp_path / "in" / "log.xlsm"
    assert output_path(source, None, "report", ".xlsx") == tmp_path / "in" / "log.report.xlsx"
    assert output_path(source, tmp_path / "out", "annotated") == tmp_path / "out" / "log.annotated.xlsm"


def test_links_past_excels_limit_become_hyperlink_formulas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer_module, "MAX_URLS", 2)
    rows: list[list[object]] = [[Link(f"Log!A{n}", f"Log!A{n}")] for n in range(2, 6)]
    content = Page("Validation", "t", "s", [Block(4, 1, ["Cell"], rows)], widths=[10])
    path = write_pages(tmp_path / "r.xlsx", [content], original=tmp_path / "log.xlsx")
    sheet = openpyxl.load_workbook(path)["Validation"]
    assert sheet["A5"].hyperlink.location == "Log!A2" and sheet["A5"].hyperlink.target == "log.xlsx"
    assert sheet["A7"].value == '=HYPERLINK("log.xlsx#Log!A4","Log!A4")'
    cached = openpyxl.load_workbook(path, data_only=True)["Validation"]
    assert cached["A8"].value == "Log!A5"
