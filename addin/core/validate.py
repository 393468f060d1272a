"""Checks on the complaint log and the survey: each yields problems, none raises for bad data.

Work is column by column, each distinct value parsed once (one parser per field kind): a
100k-row log plus a 100k-row survey are checked in about 1.6 s. `check_workbook` is the
entry point shared by the CLI and the Excel buttons.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from operator import itemgetter

from addin.core.problems import SUGGESTION, Level, Problem, Report, cell_ref
from addin.core.schema import DONE_STATUSES, NOT_DONE_STATUSES, SETTINGS_SHEET_NAMES, Field, Kind, normalize
from addin.core.settings import OFF, Entry, Settings, build_settings, sheet_entries
from addin.core.table import Grid, NotFound, Table, locate
from addin.core.values import (
    Bad,
    CellError,
    Vocabulary,
    clean_text,
    fold,
    parse_date,
    parse_whole,
    parse_yes_no,
    spellings,
    unify,
)

MAX_OTHERS_NAMED = 5


class NoLogFound(Exception):
    """The workbook has no sheet that looks like a complaint log."""


@dataclass(frozen=True)
class Context:
    settings: Settings
    as_of: datetime
    lang: str
    date1904: bool = False
    vocabularies: Mapping[str, Vocabulary] = field(default_factory=dict)

    @classmethod
    def make(cls, settings: Settings, as_of: datetime, lang: str, date1904: bool = False) -> Context:
        vocabularies = {
            "category": Vocabulary(settings.categories),
            "severity": Vocabulary(settings.severities),
            "status": Vocabulary(settings.statuses),
        }
        return cls(settings, as_of, lang, date1904, vocabularies)


@dataclass
class Checked:
    """Parsed columns of one table, by field key (None where blank or invalid), and problems."""

    table: Table
    values: dict[str, list[object]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    flagged: set[tuple[int, str]] = field(default_factory=set)  # (row index, field key) with a problem

    def problem(self, code: str, index: int, key: str | None, value: object, **params: str) -> None:
        row = self.table.rows[index][0] if index >= 0 else self.table.header_row
        if key:
            self.flagged.add((index, key))
        self.problems.append(
            Problem(
                code,
                self.table.sheet,
                row,
                self.table.column_of(key) if key else None,
                key,
                clean_text(value),
                tuple(params.items()),
            )
        )


_BLANK = Bad("missing-value")


def column_values(table: Table, key: str) -> list[object]:
    """One field's raw cells, row by row ('' where a row is shorter than the header)."""
    index = table.columns[key]
    cells = table.cells
    try:
        return list(map(itemgetter(index), cells))
    except IndexError:  # ragged rows (grids built by hand); calamine's grids are rectangular
        return [row[index] if index < len(row) else "" for row in cells]


def _as_is(value: object, kind: Kind) -> bool:
    """Already what the field wants: a datetime in a date column, trimmed text in a text column."""
    if kind is Kind.DATE:
        return value.__class__ is datetime
    return (
        kind is Kind.TEXT and value.__class__ is str and value != "" and not (value[0].isspace() or value[-1].isspace())
    )  # type: ignore[index]


def _blank(raw: object) -> bool:
    return raw is None or (raw.__class__ is str and (not raw or raw.isspace()))  # type: ignore[union-attr]


def _parse_column(checked: Checked, f: Field, ctx: Context) -> None:
    """Parse one column into `checked.values[f.key]`, reporting error, blank and bad cells.

    This is the hot path on 100k-row logs, so it works on distinct values: each is parsed
    once, the column is mapped through the results, and cells are visited one by one only
    when some value is bad. Booleans hash like 1 and 0, so a column holding TRUE/FALSE
    cells is parsed cell by cell instead.
    """
    if f.key not in checked.table.columns:
        return
    raws = column_values(checked.table, f.key)
    parse = _parser(f, ctx)
    distinct = set(raws)
    if True in distinct or False in distinct:
        outcome_of = [_outcome(raw, f, parse) for raw in raws]
        parsed = [None if r.__class__ is Bad else r for r in outcome_of]
    else:
        outcomes = {raw: raw if _as_is(raw, f.kind) else _outcome(raw, f, parse) for raw in distinct}
        parsed = [outcomes[raw] for raw in raws]
        if not any(r.__class__ is Bad for r in outcomes.values()):
            checked.values[f.key] = parsed
            return
        outcome_of = parsed[:]
        parsed = [None if r.__class__ is Bad else r for r in parsed]
    for i, result in enumerate(outcome_of):
        if result.__class__ is Bad:
            _report_bad(checked, f, ctx, i, raws[i], result)  # type: ignore[arg-type]
    checked.values[f.key] = parsed


