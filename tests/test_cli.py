from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from addin.cli import cli
from addin.pages.json_text import json_text
from tests.builders import complaint, log_grid, standard_workbook, write_workbook

AS_OF = ["--as-of", "2026-11-22T12:00"]


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_clean_workbook_exits_0(tmp_path: Path) -> None:
    path = standard_workbook(tmp_path / "ok.xlsx")
    result = invoke("validate", str(path), *AS_OF)
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.stdout
    assert (tmp_path / "ok.report.xlsx").exists()


def test_warnings_only_exit_0_errors_exit_1(tmp_path: Path) -> None:
    warn = standard_workbook(tmp_path / "warn.xlsx", [complaint(1, status="Open")])
    assert invoke("validate", str(warn), *AS_OF).exit_code == 0
    bad = standard_workbook(tmp_path / "bad.xlsx", [complaint(1, category="Widgets")])
    assert invoke("validate", str(bad), *AS_OF).exit_code == 1


def test_json_output(tmp_path: Path) -> None:
    path = standard_workbook(tmp_path / "bad.xlsx", [complaint(1), complaint(2, complainants=0)])
    result = invoke("validate", str(path), "--json", *AS_OF)
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    (entry,) = data["files"]
    assert entry["path"] == str(path) and entry["counts"] == {"invalid-complainants": 1}
    (problem,) = entry["problems"]
    assert problem == {
        "code": "invalid-complainants",
        "severity": "error",
        "sheet": "Complaints",
        "cell": "Complaints!L5",
        "row": 5,
        "column": 12,
        "field": "complainants",
        "value": "0",
        "message": "Complainants '0' is not a whole number of at least 1",
    }
    assert entry["log"] == {"sheet": "Complaints", "header_row": 3, "rows": 2}
    lines = result.stdout.splitlines()  # indented, a problem on one line (encoded in C: `addin.pages.json_text`)
    assert lines[:2] == ["{", '  "files": ['] and json.loads(next(x for x in lines if '"code"' in x)) == problem


def test_batch_with_a_corrupt_file_goes_on_and_exits_3(tmp_path: Path) -> None:
    standard_workbook(tmp_path / "a.xlsx")
    (tmp_path / "b.xlsx").write_bytes(b"PK\x03\x04 this is not really a zip")
    standard_workbook(tmp_path / "c.xlsx", [complaint(1, category="Widgets")])
    write_workbook(tmp_path / "d.xlsx", {"Notes": [["nothing here"]]})
    result = invoke("validate", str(tmp_path), "--json", *AS_OF)
    assert result.exit_code == 3
    files = {Path(f["path"]).name: f for f in json.loads(result.stdout)["files"]}
    assert set(files) == {"a.xlsx", "b.xlsx", "c.xlsx", "d.xlsx"}
    assert "corrupt" in files["b.xlsx"]["error"]
    assert files["d.xlsx"]["error"].startswith("no complaint log found; sheets examined: 'Notes'")
    assert files["c.xlsx"]["errors"] == 1
    assert f"{tmp_path / 'b.xlsx'}: corrupt" in result.stderr
    assert "Checking" in result.stderr  # the progress bar, on stderr only


def test_missing_file_and_legacy_xls_get_one_line_each(tmp_path: Path) -> None:
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    result = invoke("validate", str(tmp_path / "nope.xlsx"), str(tmp_path / "old.xls"), *AS_OF)
    assert result.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert any(line.endswith("nope.xlsx: not found") for line in lines)
    assert any("old.xls: legacy .xls" in line for line in lines)


def test_glob_and_folder_skip_our_own_outputs(tmp_path: Path) -> None:
    standard_workbook(tmp_path / "a.xlsx")
    invoke("validate", str(tmp_path / "a.xlsx"), "--annotate", *AS_OF)
    (tmp_path / "~$a.xlsx").write_bytes(b"lock")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.annotated.xlsx", "a.xlsx", "~$a.xlsx"]
    for argument in (str(tmp_path), str(tmp_path / "*.xlsx")):
        data = json.loads(invoke("validate", argument, "--json", *AS_OF).stdout)
        assert [Path(f["path"]).name for f in data["files"]] == ["a.xlsx"], argument


