"""The settings table is the one declaration: defaults parse, settings land, the README and the sample follow it."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from addin.build.readme import README, with_table
from addin.cli import cli
from addin.core.settings import Entry, Origin, Settings, build_settings, sheet_entries
from addin.core.settings_table import SETTINGS, Setting, declared, find, markdown, sheet_rows
from tests.builders import log_grid, response, survey_grid, write_workbook
from tests.test_text import AS_OF, _case

# A non-default value for the settings whose table example is None (lists that must fit the test workbook).
CHANGED: dict[str, object] = {
    "categories": "Product quality|产品质量; Parts supply|配件供应; Other|其他",
    "dimensions": "overall; skill; attitude; timeliness; parts",
    "dimension.<key>.name": "Skill|技能|Service skill|服务技能",
    "dimension.<key>.weight": 40,
    "dimension.<key>.scale": 20,  # the ratings of 1-10 stay valid
    "clock.holidays": "2026-12-24",
    "clock.workdays": "2026-11-28",
}
# Values the run below shows, so the sheets have something to say about them.
SHOWN_VALUES: dict[str, object] = {
    "score.min_responses": 10,
    "repeat.window_days": 14,
    "cluster.window_days": 10,
    "cluster.min_customers": 4,
    "severity.hot_complainants": 5,
    "severity.major_complainants": 12,
    "severity.hot_after_days": 5,
    "severity.major_after_days": 20,
}
FAMILY_KEYS = {
    "headers.<field>": "headers.complaint_id",
    "aliases.<enum>.<key>": "aliases.status.closed",
    "dimension.<key>.name": "dimension.skill.name",
    "dimension.<key>.scale": "dimension.skill.scale",
    "dimension.<key>.weight": "dimension.skill.weight",
    "rules.<code>": "rules.open-with-resolved-time",
}
# What a default looks like in the Chinese sheets; none may remain once every setting is changed.
DEFAULT_PHRASES = {
    "deadline.due_soon": "75%",
    "score.target": "目标 80",
    "score.min_responses": "少于 30",
    "repeat.window_days": "30 天内第",
    "cluster.window_days": "30 天内 ",
    "cluster.min_customers": "3 位以上",
    "severity.hot_complainants": "3 人以上",
    "severity.major_complainants": "10 人以上",
    "severity.hot_after_days": "投诉 7 天后",
    "severity.major_after_days": "投诉 30 天后",
    "clock.mode": "自然日计",
    "dimension.<key>.name": "服务技能",
    "dimension.<key>.weight": "服务技能 20%",
    "output.lang": "Summary",
}
# Settings that no sheet shows, and why; with DEFAULT_PHRASES they must cover the whole table.
NOT_SHOWN = {
    "log.sheet": "where to read, not what to show",
    "survey.sheet": "where to read",
    "log.absent": "which columns the log has: a note, not a text of a sheet",
    "survey.absent": "which columns the survey has",
    "cells.blank": "which cells count as empty",
    "headers.<field>": "which header matches",
    "categories": "labels shown are the log's own",
    "aliases.<enum>.<key>": "which label matches",
    "dimensions": "order of the dimensions",
    "dimension.<key>.scale": "changes the scores, not a text",
    "score.by": "adds tables; checked in test_scoring",
    "score.outcome": "changes the drivers, not a text",
    "rules.<code>": "a rule's level: the problem list changes",
    "clock.country": "shown with business days only, as the country",
    "clock.holidays": "changes due times",
    "clock.workdays": "changes due times",
    "mail.host": "mail settings go to the server, not into a sheet",
}
NOT_SHOWN |= {
    s.key: "changes due times, not a text" for s in SETTINGS if s.key.startswith("deadline.") and "." in s.key[9:]
}
NOT_SHOWN |= {s.key: "mail settings never reach a sheet" for s in SETTINGS if s.key.startswith("mail.")}
del NOT_SHOWN["mail.password"]  # refused wherever it is given


def changed_value(s: Setting) -> object:
    return SHOWN_VALUES.get(s.key, CHANGED.get(s.key, s.example))


def changed_entries(sheet: str = "Settings") -> list[list[object]]:
    """A Settings sheet that changes every setting but the refused password."""
    rows: list[list[object]] = [["Setting", "Value"]]
    for s in SETTINGS:
        if s.key == "mail.password":
            continue
        rows.append([FAMILY_KEYS.get(s.key, s.key), changed_value(s)])
    rows += [[f"dimension.{k}.weight", 15] for k in ("attitude", "timeliness", "parts", "overall")]
    return rows


def landed(settings: Settings, s: Setting, key: str) -> object:
    """The value at the place the table says the setting lands."""
    where = s.lands.split(",")[0]
    if where == "Settings.mail":
        return settings.mail.get(key)
    if where.startswith("FlagRules."):
        name, _, item = where.removeprefix("FlagRules.").partition("[")
        value = getattr(settings.flags, name)
        return value[item.strip("]'")] if item else value
    attribute = where.removeprefix("Settings.")
    value = getattr(settings, attribute)
    part = key.split(".")
    if attribute == "header_aliases":
        return value.get(part[1])
    if attribute == "rule_levels":
        return value.get(part[1])
    if attribute == "dimensions":
        return [(d.key, d.en, d.scale) for d in value]
    if attribute == "weights":
        return dict(value)
    if attribute == "severities":
        return [lab.aliases for lab in settings.statuses]
    return value


@pytest.mark.parametrize("s", [s for s in SETTINGS if s.typed], ids=lambda s: s.key)
def test_a_typed_default_parses_to_the_default(s: Setting) -> None:
    parsed = s.parse(s.typed)
    if s.key == "categories":  # typed labels are keyed by their English name; the built-in ones by a word
        assert [(c.en, c.zh) for c in parsed] == [(c.en, c.zh) for c in s.default]  # type: ignore[attr-defined]
    else:
        assert parsed == s.default


@pytest.mark.parametrize("s", [s for s in SETTINGS if s.key != "mail.password"], ids=lambda s: s.key)
def test_the_changed_value_is_valid_and_not_the_default(s: Setting) -> None:
    parsed = s.parse(changed_value(s))
    assert parsed != s.default


def test_every_key_is_found_and_families_check_their_names() -> None:
    for s in SETTINGS:
        assert find(FAMILY_KEYS.get(s.key, s.key)) is s
    with pytest.raises(LookupError):
        find("headers.no_such_field")
    with pytest.raises(LookupError):
        find("rules.no-such-rule")
    with pytest.raises(ValueError, match="known status keys"):
        find("aliases.status.finished")
    assert declared("rules.<code>").family


def test_every_setting_lands_where_the_table_says() -> None:
    """From a Settings sheet that changes everything, each setting's landing place differs from the default's."""
    settings, problems = build_settings(sheet_entries("Settings", changed_entries()))
    assert problems == []
    default = Settings()
    unchanged = [
        s.key
        for s in SETTINGS
        if s.key != "mail.password"
        and landed(settings, s, FAMILY_KEYS.get(s.key, s.key)) == landed(default, s, FAMILY_KEYS.get(s.key, s.key))
    ]
    assert unchanged == []
    assert settings.flags.holidays == frozenset({date(2026, 12, 24)})


def test_the_config_file_reaches_the_same_places() -> None:
    entries = [Entry(key, value, Origin(file="c.toml")) for key, value in changed_entries()[1:]]
    from_file, problems = build_settings(entries)
    from_sheet, _ = build_settings(sheet_entries("Settings", changed_entries()))
    assert problems == [] and from_file == from_sheet


def test_no_sheet_shows_a_default_once_every_setting_is_changed(tmp_path: Path) -> None:
    assert set(DEFAULT_PHRASES) | set(NOT_SHOWN) == {s.key for s in SETTINGS} - {"mail.password"}
    records = [
        _case(1, 6.5),
        _case(2, 1, complainants=5),
        _case(3, 1, complainants=12),
        _case(4, 21),
        _case(5, 12, customer_id="K900"),
        _case(6, 1, customer_id="K900"),
        *(_case(n, 2 + n % 3, subject="AC-9") for n in range(7, 11)),
    ]
    sheets = {
        "Complaints": log_grid(records),
        "Survey": survey_grid([response(n) for n in range(1, 4)]),
        "Settings": changed_entries(),
    }
    path = write_workbook(tmp_path / "log.xlsx", sheets)
    result = CliRunner().invoke(cli, ["run", str(path), "--annotate", "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(tmp_path / "log.annotated.xlsx")
    titles = [ws.title for ws in book.worksheets if ws.sheet_state == "visible"]
    written = "\n".join(
        str(c.value)
        for ws in book.worksheets
        if ws.title != "Settings"
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str)
    )
    stale = {key: phrase for key, phrase in DEFAULT_PHRASES.items() if phrase in written or phrase in titles}
    assert stale == {}
    for phrase in ("80%", "目标 85", "技能 40%", "工作日计时", "汇总"):
        assert phrase in written or phrase in titles, phrase


def test_the_readme_table_is_made_from_the_table() -> None:
    text = README.read_text(encoding="utf-8")
    assert with_table(text) == text, "run: python -m addin.build.readme"
    assert all(f"`{s.key}`" in markdown() for s in SETTINGS)


def test_the_sample_settings_sheet_lists_every_default(tmp_path: Path) -> None:
    committed = Path(__file__).parents[1] / "workbooks" / "sample_complaints_en.xlsx"
    rows = {r[0]: r[1] for r in openpyxl.load_workbook(committed)["Settings"].iter_rows(min_row=2, values_only=True)}
    for key, typed, _ in sheet_rows("en"):
        assert re.sub(r"\s", "", str(rows[key])) == re.sub(r"\s", "", str(typed)), key