def _outcome(raw: object, f: Field, parse: Callable[[object], object]) -> object:
    """The parsed value, None for an allowed blank, or a `Bad` saying which problem it is."""
    if raw.__class__ is CellError:
        return Bad("error-value")
    if _blank(raw):
        return _BLANK if f.required else None
    return parse(raw)


def _report_bad(checked: Checked, f: Field, ctx: Context, index: int, raw: object, bad: Bad) -> None:
    params = {"header": f.header(ctx.lang), "reason": bad.reason, "scale": str(f.scale)}
    if bad is _BLANK:
        raw = ""
    if bad.code.startswith("unknown-"):
        hint = ctx.vocabularies[f.enum or ""].suggest(raw, ctx.lang)
        params["suggestion"] = SUGGESTION[ctx.lang].format(hint) if hint else ""
    checked.problem(bad.code, index, f.key, raw, **params)


def _parser(f: Field, ctx: Context) -> Callable[[object], object]:
    if f.kind is Kind.DATE:
        return lambda raw: parse_date(raw, ctx.date1904)
    if f.kind is Kind.ENUM:
        vocabulary, code = ctx.vocabularies[f.enum or ""], f"unknown-{f.enum}"
        return lambda raw: label.key if (label := vocabulary.match(raw)) else Bad(code)
    if f.kind is Kind.COUNT:
        return lambda raw: n if (n := parse_whole(raw)) is not None and n >= 1 else Bad("invalid-complainants")
    if f.kind is Kind.YES_NO:
        return parse_yes_no
    if f.kind is Kind.RATING:
        return lambda raw: n if (n := parse_whole(raw)) is not None and 1 <= n <= f.scale else Bad("invalid-rating")
    return _text


def _text(raw: object) -> str:
    return raw.strip() if raw.__class__ is str else clean_text(raw)  # type: ignore[union-attr]


def _before(later: datetime, earlier: datetime) -> bool:
    """`later < earlier`, at day precision when either side carries no time of day."""
    if later.time() == datetime.min.time() or earlier.time() == datetime.min.time():
        return later.date() < earlier.date()
    return later < earlier


def _future(checked: Checked, keys: Sequence[str], ctx: Context, header: Callable[[str], str]) -> None:
    as_of = clean_text(ctx.as_of)
    for key in keys:
        for i, moment in enumerate(checked.values.get(key, ())):
            if moment is not None and moment > ctx.as_of:  # type: ignore[operator]
                checked.problem("future-date", i, key, moment, header=header(key), as_of=as_of)


def _duplicates(checked: Checked, key: str, code: str, header: str) -> None:
    seen: dict[str, list[int]] = defaultdict(list)
    keys = [  # fold(), inlined for the common ASCII case: this runs once per row
        v.strip().casefold() if v.__class__ is str and v.isascii() else None if v is None else fold(v)  # type: ignore[union-attr]
        for v in checked.values.get(key, [])
    ]
    repeated = {k for k, n in Counter(keys).items() if n > 1 and k is not None}
    for i, k in enumerate(keys):
        if k in repeated:
            seen[k].append(i)
    column = checked.table.column_of(key)
    for indexes in seen.values():
        refs = [cell_ref(checked.table.sheet, checked.table.rows[i][0], column) for i in indexes]
        for i, ref in zip(indexes, refs, strict=True):
            others = [r for r in refs if r != ref]
            named = ", ".join(others[:MAX_OTHERS_NAMED])
            if len(others) > MAX_OTHERS_NAMED:
                named += f" (+{len(others) - MAX_OTHERS_NAMED})"
            checked.problem(code, i, key, checked.values[key][i], header=header, others=named)


# Times that cannot come before the receipt, and the problem when one does.
_AFTER_RECEIPT = (
    ("resolved_at", "resolved-before-received"),
    ("first_response_at", "response-before-received"),
    ("paused_at", "pause-before-received"),
)


def check_log(table: Table, ctx: Context) -> Checked:
    checked = Checked(table, problems=table.header_problems())
    fields = {f.key: f for f in table.fields}
    for f in table.fields:
        _parse_column(checked, f, ctx)
    v, n = checked.values, len(table.rows)

    def column(key: str) -> list[object]:
        return v.get(key) or [None] * n

    def header(key: str) -> str:
        return fields[key].header(ctx.lang)

    _future(checked, ("received_at", "first_response_at", "resolved_at", "paused_at", "resumed_at"), ctx, header)
    received, resolved, status = (column(k) for k in ("received_at", "resolved_at", "status"))
    after_receipt = [(key, code, column(key)) for key, code in _AFTER_RECEIPT]
    status_field = fields["status"]
    for i in range(n):
        start = received[i]
        if start is not None and (i, "received_at") not in checked.flagged:  # a future date explains the rest
            for key, code, moments in after_receipt:
                if moments[i] is not None and _before(moments[i], start):  # type: ignore[arg-type]
                    checked.problem(code, i, key, moments[i], received=clean_text(start))
        state = status[i]
        if state in DONE_STATUSES and resolved[i] is None and (i, "resolved_at") not in checked.flagged:
            checked.problem("resolved-without-time", i, "status", _label(ctx, status_field, state))
        elif state in NOT_DONE_STATUSES and resolved[i] is not None:
            checked.problem(
                "open-with-resolved-time",
                i,
                "status",
                _label(ctx, status_field, state),
                resolved=clean_text(resolved[i]),
            )
    _pauses(checked, column, header)
    _duplicates(checked, "complaint_id", "duplicate-id", header("complaint_id"))
    return checked


