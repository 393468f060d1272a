"""Find a table (complaint log, survey) in a workbook's sheets by matching header texts.

A sheet is a grid: a list of rows from A1, each a list of cell values. The header row may be
any of the first `HEADER_SCAN_ROWS` rows (a block of figures above it is skipped); columns
come in any order; unmatched columns are left alone. Headers are matched exactly first, then
near misses (`addin.core.headers`) for the fields still unmatched, most certain first; a near
miss for a date, count or rating field is used only when most of the values under it parse
as one. A header row counts as the table when it matches at least `MIN_MATCHED` fields,
`MIN_REQUIRED` of them required ones. No I/O here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from addin.core.headers import SURE, Matcher
from addin.core.problems import Problem, column_letter
from addin.core.schema import OWNED_COLUMN_MARK, Field, Kind, normalize
from addin.core.values import Bad, is_blank, parse_date, parse_whole

HEADER_SCAN_ROWS = 20
MIN_MATCHED = 3
MIN_REQUIRED = 2
SAMPLE_ROWS = 50  # values under a header that confirm a near miss
_CJK = re.compile(r"[\u4e00-\u9fff]")

Grid = Sequence[Sequence[object]]


@dataclass(frozen=True)
class Guess:
    """A near-miss header used for a field: where, its text and how sure (below 1)."""

    key: str
    column: int  # 0-based
    header: str
    confidence: float


@dataclass(frozen=True)
class Candidate:
    """The best header row of one sheet for one table kind."""

    sheet: str
    header_row: int  # 1-based, as Excel shows it
    columns: Mapping[str, int]  # field key -> 0-based column index
    duplicates: tuple[tuple[str, int, int], ...] = ()  # (field key, used column, ignored column)
    zh_votes: int = 0
    guesses: tuple[Guess, ...] = ()  # the near misses among `columns`

    @property
    def score(self) -> int:
        return len(self.columns)


@dataclass
class Table:
    """A located table: where its header is, which column holds which field, and its rows."""

    sheet: str
    header_row: int
    fields: tuple[Field, ...]
    columns: Mapping[str, int]
    rows: list[tuple[int, Sequence[object]]] = field(default_factory=list)  # (row number, cells)
    lang: str = "en"
    duplicates: tuple[tuple[str, int, int], ...] = ()
    guesses: tuple[Guess, ...] = ()
    absent: frozenset[str] = (
        frozenset()
    )  # declared absent: not among `fields` (Settings leaves them out); for the notes
    _cells: list[Sequence[object]] | None = field(default=None, repr=False, compare=False)
    row_count: int = 0  # data rows found (set by `locate`); kept when the cells are dropped

    def drop_cells(self) -> None:
        """Let the grid be freed once the checks are done (a 100k-row grid is ~250 MB)."""
        self.rows, self._cells = [], None

    @property
    def cells(self) -> list[Sequence[object]]:
        """The rows' cells without their row numbers (built once; the checks read it per column)."""
        if self._cells is None:
            self._cells = [row for _, row in self.rows]
        return self._cells

    @property
    def missing(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.required and f.key not in self.columns)

    def column_of(self, key: str) -> int | None:
        """1-based column number of a field, as Excel shows it."""
        index = self.columns.get(key)
        return None if index is None else index + 1

    def header_problems(self) -> list[Problem]:
        by_key = {f.key: f for f in self.fields}
        problems = [
            Problem(
                "missing-column",
                self.sheet,
                self.header_row,
                None,
                f.key,
                "",
                (("header", f.header(self.lang)), ("header_row", str(self.header_row))),
            )
            for f in self.missing
        ]
        for key, used, ignored in self.duplicates:
            problems.append(
                Problem(
                    "duplicate-column",
                    self.sheet,
                    self.header_row,
                    ignored + 1,
                    key,
                    "",
                    (
                        ("header", by_key[key].header(self.lang)),
                        ("first", f"{column_letter(used + 1)}{self.header_row}"),
                    ),
                )
            )
        return problems


@dataclass(frozen=True)
class NotFound:
    """Why a table was not found: what was looked at and the nearest miss."""

    what: str
    sheets: tuple[str, ...]
    best: Candidate | None
    lacking: tuple[str, ...]

    headers: tuple[str, ...] = ()  # the best row's texts, as the user wrote them

    def message(self) -> str:
        if not self.sheets:  # the log, the Settings and our own sheets are all there is
            return f"no {self.what} found: no other sheet to look in (the log, settings and results sheets are skipped)"
        examined = ", ".join(f"'{s}'" for s in self.sheets)
        text = f"no {self.what} found; sheets examined: {examined}"
        hint = "; `complaints map FILE` shows how each header was read and proposes a config"
        if self.best is None or not self.best.columns:
            return text + "; no sheet has any of the expected headers" + hint
        best, guessed = self.best, {g.key: g for g in self.best.guesses}
        matched = ", ".join(
            f"'{self.headers[c]}' = {key}" + (f" ({guessed[key].confidence:.0%} sure)" if key in guessed else "")
            for key, c in best.columns.items()
            if c < len(self.headers)
        )
        return (
            f"{text}; best partial match: sheet '{best.sheet}' row {best.header_row} "
            f"({best.score} of the expected headers: {matched}); it lacks: {', '.join(self.lacking)}{hint}"
        )


