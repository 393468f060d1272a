"""Validation problems as data: a stable kebab-case code, a severity and a position.

Checks yield `Problem`s and never raise for bad data. Messages are rendered from the
templates in `RULES` in English or Chinese, which come from the one catalogue of display text
(`addin.core.text`, keys `problem.<code>`); tests assert on (code, cell), not on wording.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from addin.core.text import LANGS, entry, template


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Rule:
    code: str
    level: Level
    en: str
    zh: str


def _rule(code: str, level: Level) -> Rule:
    """A rule whose message templates are the catalogue's `problem.<code>` (`addin.core.text`)."""
    message = entry(f"problem.{code}")
    return Rule(code, level, message.en, message.zh)


_RULES: tuple[Rule, ...] = (
    _rule("missing-column", Level.ERROR),
    _rule("duplicate-column", Level.WARNING),
    _rule("missing-value", Level.ERROR),
    _rule("error-value", Level.ERROR),
    _rule("invalid-date", Level.ERROR),
    _rule("ambiguous-date", Level.ERROR),
    _rule("future-date", Level.ERROR),
    _rule("resolved-before-received", Level.ERROR),
    _rule("response-before-received", Level.ERROR),
    _rule("pause-before-received", Level.ERROR),
    _rule("pause-end-before-start", Level.ERROR),
    _rule("pause-incomplete", Level.WARNING),
    _rule("resolved-without-time", Level.ERROR),
    _rule("open-with-resolved-time", Level.WARNING),
    _rule("duplicate-id", Level.ERROR),
    _rule("unknown-category", Level.ERROR),
    _rule("unknown-severity", Level.ERROR),
    _rule("unknown-status", Level.ERROR),
    _rule("invalid-complainants", Level.ERROR),
    _rule("invalid-yes-no", Level.ERROR),
    _rule("invalid-rating", Level.ERROR),
    _rule("duplicate-response-id", Level.ERROR),
    _rule("no-rating", Level.WARNING),
    _rule("invalid-setting", Level.ERROR),
    _rule("invalid-weights", Level.ERROR),
    _rule("unknown-setting", Level.WARNING),
)

RULES: dict[str, Rule] = {rule.code: rule for rule in _RULES}

SUGGESTION = {lang: template("problem.suggestion", lang) for lang in LANGS}


def column_letter(column: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_ref(sheet: str, row: int | None, column: int | None) -> str:
    """`Complaints!F17`, quoting the sheet name where Excel would."""
    quoted = sheet if sheet.isidentifier() and sheet.isascii() else "'{}'".format(sheet.replace("'", "''"))
    if row is None:
        return quoted
    if column is None:
        return f"{quoted}!{row}:{row}"
    return f"{quoted}!{column_letter(column)}{row}"


@dataclass(frozen=True)
class Problem:
    """One finding: where it is (1-based row and column as Excel shows them) and what."""

    code: str
    sheet: str
    row: int | None = None
    column: int | None = None
    field: str | None = None
    value: str = ""
    params: tuple[tuple[str, str], ...] = ()
    level: Level | None = None  # None: the rule's default level

    @property
    def severity(self) -> Level:
        return self.level or RULES[self.code].level

    @property
    def cell(self) -> str:
        return cell_ref(self.sheet, self.row, self.column)

    def message(self, lang: str = "en") -> str:
        rule = RULES[self.code]
        template = rule.zh if lang == "zh" else rule.en
        return template.format(value=self.value, **dict(self.params))

    def as_dict(self, lang: str = "en") -> dict[str, object]:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "sheet": self.sheet,
            "cell": self.cell,
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "value": self.value,
            "message": self.message(lang),
        }


@dataclass
class Report:
    """All problems found in one workbook, plus where the tables were found."""

    problems: list[Problem] = field(default_factory=list)
    lang: str = "en"
    notes: list[str] = field(default_factory=list)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    def sorted(self) -> list[Problem]:
        return sorted(self.problems, key=lambda p: (p.sheet, p.row or 0, p.column or 0, p.code))

    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(p.code for p in self.problems).items()))

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity is Level.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.severity is Level.WARNING)
