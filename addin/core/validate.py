"""Checks on the complaint log and the survey: each yields problems, none raises for bad data.

Work is column by column, each distinct value parsed once (one parser per field kind): a
100k-row log plus a 100k-row survey are checked in about 1.6 s. `check_workbook` is the
entry point shared by the CLI and the Excel buttons; the column parsing is in
`addin.core.validate_columns`, the row checks of each table in `addin.core.validate_rows`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from addin.core.problems import Level, Problem, Report
from addin.core.schema import SETTINGS_SHEET_NAMES, Field, normalize
from addin.core.settings import OFF, Entry, Settings, build_settings, sheet_entries
from addin.core.table import Grid, NotFound, Table, locate
from addin.core.validate_columns import Checked, Context, column_notes
from addin.core.validate_rows import check_log, check_survey
from addin.core.values import spellings, unify


class NoLogFound(Exception):
    """The workbook has no sheet that looks like a complaint log."""


def unify_groups(checked: Sequence[Checked]) -> None:
    """One spelling per group in every grouping column (`Field.grouping`), the same in the log and the survey.

    `East`, `east ` and `ＥＡＳＴ` are one region, named by its most frequent spelling across
    both tables; scores, flags counts, the summary, its slices, recipients and draft names all
    see that one name. The user's cells are not touched: only the parsed values are.
    """
    columns: dict[str, list[list[object]]] = defaultdict(list)
    for one in checked:
        for f in one.table.fields:
            if f.grouping and f.key in one.values:
                columns[f.key].append(one.values[f.key])
    for key, lists in columns.items():
        names = spellings(*lists)
        for one in checked:
            if key in one.values:
                one.values[key] = unify(one.values[key], names)


def _apply_levels(problems: list[Problem], settings: Settings) -> list[Problem]:
    result = []
    for p in problems:
        level = settings.level(p.code)
        if level == OFF:
            continue
        result.append(p if level == p.severity else replace(p, level=Level(level)))
    return result


@dataclass(frozen=True)
class Parsed:
    """A table's parsed columns (field key -> values, None where blank or invalid) and row numbers.

    This is what the scores and flags work on: invalid cells are already reported by the
    checks and are left out of every computation rather than guessed.
    """

    sheet: str
    rows: list[int]
    values: Mapping[str, list[object]]

    @classmethod
    def of(cls, checked: Checked) -> Parsed:
        return cls(checked.table.sheet, [number for number, _ in checked.table.rows], checked.values)

    def column(self, key: str) -> list[object]:
        return self.values.get(key) or [None] * len(self.rows)


@dataclass
class Outcome:
    """What one workbook check found: the report, the tables, their parsed values and the settings."""

    report: Report
    settings: Settings
    log: Table | None
    survey: Table | None
    log_values: Parsed | None
    survey_values: Parsed | None = None
    lang: str = "en"

    @property
    def fields(self) -> dict[str, Field]:
        """key -> field of both tables found, for naming fields on the Validation sheet."""
        return {f.key: f for table in (self.log, self.survey) if table is not None for f in table.fields}


def settings_sheet(sheets: Mapping[str, Grid]) -> str | None:
    wanted = {normalize(n) for n in SETTINGS_SHEET_NAMES}
    return next((s for s in sheets if normalize(s) in wanted), None)


def workbook_settings(
    sheets: Mapping[str, Grid], extra: Sequence[Entry] = (), owned: frozenset[str] = frozenset()
) -> tuple[Settings, list[Problem], frozenset[str]]:
    """The settings of a workbook (its Settings sheet, then `extra`), their problems, and the sheets not to search.

    `ConfigError` for a broken config file.
    """
    own = settings_sheet(sheets)
    # `sheet_entries` only reads the rows; its `list[list[object]]` is narrower than the `Grid` it is given.
    layers = [sheet_entries(own, sheets[own])] if own else []
    settings, problems = build_settings(*layers, extra)
    return settings, problems, owned | ({own} if own else frozenset())


def check_workbook(
    sheets: Mapping[str, Grid],
    *,
    as_of: datetime,
    lang: str | None = None,
    date1904: bool = False,
    extra: Sequence[Entry] = (),
    owned: frozenset[str] = frozenset(),
    need_log: bool = True,
) -> Outcome:
    """Locate the tables, apply the settings layers and run every check.

    Raises `NoLogFound` when no sheet looks like a complaint log (with `need_log=False`, only
    when there is neither a log nor a survey), and `ConfigError` for a broken config file;
    every other finding is a problem in the report.
    """
    settings, setting_problems, skip = workbook_settings(sheets, extra, owned)
    log, survey, first = _locate_tables(sheets, settings, skip, need_log)
    chosen = lang or (settings.lang if settings.lang != "auto" else first.lang)
    report = Report(lang=chosen)
    report.extend(setting_problems)
    return _check_tables(log, survey, Context.make(settings, as_of, chosen, date1904), report)


def _locate_tables(
    sheets: Mapping[str, Grid], settings: Settings, skip: frozenset[str], need_log: bool
) -> tuple[Table | NotFound, Table | NotFound, Table]:
    """The log and the survey (each a table, or why none was found), and the first table found.

    Raises `NoLogFound` without a log when `need_log`, and always without either table.
    """
    log = locate("complaint log", sheets, settings.log_fields(), settings.log_sheet, exclude=skip)
    if isinstance(log, Table):
        log.absent = settings.absent.get("log", frozenset())
    if isinstance(log, NotFound) and need_log:
        raise NoLogFound(log.message())
    taken = {log.sheet} if isinstance(log, Table) else set()
    survey = locate("survey", sheets, settings.survey_fields(), settings.survey_sheet, exclude=skip | taken)
    if isinstance(survey, Table):
        survey.absent = settings.absent.get("survey", frozenset())
    if isinstance(log, Table):
        return log, survey, log
    if isinstance(survey, NotFound):
        raise NoLogFound(f"{log.message()}; {survey.message()}")
    return log, survey, survey


def _check_tables(log: Table | NotFound, survey: Table | NotFound, ctx: Context, report: Report) -> Outcome:
    """Check each table found (a note in `report` for each one missing), then apply the settings' levels."""
    outcome = Outcome(report, ctx.settings, None, None, None, lang=ctx.lang)
    checked: list[Checked] = []
    for table, check in ((log, check_log), (survey, check_survey)):
        if isinstance(table, NotFound):
            report.notes.append(table.message())
        else:
            checked.append(check(table, ctx))
            report.notes.extend(column_notes(table, ctx.lang))
    unify_groups(checked)
    for one in checked:
        report.extend(one.problems)
        if one.table is log:
            outcome.log, outcome.log_values = one.table, Parsed.of(one)
        else:
            outcome.survey, outcome.survey_values = one.table, Parsed.of(one)
    report.problems = _apply_levels(report.problems, ctx.settings)
    return outcome
