"""Column parsing: each cell of a table parsed to what its field wants, or reported as a problem.

Work is column by column, each distinct value parsed once (one parser per field kind); cells
are visited one by one only where some value is bad. The row checks that follow are in
`addin.core.validate_rows`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter

from addin.core.problems import SUGGESTION, Problem, column_letter
from addin.core.schema import Field, Kind
from addin.core.settings import Settings
from addin.core.table import Table
from addin.core.text import text
from addin.core.values import (
    Bad,
    CellError,
    Vocabulary,
    clean_text,
    fold,
    parse_date,
    parse_exact,
    parse_whole,
    parse_yes_no,
)


@dataclass(frozen=True)
class Context:
    """What the checks of one workbook share: settings, as-of time, language, enumeration vocabularies."""

    settings: Settings
    as_of: datetime
    lang: str
    date1904: bool = False
    vocabularies: Mapping[str, Vocabulary] = field(default_factory=dict)
    numbers: frozenset[float] = frozenset()  # numbers among `cells.blank` (`0` where 0 means "not answered")

    def blank(self, raw: object) -> bool:
        """An empty cell, or a text that means one (`cells.blank`: `N/A`, `-`, `无`…), or a number listed there."""
        return placeholder(raw, self.settings.blanks, self.numbers)

    @classmethod
    def make(cls, settings: Settings, as_of: datetime, lang: str, date1904: bool = False) -> Context:
        vocabularies = {
            "category": Vocabulary(settings.categories),
            "severity": Vocabulary(settings.severities),
            "status": Vocabulary(settings.statuses),
        }
        return cls(settings, as_of, lang, date1904, vocabularies, number_blanks(settings.blanks))


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


# Columns whose absence changes what the rules can say: one note per run, never a problem per row.
CONSEQUENTIAL = ("region", "customer_id", "category", "severity", "first_response_at", "resolved_at")


def column_notes(table: Table, lang: str) -> list[str]:
    """A table's sheet-level notes: each near-miss header used, each consequential column it lacks."""
    notes = [
        text(
            "note.near-miss",
            lang,
            sheet=table.sheet,
            cell=f"{column_letter(g.column + 1)}{table.header_row}",
            header=g.header,
            field=g.key,
            sure=f"{g.confidence:.0%}",
        )  # fmt: skip
        for g in table.guesses
    ]
    keys = {f.key for f in table.fields} | table.absent
    for key in CONSEQUENTIAL:
        if key in keys and key not in table.columns and (key in table.absent or not _required(table, key)):
            declared = "declared" if key in table.absent else "missing"
            notes.append(text(f"note.{declared}-column", lang, sheet=table.sheet, field=key)
                         + text(f"note.without.{key}", lang))  # fmt: skip
    return notes


def _required(table: Table, key: str) -> bool:
    """A required field missing is already a `missing-column` problem."""
    return any(f.key == key and f.required for f in table.fields)


def _as_is(value: object, kind: Kind) -> bool:
    """Already what the field wants: a datetime in a date column, trimmed text in a text column."""
    if kind is Kind.DATE:
        return value.__class__ is datetime
    return (
        kind is Kind.TEXT and value.__class__ is str and value != "" and not (value[0].isspace() or value[-1].isspace())
    )


def number_blanks(blanks: frozenset[str]) -> frozenset[float]:
    """The numbers among the `cells.blank` texts."""
    return frozenset(float(n) for b in blanks if (n := parse_exact(b)) is not None)


def placeholder(raw: object, blanks: frozenset[str], numbers: frozenset[float]) -> bool:
    """An empty cell, a text among the folded `blanks`, or a number among `numbers`: read as empty."""
    if raw.__class__ is str:
        return blank_cell(raw) or fold(raw) in blanks
    return raw is None or (raw.__class__ in (int, float) and raw in numbers)


def blank_cell(raw: object) -> bool:
    """An empty cell: None, '' or only whitespace."""
    return raw is None or (raw.__class__ is str and (not raw or raw.isspace()))


def parse_column(checked: Checked, f: Field, ctx: Context) -> None:
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
        outcome_of = [_outcome(raw, f, parse, ctx.blank) for raw in raws]
        parsed = [None if r.__class__ is Bad else r for r in outcome_of]
    else:
        outcomes = {
            raw: raw if _as_is(raw, f.kind) and not ctx.blank(raw) else _outcome(raw, f, parse, ctx.blank)
            for raw in distinct
        }
        parsed = [outcomes[raw] for raw in raws]
        if not any(r.__class__ is Bad for r in outcomes.values()):
            checked.values[f.key] = parsed
            return
        outcome_of = parsed[:]
        parsed = [None if r.__class__ is Bad else r for r in parsed]
    for i, result in enumerate(outcome_of):
        if result.__class__ is Bad:
            _report_bad(checked, f, ctx, i, raws[i], result)
    checked.values[f.key] = parsed


def _outcome(raw: object, f: Field, parse: Callable[[object], object], blank: Callable[[object], bool]) -> object:
    """The parsed value, None for an allowed blank, or a `Bad` saying which problem it is."""
    if raw.__class__ is CellError:
        return Bad("error-value")
    if blank(raw):
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
    return raw.strip() if raw.__class__ is str else clean_text(raw)
