"""Find a table (complaint log, survey) in a workbook's sheets by matching header texts.

A sheet is a grid: a list of rows from A1, each a list of cell values. The header row may be
any of the first `HEADER_SCAN_ROWS` rows; columns come in any order; unmatched columns are
left alone. A header row counts as the table when it matches at least `MIN_MATCHED` fields,
`MIN_REQUIRED` of them required ones. No I/O here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from addin.core.problems import Problem, column_letter
from addin.core.schema import OWNED_COLUMN_MARK, Field, normalize
from addin.core.values import is_blank

HEADER_SCAN_ROWS = 20
MIN_MATCHED = 3
MIN_REQUIRED = 2
_CJK = re.compile(r"[\u4e00-\u9fff]")

Grid = Sequence[Sequence[object]]


@dataclass(frozen=True)
class Candidate:
    """The best header row of one sheet for one table kind."""

    sheet: str
    header_row: int  # 1-based, as Excel shows it
    columns: Mapping[str, int]  # field key -> 0-based column index
    duplicates: tuple[tuple[str, int, int], ...] = ()  # (field key, used column, ignored column)
    zh_votes: int = 0

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

    def message(self) -> str:
        examined = ", ".join(f"'{s}'" for s in self.sheets) or "none"
        text = f"no {self.what} found; sheets examined: {examined}"
        if self.best is None or not self.best.columns:
            return text + "; no sheet has any of the expected headers"
        return (
            f"{text}; best partial match: sheet '{self.best.sheet}' row {self.best.header_row} "
            f"({self.best.score} of the expected headers); it lacks: {', '.join(self.lacking)}"
        )


def _index(fields: tuple[Field, ...]) -> dict[str, Field]:
    index: dict[str, Field] = {}
    for f in fields:
        for name in f.all_names:
            index.setdefault(normalize(name), f)
    return index


def best_header(sheet: str, grid: Grid, fields: tuple[Field, ...]) -> Candidate | None:
    """The row among the first rows that matches the most fields (the earliest on a tie)."""
    index = _index(fields)
    best: Candidate | None = None
    for r, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        columns: dict[str, int] = {}
        duplicates: list[tuple[str, int, int]] = []
        zh = 0
        for c, cell in enumerate(row):
            if is_blank(cell) or not isinstance(cell, str):
                continue
            matched = index.get(normalize(cell))
            if matched is None:
                continue
            if matched.key in columns:
                duplicates.append((matched.key, columns[matched.key], c))
                continue
            columns[matched.key] = c
            zh += bool(_CJK.search(cell))
        if columns and (best is None or len(columns) > best.score):
            best = Candidate(sheet, r + 1, columns, tuple(duplicates), zh)
    return best


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
    if explicit is not None:
        wanted = normalize(explicit)
        names = [s for s in names if normalize(s) == wanted]
        if not names:
            return NotFound(f"{what} (sheet '{explicit}' named in Settings does not exist)", tuple(sheets), None, ())
    candidates = [c for s in names if (c := best_header(s, sheets[s], fields)) is not None]
    best = max(candidates, key=lambda c: c.score, default=None)
    accept = best if explicit is not None and best is not None else (best if _accepts(best, fields) else None)
    if accept is None:
        lacking = tuple(f.en for f in fields if f.required and (best is None or f.key not in best.columns))
        return NotFound(what, tuple(names), best, lacking)
    lang = "zh" if accept.zh_votes * 2 >= accept.score else "en"
    table = Table(accept.sheet, accept.header_row, fields, accept.columns, lang=lang, duplicates=accept.duplicates)
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
