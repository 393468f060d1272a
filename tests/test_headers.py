"""Near-miss headers, placeholders, declared-absent fields and the notes instead of per-row floods."""

from __future__ import annotations

import pytest

from addin.core.headers import Matcher
from addin.core.settings import Entry, Settings, build_settings
from addin.core.validate import check_workbook
from tests.builders import AS_OF, complaint, log_grid

MATCHER = Matcher(Settings().log_fields())


@pytest.mark.parametrize(
    ("header", "key", "exact"),
    [
        ("Ticket ID", "complaint_id", True),
        ("ticket_id", "complaint_id", True),
        ("TicketId", "complaint_id", True),
        ("Complaint IDs", "complaint_id", False),
        ("Complain ID", "complaint_id", False),
        ("Catgory", "category", False),
        ("工单编号", "complaint_id", True),
        ("是否结单", "status", True),
        ("Priority", "severity", True),
    ],
)
def test_headers_people_use_are_matched(header: str, key: str, exact: bool) -> None:
    found = MATCHER.match(header)
    assert found is not None and found.field.key == key and found.exact is exact
    assert found.confidence >= 0.85


@pytest.mark.parametrize("header", ["Customer type", "Notes", "IP", "Business type"])
def test_other_headers_are_no_sure_match(header: str) -> None:
    found = MATCHER.match(header)
    assert found is None or found.confidence < 0.85


def _check(rows: list[list[object]], *entries: Entry):  # type: ignore[no-untyped-def]
    return check_workbook({"Log": rows}, as_of=AS_OF, extra=entries)


def test_a_near_miss_is_used_with_one_note_and_a_date_near_miss_needs_dates() -> None:
    rows = log_grid([complaint(1), complaint(2)])
    rows[0][0] = "Complain ID"
    outcome = _check(rows)
    assert outcome.log is not None and outcome.log.columns["complaint_id"] == 0
    assert [n for n in outcome.report.notes if "read as complaint_id" in n] == [
        "Log!A1: header 'Complain ID' read as complaint_id (95% sure); "
        'set headers.complaint_id = "Complain ID" in the config to confirm it'
    ]
    received = rows[0].index("Received")
    rows[0][received] = "Receivedd"
    for row in rows[1:]:
        row[received] = "Li"  # names, not dates: the near miss is not taken
    outcome = _check(rows)
    assert outcome.log is not None and "received_at" not in outcome.log.columns


def test_placeholders_are_blanks_in_every_field() -> None:
    rows = log_grid([complaint(1, resolved_at="N/A", owner="--", status="Open"), complaint(2, first_response_at="无")])
    outcome = _check(rows)
    assert outcome.report.problems == []
    assert outcome.log_values is not None and outcome.log_values.column("owner")[0] is None
    changed = _check(rows, Entry("cells.blank", ["TBD"]))
    assert {p.code for p in changed.report.problems} == {"invalid-date"}


def test_a_missing_resolved_column_is_one_note_not_a_problem_per_row() -> None:
    rows = log_grid([complaint(n, status="Closed") for n in range(1, 40)])
    resolved = rows[0].index("Resolved")
    rows = [row[:resolved] + row[resolved + 1 :] for row in rows]
    outcome = _check(rows)
    assert [p.code for p in outcome.report.problems] == []
    assert sum("no resolved_at column" in n for n in outcome.report.notes) == 1


def test_declared_absent_fields_are_no_missing_column_and_one_note_each() -> None:
    rows = log_grid([complaint(1), complaint(2)])
    drop = [rows[0].index(h) for h in ("Region", "Severity")]
    rows = [[v for c, v in enumerate(row) if c not in drop] for row in rows]
    assert {p.code for p in _check(rows).report.problems} == {"missing-column"}
    outcome = _check(rows, Entry("log.absent", ["region", "severity"]))
    assert outcome.report.problems == []
    notes = [n for n in outcome.report.notes if "declared absent" in n]
    assert len(notes) == 2 and "whole company only" in notes[0] and "facts call for" in notes[1]


def test_an_unknown_field_key_lists_the_valid_ones_with_the_closest() -> None:
    _, problems = build_settings([Entry("headers.complaintid", "No.")])
    reason = dict(problems[0].params)["reason"]
    assert "did you mean headers.complaint_id?" in reason and "received_at" in reason


def test_a_survey_sheet_setting_naming_the_logs_sheet_says_so() -> None:
    outcome = _check(log_grid([complaint(1), complaint(2)]), Entry("survey.sheet", "Log"))
    assert "no survey (sheet 'Log' named in Settings holds the complaint log or is the add-in's own)" in " ".join(
        outcome.report.notes
    )
