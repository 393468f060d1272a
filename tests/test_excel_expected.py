"""The buttons on small workbooks built in code, checked against values worked out here, by hand or by a
few lines of arithmetic, not by the writer.

`test_excel.test_button_writes_what_annotate_writes` compares a button with `--annotate`, but both
sides go through `addin.sheets.write.write_results`: a mistake there shows on both sides alike. These
tests read the live (stand-in) workbook after a button and compare what a user sees with what the
workbook's own rows call for: the problems planted in it, the mean of its ratings, the 7-day rule.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from fractions import Fraction
from pathlib import Path

from addin.excel import buttons as excel
from tests import builders
from tests.builders import LOG_KEYS, SURVEY_KEYS
from tests.xlwings_standin import Book, Sheet, cell_letter, hyperlink_target

AS_OF = datetime(2026, 11, 21, 9, 0)
LOG_TOP = 3  # standard_workbook: two title rows, the header on row 3, the first complaint on row 4
SURVEY_TOP = 1
ERROR_FILL = (0xFF, 0xC7, 0xCE)  # an invalid cell's mark
OVERDUE_FILL, DUE_SOON_FILL = (0xF4, 0xB0, 0x84), (0xFC, 0xE4, 0xD6)  # the flagged rows' colours
DIMENSIONS = SURVEY_KEYS[4:]  # skill, attitude, timeliness, parts, overall: equal weights by default


def _book(tmp_path: Path, records: list[dict[str, object]], responses: list[dict[str, object]]) -> Book:
    return Book.from_file(builders.standard_workbook(tmp_path / "log.xlsx", records, responses))


def _table(sheet: Sheet, first: str) -> list[tuple[int, dict[str, object]]]:
    """The (topmost) table whose header starts with a cell reading `first`: each row below it, up to the
    first blank in that column, as (row number, header -> value)."""

    def blank(r: int, c: int) -> bool:
        return c < 1 or getattr(sheet.cells.get((r, c)), "value", None) in (None, "")

    top, left = min((r, c) for (r, c), cell in sheet.cells.items() if cell.value == first and blank(r, c - 1))
    headers: dict[int, str] = {}
    while (cell := sheet.cells.get((top, left + len(headers)))) is not None and cell.value not in (None, ""):
        headers[left + len(headers)] = str(cell.value)
    rows = []
    r = top + 1
    while (cell := sheet.cells.get((r, left))) is not None and cell.value not in (None, ""):
        rows.append((r, {h: getattr(sheet.cells.get((r, c)), "value", None) for c, h in headers.items()}))
        r += 1
    return rows


def _header_column(sheet: Sheet, row: int, text: str) -> int:
    (column,) = [c for (r, c), cell in sheet.cells.items() if r == row and cell.value == text]
    return column


def _log_cell(index: int, key: str) -> str:
    """Where the builder puts complaint `index` (0-based)'s field `key`."""
    return cell_letter(LOG_TOP + 1 + index, LOG_KEYS.index(key) + 1)


def _survey_cell(index: int, key: str) -> str:
    return cell_letter(SURVEY_TOP + 1 + index, SURVEY_KEYS.index(key) + 1)


def _valid_log(n: int) -> list[dict[str, object]]:
    """`n` resolved complaints that break no rule and raise no flag (own customer, own subject)."""
    return [builders.complaint(k, subject=f"S{k}") for k in range(1, n + 1)]


def test_validation_sheet_lists_exactly_the_planted_problems(tmp_path: Path) -> None:
    records = _valid_log(7)
    responses = [builders.response(k) for k in range(1, 4)]
    planted = {("invalid-date", "Complaints", _log_cell(1, "received_at"))}
    records[1]["received_at"] = "2026-02-30"
    planted.add(("invalid-complainants", "Complaints", _log_cell(2, "complainants")))
    records[2]["complainants"] = 0
    planted |= {("duplicate-id", "Complaints", _log_cell(i, "complaint_id")) for i in (3, 4)}
    records[4]["complaint_id"] = records[3]["complaint_id"]
    planted.add(("unknown-severity", "Complaints", _log_cell(5, "severity")))
    records[5]["severity"] = "Urgent"
    planted.add(("invalid-rating", "Survey", _survey_cell(1, "timeliness")))
    responses[1]["timeliness"] = 11
    book = _book(tmp_path, records, responses)

    message = excel.press(("validate",), book, as_of=AS_OF)

    assert message == f"{len(planted)} problems — see Validation"
    listed = _table(book.sheets["Validation"], "Severity")
    found = [(values["Code"], values["Sheet"], values["Cell"]) for _, values in listed]
    assert sorted(found) == sorted((code, sheet, f"{sheet}!{cell}") for code, sheet, cell in planted)  # once each
    assert {values["Severity"] for _, values in listed} == {"error"}
    cell_column = _header_column(book.sheets["Validation"], listed[0][0] - 1, "Cell")
    for r, values in listed:  # each row's link opens its cell
        assert hyperlink_target(book.sheets["Validation"].cells[(r, cell_column)]) == values["Cell"]
    counts = {values["Code"]: values["Count"] for _, values in _table(book.sheets["Validation"], "Code")}
    assert counts == {code: sum(1 for c, _, _ in planted if c == code) for code, _, _ in planted}
    # on the log and the survey: exactly the planted cells are filled and noted, each note naming its code
    for title in ("Complaints", "Survey"):
        sheet = book.sheets[title]
        marked = {cell_letter(r, c): cell for (r, c), cell in sheet.cells.items() if cell.note is not None}
        expected = {cell: code for code, where, cell in planted if where == title}
        assert set(marked) == set(expected), title
        for ref, code in expected.items():
            assert marked[ref].fill == ERROR_FILL and marked[ref].note.startswith(f"[{code}] "), ref
        assert all(cell.fill in (None, ERROR_FILL) for cell in sheet.cells.values()), title


