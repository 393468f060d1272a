"""Issue 16's "done when": `complaints map F --write c.toml && complaints run F --config c.toml` on
real-shaped workbooks gives the counts their rows were built to give (`tests.real_shapes`), with
no edits to the proposed config and no per-row flood for a column the file does not have.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import tomllib
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

from addin.cli import cli
from addin.core.mapping import describe, map_workbook, proposal
from addin.core.settings import Settings
from tests import real_shapes
from tests.real_shapes import AS_OF

AS_OF_TEXT = AS_OF.isoformat(timespec="minutes")


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def map_then_run(path: Path, exit_code: int = 0) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """`map --write`, then `run --config` on what it wrote: map's output, the config, the run's JSON.

    `exit_code`: the run's, 1 when the file has errors.
    """
    config = path.with_suffix(".toml")
    mapped = invoke("map", str(path), "--write", str(config))
    assert mapped.exit_code == 0, mapped.output
    ran = invoke("run", str(path), "--config", str(config), "--as-of", AS_OF_TEXT, "--json", "--out", str(path.parent))
    assert ran.exit_code == exit_code, ran.output
    (result,) = json.loads(ran.stdout)["files"]
    return mapped.stdout, tomllib.loads(config.read_text(encoding="utf-8")), result


def states(result: dict[str, Any]) -> dict[str, list[str]]:
    """The flagged complaints by state."""
    found: dict[str, list[str]] = {}
    for c in result["complaints"]:
        found.setdefault(c["state"], []).append(c["complaint_id"])
    return {k: sorted(v) for k, v in found.items()}


def flagged(result: dict[str, Any], flag: str) -> list[str]:
    return sorted(c["complaint_id"] for c in result["complaints"] if flag in c["flags"])


def test_a_ticket_export_with_a_kpi_block_runs_with_the_proposed_config(tmp_path: Path) -> None:
    path = real_shapes.ticket_export(tmp_path / "tickets.xlsx")
    shown, config, result = map_then_run(path)
    assert "complaint log: sheet 'Tickets', header row 5" in shown  # below the KPI block
    for line in (
        "'Priority' -> severity (exact)",
        "'Agent' -> owner (exact)",
        "'Contact ID' -> customer_id (exact)",
        "'Created' -> received_at (exact)",
        "severity values read as general: Normal, Low",
        "severity values read as major: Urgent",
    ):
        assert line in shown
    assert config["log"] == {"sheet": "Tickets", "absent": ["region", "first_response_at"]}
    assert config["aliases"]["severity"] == {"general": ["Normal", "Low"], "hot": ["High"], "major": ["Urgent"]}
    assert config["categories"] == ["Question", "Incident", "Problem", "Task"]  # most frequent first

    assert (result["errors"], result["warnings"], result["problems"]) == (0, 0, [])  # `-`, `null`: blanks
    assert result["log"] == {"sheet": "Tickets", "header_row": 5, "rows": len(real_shapes.TICKETS)}
    assert states(result) == {
        "overdue": ["T-1004", "T-1005"],
        "due-soon": ["T-1007"],
        "resolved-late": ["T-1003"],
        "resolved-on-time": ["T-1006"],
    }
    assert flagged(result, "repeat") == flagged(result, "secondary") == ["T-1006"]
    assert flagged(result, "under-graded") == ["T-1004", "T-1005", "T-1006"]
    assert result["flag_counts"]["no-first-response"] == 0  # no column: one note, not a flag per open row
    absent_notes = [n for n in result["notes"] if "declared absent" in n]
    assert absent_notes == [
        "Tickets: no region column (declared absent): scores and counts are for the whole company only",
        "Tickets: no first_response_at column (declared absent): "
        "first responses are not checked against their deadline",
    ]
    flags = openpyxl.load_workbook(result["outputs"]["summary"], read_only=True)["Flags"]
    listed = {row[0] for row in flags.iter_rows(min_row=5, values_only=True) if row and row[0]}
    assert {"T-1003", "T-1004", "T-1005", "T-1006", "T-1007"} <= listed


def test_the_same_export_without_the_config_says_what_is_wrong_and_the_map_fixes_it(tmp_path: Path) -> None:
    path = real_shapes.ticket_export(tmp_path / "tickets.xlsx")
    ran = invoke("validate", str(path), "--as-of", AS_OF_TEXT, "--json", "--out", str(tmp_path))
    (result,) = json.loads(ran.stdout)["files"]
    assert result["counts"]["missing-column"] == 1  # region: a user must say it is absent
    assert result["counts"]["unknown-severity"] == len(real_shapes.TICKETS)  # Normal/Low/High/Urgent
    assert result["counts"]["unknown-category"] == len(real_shapes.TICKETS)  # the tool's own categories


def test_a_google_forms_export_is_scored_with_the_proposed_config(tmp_path: Path) -> None:
    path = real_shapes.forms_export(tmp_path / "forms.xlsx")
    shown, config, result = map_then_run(path)
    assert "survey: sheet 'Form Responses 1', header row 1" in shown
    assert "'Timestamp' -> surveyed_at (exact)" in shown
    assert "'Email Address' -> customer_id (exact)" in shown
    assert "'Branch' -> region (exact)" in shown
    assert config["survey"] == {"sheet": "Form Responses 1"}
    assert "log" not in config  # the form's Email/Branch columns are not taken for a log
    assert "dimensions" not in config  # every default dimension has its question
    dimensions = ("skill", "attitude", "timeliness", "parts", "overall")
    assert {k: config["headers"][k] for k in dimensions} == {
        k: [q] for k, q in zip(dimensions, real_shapes.QUESTIONS, strict=True)
    }
    rerun = invoke("map", str(path), "--config", str(path.with_suffix(".toml")))
    assert "near miss" not in rerun.stdout  # the written config makes every question exact

    assert (result["errors"], result["warnings"]) == (0, 0)
    assert "flag_counts" not in result and list(result["outputs"]) == ["report"]  # no log: no summary
    groups = {g["keys"].get("region", "company"): g for g in result["groups"]}
    assert set(groups) == {"North", "South", "company"}  # `north ` is North
    for branch, answers in real_shapes.FORM_RATINGS.items():
        group = groups[branch]
        assert group["responses"] == len(answers)
        for d, key in enumerate(dimensions):
            given = [a[d] for a in answers if a[d] is not None]
            assert group["dimensions"][key]["answered"] == len(given)
            assert group["dimensions"][key]["score"] == int(sum(given) * 100 / len(given)) / 10  # truncated
    assert groups["North"]["dimensions"]["parts"]["answered"] == 5  # the skipped question is no zero


def test_a_chinese_work_order_log_runs_with_the_proposed_config(tmp_path: Path) -> None:
    path = real_shapes.work_orders(tmp_path / "orders.xlsx")
    shown, config, result = map_then_run(path)
    assert "complaint log: sheet '投诉工单', header row 3" in shown  # below the title
    for line in (
        "'工单编号' -> complaint_id (exact)",
        "'用户号码' -> customer_id (exact)",
        "'派单时间' -> first_response_at (exact)",
        "'结单时间' -> resolved_at (exact)",
        "status values read as closed: 是",
        "status values read as open: 否",
    ):
        assert line in shown
    assert config["log"] == {"sheet": "投诉工单", "absent": ["region", "severity"]}
    assert config["aliases"]["status"] == {"closed": ["是"], "open": ["否"]}
    assert sorted(config["categories"]) == sorted({row[4] for row in real_shapes.ORDERS})

    assert (result["errors"], result["warnings"], result["problems"]) == (0, 0, [])  # `无` is a blank
    assert states(result) == {
        "overdue": ["GD2026110003", "GD2026110004"],
        "no-first-response": ["GD2026110007"],
        "due-soon": ["GD2026110006"],
        "resolved-late": ["GD2026110002"],
    }
    # 13800000001 stored as a number and as text is one customer
    assert flagged(result, "repeat") == flagged(result, "secondary") == ["GD2026110004"]
    assert result["flag_counts"]["under-graded"] == 0  # nothing recorded to be graded lower
    assert sum("已声明" in n for n in result["notes"]) == 2  # region, severity: one note each


def test_map_finds_fields_by_their_values_and_proposes_aliases() -> None:
    """Headers no alias knows: the dates after the ID, the priority words, the phone numbers."""
    header = ["Ticket ID", "When", "Prio", "Status", "Type", "Caller", "Zone"]
    rows: list[list[object]] = [
        [f"INC{n:03d}", datetime(2026, 11, n, 9), ("Low", "Medium", "High")[n % 3], "Open", "Outage",
         f"+44 20 7946 {n:04d}", "East"]
        for n in range(1, 13)
    ]  # fmt: skip
    report = map_workbook({"Export": [header, *rows]}, Settings())
    used = report.log.used()
    assert {k: used[k].header for k in ("received_at", "severity", "customer_id")} == {
        "received_at": "When",
        "severity": "Prio",
        "customer_id": "Caller",
    }
    assert used["received_at"].why == "dates after the ID"
    assert report.log.aliases[("severity", "important")] == ["Medium"]
    assert report.log.unnamed == [] and "region" in report.log.absent  # `Zone` is no known name
    config = tomllib.loads(proposal(report, "export.xlsx"))
    assert config["headers"]["received_at"] == ["When"] and config["headers"]["severity"] == ["Prio"]
    assert any("'When' -> received_at" in line and "70% sure" in line for line in describe(report))


def test_a_date_column_before_any_id_is_not_taken_for_the_receipt() -> None:
    rows: list[list[object]] = [["When", "Who", "Region"], *[[datetime(2026, 11, n), "x", "East"] for n in (1, 2)]]
    report = map_workbook({"Sheet1": rows}, Settings())
    assert "received_at" not in report.log.used()


def test_map_exit_codes_and_write_refuses_to_replace(tmp_path: Path) -> None:
    path = real_shapes.ticket_export(tmp_path / "tickets.xlsx")
    config = tmp_path / "c.toml"
    config.write_text("# mine\n", encoding="utf-8")
    refused = invoke("map", str(path), "--write", str(config))
    assert refused.exit_code == 2 and "--force" in refused.output
    assert config.read_text(encoding="utf-8") == "# mine\n"
    assert invoke("map", str(path), "--write", str(config), "--force").exit_code == 0
    assert "[aliases.severity]" in config.read_text(encoding="utf-8")
    other = openpyxl.Workbook()
    other.active.append(["Name", "Notes"])  # type: ignore[union-attr]
    other.save(tmp_path / "other.xlsx")
    neither = invoke("map", str(tmp_path / "other.xlsx"))
    assert neither.exit_code == 1 and "complaint log: no header row" in neither.stdout
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    broken = invoke("map", str(tmp_path / "broken.xlsx"))
    assert broken.exit_code == 3 and "Traceback" not in broken.output


@pytest.mark.parametrize("build", [real_shapes.ticket_export, real_shapes.work_orders])
def test_the_input_is_not_touched_by_map_or_run(tmp_path: Path, build: Any) -> None:
    path = build(tmp_path / "in.xlsx")
    before = path.read_bytes()
    map_then_run(path)
    assert path.read_bytes() == before


def test_a_raw_cfpb_export_runs_with_the_proposed_config(tmp_path: Path) -> None:
    """The CFPB's own headers (`ComplaintId`, `CompanyResponseConsumer`…) and values, as exported."""
    text = gzip.decompress((Path(__file__).parent / "data" / "cfpb_2011-2015_sample.csv.gz").read_bytes())
    rows = list(csv.reader(io.StringIO(text.decode("utf-8"))))
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(tmp_path / "cfpb.xlsx")
    shown, config, result = map_then_run(tmp_path / "cfpb.xlsx", exit_code=1)  # blank States are errors
    assert "'CompanyResponseConsumer' -> status (near miss, 96% sure)" in shown
    assert config["log"]["absent"] == ["customer_id", "severity", "first_response_at", "resolved_at"]
    assert "Closed with relief" in config["aliases"]["status"]["closed"]
    assert config["aliases"]["status"]["open"] == ["Untimely response"]
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert sorted(config["categories"]) == sorted({r["Issue"] for r in records})
    assert result["counts"] == {"missing-value": sum(not r["State"] for r in records)}  # a blank State only
    still_open = {"In progress", "Untimely response"}
    assert result["flag_counts"]["overdue"] == sum(r["CompanyResponseConsumer"] in still_open for r in records)