def _pauses(checked: Checked, column: Callable[[str], list[object]], header: Callable[[str], str]) -> None:
    """A pause's end must follow its start; one recorded end alone is a warning (after receipt: `check_log`).

    An ongoing pause (status waiting on customer, start recorded, no end yet) is normal and not
    reported, though it does not stop the clock either (DOMAIN.md: both ends must be recorded).
    """
    if "paused_at" not in checked.values and "resumed_at" not in checked.values:
        return
    paused, resumed, status = (column(k) for k in ("paused_at", "resumed_at", "status"))
    for i, (since, until) in enumerate(zip(paused, resumed, strict=True)):
        if since is not None and until is not None and _before(until, since):  # type: ignore[arg-type]
            checked.problem("pause-end-before-start", i, "resumed_at", until, paused=clean_text(since))
        elif since is None and until is not None and (i, "paused_at") not in checked.flagged:
            checked.problem("pause-incomplete", i, "resumed_at", until, header=header("resumed_at"))
        elif until is None and since is not None and status[i] != "waiting":
            if (i, "resumed_at") not in checked.flagged:
                checked.problem("pause-incomplete", i, "paused_at", since, header=header("paused_at"))


def _label(ctx: Context, f: Field, key: object) -> str:
    labels = {lab.key: lab for lab in ctx.vocabularies[f.enum or ""].labels}
    return labels[key].text(ctx.lang) if key in labels else str(key)


def check_survey(table: Table, ctx: Context) -> Checked:
    checked = Checked(table, problems=table.header_problems())
    dimensions = [d for d in ctx.settings.dimensions if d.key in table.columns]
    if not dimensions:
        names = " / ".join(d.header(ctx.lang) for d in ctx.settings.dimensions)
        checked.problem("missing-column", -1, None, "", header=names, header_row=str(table.header_row))
    for f in table.fields:
        _parse_column(checked, f, ctx)
    header = {f.key: f.header(ctx.lang) for f in table.fields}
    _future(checked, ("surveyed_at",), ctx, header.__getitem__)
    if dimensions:
        ratings = [checked.values[d.key] for d in dimensions]
        raws = [column_values(table, d.key) for d in dimensions]
        for i in range(len(table.rows)):
            if all(r[i] is None for r in ratings) and all(_blank(r[i]) for r in raws):
                checked.problem("no-rating", i, None, "")
    _duplicates(checked, "response_id", "duplicate-response-id", header["response_id"])
    return checked


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
    own = settings_sheet(sheets)
    skip = owned | ({own} if own else set())
    layers = [sheet_entries(own, sheets[own])] if own else []
    settings, setting_problems = build_settings(*layers, extra)
    log = locate("complaint log", sheets, settings.log_fields(), settings.log_sheet, exclude=skip)
    if isinstance(log, NotFound) and need_log:
        raise NoLogFound(log.message())
    found = log if isinstance(log, Table) else None
    survey = locate(
        "survey",
        sheets,
        settings.survey_fields(),
        settings.survey_sheet,
        exclude=skip | ({found.sheet} if found else set()),
    )
    if found is None and isinstance(survey, NotFound):
        raise NoLogFound(f"{log.message()}; {survey.message()}")  # type: ignore[union-attr]
    first = found or survey
    chosen = lang or (settings.lang if settings.lang != "auto" else first.lang)  # type: ignore[union-attr]
    ctx = Context.make(settings, as_of, chosen, date1904)
    report = Report(lang=chosen)
    report.extend(setting_problems)
    outcome = Outcome(report, settings, None, None, None, lang=chosen)
    checked: list[Checked] = []
    if found is None:
        report.notes.append(log.message())  # type: ignore[union-attr]
    else:
        checked.append(check_log(found, ctx))
    if isinstance(survey, NotFound):
        report.notes.append(survey.message())
    else:
        checked.append(check_survey(survey, ctx))
    unify_groups(checked)
    for one in checked:
        report.extend(one.problems)
        if one.table is found:
            outcome.log, outcome.log_values = found, Parsed.of(one)
        else:
            outcome.survey, outcome.survey_values = one.table, Parsed.of(one)
    report.problems = _apply_levels(report.problems, settings)
    return outcome
