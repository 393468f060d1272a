"""`complaints map`: how a workbook's headers are read, and a config proposed from its headers *and* values.

For each table (the complaint log, the survey) it takes the best header row of any sheet, found
as the checks find it (`addin.core.table`), even when that row is not good enough to be used,
and says for each field the header it matched and how sure; for each other header the closest
field and some values. Then it proposes what a config needs so that the run reads the file:

* a field no header names is looked for in the *values* of the unmatched columns: a column of
  dates after the ID is the receipt; a column of few values such as Low/Medium/High is the
  severity; values such as phone numbers or e-mail addresses are the customer;
* the values of an enumeration that the run would not know become aliases (`Low` -> general,
  `Urgent` -> major, `是`/`否` in a status column -> closed/open); when most of the categories are
  unknown the log has its own list, which is proposed from the values (at most `MAX_CATEGORIES`),
  else the unknown ones are listed;
* a field still without a column is declared absent (`log.absent`) when the run can do without
  it; otherwise the proposal says which header to name.

Pure: grids and settings in, a `MapReport` out; `addin.map_command` prints it and writes the TOML.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from addin.core.aliases import PRIORITY_WORDS, STATUS_PREFIXES
from addin.core.headers import CLOSEST, Matcher
from addin.core.map_ratings import Dimension, dimension_key, rating_scale
from addin.core.schema import Field, Kind, Label, normalize
from addin.core.setting_values import ABSENT_LOG, ABSENT_SURVEY, DEFAULT_BLANKS
from addin.core.settings import Settings
from addin.core.table import HEADER_SCAN_ROWS, Candidate, Grid, best_header
from addin.core.validate_columns import number_blanks, placeholder
from addin.core.values import NO, YES, Bad, Vocabulary, clean_text, fold, parse_date

SAMPLES = 3  # distinct values shown per column
MAX_CATEGORIES = 200  # a log's own list is proposed up to this many values
MAX_SEVERITIES = 6
_PHONE = re.compile(r"^\+?[\d\s\-()]{7,20}$")  # and at least 7 digits, and no date
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# A status column of yes/no answers ("closed?"): the yes/no words of the checks, and a work order's own.
_YES = YES | {"已结单", "已办结"}
_NO = NO | {"未结单", "未办结"}


@dataclass(frozen=True)
class Column:
    """One header of the chosen row: its text, where, the field it is read as (or the closest) and values."""

    index: int  # 0-based
    header: str
    key: str | None  # the field it is used for
    confidence: float  # of `key`, or of `closest` when unused
    closest: str | None = None  # an unused header's nearest field
    samples: tuple[str, ...] = ()
    why: str = ""  # "header", "near miss" or how the values gave it away


@dataclass
class TableMap:
    """What `complaints map` says about one table."""

    what: str  # "log" or "survey"
    sheet: str | None = None
    header_row: int | None = None
    columns: list[Column] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)  # fields proposed as absent
    unnamed: list[str] = field(default_factory=list)  # fields the run needs and nothing names
    ratings: int = 0  # rating columns found (a survey needs one)
    dimensions: list[Dimension] = field(default_factory=list)  # proposed instead of the defaults
    zeros: int = 0  # ratings of 0 (below every scale: often "not answered")
    aliases: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (enum, key) -> values
    categories: list[str] = field(default_factory=list)
    unknown: dict[str, list[str]] = field(default_factory=dict)  # enum -> values no alias was found for

    @property
    def usable(self) -> bool:
        """The run would read this table with the proposed config: a header row naming every needed field."""
        return self.sheet is not None and not self.unnamed and (self.what == "log" or self.ratings > 0)

    def used(self) -> dict[str, Column]:
        return {c.key: c for c in self.columns if c.key is not None}


@dataclass(frozen=True)
class MapReport:
    log: TableMap
    survey: TableMap


def map_workbook(sheets: Mapping[str, Grid], settings: Settings, skip: frozenset[str] = frozenset()) -> MapReport:
    """Both tables of a workbook mapped, as the run finds them: a usable log's sheet holds no survey.

    A log that is not usable does not take its sheet (a survey's Email/Branch columns are no log);
    when the survey is found there, the log is looked for on the other sheets.
    """
    log = map_table("log", sheets, settings.log_fields(), settings, skip)
    taken = skip | {log.sheet} if log.sheet is not None and log.usable else skip
    survey = map_table("survey", sheets, settings.survey_fields(), settings, taken)
    if not log.usable and survey.usable and survey.sheet == log.sheet:
        if _by_header(survey) >= _by_header(log):
            log = map_table("log", sheets, settings.log_fields(), settings, skip | {str(survey.sheet)})
        else:  # a log missing a column names more of its fields than the survey: the survey is elsewhere
            survey = map_table("survey", sheets, settings.survey_fields(), settings, skip | {str(log.sheet)})
    return MapReport(log, survey)


def _by_header(table: TableMap) -> int:
    """How many fields a table's headers name (not its values)."""
    return sum(c.key is not None and c.why in ("header", "near miss") for c in table.columns)


def map_table(
    what: str, sheets: Mapping[str, Grid], fields: tuple[Field, ...], settings: Settings, skip: frozenset[str]
) -> TableMap:
    """The best header row of any sheet for `fields`, read and completed from its values."""
    matcher = Matcher(fields)
    wanted = settings.log_sheet if what == "log" else settings.survey_sheet
    names = [s for s in sheets if s not in skip and (wanted is None or normalize(s) == normalize(wanted))]
    found = [h for s in names if (h := best_header(s, sheets[s], fields, matcher)) is not None]
    result = TableMap(what)
    best: Candidate | None = max(found, key=lambda c: c.score, default=None)
    if best is None:
        result.unnamed = [f.key for f in fields if f.required]
        return result
    grid = sheets[best.sheet]
    result.sheet, result.header_row = best.sheet, best.header_row
    header = grid[best.header_row - 1]
    values = [_column(grid, best.header_row, c, settings.blanks) for c in range(len(header))]
    by_column = {c: k for k, c in best.columns.items()}
    guessed = {g.column: g.confidence for g in best.guesses}
    for c, cell in enumerate(header):
        text = " ".join(clean_text(cell).split())
        if not text and not values[c]:
            continue
        samples = tuple(list(dict.fromkeys(clean_text(v) for v in values[c]))[:SAMPLES])
        if c in by_column:
            sure = guessed.get(c, 1.0)
            column = Column(c, text, by_column[c], sure, samples=samples, why="near miss" if sure < 1 else "header")
        else:
            near = matcher.match(text) if text else None
            closest = near.field.key if near and near.confidence >= CLOSEST else None
            column = Column(c, text, None, near.confidence if closest and near else 0.0, closest, samples)
        result.columns.append(column)
    _from_values(result, fields, values, what)
    if what == "survey":
        _own_dimensions(result, fields, values)
    _enumerations(result, settings, values)
    allowed = ABSENT_LOG if what == "log" else ABSENT_SURVEY
    used = result.used()
    result.ratings = len(result.dimensions) or sum(f.kind is Kind.RATING and f.key in used for f in fields)
    for f in fields:
        if f.key not in used and (f.required or f.key in ("first_response_at", "resolved_at")):
            (result.absent if f.key in allowed else result.unnamed).append(f.key)
    return result


def _column(grid: Grid, header_row: int, c: int, blanks: frozenset[str]) -> list[object]:
    """The values under a header, without blanks and placeholders (`cells.blank`, as the checks read them)."""
    numbers = number_blanks(blanks)
    return [row[c] for row in grid[header_row:] if c < len(row) and not placeholder(row[c], blanks, numbers)]


def _from_values(result: TableMap, fields: tuple[Field, ...], values: list[list[object]], what: str) -> None:
    """Fields no header names, recognised by their values in the columns no header took.

    A survey's first column of dates is its survey date; a log's receipt is a column of dates after its ID.
    """
    keys = {f.key for f in fields}
    used = result.used()
    id_at = used["complaint_id"].index if "complaint_id" in used else -1
    for n, column in enumerate(result.columns):
        if column.key is not None or not values[column.index]:
            continue
        cells = values[column.index]
        guess = _guess(cells, what == "survey" or 0 <= id_at < column.index)
        if guess is not None and what == "survey" and guess[0] == "received_at":
            guess = ("surveyed_at", "dates")
        if guess is None or guess[0] not in keys or guess[0] in used:
            continue
        key, why = guess
        result.columns[n] = Column(column.index, column.header, key, 0.7, samples=column.samples, why=why)
        used = result.used()


def _guess(cells: list[object], after_id: bool) -> tuple[str, str] | None:
    """What a column's values say it is: (field key, why), or None."""
    distinct = {fold(v) for v in cells}
    dates = sum(not isinstance(parse_date(v), Bad) for v in cells[:200])
    if after_id and dates >= 0.8 * min(len(cells), 200):
        return "received_at", "dates after the ID"
    if 2 <= len(distinct) <= MAX_SEVERITIES and sum(d in PRIORITY_WORDS for d in distinct) >= 2:
        return "severity", f"{len(distinct)} values like {', '.join(sorted(distinct)[:3])}"
    texts = [clean_text(v) for v in cells[:200]]
    if dates < 0.2 * len(texts) and sum(_contact(t) for t in texts) >= 0.8 * len(texts):
        return "customer_id", "phone numbers or e-mail addresses"
    return None


def _own_dimensions(result: TableMap, fields: tuple[Field, ...], values: list[list[object]]) -> None:
    """When a default dimension has no column, the survey's own rating columns (`addin.core.map_ratings`)."""
    ratings = [f for f in fields if f.kind is Kind.RATING]
    used = result.used()
    if all(f.key in used for f in ratings):
        return
    taken = {f.key for f in fields}
    found = [Dimension(f.key, used[f.key].header, rating_scale(values[used[f.key].index]) or f.scale, False)
             for f in ratings if f.key in used]  # fmt: skip
    extra: list[Dimension] = []
    for n, column in enumerate(result.columns):
        if column.key is not None or not column.header or "|" in column.header:
            continue
        if (top := rating_scale(values[column.index])) is None:
            continue
        key = dimension_key(column.header, column.index, taken)
        extra.append(Dimension(key, column.header, top, True))
        result.columns[n] = replace(column, key=key, confidence=0.7, closest=None, why=f"whole numbers up to {top}")
    if extra:
        result.dimensions = found + extra
    at = {c.key: c.index for c in result.columns if c.key is not None}
    result.zeros = sum(fold(v) in ("0", "0.0") for d in result.dimensions for v in values[at[d.key]])


def _contact(text: str) -> bool:
    """A phone number (at least 7 digits) or an e-mail address."""
    return bool(_EMAIL.match(text) or (_PHONE.match(text) and sum(ch.isdigit() for ch in text) >= 7))


def _enumerations(result: TableMap, settings: Settings, values: list[list[object]]) -> None:
    """Aliases for the severity and status values the run would not know, and the category list."""
    used = result.used()
    for enum, labels in (("severity", settings.severities), ("status", settings.statuses)):
        if enum in used:
            _aliases(result, enum, labels, values[used[enum].index])
    if "category" in used:
        cells = values[used["category"].index]
        known = Vocabulary(settings.categories)
        counts = Counter(clean_text(v).strip() for v in cells)
        unknown = [v for v, _ in counts.most_common() if known.match(v) is None]
        if len(unknown) * 2 > len(counts) and len(counts) <= MAX_CATEGORIES:  # the log has its own list
            result.categories = [v for v, _ in counts.most_common()]
        elif unknown:
            result.unknown["category"] = unknown[:MAX_CATEGORIES]


def _aliases(result: TableMap, enum: str, labels: tuple[Label, ...], cells: list[object]) -> None:
    vocabulary = Vocabulary(labels)
    distinct = list(dict.fromkeys(clean_text(v).strip() for v in cells))
    yes_no = enum == "status" and {normalize(v) for v in distinct} <= _YES | _NO
    for value in distinct:
        if vocabulary.match(value) is not None:
            continue
        key = _meaning(enum, normalize(value), yes_no)
        if key is None:
            result.unknown.setdefault(enum, []).append(value)
        else:
            result.aliases.setdefault((enum, key), []).append(value)


def _meaning(enum: str, folded: str, yes_no: bool) -> str | None:
    """The label key an unknown value most likely means (a ticket priority, a yes/no "closed?" answer)."""
    if enum == "severity":
        return PRIORITY_WORDS.get(folded)
    if yes_no:
        return "closed" if folded in _YES else "open"
    return next((key for start, key in STATUS_PREFIXES.items() if folded.startswith(start)), None)


def describe(report: MapReport) -> list[str]:
    """What `complaints map` prints: each table's sheet and header row, then one line per column."""
    lines: list[str] = []
    for table in (report.log, report.survey):
        name = "complaint log" if table.what == "log" else "survey"
        if table.sheet is None:
            lines += [f"{name}: no header row in the first {HEADER_SCAN_ROWS} rows of any sheet names a field", ""]
            continue
        lines.append(f"{name}: sheet '{table.sheet}', header row {table.header_row}")
        for c in table.columns:
            lines.append("  " + _line(c))
        lines += [f"  absent (declared in the proposal): {', '.join(table.absent)}"] if table.absent else []
        lines += [f"  NOT FOUND, name its header: {', '.join(table.unnamed)}"] if table.unnamed else []
        if table.what == "survey" and not table.ratings:
            lines.append('  NOT FOUND: no rating column; name one under [headers] (skill = ["<your header>"])')
        for (enum, key), found in table.aliases.items():
            lines.append(f"  {enum} values read as {key}: {', '.join(found)}")
        if table.dimensions:
            lines.append(f"  dimensions proposed (the defaults without a column dropped): "
                         f"{', '.join(f'{d.key} (1-{d.scale})' for d in table.dimensions)}")  # fmt: skip
        if table.zeros:
            lines.append(
                f'  {table.zeros} ratings of 0, below every scale: if 0 means "not answered", add "0" to cells.blank'
            )
        if table.categories:
            lines.append(f"  categories proposed from the values: {', '.join(table.categories)}")
        for enum, found in table.unknown.items():
            lines.append(f"  unknown {enum} values (add aliases.{enum}.<key> or edit the list): {', '.join(found)}")
        lines.append("")
    return lines


def _line(c: Column) -> str:
    shown = "; ".join(" ".join(v.split())[:40] for v in c.samples) or "(no values)"
    where = f"'{c.header}'" if c.header else f"(column {c.index + 1}, no header)"
    if c.key is None:
        closest = f"closest: {c.closest} ({c.confidence:.0%})" if c.closest else "no field close"
        return f"{where}: not used, {closest}  e.g. {shown}"
    how = "exact" if c.why == "header" else f"{c.why}, {c.confidence:.0%} sure"
    return f"{where} -> {c.key} ({how})  e.g. {shown}"


def _toml(text: str) -> str:
    """A TOML basic string."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(ch if ch >= " " else f"\\u{ord(ch):04x}" for ch in escaped) + '"'


def _array(items: Sequence[str]) -> str:
    return "[" + ", ".join(_toml(i) for i in items) + "]"


def proposal(report: MapReport, source: str) -> str:
    """The proposed config as TOML: sheets, headers to confirm, absent fields, aliases, categories."""
    top = [
        f"# Proposed by `complaints map {source}`. Check it, edit it, then run:",
        f"#   complaints run {source} --config <this file>",
    ]
    if report.log.categories:
        top += ["", "# The log's categories, from its values (most frequent first); edit freely.",
                f"categories = {_array(report.log.categories)}"]  # fmt: skip
    top += _dimension_lines(report.survey.dimensions)
    if report.survey.zeros:
        blanks = _array([*DEFAULT_BLANKS, "0"])
        top += [f"# {report.survey.zeros} ratings are 0, below every scale; if 0 means not answered:",
                f"# cells.blank = {blanks}"]  # fmt: skip
    tables: list[str] = []
    headers: list[str] = []
    aliases: dict[str, list[str]] = {}
    new = {d.key for d in report.survey.dimensions if d.new}
    for table in (report.log, report.survey):
        if table.sheet is None:
            continue
        tables += ["", f"[{table.what}]", f"sheet = {_toml(table.sheet)}"]
        if table.absent:
            tables.append(f"absent = {_array(table.absent)}  # see the README: what the run does without them")
        for key in table.unnamed:
            tables.append(f"# no column found for {key}: name its header under [headers]")
        for c in table.columns:
            if c.key is not None and c.why != "header" and c.header and c.key not in new:
                headers.append(f"{c.key} = {_array([c.header])}  # {c.why}, {c.confidence:.0%} sure")
        for key in table.unnamed:
            headers.append(f'# {key} = ["<your header>"]')
        for (enum, key), found in table.aliases.items():
            aliases.setdefault(enum, []).append(f"{key} = {_array(found)}")
    body = list(tables)
    if headers:
        body += ["", "[headers]", *dict.fromkeys(headers)]
    for enum, lines in aliases.items():
        body += ["", f"[aliases.{enum}]", *lines]
    return "\n".join(top + body) + "\n"


def _dimension_lines(dimensions: list[Dimension]) -> list[str]:
    """The survey's own dimensions as top-level keys (before any table), each new one with its header and scale."""
    if not dimensions:
        return []
    lines = ["", "# The survey's own rating columns (whole numbers up to 5 or 10); drop any that is no rating.",
             f"dimensions = {_array([d.key for d in dimensions])}"]  # fmt: skip
    for d in dimensions:
        if d.new:
            lines.append(f"dimension.{d.key}.name = {_toml(d.header)}")
        if d.new or d.scale != 10:
            lines.append(f"dimension.{d.key}.scale = {d.scale}")
    return lines