def test_no_match_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "*.xlsx")])
    assert result.exit_code == 2 and "no .xlsx/.xlsm files matched" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--as-of", "yesterday"],
        ["--lang", "fr"],
        ["--annotate", "--config", "missing.toml"],
        ["--annotate", "--in-place"],
        ["--in-place", "--out", "elsewhere"],
    ],
)
def test_bad_options_exit_2(tmp_path: Path, args: list[str]) -> None:
    path = standard_workbook(tmp_path / "a.xlsx")
    result = CliRunner().invoke(cli, ["validate", str(path), *args])
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "a.annotated.xlsx").exists()


def test_broken_config_exits_2_with_its_message(tmp_path: Path) -> None:
    path = standard_workbook(tmp_path / "a.xlsx")
    config = tmp_path / "c.toml"
    config.write_text("colour = 'blue'\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path), "--config", str(config)])
    assert result.exit_code == 2 and "setting 'colour'" in result.stderr


def test_lang_option_overrides_the_workbook(tmp_path: Path) -> None:
    path = standard_workbook(tmp_path / "bad.xlsx", [complaint(1, category="Widgets")])
    data = json.loads(invoke("validate", str(path), "--json", "--lang", "zh", *AS_OF).stdout)
    assert data["files"][0]["problems"][0]["message"].startswith("未知的投诉类别")


def test_in_place_and_annotate_are_exclusive_modes(tmp_path: Path) -> None:
    path = standard_workbook(tmp_path / "a.xlsx", [complaint(1, category="Widgets")])
    result = invoke("run", str(path), "--in-place", *AS_OF)
    assert result.exit_code == 1
    assert (tmp_path / "a.bak.xlsx").exists() and not (tmp_path / "a.report.xlsx").exists()


def test_sample_command_and_usage_errors(tmp_path: Path) -> None:
    target = tmp_path / "s.xlsx"
    assert invoke("sample", str(target), "--rows", "40", "--lang", "en").exit_code == 0
    assert target.exists()
    assert CliRunner().invoke(cli, ["sample", str(tmp_path / "s.csv")]).exit_code == 2
    assert CliRunner().invoke(cli, ["sample", str(target), "--rows", "3"]).exit_code == 2


def test_every_command_is_documented() -> None:
    for name, command in cli.commands.items():
        assert command.help and len(command.help) > 20, name
        result = invoke(name, "--help")
        assert result.exit_code == 0
        for param in command.params:
            if param.param_type_name == "option":
                assert param.help, f"{name} {param.name}"
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    for name in cli.commands:
        assert f"complaints {name}" in readme, name


def test_python_dash_m_addin(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "a.xlsx", {"Log": log_grid([complaint(1)])})
    done = subprocess.run(
        [sys.executable, "-m", "addin", "validate", str(path), "--json", *AS_OF],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["files"][0]["errors"] == 0


def test_two_inputs_with_one_output_name_do_not_overwrite_each_other(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = standard_workbook(tmp_path / "a" / "log.xlsx")
    second = standard_workbook(tmp_path / "b" / "log.xlsx", [complaint(1, category="Widgets")])
    result = invoke("validate", str(first), str(second), "--out", str(tmp_path / "reports"), *AS_OF)
    assert result.exit_code == 3
    assert f"{second}: its output log.report.xlsx was already written for {first}" in result.stderr
    assert [p.name for p in (tmp_path / "reports").iterdir()] == ["log.report.xlsx"]


@pytest.mark.parametrize(
    "value",
    [
        {"files": []},
        {"files": [{"path": "é.xlsx", "problems": [{"code": "x", "value": None}], "counts": {}, "notes": ["a\\n"]}]},
        {"a": [[1, 2], [], {}, {"b": [{"c": float("inf")}]}], "d": {"e": {"f": "中"}}},
    ],
)
def test_json_text_is_the_same_json_value(value: object) -> None:
    assert json.loads(json_text(value)) == json.loads(json.dumps(value))
