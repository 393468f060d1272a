"""A fresh template: header rows and no data in the log or the survey is a normal workbook, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from addin import excel
from addin.cli import cli
from tests.builders import AS_OF, complaint, log_grid, survey_grid, write_workbook
from tests.xlwings_standin import book_from_grids


def sheets(records: list[dict[str, object]]) -> dict[str, list[list[object]]]:
    return {"Log": log_grid(records), "Survey": survey_grid([])}


@pytest.mark.parametrize("records", [[], [complaint(1)]], ids=["no rows anywhere", "no survey rows"])
def test_run_and_annotate_write_their_outputs_with_a_note(tmp_path: Path, records: list[dict[str, object]]) -> None:
    path = write_workbook(tmp_path / "new.xlsx", sheets(records))
    for mode in ([], ["--annotate"]):
        result = CliRunner().invoke(cli, ["run", str(path), *mode, "--as-of", AS_OF.isoformat()])
        assert result.exit_code == 0, result.output
        assert "note: no scores: the survey sheet 'Survey' has no responses yet" in result.output
        assert "Traceback" not in result.output
    assert (tmp_path / "new.report.xlsx").exists() and (tmp_path / "new.annotated.xlsx").exists()


def test_score_alone_says_there_is_nothing_to_score(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "new.xlsx", sheets([]))
    result = CliRunner().invoke(cli, ["score", str(path), "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 3
    assert result.output.strip() == f"{path}: the survey sheet 'Survey' has no responses yet"


def test_the_run_all_button_on_an_empty_template_alerts_normally() -> None:
    said = excel.run_all(book_from_grids("new.xlsx", sheets([])))
    assert "unexpected" not in said
    assert "no responses yet" in said
