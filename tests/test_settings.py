from __future__ import annotations

from pathlib import Path

import pytest

from addin.core.settings import ConfigError, Entry, build_settings, sheet_entries
from addin.core.table import Table, locate
from addin.core.validate import check_workbook
from addin.files.config import toml_entries
from tests.builders import AS_OF, complaint, grid, log_grid


def test_defaults() -> None:
    settings, problems = build_settings()
    assert problems == []
    assert [d.key for d in settings.dimensions] == ["skill", "attitude", "timeliness", "parts", "overall"]
    assert len(settings.categories) == 8 and settings.lang == "auto"


def test_toml_nested_tables_are_flattened(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        'log.sheet = "Tickets"\n'
        'categories = ["Billing|账单", "Other|其他"]\n'
        'dimensions = ["skill", "overall"]\n'
        '[headers]\ncomplaint_id = ["Ticket No", "工单号"]\n'
        '[dimension.skill]\nscale = 5\nweight = "25%"\n'
        "[dimension.overall]\nweight = 75\n"
        '[rules]\nno-rating = "off"\n',
        encoding="utf-8",
    )
    settings, problems = build_settings(toml_entries(config))
    assert problems == []
    assert settings.log_sheet == "Tickets"
    assert [c.en for c in settings.categories] == ["Billing", "Other"]
    assert settings.header_aliases["complaint_id"] == ("Ticket No", "工单号")
    skill = next(d for d in settings.dimensions if d.key == "skill")
    assert skill.scale == 5 and settings.weights == {"skill": 25, "overall": 75}
    assert settings.level("no-rating") == "off"


@pytest.mark.parametrize(
    ("text", "message"),
    [("not toml = = 1", "not valid TOML"), ("typo.key = 1", "typo.key"), ('output.lang = "fr"', "use auto, en or zh")],
)
def test_broken_config_file_stops_the_run(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "c.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        build_settings(toml_entries(config))


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        toml_entries(tmp_path / "nope.toml")


def test_config_file_wins_over_sheet_and_options_win_over_both(tmp_path: Path) -> None:
    sheet = [["设置项", "值", "说明"], ["output.lang", "zh", "语言"], ["rules.no-rating", "error", ""]]
    config = tmp_path / "c.toml"
    config.write_text('output.lang = "en"\n', encoding="utf-8")
    settings, _ = build_settings(sheet_entries("设置", sheet), toml_entries(config))
    assert settings.lang == "en" and settings.level("no-rating") == "error"
    settings, _ = build_settings(sheet_entries("设置", sheet), toml_entries(config), [Entry("output.lang", "zh")])
    assert settings.lang == "zh"


def test_sheet_reads_key_value_rows_below_titles() -> None:
    rows = [["Team settings"], [], ["Setting", "Value"], ["", "categories", "A;B；C、D\nE"], ["note: free text", "x"]]
    entries = list(sheet_entries("Settings", rows))
    assert [(e.key, e.origin.row, e.origin.column) for e in entries] == [("categories", 4, 3)]
    settings, _ = build_settings(entries)
    assert [c.en for c in settings.categories] == ["A", "B", "C", "D", "E"]


def test_header_aliases_map_unusual_headers() -> None:
    keys = ["complaint_id", "received_at", "customer_id", "region", "category", "severity", "status"]
    rows = grid([complaint(1)], keys)
    rows[0][0] = "Ticket No"
    settings, _ = build_settings([Entry("headers.complaint_id", "Ticket No; 工单号")])
    table = locate("log", {"L": rows}, settings.log_fields())
    assert isinstance(table, Table) and table.columns["complaint_id"] == 0


def test_status_aliases_and_explicit_sheet_through_the_workbook() -> None:
    sheets = {
        "First": log_grid([complaint(1)]),
        "Second": log_grid([complaint(2, status="done")]),
        "Settings": [["log.sheet", "Second"], ["aliases.status.resolved", "done"]],
    }
    outcome = check_workbook(sheets, as_of=AS_OF)
    assert outcome.log.sheet == "Second"
    assert outcome.report.problems == []


def test_explicit_sheet_that_does_not_exist() -> None:
    from addin.core.validate import NoLogFound

    with pytest.raises(NoLogFound, match="'Nope' named in Settings does not exist"):
        check_workbook({"L": log_grid([complaint(1)]), "Settings": [["log.sheet", "Nope"]]}, as_of=AS_OF)


def test_renamed_added_and_five_point_dimensions() -> None:
    entries = [
        Entry("dimensions", "skill;cleanliness"),
        Entry("dimension.cleanliness.name", "Cleanliness|清洁度"),
        Entry("dimension.cleanliness.scale", 5),
    ]
    survey = [
        ["Customer ID", "Region", "Survey date", "Service skill", "清洁度"],
        ["K1", "East", "2026-10-01", 9, 5],
        ["K2", "East", "2026-10-01", 9, 6],
    ]
    outcome = check_workbook({"Log": log_grid([complaint(1)]), "S": survey}, as_of=AS_OF, extra=entries)
    assert {(p.code, p.cell) for p in outcome.report.problems} == {("invalid-rating", "S!E3")}


def test_a_config_file_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    """Windows Notepad saves UTF-8 with a BOM; the config file is still TOML."""
    config = tmp_path / "c.toml"
    config.write_bytes("\ufeffscore.target = 85\n".encode())
    settings, problems = build_settings(toml_entries(config))
    assert settings.target == 85 and problems == []
