"""The Scores sheet as written into the report and the annotated copy, and the score/run commands."""

from __future__ import annotations

import json
import re
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result
from lxml import etree

from addin.cli import cli
from addin.files.run import Options, process_file
from tests.builders import AS_OF, complaint, log_grid, response, survey_grid, write_workbook

AS_OF_ARGS = ["--as-of", "2026-11-22T12:00"]
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def scored_workbook(path: Path, settings: list[list[object]] | None = None) -> Path:
    """East: the seeds' timeliness example (38 answers, 79.2); West: all 9s; one invalid rating."""
    ratings = [6] + [7] * 2 + [8] * 34 + [9]
    responses = [response(n, region="East", timeliness=r) for n, r in enumerate(ratings, start=1)]
    responses += [
        response(100 + n, region="West", **dict.fromkeys(("skill", "attitude", "timeliness", "parts", "overall"), 9))
        for n in range(5)
    ]
    responses.append(
        response(200, region="West", **dict.fromkeys(("attitude", "timeliness", "parts", "overall"), 9), skill=11)
    )
    sheets: dict[str, list[list[object]]] = {"Complaints": log_grid([complaint(1)]), "Survey": survey_grid(responses)}
    if settings:
        sheets["Settings"] = settings
    return write_workbook(path, sheets)


def rows_of(ws: openpyxl.worksheet.worksheet.Worksheet) -> list[list[object]]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def find_block(rows: list[list[object]], caption: str) -> tuple[int, list[object]]:
    """0-based index of the header row under `caption`, and that header."""
    for i, row in enumerate(rows):
        if row and row[0] == caption:
            return i + 1, [v for v in rows[i + 1] if v is not None]
    raise AssertionError(f"no block {caption!r}")


def block_records(rows: list[list[object]], caption: str) -> list[dict[str, object]]:
    start, header = find_block(rows, caption)
    records = []
    for row in rows[start + 1 :]:
        if row[0] is None:
            break
        records.append(dict(zip(header, row, strict=False)))
    return records


def chart_formulas(path: Path) -> list[dict[str, list[str]]]:
    """Per chart: the cell ranges its bar and line series read."""
    charts = []
    with zipfile.ZipFile(path) as z:
        for name in sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)):
            root = etree.fromstring(z.read(name))
            charts.append(
                {
                    kind: [f.text for f in root.iter(f"{C}{kind}Chart") for f in f.iter(f"{C}f")]
                    for kind in ("bar", "line")
                }
            )
    return charts


def cells(ws: openpyxl.worksheet.worksheet.Worksheet, ref: str) -> list[object]:
    ref = ref.split("!")[1].replace("$", "")
    return [c.value for row in ws[ref] for c in (row if isinstance(row, tuple) else (row,))]


@pytest.mark.parametrize("mode", ["report", "annotate"])
def test_scores_sheet_tables_charts_and_target_marks(tmp_path: Path, mode: str) -> None:
    source = scored_workbook(tmp_path / "w.xlsx")
    result = process_file(source, Options(as_of=AS_OF, mode=mode, jobs=("validate", "score")))
    path = result.outputs[mode if mode == "report" else "annotated"]
    ws = openpyxl.load_workbook(path)["Scores"]
    rows = rows_of(ws)
    by_region = {r["Region"]: r for r in block_records(rows, "By region")}
    assert by_region["East"]["Timeliness"] == 79.2 and by_region["East"]["Responses"] == 38
    assert by_region["West"]["Overall"] == 90.0 and by_region["West"]["Rank"] == 1
    assert by_region["East"]["Rank"] == 2 and by_region["All regions"]["Responses"] == 44
    assert by_region["West"]["Note"] == "fewer than 30 responses"
    detail = block_records(rows, "Detail by dimension (grades, CSAT, 95% confidence interval, gap to target)")
    east_timeliness = next(r for r in detail if r["Region"] == "East" and r["Dimension"] == "Timeliness")
    assert east_timeliness["Points short"] == 3 and east_timeliness["Answered"] == 38
    assert east_timeliness["What closes it"].startswith("e.g. 3 answers one point higher")
    # charts: overall by region (bars) with the target (line), and the company's dimension scores
    overall, dimensions = chart_formulas(path)
    assert cells(ws, overall["bar"][1]) == ["West", "East"] and cells(ws, overall["bar"][2]) == [
        90.0,
        by_region["East"]["Overall"],
    ]
    assert cells(ws, overall["line"][-1]) == [80.0, 80.0]
    assert cells(ws, dimensions["bar"][1])[2] == "Timeliness"
    # the score columns carry a colour scale and a below-target rule
    rules = [r.type for rng in ws.conditional_formatting for r in rng.rules]
    assert "colorScale" in rules and "cellIs" in rules


