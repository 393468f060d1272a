from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from addin.build.sample import SAMPLE_AS_OF, write_sample
from addin.cli import parse_as_of
from addin.files.run import Options, process_file

WORKBOOKS = Path(__file__).parents[1] / "workbooks"
COMMITTED = {"zh": WORKBOOKS / "sample_complaints.xlsx", "en": WORKBOOKS / "sample_complaints_en.xlsx"}

# The planted problems documented in addin/sample.py, as (code, cell) per language.
PLANTED = {
    ("missing-value", "{log}!A5"),
    ("duplicate-id", "{log}!A6"),
    ("duplicate-id", "{log}!A7"),
    ("ambiguous-date", "{log}!B8"),
    ("invalid-date", "{log}!B9"),
    ("future-date", "{log}!B10"),
    ("resolved-before-received", "{log}!M11"),
    ("response-before-received", "{log}!L12"),
    ("resolved-without-time", "{log}!J13"),
    ("open-with-resolved-time", "{log}!J14"),
    ("unknown-category", "{log}!G15"),
    ("unknown-severity", "{log}!I16"),
    ("unknown-status", "{log}!J17"),
    ("invalid-complainants", "{log}!N18"),
    ("invalid-yes-no", "{log}!O19"),
    ("missing-value", "{log}!C20"),
    ("error-value", "{log}!D21"),
    ("invalid-rating", "{survey}!J4"),
    ("invalid-rating", "{survey}!H5"),
    ("duplicate-response-id", "{survey}!A6"),
    ("duplicate-response-id", "{survey}!A7"),
    ("no-rating", "{survey}!8:8"),
    ("missing-value", "{survey}!B9"),
    ("missing-value", "{survey}!C10"),
}
SHEETS = {"zh": {"log": "'投诉登记表'", "survey": "'满意度回访表'"}, "en": {"log": "Complaints", "survey": "Survey"}}


def values(path: Path) -> dict[str, list[tuple[object, ...]]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_committed_samples_are_up_to_date(tmp_path: Path, lang: str) -> None:
    fresh = tmp_path / "fresh.xlsx"
    write_sample(fresh, lang=lang)
    assert values(fresh) == values(COMMITTED[lang]), f"regenerate with: complaints sample {COMMITTED[lang]}"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_planted_problems_are_found_and_nothing_else(tmp_path: Path, lang: str) -> None:
    result = process_file(COMMITTED[lang], Options(as_of=parse_as_of(SAMPLE_AS_OF), out=tmp_path))
    found = {(p.code, p.cell) for p in result.outcome.report.problems}
    assert found == {(code, cell.format(**SHEETS[lang])) for code, cell in PLANTED}
    assert (result.outcome.report.errors, result.outcome.report.warnings) == (22, 2)
    assert result.outcome.report.lang == lang


def test_same_seed_same_workbook_other_seed_other_data(tmp_path: Path) -> None:
    write_sample(tmp_path / "a.xlsx", rows=40, seed=1)
    write_sample(tmp_path / "b.xlsx", rows=40, seed=1)
    write_sample(tmp_path / "c.xlsx", rows=40, seed=2)
    assert values(tmp_path / "a.xlsx") == values(tmp_path / "b.xlsx") != values(tmp_path / "c.xlsx")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_planted_flag_cases(tmp_path: Path, lang: str) -> None:
    result = process_file(COMMITTED[lang], Options(as_of=parse_as_of(SAMPLE_AS_OF), out=tmp_path, jobs=("flag",)))
    assert result.flags is not None
    by_row = {a.row: a for a in result.flags.assessments}  # data row k is sheet row k + 5
    trio = [by_row[25], by_row[26], by_row[27]]
    assert [a.repeat_count for a in trio] == [1, 2, 3]
    assert all({"repeat", "secondary"} <= set(a.flags) for a in trio[1:])
    clusters = {a.cluster for a in (by_row[28], by_row[29], by_row[30], by_row[31])}
    assert len(clusters) == 1 and None not in clusters
    assert (by_row[32].suggested, by_row[32].rules, "under-graded" in by_row[32].flags) == ("major", ("legal",), True)
    assert by_row[33].state.value == "no-first-response"
    assert by_row[34].state.value == "on-time" and "overdue" not in by_row[34].flags
    assert by_row[35].state.value == "overdue"
