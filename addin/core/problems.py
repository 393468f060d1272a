"""Validation problems as data: a stable kebab-case code, a severity and a position.

Checks yield `Problem`s and never raise for bad data. Messages are rendered from the
templates in `RULES` in English or Chinese; tests assert on (code, cell), not on wording.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Rule:
    code: str
    level: Level
    en: str
    zh: str


_RULES: tuple[Rule, ...] = (
    Rule(
        "missing-column",
        Level.ERROR,
        "Required column '{header}' not found in the header row (row {header_row})",
        "表头（第{header_row}行）缺少必填列“{header}”",
    ),
    Rule(
        "duplicate-column",
        Level.WARNING,
        "Column '{header}' appears again; the first one ({first}) is used",
        "列“{header}”重复出现，使用第一列（{first}）",
    ),
    Rule("missing-value", Level.ERROR, "{header} is required but empty", "{header}为必填项，但为空"),
    Rule("error-value", Level.ERROR, "{header} holds the error value {value}", "{header}为错误值 {value}"),
    Rule(
        "invalid-date",
        Level.ERROR,
        "{header} '{value}' is not a valid date ({reason})",
        "{header}“{value}”不是有效日期（{reason}）",
    ),
    Rule(
        "ambiguous-date",
        Level.ERROR,
        "{header} '{value}' is ambiguous (day/month or month/day); write it as YYYY-MM-DD",
        "{header}“{value}”有歧义（日/月还是月/日），请写成 YYYY-MM-DD",
    ),
    Rule(
        "future-date",
        Level.ERROR,
        "{header} {value} is after the as-of time {as_of}",
        "{header} {value} 晚于统计时间 {as_of}",
    ),
    Rule(
        "resolved-before-received",
        Level.ERROR,
        "Resolved {value} is before received {received}",
        "解决时间 {value} 早于投诉时间 {received}",
    ),
    Rule(
        "response-before-received",
        Level.ERROR,
        "First response {value} is before received {received}",
        "首次响应时间 {value} 早于投诉时间 {received}",
    ),
    Rule(
        "pause-before-received",
        Level.ERROR,
        "Waiting since {value} is before received {received}",
        "暂停开始 {value} 早于投诉时间 {received}",
    ),
    Rule(
        "pause-end-before-start",
        Level.ERROR,
        "Waiting ended {value} is before waiting since {paused}",
        "暂停结束 {value} 早于暂停开始 {paused}",
    ),
    Rule(
        "pause-incomplete",
        Level.WARNING,
        "{header} is recorded without the other end of the pause; the resolution clock is not paused",
        "只填写了{header}，缺少暂停的另一端；解决时限不暂停计算",
    ),
    Rule(
        "resolved-without-time",
        Level.ERROR,
        "Status is '{value}' but the resolved time is empty",
        "状态为“{value}”，但解决时间为空",
    ),
    Rule(
        "open-with-resolved-time",
        Level.WARNING,
        "Status is '{value}' but a resolved time ({resolved}) is recorded",
        "状态为“{value}”，但已填写解决时间（{resolved}）",
    ),
    Rule(
        "duplicate-id",
        Level.ERROR,
        "{header} '{value}' also appears in {others}",
        "{header}“{value}”重复，另见 {others}",
    ),
    Rule(
        "unknown-category", Level.ERROR, "Unknown category '{value}'{suggestion}", "未知的投诉类别“{value}”{suggestion}"
    ),
    Rule(
        "unknown-severity", Level.ERROR, "Unknown severity '{value}'{suggestion}", "未知的投诉等级“{value}”{suggestion}"
    ),
    Rule("unknown-status", Level.ERROR, "Unknown status '{value}'{suggestion}", "未知的处理状态“{value}”{suggestion}"),
    Rule(
        "invalid-complainants",
        Level.ERROR,
        "Complainants '{value}' is not a whole number of at least 1",
        "投诉人数“{value}”不是大于等于1的整数",
    ),
    Rule(
        "invalid-yes-no",
        Level.ERROR,
        "{header} '{value}' is not yes/no (是/否, Y/N, 1/0, ✓)",
        "{header}“{value}”不是 是/否（Y/N、1/0、✓）",
    ),
    Rule(
        "invalid-rating",
        Level.ERROR,
        "{header} '{value}' is not a whole number from 1 to {scale}",
        "{header}“{value}”不是1到{scale}之间的整数",
    ),
    Rule(
        "duplicate-response-id",
        Level.ERROR,
        "{header} '{value}' also appears in {others}",
        "{header}“{value}”重复，另见 {others}",
    ),
    Rule("no-rating", Level.WARNING, "Survey row has no rating at all", "该回访记录没有任何评分"),
    Rule(
        "invalid-setting",
        Level.ERROR,
        "Setting '{key}' = '{value}' ignored: {reason}",
        "设置项“{key}”=“{value}”无效，已忽略：{reason}",
    ),
    Rule(
        "invalid-weights",
        Level.ERROR,
        "Dimension weights cannot be used, so no overall score: {reason}",
        "维度权重无法使用，不能计算综合得分：{reason}",
    ),
    Rule("unknown-setting", Level.WARNING, "Setting '{key}' is not known and was ignored", "未知设置项“{key}”，已忽略"),
)

RULES: dict[str, Rule] = {rule.code: rule for rule in _RULES}

SUGGESTION = {"en": "; did you mean '{0}'?", "zh": "，是否为“{0}”？"}


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