def test_annotate_twice_keeps_one_scores_sheet_and_the_users_own(tmp_path: Path) -> None:
    source = scored_workbook(tmp_path / "w.xlsx")
    wb = openpyxl.load_workbook(source)
    wb.create_sheet("Scores")["A1"] = "my own notes"
    wb.save(source)
    options = Options(as_of=AS_OF, mode="in-place", jobs=("score",))
    first = process_file(source, options)
    assert "results went to 'Scores (2)'" in " ".join(map(str, first.notes))
    process_file(source, options)
    wb = openpyxl.load_workbook(source)
    assert wb.sheetnames.count("Scores (2)") == 1 and wb["Scores"]["A1"].value == "my own notes"
    assert "Validation" not in wb.sheetnames  # the score job leaves validation alone
    assert len(wb["Scores (2)"]._charts) == 2
    with zipfile.ZipFile(source) as archive:  # the first run's sheet went with its charts and drawing
        assert sum(n.startswith("xl/charts/") for n in archive.namelist()) == 2
        assert sum(n.startswith("xl/drawings/drawing") for n in archive.namelist()) == 1


def test_charts_on_a_sheet_we_do_not_own_are_kept(tmp_path: Path) -> None:
    """A Scores sheet whose defined name the user removed is the user's: kept with its charts, ours beside it."""
    source = scored_workbook(tmp_path / "w.xlsx")
    annotated = process_file(source, Options(as_of=AS_OF, mode="annotate", jobs=("score",))).outputs["annotated"]
    disowned = tmp_path / "disowned.xlsx"
    with zipfile.ZipFile(annotated) as old, zipfile.ZipFile(disowned, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = re.sub(rb"<definedName name=\"CD_Owned_scores\"[^<]*</definedName>", b"", data)
            new.writestr(item, data)
    again = process_file(disowned, Options(as_of=AS_OF, mode="annotate", jobs=("score",))).outputs["annotated"]
    with zipfile.ZipFile(disowned) as old, zipfile.ZipFile(again) as new:
        for name in old.namelist():
            if name.startswith(("xl/charts/", "xl/drawings/")):
                assert new.read(name) == old.read(name), name
        assert sum(n.startswith("xl/charts/") for n in new.namelist()) == 4
    assert openpyxl.load_workbook(again).sheetnames[-2:] == ["Scores", "Scores (2)"]


def test_score_json_contract(tmp_path: Path) -> None:
    source = scored_workbook(tmp_path / "w.xlsx")
    result = invoke("score", str(source), "--json", "--out", str(tmp_path / "out"), *AS_OF_ARGS)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)["files"][0]
    east = next(g for g in data["groups"] if g["keys"] == {"region": "East"})
    timeliness = east["dimensions"]["timeliness"]
    assert (timeliness["answered"], timeliness["score"], timeliness["points_short"]) == (38, 79.2, 3)
    assert set(east["dimensions"]) == {"skill", "attitude", "timeliness", "parts", "overall"}
    assert east["rank"] == 2 and east["weakest"] == "timeliness" and east["responses"] == 38
    company = next(g for g in data["groups"] if g["keys"] == {})
    assert company["company"] and company["responses"] == 44
    assert {d["dimension"] for d in data["drivers"]} == {"skill", "attitude", "timeliness", "parts"}
    assert "1 invalid ratings were left out" in result.stderr
    assert (tmp_path / "out" / "w.report.xlsx").exists()


