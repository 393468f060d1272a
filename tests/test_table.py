from __future__ import annotations

import random

import pytest

from addin.core.settings import Settings
from addin.core.table import NotFound, Table, locate
from addin.core.validate import NoLogFound, check_workbook
from tests.builders import AS_OF, LOG_KEYS, complaint, grid, header, log_grid

FIELDS = Settings().log_fields()


def found(sheets: dict[str, list[list[object]]]) -> Table:
    table = locate("complaint log", sheets, FIELDS)
    assert isinstance(table, Table), table
    return table


def test_header_below_title_rows() -> None:
    rows = log_grid([complaint(1), complaint(2)], titles=["2026 complaint log", "Prepared by: service centre", ""])
    table = found({"Log": rows})
    assert table.header_row == 4
    assert [r for r, _ in table.rows] == [5, 6]
    assert table.columns["complaint_id"] == 0


def test_columns_in_any_order_and_extra_columns() -> None:
    keys = LOG_KEYS[:]
    random.Random(7).shuffle(keys)
    rows = grid([complaint(1)], keys)
    rows[0].insert(2, "My own notes")
    rows[1].insert(2, "call back Monday")
    table = found({"Log": rows})
    for key in LOG_KEYS:
        assert rows[0][table.columns[key]] == header(key), key
    assert "My own notes" not in [rows[0][c] for c in table.columns.values()]


@pytest.mark.parametrize(
    "headers",
    [
        ["投诉编号", "投诉时间", "客户编号", "区域", "投诉类别", "投诉等级", "处理状态"],
        ["投诉单号", "受理时间", "业主编号", "分公司", "问题类别", "严重程度", "状态"],
        ["Complaint ID", "受理时间", "customer id", "REGION", "投诉类别", "Severity", "状态"],  # mixed
        ["Complaint\nID", "Received ", "Customer　ID", "ｒｅｇｉｏｎ", " Category", "Severity*", "Status："],
        ["complaint_id", "received_at", "customer_id", "region", "category", "severity", "status"],
    ],
)
def test_aliases_languages_spaces_and_case(headers: list[str]) -> None:
    table = found({"Sheet1": [["title"], headers, ["C1", "2026-11-01", "K1", "East", "Other", "General", "Open"]]})
    assert table.header_row == 2
    assert set(table.columns) == {
        "complaint_id",
        "received_at",
        "customer_id",
        "region",
        "category",
        "severity",
        "status",
    }
    assert not table.missing


def test_language_follows_headers() -> None:
    assert found({"L": log_grid([complaint(1)], lang="zh")}).lang == "zh"
    assert found({"L": log_grid([complaint(1)], lang="en")}).lang == "en"


def test_missing_required_column_is_a_sheet_level_problem() -> None:
    rows = grid([complaint(1)], [k for k in LOG_KEYS if k != "region"])
    outcome = check_workbook({"Log": rows}, as_of=AS_OF)
    problems = [p for p in outcome.report.problems if p.code == "missing-column"]
    assert [(p.field, p.row, p.column) for p in problems] == [("region", 1, None)]
    assert problems[0].cell == "Log!1:1"


def test_log_is_chosen_among_several_sheets() -> None:
    sheets = {"Notes": [["anything"], ["Region", "Customer ID"]], "Data": log_grid([complaint(1)])}
    assert found(sheets).sheet == "Data"


def test_not_found_names_sheets_best_match_and_lacking_headers() -> None:
    sheets = {"Intro": [["Welcome"]], "Partial": [["Complaint ID", "Notes", "Owner"], ["C1", "x", "Li"]]}
    with pytest.raises(NoLogFound) as caught:
        check_workbook(sheets, as_of=AS_OF)
    message = str(caught.value)
    assert "'Intro', 'Partial'" in message
    assert "best partial match: sheet 'Partial' row 1" in message
    assert "(2 of the expected headers: 'Complaint ID' = complaint_id, 'Owner' = owner)" in message
    assert "`complaints map FILE`" in message
    lacking = message.split("lacks:")[1]
    assert "Received" in lacking and "Region" in lacking and "Severity" in lacking
    assert "Complaint ID" not in lacking


def test_not_found_without_any_header() -> None:
    result = locate("complaint log", {"A": [["x", "y"]]}, FIELDS)
    assert isinstance(result, NotFound)
    assert "no sheet has any of the expected headers" in result.message()


def test_header_beyond_row_20_is_not_searched() -> None:
    rows = log_grid([complaint(1)], titles=[""] * 20)
    assert isinstance(locate("complaint log", {"L": rows}, FIELDS), NotFound)
    rows = log_grid([complaint(1)], titles=[""] * 19)
    assert found({"L": rows}).header_row == 20


def test_duplicate_header_uses_first_and_warns() -> None:
    rows = log_grid([complaint(1)])
    rows[0].append("Region")
    rows[1].append("West")
    outcome = check_workbook({"Log": rows}, as_of=AS_OF)
    assert outcome.log.columns["region"] == LOG_KEYS.index("region")
    (dup,) = [p for p in outcome.report.problems if p.code == "duplicate-column"]
    assert dup.column == len(rows[0]) and dup.severity == "warning"


def test_blank_rows_are_skipped_and_rows_keep_their_numbers() -> None:
    rows = log_grid([complaint(1)]) + [["", None, "  "]] + [list(log_grid([complaint(2)])[1])]
    table = found({"L": rows})
    assert [r for r, _ in table.rows] == [2, 4]