def best_header(sheet: str, grid: Grid, fields: tuple[Field, ...], matcher: Matcher | None = None) -> Candidate | None:
    """The row among the first rows that matches the most fields (the earliest on a tie)."""
    matcher = matcher or Matcher(fields)
    best: Candidate | None = None
    for r, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        candidate = _read_header(sheet, grid, r, row, matcher)
        if candidate.columns and (best is None or candidate.score > best.score):
            best = candidate
    return best


def _read_header(sheet: str, grid: Grid, r: int, row: Sequence[object], matcher: Matcher) -> Candidate:
    """One row read as a header: exact matches first, then the confirmed near misses, most certain first."""
    columns: dict[str, int] = {}
    duplicates: list[tuple[str, int, int]] = []
    near: list[tuple[float, int, Field, str]] = []
    zh = 0
    for c, cell in enumerate(row):
        if not isinstance(cell, str) or is_blank(cell) or (found := matcher.match(cell)) is None:
            continue
        if not found.exact:
            if found.confidence >= SURE:
                near.append((found.confidence, c, found.field, cell))
            continue
        if found.field.key in columns:
            duplicates.append((found.field.key, columns[found.field.key], c))
            continue
        columns[found.field.key] = c
        zh += bool(_CJK.search(cell))
    guesses: list[Guess] = []
    taken = set(columns.values())
    for confidence, c, f, cell in sorted(near, key=lambda n: (-n[0], n[1])):
        if f.key in columns or c in taken or not _values_fit(grid, r, c, f):
            continue
        columns[f.key] = c
        taken.add(c)
        guesses.append(Guess(f.key, c, cell.strip(), confidence))
        zh += bool(_CJK.search(cell))
    return Candidate(sheet, r + 1, columns, tuple(duplicates), zh, tuple(guesses))


def _values_fit(grid: Grid, r: int, c: int, f: Field) -> bool:
    """Most of the first values under a near-miss header are what its field wants (text always fits)."""
    if f.kind not in (Kind.DATE, Kind.COUNT, Kind.RATING):
        return True
    values = [row[c] for row in grid[r + 1 : r + 1 + SAMPLE_ROWS] if c < len(row) and not is_blank(row[c])]
    if not values:
        return True
    if f.kind is Kind.DATE:
        fits = sum(not isinstance(parse_date(v), Bad) for v in values)
    else:
        top = f.scale if f.kind is Kind.RATING else None
        fits = sum((n := parse_whole(v)) is not None and n >= 1 and (top is None or n <= top) for v in values)
    return fits * 2 > len(values)


def owned_columns(header: Sequence[object]) -> frozenset[int]:
    """0-based indexes of the columns the add-in appended to a table (their header starts with ⚑).

    Their cells are ours, so a row holding nothing else is a blank row of the user's table.
    """
    return frozenset(c for c, text in enumerate(header) if isinstance(text, str) and text.startswith(OWNED_COLUMN_MARK))


def _accepts(candidate: Candidate | None, fields: tuple[Field, ...]) -> bool:
    if candidate is None:
        return False
    required = sum(1 for f in fields if f.required and f.key in candidate.columns)
    return candidate.score >= MIN_MATCHED and required >= MIN_REQUIRED


def locate(
    what: str,
    sheets: Mapping[str, Grid],
    fields: tuple[Field, ...],
    explicit: str | None = None,
    exclude: frozenset[str] = frozenset(),
) -> Table | NotFound:
    """The sheet whose header row matches `fields` best; `explicit` names the sheet to use."""
    names = [s for s in sheets if s not in exclude]
    matcher = Matcher(fields)
    if explicit is not None:
        wanted = normalize(explicit)
        names = [s for s in names if normalize(s) == wanted]
        if not names:
            taken = any(normalize(s) == wanted for s in exclude)
            why = "holds the complaint log or is the add-in's own" if taken else "does not exist"
            return NotFound(f"{what} (sheet '{explicit}' named in Settings {why})", tuple(sheets), None, ())
    candidates = [c for s in names if (c := best_header(s, sheets[s], fields, matcher)) is not None]
    best = max(candidates, key=lambda c: c.score, default=None)
    accept = best if explicit is not None and best is not None else (best if _accepts(best, fields) else None)
    if accept is None:
        lacking = tuple(f.en for f in fields if f.required and (best is None or f.key not in best.columns))
        texts = tuple(str(v).strip() for v in sheets[best.sheet][best.header_row - 1]) if best else ()
        return NotFound(what, tuple(names), best, lacking, texts)
    lang = "zh" if accept.zh_votes * 2 >= accept.score else "en"
    table = Table(
        accept.sheet, accept.header_row, fields, accept.columns, lang=lang, duplicates=accept.duplicates,
        guesses=accept.guesses,
    )  # fmt: skip
    grid = sheets[accept.sheet]
    ours = owned_columns(grid[accept.header_row - 1])
    table.rows = [  # the empty cells are counted in C; only near-empty rows get the full blank test
        (number, row)
        for number, row in enumerate(grid[accept.header_row :], start=accept.header_row + 1)
        if row.count("") + row.count(None) < len(row) - 2 - len(ours)
        or not all(is_blank(v) for c, v in enumerate(row) if c not in ours)
    ]
    table.row_count = len(table.rows)
    return table
