"""What people read about the flags: the Flags sheet as a `Page`, and the columns added to the log.

The Flags sheet lists every flagged complaint, most urgent first (`Assessment.urgency`), with
a link to its row, then counts by region and by owner, the clusters with all their members,
and (when the log itself is coloured) the legend of the row colours.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from addin.core.calendar import DAY, known_years
from addin.core.flag_rules import FlagRules
from addin.core.flags import FLAG_NAMES, Assessment, FlagReport, State
from addin.core.problems import cell_ref
from addin.core.schema import OWNED_COLUMN_MARK, SEVERITIES
from addin.core.text import LANGS, template, text, texts
from addin.core.values import clean_text
from addin.pages.page import HEADER_FILL, Block, Link, Page

MEMBERS_LISTED = 200  # cluster members named in one cell; the count is always complete
# Row colours on the log (RGB hex), strongest first; a row takes the first that applies.
ROW_FILLS = {
    "overdue": "F4B084",  # overdue or no first response past due
    "due-soon": "FCE4D6",
    "under-graded": "E4DFEC",
    "repeat": "DDEBF7",  # repeat, secondary complaint or cluster member
}
_ROW_FILL_OF = {
    "overdue": "overdue",
    "no-first-response": "overdue",
    "due-soon": "due-soon",
    "under-graded": "under-graded",
    "cluster": "repeat",
    "secondary": "repeat",
    "repeat": "repeat",
}
LIST_COLUMNS = 17  # width of the flagged list; the side tables start two columns to its right
_COUNTS_WIDTHS = [16] + [11] * (1 + len(FLAG_NAMES)) + [2]
_WIDTHS = [14, 12, 12, 26, 40, 10, 10, 30, 16, 16, 9, 24, 8, 16, 12, 16, 16, 2]
_WIDTHS += _COUNTS_WIDTHS * 2 + [8, 16, 16, 9, 9, 16, 16, 60]


def legend_texts(rules: FlagRules, lang: str) -> list[str]:
    """The legend of the row colours, in `ROW_FILLS` order; the due-soon share is the live rule's."""
    due_soon = clean_text(round(float(rules.due_soon * 100), 1))  # 3/4 -> "75", 2/3 -> "66.7"
    return [text(f"flags.legend.{kind}", lang, due_soon=due_soon) for kind in ROW_FILLS]


def row_fill(a: Assessment) -> str | None:
    """The log row's colour key for this complaint (`ROW_FILLS`), None when it stays as it is."""
    kinds = {_ROW_FILL_OF[f] for f in a.flags if f in _ROW_FILL_OF}
    return next((kind for kind in ROW_FILLS if kind in kinds), None)


def duration(seconds: int, lang: str) -> str:
    """`3 days 4 hours` / `3 天 4 小时`; business time in business mode."""
    days, hours = seconds // DAY, seconds % DAY // 3600
    parts = [text("flags.duration.day" if days == 1 else "flags.duration.days", lang, n=days)] if days else []
    parts += [text("flags.duration.hour" if hours == 1 else "flags.duration.hours", lang, n=hours)] if hours else []
    return text("flags.duration.join", lang).join(parts) if parts else text("flags.duration.under_hour", lang)


# The catalogue's state and flag texts by language and name, looked up once: these run for every row of the log.
_STATES = {lang: {s: template(f"flags.state.{s}", lang) for s in State} for lang in LANGS}
_FLAGS = {lang: {f: template(f"flags.flag.{f}", lang) for f in FLAG_NAMES} for lang in LANGS}


def state_text(a: Assessment, lang: str) -> str:
    if a.late_seconds is None:
        return _STATES[lang][a.state].format(late="")
    return _STATES[lang][a.state].format(late=duration(a.late_seconds, lang))


def flag_text(a: Assessment, lang: str) -> str:
    return "; ".join(_FLAGS[lang][f] for f in a.flags)


def rule_text(report: FlagReport, codes: Sequence[str], lang: str) -> str:
    r = report.rules
    numbers = {
        "major_complainants": r.major_complainants,
        "hot_complainants": r.hot_complainants,
        "major_after_days": r.major_after_days,
        "hot_after_days": r.hot_after_days,
        "cluster_customers": r.cluster_customers,
        "cluster_days": r.cluster_days,
    }
    return "; ".join(text(f"flags.rule.{code}", lang, **numbers) for code in codes)


_SEVERITY_TEXT = {lang: {s.key: s.text(lang) for s in SEVERITIES} for lang in LANGS}


def severity_label(key: str | None, lang: str) -> str:
    return _SEVERITY_TEXT[lang].get(key or "", "")


def complaint_name(report: FlagReport, index: int, lang: str) -> str:
    """How a complaint is named in lists: its ID, or its row when the ID is blank."""
    return clean_text(report.parsed.column("complaint_id")[index]) or text(
        "flags.row", lang, row=report.parsed.rows[index]
    )


@dataclass(frozen=True)
class LogColumns:
    """The owned columns appended to the log: headers, one row of values per complaint, row colours."""

    headers: list[str]
    values: dict[int, list[object]]  # Excel row -> values
    fills: dict[int, str]  # Excel row -> RGB of the row's colour


def log_columns(report: FlagReport, lang: str) -> LogColumns:
    headers = [f"{OWNED_COLUMN_MARK} {h}" for h in texts("flags.columns", lang)]
    values: dict[int, list[object]] = {}
    fills: dict[int, str] = {}
    for a in report.assessments:
        suggested = severity_label(a.suggested, lang)
        if a.rules:
            suggested += f" ({rule_text(report, a.rules, lang)})"
        if a.state is State.UNKNOWN:
            suggested = ""
        values[a.row] = [a.response_due, a.resolution_due, state_text(a, lang), flag_text(a, lang), suggested]
        if (kind := row_fill(a)) is not None:
            fills[a.row] = ROW_FILLS[kind]
    return LogColumns(headers, values, fills)