def _answered(ratings: list[object]) -> list[int]:
    return [r for r in ratings if isinstance(r, int) and r > 0]


def test_a_surveys_own_rating_columns_are_proposed_as_its_dimensions(tmp_path: Path) -> None:
    path = real_shapes.airline_reviews(tmp_path / "reviews.xlsx")
    config_path = path.with_suffix(".toml")
    mapped = invoke("map", str(path), "--write", str(config_path))
    assert mapped.exit_code == 0, mapped.output
    assert "'seat_comfort_rating' -> seat_comfort (whole numbers up to 5, 70% sure)" in mapped.stdout
    assert "'date' -> surveyed_at (dates, 70% sure)" in mapped.stdout
    assert "'recommended': not used" in mapped.stdout  # 0/1 is no rating
    written = config_path.read_text(encoding="utf-8")
    config = tomllib.loads(written)
    assert config["dimensions"] == ["overall", "seat_comfort", "cabin_staff"]
    assert config["dimension"] == {
        "seat_comfort": {"name": "seat_comfort_rating", "scale": 5},
        "cabin_staff": {"name": "cabin_staff_rating", "scale": 5},
    }
    assert config["survey"]["absent"] == ["customer_id", "region"]
    args = ("run", str(path), "--config", str(config_path), "--as-of", AS_OF_TEXT, "--json", "--out", str(tmp_path))
    ran = invoke(*args)
    (result,) = json.loads(ran.stdout)["files"]
    zeros = sum(r == 0 for row in real_shapes.REVIEW_RATINGS for r in row)
    assert ran.exit_code == 1 and result["counts"] == {"invalid-rating": zeros}  # 0 is below every scale
    # the one edit the proposal's comment offers: 0 means not answered
    config_path.write_text(written.replace("# cells.blank", "cells.blank"), encoding="utf-8")
    ran = invoke(*args)
    (result,) = json.loads(ran.stdout)["files"]
    assert ran.exit_code == 0 and result["counts"] == {}
    (company,) = result["groups"]
    for d, key in enumerate(("overall", "seat_comfort", "cabin_staff")):
        given = _answered([row[d] for row in real_shapes.REVIEW_RATINGS])
        scale = 10 if key == "overall" else 5
        exact = sum(given) * 100 / (len(given) * scale)
        assert company["dimensions"][key]["score"] == int(exact * 10) / 10, key


SKYTRAX = Path(__file__).parents[2] / "shared" / "datasets" / "skytrax_ratings.csv"


@pytest.mark.skipif(not SKYTRAX.exists(), reason="the Skytrax reviews are in ../shared/datasets, absent here")
def test_the_real_skytrax_reviews_are_scored_on_their_own_dimensions(tmp_path: Path) -> None:
    with SKYTRAX.open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source))
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append([int(v) if v.isdigit() else v for v in row])
    book.save(tmp_path / "skytrax.xlsx")
    shown, config, result = map_then_run(tmp_path / "skytrax.xlsx", exit_code=1)  # zeros: invalid ratings
    assert len(config["dimensions"]) == 8 and config["dimension"]["seat_comfort"]["scale"] == 5
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    overall = [int(r["overall_rating"]) for r in records if r["overall_rating"].isdigit()]
    (company,) = result["groups"]
    assert company["dimensions"]["overall"]["answered"] == len(overall)
    assert company["dimensions"]["overall"]["score"] == int(sum(overall) * 100 / len(overall)) / 10
