"""A real spreadsheet application opens what we write: LibreOffice re-saves it, openpyxl reads it back.

`.ci/run` installs LibreOffice (Debian's libreoffice-calc-nogui); elsewhere these tests skip
when `soffice` is not on the PATH.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from addin.files.run import JOBS, Options, process_file
from tests.builders import AS_OF, complaint, managers_workbook, response, standard_workbook

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


def resave(path: Path, folder: Path) -> Path:
    """Open `path` in LibreOffice headless and save it again as .xlsx into `folder`."""
    folder.mkdir(exist_ok=True)
    profile = (folder / "profile").as_uri()
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "xlsx",  # type: ignore[list-item]
            "--outdir",
            str(folder),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    resaved = folder / path.name.replace(path.suffix, ".xlsx")
    assert resaved.exists(), f"LibreOffice did not convert {path.name}"
    return resaved


def test_report_and_annotated_copy_open_in_libreoffice(tmp_path: Path) -> None:
    source = standard_workbook(
        tmp_path / "log.xlsx", [complaint(1), complaint(2, category="Widgets"), complaint(3, status="Open")]
    )
    report = process_file(source, Options(as_of=AS_OF)).outputs["report"]
    copy = process_file(source, Options(as_of=AS_OF, mode="annotate")).outputs["annotated"]

    sheet = openpyxl.load_workbook(resave(report, tmp_path / "lo-report"))["Validation"]
    assert [sheet.cell(r, 2).value for r in (5, 6)] == ["unknown-category", "open-with-resolved-time"]
    assert sheet["E5"].value == "Complaints!E5" and sheet["E5"].hyperlink is not None

    book = openpyxl.load_workbook(resave(copy, tmp_path / "lo-annotated"))
    assert "Validation" in book.sheetnames
    log = book["Complaints"]
    assert log["E5"].value == "Widgets" and log["E5"].fill.fgColor.rgb.endswith("FFC7CE")
    assert log["E5"].comment is not None and "unknown-category" in log["E5"].comment.text
    assert log["H6"].fill.fgColor.rgb.endswith("FFEB9C")


@pytest.mark.parametrize("mode", ["report", "annotate"])
def test_scores_sheet_and_its_charts_survive_libreoffice(tmp_path: Path, mode: str) -> None:
    responses = [response(n, region=("East", "West")[n % 2], timeliness=6 + n % 4) for n in range(1, 41)]
    source = standard_workbook(tmp_path / "log.xlsx", responses=responses)
    result = process_file(source, Options(as_of=AS_OF, mode=mode, jobs=("score",)))
    resaved = resave(result.outputs["report" if mode == "report" else "annotated"], tmp_path / "lo")
    with zipfile.ZipFile(resaved) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        titles = b"".join(z.read(n) for n in charts)
    assert len(charts) == 2
    assert b"Overall score by region" in titles and b"Score by dimension" in titles
    sheet = openpyxl.load_workbook(resaved)["Scores"]
    assert sheet["A22"].value in ("East", "West") and isinstance(sheet["H22"].value, int | float)


def test_summary_workbook_opens_in_libreoffice_and_its_charts_are_drawn(tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    source = managers_workbook(tmp_path / "log.xlsx")
    summary = process_file(source, Options(as_of=AS_OF, jobs=JOBS)).outputs["summary"]
    book = openpyxl.load_workbook(resave(summary, tmp_path / "lo-summary"))
    assert book.sheetnames == ["Summary", "Scores", "Flags"]
    rows = [list(r) for r in book["Summary"].iter_rows(values_only=True)]
    assert next(r for r in rows if r[0] == "Complaints received")[1] == 7
    assert len(book["Summary"]._charts) == 2
    folder = tmp_path / "lo-pdf"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--convert-to", "pdf"]
        + ["--outdir", str(folder), str(summary)],  # type: ignore[list-item]
        check=True,
        capture_output=True,
        timeout=180,
    )
    first_page = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-layout", str(folder / "log.summary.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    # the chart titles are in no cell: they are on the page only if LibreOffice drew the charts
    for drawn in ("Complaints by region", "Overall satisfaction by region vs target"):
        assert drawn in first_page
    assert "Key figures" in first_page and "57.1%" in first_page