def test_by_and_target_options(tmp_path: Path) -> None:
    source = scored_workbook(tmp_path / "w.xlsx")
    result = invoke("score", str(source), "--json", "--by", "quarter", "--target", "79", *AS_OF_ARGS)
    data = json.loads(result.stdout)["files"][0]
    assert data["by"] == ["quarter"] and data["target"] == 79.0
    keys = [g["keys"] for g in data["groups"]]
    assert {"region": "East", "quarter": "2026Q4"} in keys and {"quarter": "2026Q4"} in keys
    east = next(g for g in data["groups"] if g["keys"] == {"region": "East"})
    assert east["dimensions"]["timeliness"]["points_short"] == 0  # 79.2 meets 79
    bad = invoke("score", str(source), "--by", "colour")
    assert bad.exit_code == 2 and "cannot group by colour" in bad.output


def test_unusable_weights_fail_score_and_show_in_validation(tmp_path: Path) -> None:
    settings = [["dimension.skill.weight", 50], ["dimension.overall.weight", 40]]
    source = scored_workbook(tmp_path / "w.xlsx", settings)
    result = invoke("score", str(source), *AS_OF_ARGS)
    assert result.exit_code == 3
    assert "no weight for attitude, timeliness, parts" in result.stderr
    run = invoke("run", str(source), "--json", *AS_OF_ARGS)
    assert run.exit_code == 1
    data = json.loads(run.stdout)["files"][0]
    assert [p["cell"] for p in data["problems"] if p["code"] == "invalid-weights"] == ["Settings!B1"]
    assert data["groups"] == [] and "no scores" in " ".join(data["notes"])


def test_run_on_a_workbook_without_survey_still_validates(tmp_path: Path) -> None:
    source = write_workbook(tmp_path / "w.xlsx", {"Log": log_grid([complaint(1)])})
    run = invoke("run", str(source), *AS_OF_ARGS)
    assert run.exit_code == 0 and "no scores: no survey sheet found" in run.stderr
    score = invoke("score", str(source), *AS_OF_ARGS)
    assert score.exit_code == 3 and "no survey sheet found" in score.stderr


def test_a_survey_only_workbook_is_scored_validated_and_run(tmp_path: Path) -> None:
    source = write_workbook(tmp_path / "w.xlsx", {"Survey": survey_grid([response(1), response(2, attitude=11)])})
    score = invoke("score", str(source), "--json", *AS_OF_ARGS)
    assert score.exit_code == 0, score.output
    assert json.loads(score.stdout)["files"][0]["groups"][0]["responses"] == 2
    validate = invoke("validate", str(source), "--json", *AS_OF_ARGS)
    assert validate.exit_code == 1, validate.output  # the survey's own problem: a rating of 11
    assert [p["code"] for p in json.loads(validate.stdout)["files"][0]["problems"]] == ["invalid-rating"]
    run = invoke("run", str(source), *AS_OF_ARGS)
    assert run.exit_code == 1 and "no flags: deadlines and repeats need a complaint log" in run.stderr
    assert "overall" in run.stdout and not (tmp_path / "w.summary.xlsx").exists()
    flag = invoke("flag", str(source), *AS_OF_ARGS)
    assert flag.exit_code == 3 and "flag needs a complaint log: no complaint log found" in flag.stderr


def test_a_log_only_workbook_says_score_needs_a_survey(tmp_path: Path) -> None:
    source = write_workbook(tmp_path / "w.xlsx", {"Log": log_grid([complaint(1)])})
    score = invoke("score", str(source), *AS_OF_ARGS)
    assert score.exit_code == 3 and "score needs a satisfaction survey" in score.stderr
    run = invoke("run", str(source), *AS_OF_ARGS)
    assert run.exit_code == 0 and "note: no scores" in run.stderr


def test_chinese_workbook_gets_a_chinese_scores_sheet(tmp_path: Path) -> None:
    responses = [response(n, region="华东", surveyed_at=datetime(2026, 10, n)) for n in range(1, 4)]
    source = write_workbook(
        tmp_path / "w.xlsx",
        {"投诉登记": log_grid([complaint(1)], lang="zh"), "回访": survey_grid(responses, lang="zh")},
    )
    path = process_file(source, Options(as_of=AS_OF, jobs=("score",))).outputs["report"]
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["满意度得分"]
    rows = rows_of(wb["满意度得分"])
    by_region = {r["区域"]: r for r in block_records(rows, "按区域")}
    assert by_region["华东"]["回访数"] == 3 and by_region["全公司"]["综合得分"] == by_region["华东"]["综合得分"]
