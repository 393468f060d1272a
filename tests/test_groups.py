"""One group per value whatever its spelling: `East`, `east ` and `ＥＡＳＴ` are one region in every output."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from addin.cli import cli
from addin.core.values import fold, spellings, unify
from addin.files.reader import load
from addin.files.run import JOBS, Options, analyse
from addin.mail.recipients import Recipients
from tests.builders import AS_OF, complaint, managers_records, managers_workbook, standard_workbook

VARIANTS = {"east ", "ＥＡＳＴ", "EAST", "east", "li", " Li", "ＬＩ"}


def mixed_records() -> list[dict[str, object]]:
    """The managers' log with East and owner Li spelt in several ways (East and Li the most frequent)."""
    records = managers_records()
    records[1]["region"] = "east "
    records[2]["region"] = "ＥＡＳＴ"
    records[0]["owner"] = "li"
    records[1]["owner"] = " Li"
    return records


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    recipients = [["EAST ", "east.boss@example.com"], ["West", "west@example.com"], ["*", "director@example.com"]]
    return managers_workbook(tmp_path / "log.xlsx", records=mixed_records(), recipients=recipients)


def strings(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Every text cell of every sheet: sheet -> [(cell, text)]."""
    book = openpyxl.load_workbook(path)
    return {
        ws.title: [(c.coordinate, c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        for ws in book
    }


def column_under(path: Path, sheet: str, caption: str) -> list[object]:
    """The first column of the block captioned `caption`: the values below its header, up to a blank."""
    ws = openpyxl.load_workbook(path)[sheet]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == caption)
    values, r = [], cell.row + 2
    while (value := ws.cell(r, cell.column).value) not in (None, ""):
        values.append(value)
        r += 1
    return values


def test_fold_and_the_most_frequent_spelling() -> None:
    assert fold(" Ｃ001 ") == fold("c001") == "c001"
    assert fold(12.0) == "12"
    names = spellings(["east", "East", "East ", "West"], ["East", "EAST"])
    assert names["east"] == "East"  # 3 of 6, against 1 each for the others
    assert spellings(["b", "B"]) == {"b": "b"}  # a tie: the first seen
    assert unify(["East ", None, "EAST"], {"east": "East"}) == ["East", None, "East"]


def test_report_and_summary_name_each_region_and_owner_once(mixed: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["run", str(mixed), "--as-of", AS_OF.isoformat(), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    report, standalone = tmp_path / "o" / "log.report.xlsx", tmp_path / "o" / "log.summary.xlsx"
    for path in (report, standalone):
        for sheet, cells in strings(path).items():
            odd = [(ref, text) for ref, text in cells if text in VARIANTS]
            assert not odd, (path.name, sheet, odd)
    assert column_under(report, "Flags", "By region") == ["East", "West", "All"]
    assert column_under(report, "Flags", "By owner") == ["Li", "Wang", "All"]
    assert column_under(report, "Summary", "By region") == ["East", "West", "North", "All regions"]
    assert column_under(report, "Scores", "By region") == ["East", "West", "All regions"]


def test_core_results_group_by_the_fold(mixed: Path) -> None:
    loaded = load(mixed)
    found = analyse(mixed, loaded.sheets, Options(as_of=AS_OF, jobs=JOBS), date1904=False, owned=loaded.owned)
    assert found.summary is not None and found.scores is not None
    assert [name for name, _ in found.summary.regions] == ["East", "West", "North"]
    assert dict(found.summary.regions)["East"].received == 4
    scored = [g.keys[0][1] for g in found.scores.level(company=False, with_by=False)]
    assert sorted(scored) == ["East", "West"]
    assert Recipients(regions={"EAST ": ["a@example.com"]}).addresses("ｅａｓｔ") == ["a@example.com"]


def test_by_region_sends_one_message_per_region(mixed: Path, tmp_path: Path) -> None:
    out = tmp_path / "drafts"
    args = ["email", str(mixed), "--to", "boss@example.com", "--by-region", "--dry-run", "--out", str(out)]
    result = CliRunner().invoke(cli, [*args, "--as-of", AS_OF.isoformat()], env={"COMPLAINTS_MAIL_FROM": "d@x.org"})
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["log.summary.East.eml", "log.summary.West.eml", "log.summary.eml"]
    assert "no recipient for region North" in result.output
    east = (out / "log.summary.East.eml").read_text(encoding="utf-8")
    assert "east.boss@example.com" in east


def test_regions_that_make_the_same_file_name_get_their_own_drafts(tmp_path: Path) -> None:
    records = [complaint(1, region="A/B", status="Open", resolved_at=None), complaint(2, region="A:B")]
    recipients = [["A/B", "ab@example.com"], ["A:B", "ab2@example.com"]]
    source = managers_workbook(tmp_path / "log.xlsx", records=records, recipients=recipients)
    out = tmp_path / "drafts"
    args = ["email", str(source), "--by-region", "--dry-run", "--out", str(out), "--as-of", AS_OF.isoformat()]
    result = CliRunner().invoke(cli, args, env={"COMPLAINTS_MAIL_FROM": "d@x.org"})
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["log.summary.A_B.eml", "log.summary.A_B_2.eml"]


def test_a_cluster_is_one_subject_whatever_its_spelling(tmp_path: Path) -> None:
    day = datetime(2026, 11, 10, 9, 0)
    records = [
        complaint(n, subject=subject, received_at=day, first_response_at=day, resolved_at=datetime(2026, 11, 11))
        for n, subject in ((1, "AC-1"), (2, "ac-1"), (3, "ＡＣ-1 "))
    ]
    source = standard_workbook(tmp_path / "log.xlsx", records=records)
    loaded = load(source)
    found = analyse(source, loaded.sheets, Options(as_of=AS_OF, jobs=JOBS), date1904=False, owned=loaded.owned)
    assert found.flags is not None
    assert [(c.subject, len(c.members)) for c in found.flags.clusters] == [("AC-1", 3)]


def test_json_output_names_each_region_and_owner_once(mixed: Path, tmp_path: Path) -> None:
    args = ["run", str(mixed), "--json", "--as-of", AS_OF.isoformat(), "--out", str(tmp_path / "o")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)["files"][0]

    def texts(node: object) -> list[str]:
        if isinstance(node, dict):
            return [t for value in node.values() for t in texts(value)]
        if isinstance(node, list):
            return [t for value in node for t in texts(value)]
        return [node] if isinstance(node, str) else []

    assert not [t for t in texts(found) if t in VARIANTS]
    regions = [g["keys"]["region"] for g in found["groups"] if "region" in g["keys"]]
    assert regions == ["East", "West"]
    assert sorted({c["region"] for c in found["complaints"]}) == ["East", "West"]  # the flagged ones