def test_scores_sheet_shows_the_mean_of_the_ratings(tmp_path: Path) -> None:
    ratings = {  # region -> each response's (skill, attitude, timeliness, parts, overall), 1-10
        "East": [(8, 9, 7, 8, 8), (6, 7, 9, 10, 5), (9, 8, 8, 7, 9)],
        "West": [(10, 10, 9, 8, 7), (7, 6, 8, 9, 9), (9, 9, 9, 10, 10)],
    }
    responses = []
    for region, rows in ratings.items():
        for values in rows:
            responses.append(
                builders.response(len(responses) + 1, region=region, **dict(zip(DIMENSIONS, values, strict=True)))
            )
    book = _book(tmp_path, _valid_log(3), responses)

    def score(rows: list[tuple[int, ...]], d: int) -> Fraction:  # mean rating / 10 x 100
        return Fraction(sum(r[d] for r in rows), len(rows)) * 10

    def overall(rows: list[tuple[int, ...]]) -> Fraction:  # five dimensions at 20% each
        return sum((score(rows, d) for d in range(len(DIMENSIONS))), Fraction(0)) / len(DIMENSIONS)

    def shown(value: Fraction) -> float:  # truncated, never rounded, to one decimal
        return math.floor(value * 10) / 10

    everyone = [r for rows in ratings.values() for r in rows]
    # by hand: 248 rating points in 30 answers, x 10 = 82.67, shown as 82.6 (East 118 -> 78.6, West 130 -> 86.6)
    assert [shown(overall(rows)) for rows in (everyone, ratings["East"], ratings["West"])] == [82.6, 78.6, 86.6]

    excel.press(("score",), book, as_of=AS_OF)

    by_region = {values["Region"]: values for _, values in _table(book.sheets["Scores"], "Region")}
    assert set(by_region) == {"East", "West", "All regions"}
    groups = {"East": ratings["East"], "West": ratings["West"], "All regions": everyone}
    headers = ["Service skill", "Service attitude", "Timeliness", "Parts supply", "Overall service"]
    for label, rows in groups.items():
        assert by_region[label]["Responses"] == len(rows), label
        assert by_region[label]["Overall"] == shown(overall(rows)), label
        assert [by_region[label][h] for h in headers] == [shown(score(rows, d)) for d in range(5)], label
    assert by_region["West"]["Rank"] == 1 and by_region["East"]["Rank"] == 2  # West scores higher


def test_flags_sheet_lists_exactly_the_overdue_complaints(tmp_path: Path) -> None:
    day = lambda d, h=9: datetime(2026, 11, d, h, 0)  # noqa: E731 - a short date maker for the table below
    cases = [  # received, resolved (None: still open), the ⚑ State a user should read as of AS_OF
        (day(12), None, "Overdue by 2 days"),
        (day(14, 6), None, "Overdue by 3 hours"),
        (day(13, 21), None, "Overdue by 12 hours"),
        (day(14), None, "Due soon"),  # exactly 7 days: due now, not yet overdue
        (day(15), None, "Due soon"),  # 6 of 7 days gone: past 75%
        (day(19), None, "On time"),
        (day(1), day(3), "Resolved on time"),
        (day(1), day(10, 12), "Resolved late by 2 days 3 hours"),
    ]
    records = [
        builders.complaint(k, subject=f"S{k}", status="Open" if resolved is None else "Resolved")
        | {"received_at": received, "first_response_at": received + timedelta(hours=1), "resolved_at": resolved}
        for k, (received, resolved, _) in enumerate(cases, start=1)
    ]
    book = _book(tmp_path, records, [builders.response(1)])
    week = timedelta(days=7)  # the resolution deadline of every severity
    overdue = sorted(  # still open a week after receipt, longest overdue first
        (received, record["complaint_id"])
        for (received, resolved, _), record in zip(cases, records, strict=True)
        if resolved is None and AS_OF - received > week
    )

    excel.press(("flag",), book, as_of=AS_OF)

    listed = [values for _, values in _table(book.sheets["Flags"], "Complaint ID")]
    late = [values for values in listed if str(values["State"]).startswith("Overdue")]
    assert [v["Complaint ID"] for v in late] == [complaint_id for _, complaint_id in overdue]
    assert listed[: len(late)] == late  # most urgent first
    for values, (received, _) in zip(late, overdue, strict=True):
        assert values["Hours overdue"] == round((AS_OF - received - week).total_seconds() / 3600, 1)

    log = book.sheets["Complaints"]
    state, response_due, resolution_due = (
        _header_column(log, LOG_TOP, f"⚑ {h}") for h in ("State", "Response due", "Resolution due")
    )
    for k, (received, _, expected) in enumerate(cases):
        row = LOG_TOP + 1 + k
        assert log.cells[(row, state)].value == expected, row
        assert log.cells[(row, response_due)].value == received + timedelta(hours=24), row  # general: a day
        assert log.cells[(row, resolution_due)].value == received + week, row
    fills = [log.cells[(LOG_TOP + 1 + k, 1)].fill for k in range(6)]
    assert fills == [OVERDUE_FILL] * 3 + [DUE_SOON_FILL] * 2 + [None]  # the rows' own colour: none
    right = _header_column(log, LOG_TOP, "⚑ Suggested severity")  # the last of our columns
    assert {log.cells[(LOG_TOP + 1, c)].fill for c in range(1, right + 1)} == {OVERDUE_FILL}  # the whole row
