"""The flags as people see them: the CLI's JSON, the Flags sheet, the log columns and row colours."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.styles import PatternFill

from addin.cli import cli
from addin.core.schema import OWNED_COLUMN_MARK
from addin.pages.flags import ROW_FILLS
from tests.builders import complaint, log_grid, write_workbook

AS_OF = datetime(2026, 11, 20, 12)
HEADER_ROW = 3  # two title rows above the log's header


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def open_case(n: int, days_ago: float, **changes: object) -> dict[str, object]:
    received = AS_OF - timedelta(days=days_ago)
    return complaint(
        n,
        received_at=received,
        first_response_at=received + timedelta(hours=1),
        resolved_at="",
        status="In progress",
        subject=f"S{n}",
        **changes,
    )


def flag_log(path: Path, lang: str = "en") -> Path:
    records = [
        open_case(1, 10, owner="Wang"),  # overdue by 3 days
        open_case(2, 6, owner="Li"),  # due soon
        open_case(3, 1, customer_id="K002", owner="Li"),  # repeat of 2
        open_case(4, 0.5, legal="Y"),  # under-graded: major
        complaint(5, subject="S5"),  # resolved on time, nothing to flag
    ]
    return write_workbook(path, {"Complaints": log_grid(records, lang=lang, titles=["Complaint log", ""])})


def test_flag_json_contract(tmp_path: Path) -> None:
    path = flag_log(tmp_path / "log.xlsx")
    result = invoke("flag", str(path), "--json", "--as-of", AS_OF.isoformat(), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.stdout)["files"]
    by_id = {c["complaint_id"]: c for c in entry["complaints"]}
    assert list(by_id) == ["C0001", "C0002", "C0004", "C0003"]  # overdue, due soon, then the others by severity
    first = by_id["C0001"]
    assert {"complaint_id", "row", "state", "flags", "response_due", "resolution_due", "overdue_hours"} <= set(first)
    assert {"repeat_of", "cluster", "suggested_severity", "rule"} <= set(first)
    assert (first["row"], first["state"], first["flags"]) == (4, "overdue", ["overdue", "under-graded"])
    assert (first["overdue_hours"], first["resolution_due"]) == (72.0, "2026-11-17T12:00")
    assert (first["suggested_severity"], first["rule"]) == ("hot", "unresolved-hot")
    assert by_id["C0002"]["state"] == "due-soon"
    assert (by_id["C0003"]["flags"], by_id["C0003"]["repeat_of"]) == (["repeat"], ["C0002"])
    assert (by_id["C0004"]["suggested_severity"], by_id["C0004"]["rule"]) == ("major", "legal")
    assert entry["flag_counts"]["overdue"] == 1 and entry["clock"] == "calendar"


def test_business_days_option(tmp_path: Path) -> None:
    path = flag_log(tmp_path / "log.xlsx")
    result = invoke(
        "flag", str(path), "--json", "--business-days", "--as-of", AS_OF.isoformat(), "--out", str(tmp_path)
    )
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.stdout)["files"]
    assert entry["clock"] == "business"
    first = next(c for c in entry["complaints"] if c["complaint_id"] == "C0001")
    assert first["resolution_due"] == "2026-11-19T12:00"  # received Tue 11-10: 7 working days


def test_report_has_the_flags_sheet_with_links(tmp_path: Path) -> None:
    path = flag_log(tmp_path / "log.xlsx")
    assert invoke("flag", str(path), "--as-of", AS_OF.isoformat(), "--out", str(tmp_path)).exit_code == 0
    wb = openpyxl.load_workbook(tmp_path / "log.report.xlsx")
    assert wb.sheetnames == ["Flags"]
    ws = wb["Flags"]
    rows = list(ws.iter_rows(min_row=4, max_col=5, values_only=True))
    assert rows[0] == ("Complaint ID", "Region", "Owner", "State", "Flags")
    assert [r[0] for r in rows[1:5]] == ["C0001", "C0002", "C0004", "C0003"]
    assert rows[1][3] == "Overdue by 3 days"
    link = ws["A5"].hyperlink
    assert (link.target, link.location) == ("log.xlsx", "Complaints!A4")  # the row in the original workbook
    counts = {ws.cell(r, 19).value: ws.cell(r, 21).value for r in range(5, 10)}
    assert counts["East"] == 1  # overdue in East
    texts = [v for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    assert not any(t.startswith("Row colours") for t in texts)  # no legend: the report does not colour the log


def _headers(ws: openpyxl.worksheet.worksheet.Worksheet) -> list[object]:
    return [c.value for c in ws[HEADER_ROW]]


def _fill(ws: openpyxl.worksheet.worksheet.Worksheet, ref: str) -> str | None:
    fill = ws[ref].fill
    return None if fill.fill_type is None else str(fill.fgColor.rgb)[-6:]


def test_in_place_columns_are_appended_once_and_updated_on_rerun(tmp_path: Path) -> None:
    path = flag_log(tmp_path / "log.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Complaints"]["F5"].fill = PatternFill(fill_type="solid", fgColor="FF00B050")  # the user's own colour
    wb.save(path)
    assert invoke("flag", str(path), "--in-place", "--as-of", AS_OF.isoformat()).exit_code == 0
    ws = openpyxl.load_workbook(path)["Complaints"]
    headers = _headers(ws)
    ours = [h for h in headers if isinstance(h, str) and h.startswith(OWNED_COLUMN_MARK)]
    assert ours == ["⚑ Response due", "⚑ Resolution due", "⚑ State", "⚑ Flags", "⚑ Suggested severity"]
    assert headers.index(ours[0]) == 14  # right after the log's 14 columns
    assert ws.cell(4, 15).value == datetime(2026, 11, 11, 12) and ws.cell(4, 17).value == "Overdue by 3 days"
    assert _fill(ws, "A4") == ROW_FILLS["overdue"] and _fill(ws, "Q4") == ROW_FILLS["overdue"]
    assert _fill(ws, "A5") == ROW_FILLS["due-soon"] and _fill(ws, "F5") == ROW_FILLS["due-soon"]
    assert _fill(ws, "A8") is None  # resolved on time: left as it is
    # A day later, with the due-soon complaint resolved: same columns, new values, the user's colour back
    wb = openpyxl.load_workbook(path)
    log = wb["Complaints"]
    log["H5"], log["K5"] = "Resolved", datetime(2026, 11, 20, 9)
    wb.save(path)
    later = (AS_OF + timedelta(days=1)).isoformat()
    assert invoke("flag", str(path), "--in-place", "--as-of", later).exit_code == 0
    ws = openpyxl.load_workbook(path)["Complaints"]
    assert _headers(ws) == headers
    assert ws.cell(4, 17).value == "Overdue by 4 days"
    assert ws.cell(5, 17).value == "Resolved on time"
    assert _fill(ws, "A5") is None and _fill(ws, "F5") == "00B050"


def test_validation_and_flag_marks_live_together(tmp_path: Path) -> None:
    path = flag_log(tmp_path / "log.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Complaints"]["G4"] = "Urgent"  # an unknown severity in the overdue row
    wb.save(path)
    assert invoke("run", str(path), "--in-place", "--as-of", AS_OF.isoformat()).exit_code == 1
    ws = openpyxl.load_workbook(path)["Complaints"]
    assert _fill(ws, "G4") == "FFC7CE" and _fill(ws, "A4") == ROW_FILLS["overdue"]
    # validate alone keeps the row colours; flag alone keeps the validation mark
    assert invoke("validate", str(path), "--in-place", "--as-of", AS_OF.isoformat()).exit_code == 1
    assert invoke("flag", str(path), "--in-place", "--as-of", AS_OF.isoformat()).exit_code == 0
    wb = openpyxl.load_workbook(path)
    ws = wb["Complaints"]
    assert _fill(ws, "G4") == "FFC7CE" and _fill(ws, "A4") == ROW_FILLS["overdue"]
    assert ws["G4"].comment is not None
    assert len([h for h in _headers(ws) if isinstance(h, str) and h.startswith(OWNED_COLUMN_MARK)]) == 5
    # fixing the cell: its mark goes, and it gets the row colour on the next full run
    ws["G4"] = "General"
    wb.save(path)
    assert invoke("run", str(path), "--in-place", "--as-of", AS_OF.isoformat()).exit_code == 0
    ws = openpyxl.load_workbook(path)["Complaints"]
    assert _fill(ws, "G4") == ROW_FILLS["overdue"] and ws["G4"].comment is None


def test_our_columns_do_not_disturb_validation(tmp_path: Path) -> None:
    path = flag_log(tmp_path / "log.xlsx")
    assert invoke("flag", str(path), "--in-place", "--as-of", AS_OF.isoformat()).exit_code == 0
    wb = openpyxl.load_workbook(path)
    ws = wb["Complaints"]
    ws.cell(20, 17, "stale text in our column")  # a row holding only our cells is a blank row
    wb.save(path)
    result = invoke("validate", str(path), "--json", "--as-of", AS_OF.isoformat(), "--out", str(tmp_path))
    (entry,) = json.loads(result.stdout)["files"]
    assert (entry["errors"], entry["warnings"], entry["log"]["rows"]) == (0, 0, 5)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_annotated_flags_sheet_in_the_workbook_language(tmp_path: Path, lang: str) -> None:
    path = flag_log(tmp_path / "log.xlsx", lang=lang)
    assert invoke("flag", str(path), "--annotate", "--as-of", AS_OF.isoformat()).exit_code == 0
    wb = openpyxl.load_workbook(tmp_path / "log.annotated.xlsx")
    sheet = "预警清单" if lang == "zh" else "Flags"
    assert sheet in wb.sheetnames
    ws = wb[sheet]
    assert ws["A4"].value == ("投诉编号" if lang == "zh" else "Complaint ID")
    assert ws["A5"].hyperlink is not None and ws["A5"].hyperlink.location == "Complaints!A4"
    state = "⚑ 状态" if lang == "zh" else "⚑ State"
    assert state in _headers(wb["Complaints"])
    caption = "登记表行颜色图例" if lang == "zh" else "Row colours on the log"
    (top,) = [c.row for c in ws["S"] if c.value == caption]
    assert [_fill(ws, f"S{top + 1 + i}") for i in range(len(ROW_FILLS))] == list(ROW_FILLS.values())