def flags_content(
    report: FlagReport, *, name: str, lang: str, id_column: int | None, legend: bool, sheet_name: str | None = None
) -> Page:
    """The Flags sheet: the flagged list (left), counts by region and owner, clusters and legend (right)."""
    flagged = report.flagged()
    top, side = 4, LIST_COLUMNS + 2
    dates = {8: "datetime", 9: "datetime", 13: "datetime"}
    rows = _list_rows(report, flagged, lang, id_column)
    blocks = [Block(top, 1, list(texts("flags.header", lang)), rows, formats=dates, filter=True)]
    # Side tables share the list's header row (a taller header row elsewhere would stretch a list row).
    column, left = report.parsed.column, side
    for caption, key in ((text("flags.by_region", lang), "region"), (text("flags.by_owner", lang), "owner")):
        blocks.append(_counts(flagged, column(key), caption, text(f"flags.{key}", lang), top, left, lang))
        left += blocks[-1].width + 1
    formats = {5: "datetime", 6: "datetime"}
    clusters = _cluster_rows(report, lang)
    header, caption = list(texts("flags.cluster_header", lang)), text("flags.clusters", lang)
    blocks.append(Block(top, left, header, clusters, caption=caption, formats=formats))
    if legend:
        rows = [["", line] for line in legend_texts(report.rules, lang)]
        fills = {(i, 0): rgb for i, rgb in enumerate(ROW_FILLS.values())}
        blocks.append(Block(blocks[1].bottom + 2, side, [], rows, caption=text("flags.legend", lang), fills=fills))
    total = sum(1 for a in report.assessments if a.state is not State.UNKNOWN)
    return Page(
        name=sheet_name or text("sheet.flags", lang),
        title=text("flags.title", lang, name=name),
        subtitle=text(
            "flags.subtitle",
            lang,
            as_of=clean_text(report.as_of),
            clock=_clock_text(report, lang),
            flagged=len(flagged),
            total=total,
        ),
        blocks=blocks,
        widths=_WIDTHS,
        freeze=top + 1,
        print_rows=(top, top),
        fit_width=False,
    )


def _clock_text(report: FlagReport, lang: str) -> str:
    if not report.business:
        return text("flags.calendar", lang)
    country = report.rules.country
    clock = text("flags.business", lang, country=country) if known_years(country) else text("flags.business_none", lang)
    if report.unknown_years:
        clock += text("flags.unknown_years", lang, years=", ".join(map(str, report.unknown_years)))
    return clock


def _list_rows(report: FlagReport, flagged: list[Assessment], lang: str, id_column: int | None) -> list[list[object]]:
    parsed = report.parsed
    region, owner, customer, category, subject, received = (
        parsed.column(k) for k in ("region", "owner", "customer_id", "category", "subject", "received_at")
    )
    rows: list[list[object]] = []
    for a in flagged:
        i = a.index
        shown = complaint_name(report, i, lang)
        late = round(a.late_seconds / 3600, 1) if a.state is State.OVERDUE and a.late_seconds is not None else None
        repeat = ""
        if a.repeat_count > 1:
            earlier = ", ".join(complaint_name(report, j, lang) for j in a.repeat_of)
            nth = text("flags.nth", lang, n=a.repeat_count, days=report.rules.repeat_days)
            repeat = f"{earlier} ({nth})"
        rows.append(
            [
                Link(shown, cell_ref(parsed.sheet, a.row, id_column or 1)),
                clean_text(region[i]),
                clean_text(owner[i]),
                state_text(a, lang),
                flag_text(a, lang),
                severity_label(a.recorded, lang),
                severity_label(a.suggested, lang),
                rule_text(report, a.rules, lang),
                a.response_due,
                a.resolution_due,
                late,
                repeat,
                a.cluster.id if a.cluster else "",
                received[i],
                clean_text(customer[i]),
                report.category_text(category[i], lang),
                clean_text(subject[i]),
            ]
        )
    if not rows:
        rows.append([text("flags.none", lang), *[""] * (LIST_COLUMNS - 1)])
    return rows


def _counts(
    flagged: list[Assessment], names: list[object], caption: str, label: str, top: int, left: int, lang: str
) -> Block:
    blank = text("flags.blank", lang)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for a in flagged:
        key = clean_text(names[a.index]) or blank
        counts[key]["flagged"] += 1
        counts[key].update(a.flags)
    order = sorted(counts, key=lambda k: (-counts[k]["overdue"], -counts[k]["flagged"], k))
    total = sum(counts.values(), Counter())
    keys = ["flagged", *FLAG_NAMES]
    rows: list[list[object]] = [[k, *(counts[k][c] for c in keys)] for k in order]
    rows.append([text("flags.all", lang), *(total[c] for c in keys)])
    header = [label, *(text(f"flags.count.{c}", lang) for c in keys)]
    fills = {(len(rows) - 1, c): HEADER_FILL for c in range(len(header))}
    return Block(top, left, header, rows, caption=caption, fills=fills)


def _cluster_rows(report: FlagReport, lang: str) -> list[list[object]]:
    rows: list[list[object]] = []
    for c in report.clusters:
        named = [complaint_name(report, i, lang) for i in c.members[:MEMBERS_LISTED]]
        members = ", ".join(named)
        if len(c.members) > MEMBERS_LISTED:
            members += text("flags.more", lang, n=len(c.members) - MEMBERS_LISTED)
        category = report.category_text(c.category, lang)
        rows.append([c.id, category, c.subject, c.customers, len(c.members), c.first, c.last, members])
    if not rows:
        rows.append([text("flags.none", lang), "", "", "", "", "", "", ""])
    return rows
