"""Every rule, asserted as (code, cell) pairs, at and around its boundary."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest

from addin.core.problems import RULES, Level
from addin.core.settings import Entry
from addin.core.validate import check_workbook
from addin.core.values import CellError
from tests.builders import AS_OF, complaint, log_grid, response, survey_grid


def log_findings(*records: dict[str, object], **kw: object) -> set[tuple[str, str]]:
    outcome = check_workbook({"Log": log_grid(list(records))}, as_of=AS_OF, **kw)  # type: ignore[arg-type]
    return {(p.code, p.cell) for p in outcome.report.problems}


def survey_findings(*records: dict[str, object]) -> set[tuple[str, str]]:
    sheets = {"Log": log_grid([complaint(1)]), "Survey": survey_grid(list(records))}
    return {(p.code, p.cell) for p in check_workbook(sheets, as_of=AS_OF).report.problems}


def test_clean_log_and_survey_have_no_problems() -> None:
    sheets = {"Log": log_grid([complaint(n) for n in range(1, 4)]), "Survey": survey_grid([response(1), response(2)])}
    outcome = check_workbook(sheets, as_of=AS_OF)
    assert outcome.report.problems == []
    assert outcome.survey is not None and len(outcome.survey.rows) == 2


RECEIVED = datetime(2026, 11, 1, 9, 0)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"complaint_id": ""}, {("missing-value", "Log!A2")}),
        ({"complaint_id": "   "}, {("missing-value", "Log!A2")}),
        ({"region": ""}, {("missing-value", "Log!D2")}),
        ({"customer_id": CellError("#N/A")}, {("error-value", "Log!C2")}),
        ({"received_at": CellError("#VALUE!")}, {("error-value", "Log!B2")}),
        ({"received_at": "03/04/2026"}, {("ambiguous-date", "Log!B2")}),
        ({"received_at": "2026-02-30"}, {("invalid-date", "Log!B2")}),
        ({"received_at": "soon"}, {("invalid-date", "Log!B2")}),
        ({"received_at": "2026年10月30日"}, set()),
        ({"received_at": AS_OF, "status": "Open", "first_response_at": None, "resolved_at": None}, set()),
        (
            {
                "received_at": AS_OF + timedelta(minutes=1),
                "status": "Open",
                "first_response_at": None,
                "resolved_at": None,
            },
            {("future-date", "Log!B2")},
        ),
        ({"received_at": datetime(2062, 11, 3)}, {("future-date", "Log!B2")}),  # and no "before received" noise
        ({"resolved_at": AS_OF + timedelta(days=1)}, {("future-date", "Log!K2")}),
        ({"first_response_at": date(2026, 11, 23)}, {("future-date", "Log!J2")}),
        ({"resolved_at": RECEIVED - timedelta(minutes=1)}, {("resolved-before-received", "Log!K2")}),
        ({"resolved_at": RECEIVED}, set()),
        ({"resolved_at": date(2026, 11, 1)}, set()),  # same day, no time: day precision
        ({"resolved_at": date(2026, 10, 31)}, {("resolved-before-received", "Log!K2")}),
        ({"first_response_at": RECEIVED - timedelta(hours=1)}, {("response-before-received", "Log!J2")}),
        ({"status": "Resolved", "resolved_at": None}, {("resolved-without-time", "Log!H2")}),
        ({"status": "已关闭", "resolved_at": ""}, {("resolved-without-time", "Log!H2")}),
        ({"status": "Resolved", "resolved_at": "bad"}, {("invalid-date", "Log!K2")}),  # one problem, not two
        ({"status": "Open"}, {("open-with-resolved-time", "Log!H2")}),
        ({"status": "处理中"}, {("open-with-resolved-time", "Log!H2")}),
        ({"status": "Reopened"}, set()),
        ({"status": "Open", "resolved_at": None}, set()),
        ({"category": "Widgets"}, {("unknown-category", "Log!E2")}),
        ({"category": "产品质量"}, set()),
        ({"severity": "Urgent"}, {("unknown-severity", "Log!G2")}),
        ({"severity": "重大"}, set()),
        ({"status": "Parked"}, {("unknown-status", "Log!H2")}),
        ({"complainants": 0}, {("invalid-complainants", "Log!L2")}),
        ({"complainants": -2}, {("invalid-complainants", "Log!L2")}),
        ({"complainants": 1.5}, {("invalid-complainants", "Log!L2")}),
        ({"complainants": "two"}, {("invalid-complainants", "Log!L2")}),
        ({"complainants": ""}, set()),
        ({"complainants": 12}, set()),
        ({"legal": "maybe"}, {("invalid-yes-no", "Log!M2")}),
        ({"media": "可能"}, {("invalid-yes-no", "Log!N2")}),
        ({"legal": "是", "media": "✓"}, set()),
        ({"legal": ""}, set()),
    ],
)
def test_log_rules(changes: dict[str, object], expected: set[tuple[str, str]]) -> None:
    assert log_findings(complaint(1, **changes)) == expected


def test_rules_point_at_the_right_row() -> None:
    found = log_findings(complaint(1), complaint(2), complaint(3, severity="P1"))
    assert found == {("unknown-severity", "Log!G4")}


def test_unknown_label_suggests_the_closest() -> None:
    outcome = check_workbook({"Log": log_grid([complaint(1, category="Prodct quality")])}, as_of=AS_OF)
    (problem,) = outcome.report.problems
    assert "did you mean 'Product quality'" in problem.message("en")


def test_duplicate_ids_report_every_occurrence_naming_the_others() -> None:
    outcome = check_workbook(
        {
            "Log": log_grid(
                [complaint(1), complaint(2, complaint_id="C0001"), complaint(3, complaint_id=" c0001"), complaint(4)]
            )
        },
        as_of=AS_OF,
    )
    dups = sorted((p for p in outcome.report.problems if p.code == "duplicate-id"), key=lambda p: p.row or 0)
    assert [p.cell for p in dups] == ["Log!A2", "Log!A3", "Log!A4"]
    assert "Log!A3, Log!A4" in dups[0].message() and "Log!A2" not in dups[0].message()
    assert "Log!A2, Log!A3" in dups[2].message()
    assert len(outcome.report.problems) == 3


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"skill": 11}, {("invalid-rating", "Survey!E2")}),
        ({"attitude": 0}, {("invalid-rating", "Survey!F2")}),
        ({"timeliness": 8.5}, {("invalid-rating", "Survey!G2")}),
        ({"parts": "good"}, {("invalid-rating", "Survey!H2")}),
        ({"overall": 10, "skill": 1}, set()),
        ({"parts": ""}, set()),  # not answered is fine
        ({"skill": "", "attitude": None, "timeliness": "", "parts": "", "overall": ""}, {("no-rating", "Survey!2:2")}),
        ({"surveyed_at": ""}, {("missing-value", "Survey!D2")}),
        ({"surveyed_at": date(2026, 12, 1)}, {("future-date", "Survey!D2")}),
        ({"region": ""}, {("missing-value", "Survey!C2")}),
        ({"response_id": ""}, set()),  # optional
    ],
)
def test_survey_rules(changes: dict[str, object], expected: set[tuple[str, str]]) -> None:
    assert survey_findings(response(1, **changes)) == expected


def test_duplicate_response_ids() -> None:
    found = survey_findings(response(1), response(2, response_id="R0001"), response(3))
    assert found == {("duplicate-response-id", "Survey!A2"), ("duplicate-response-id", "Survey!A3")}


def test_no_rating_is_a_warning() -> None:
    assert RULES["no-rating"].level is Level.WARNING
    assert RULES["open-with-resolved-time"].level is Level.WARNING


def test_rule_levels_from_settings() -> None:
    record = complaint(1, category="Widgets", status="Open")
    extra = [Entry("rules.unknown-category", "warning"), Entry("rules.open-with-resolved-time", "off")]
    outcome = check_workbook({"Log": log_grid([record])}, as_of=AS_OF, extra=extra)
    (problem,) = outcome.report.problems
    assert (problem.code, problem.severity) == ("unknown-category", Level.WARNING)
    assert outcome.report.errors == 0 and outcome.report.warnings == 1


def test_messages_in_chinese() -> None:
    outcome = check_workbook({"Log": log_grid([complaint(1, category="工程质")], lang="zh")}, as_of=AS_OF)
    assert outcome.report.lang == "zh"
    (problem,) = outcome.report.problems
    assert problem.message("zh") == "未知的投诉类别“工程质”，是否为“工程质量”？"
    assert problem.as_dict("zh")["cell"] == "Log!E2"


@pytest.mark.parametrize("seed", range(5))
def test_garbage_never_raises(seed: int) -> None:
    rng = random.Random(seed)
    pool: list[object] = [
        "",
        None,
        "x",
        "=SUM(A1)",
        -1,
        0,
        3.7,
        1e308,
        True,
        CellError("#REF!"),
        date(1, 1, 1),
        datetime(9999, 12, 31),
        "2026-02-29",
        "１２",
        "\n",
        "是",
        46348,
    ]
    rows = log_grid([complaint(n) for n in range(1, 40)])
    for row in rows[1:]:
        for c in range(len(row)):
            if rng.random() < 0.5:
                row[c] = rng.choice(pool)
        if rng.random() < 0.2:
            del row[rng.randrange(len(row)) :]  # ragged rows
    outcome = check_workbook({"Log": rows}, as_of=AS_OF)
    assert all(p.code in RULES for p in outcome.report.problems)
    assert all(p.message("en") and p.message("zh") for p in outcome.report.problems)


def test_settings_sheet_problems_point_at_their_cells() -> None:
    sheets = {
        "Log": log_grid([complaint(1, category="Widgets")]),
        "Settings": [
            ["Setting", "Value"],
            ["categories", "Widgets|小部件;Other|其他"],
            ["rules.no-such", "off"],
            ["dimension.skill.scale", "ten"],
            ["output.lang", "fr"],
        ],
    }
    outcome = check_workbook(sheets, as_of=AS_OF, owned=frozenset())
    found = {(p.code, p.cell) for p in outcome.report.problems}
    assert found == {
        ("unknown-setting", "Settings!B3"),
        ("invalid-setting", "Settings!B4"),
        ("invalid-setting", "Settings!B5"),
    }
    assert outcome.settings.categories[0].zh == "小部件"


@pytest.mark.parametrize(
    ("ids", "duplicated"),
    [
        (["TS2026-00001", "TS202600001"], False),  # punctuation matters in IDs
        (["C0001", "Ｃ0001"], True),  # full-width is the same character
        (["C0001", "c0001 "], True),
        ([1001, "1001"], True),  # a number and the same digits as text
        (["1001", "1001.5"], False),
    ],
)
def test_how_ids_are_compared(ids: list[object], duplicated: bool) -> None:
    records = [complaint(n, complaint_id=value) for n, value in enumerate(ids, start=1)]
    found = log_findings(*records)
    assert (("duplicate-id", "Log!A2") in found) is duplicated


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"paused_at": datetime(2026, 11, 2), "resumed_at": datetime(2026, 11, 3)}, set()),
        (
            {"paused_at": datetime(2026, 10, 30), "resumed_at": datetime(2026, 11, 3)},
            {("pause-before-received", "Log!O2")},
        ),
        (
            {"paused_at": datetime(2026, 11, 3, 9), "resumed_at": datetime(2026, 11, 2)},
            {("pause-end-before-start", "Log!P2")},
        ),
        ({"paused_at": datetime(2026, 11, 2)}, {("pause-incomplete", "Log!O2")}),
        ({"resumed_at": datetime(2026, 11, 2)}, {("pause-incomplete", "Log!P2")}),
        ({"paused_at": datetime(2026, 11, 2), "status": "Waiting on customer", "resolved_at": None}, set()),  # ongoing
        # a future receipt explains the rest of the row, as for the other "before received" checks
        (
            {"received_at": AS_OF + timedelta(days=1), "paused_at": datetime(2026, 11, 2), "resumed_at": AS_OF},
            {("future-date", "Log!B2")},
        ),
    ],
)
def test_pause_rules(changes: dict[str, object], expected: set[tuple[str, str]]) -> None:
    from tests.builders import LOG_KEYS, grid

    record = complaint(1, **changes)
    if record["received_at"] > AS_OF:  # type: ignore[operator]
        record.update(first_response_at=None, resolved_at=None, status="Open")
    outcome = check_workbook({"Log": grid([record], [*LOG_KEYS, "paused_at", "resumed_at"])}, as_of=AS_OF)
    assert {(p.code, p.cell) for p in outcome.report.problems} == expected
