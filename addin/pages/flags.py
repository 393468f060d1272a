"""What people read about the flags: the Flags sheet as a `Page`, and the columns added to the log.

The Flags sheet lists every flagged complaint, most urgent first (`Assessment.urgency`), with
a link to its row, then counts by region and by owner, the clusters with all their members,
and (when the log itself is coloured) the legend of the row colours.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from addin.core.calendar import DAY, known_years
from addin.core.flags import FLAG_NAMES, Assessment, FlagReport, State
from addin.core.problems import cell_ref
from addin.core.schema import FLAGS_SHEET, OWNED_COLUMN_MARK, SEVERITIES
from addin.core.values import clean_text
from addin.pages.page import HEADER_FILL, Block, Link, Page

MEMBERS_LISTED = 200  # cluster members named in one cell; the count is always complete
_TEXT: dict[str, dict[str, Any]] = {
    "en": {
        "title": "Flags — {name}",
        "subtitle": "As of {as_of} · {clock} · {flagged} of {total} complaints flagged · "
        "written by Complaint Desk; re-running replaces this sheet",
        "calendar": "calendar time",
        "business": "business days ({country} official calendar and Settings)",
        "business_none": "business days (weekends and Settings)",
        "unknown_years": " · no official calendar for {years}: weekends only",
        "header": [
            "Complaint ID", "Region", "Owner", "State", "Flags", "Severity", "Suggested", "Why",
            "Response due", "Resolution due", "Hours overdue", "Repeat of", "Cluster", "Received",
            "Customer ID", "Category", "Subject",
        ],
        "counts": ["Flagged", *FLAG_NAMES],
        "by_region": "By region",
        "by_owner": "By owner",
        "region": "Region",
        "owner": "Owner",
        "all": "All",
        "blank": "(blank)",
        "clusters": "Clusters: the same complaint from several customers",
        "cluster_header": ["Cluster", "Category", "Subject", "Customers", "Complaints", "First", "Last", "Members"],
        "legend": "Row colours on the log",
        "none": "No flagged complaints.",
        "row": "row {row}",
        "nth": "{n}th in {days} days",
        "more": " (+{n})",
        "days": {1: "1 day", 0: "{n} days"},
        "hours": {1: "1 hour", 0: "{n} hours"},
        "under_hour": "less than 1 hour",
        "join": " ",
        "columns": ["Response due", "Resolution due", "State", "Flags", "Suggested severity"],
    },
    "zh": {
        "title": "预警清单 — {name}",
        "subtitle": "统计时间 {as_of} · {clock} · {total} 件投诉中 {flagged} 件有预警 · "
        "由 Complaint Desk 生成，重新运行会替换本表",
        "calendar": "自然日计时",
        "business": "工作日计时（{country} 法定节假日及设置）",
        "business_none": "工作日计时（周末及设置）",
        "unknown_years": " · {years} 年无官方日历，仅按周末计算",
        "header": [
            "投诉编号", "区域", "责任人", "状态", "预警", "登记等级", "建议等级", "依据",
            "响应期限", "解决期限", "超期小时", "重复于", "群发编号", "投诉时间",
            "客户编号", "投诉类别", "投诉对象",
        ],
        "counts": ["预警数", *FLAG_NAMES],
        "by_region": "按区域",
        "by_owner": "按责任人",
        "region": "区域",
        "owner": "责任人",
        "all": "合计",
        "blank": "（空）",
        "clusters": "群发问题：多位客户的相同投诉",
        "cluster_header": ["编号", "投诉类别", "投诉对象", "客户数", "投诉数", "最早", "最晚", "成员"],
        "legend": "登记表行颜色图例",
        "none": "没有预警的投诉。",
        "row": "第 {row} 行",
        "nth": "{days} 天内第 {n} 次",
        "more": "（另 {n} 件）",
        "days": {1: "{n} 天", 0: "{n} 天"},
        "hours": {1: "{n} 小时", 0: "{n} 小时"},
        "under_hour": "不足 1 小时",
        "join": " ",
        "columns": ["响应期限", "解决期限", "状态", "预警", "建议等级"],
    },
}  # fmt: skip

FLAG_LABELS = {
    "en": {
        "overdue": "Overdue",
        "no-first-response": "No first response",
        "due-soon": "Due soon",
        "resolved-late": "Resolved late",
        "under-graded": "Graded lower than suggested",
        "cluster": "Cluster",
        "secondary": "Secondary complaint",
        "repeat": "Repeat",
    },
    "zh": {
        "overdue": "超期",
        "no-first-response": "未首次响应",
        "due-soon": "即将到期",
        "resolved-late": "超期解决",
        "under-graded": "定级偏低",
        "cluster": "群发问题",
        "secondary": "二次投诉",
        "repeat": "重复投诉",
    },
}
STATE_TEXT = {
    "en": {
        State.OVERDUE: "Overdue by {late}",
        State.NO_RESPONSE: "No first response",
        State.DUE_SOON: "Due soon",
        State.ON_TIME: "On time",
        State.RESOLVED_LATE: "Resolved late by {late}",
        State.RESOLVED_ON_TIME: "Resolved on time",
        State.RESOLVED: "Resolved",
        State.UNKNOWN: "",
    },
    "zh": {
        State.OVERDUE: "超期 {late}",
        State.NO_RESPONSE: "未首次响应",
        State.DUE_SOON: "即将到期",
        State.ON_TIME: "未超期",
        State.RESOLVED_LATE: "超期解决（超 {late}）",
        State.RESOLVED_ON_TIME: "按期解决",
        State.RESOLVED: "已解决",
        State.UNKNOWN: "",
    },
}
RULE_TEXT = {
    "en": {
        "legal": "legal action",
        "media": "media exposure",
        "complainants-major": "{major_complainants} or more complainants",
        "unresolved-major": "unresolved {major_after_days} days after receipt",
        "complainants-hot": "{hot_complainants} or more complainants",
        "cluster": "same complaint from {cluster_customers} or more customers within {cluster_days} days",
        "unresolved-hot": "unresolved {hot_after_days} days after receipt",
        "secondary": "complained again after the earlier complaint was resolved",
        "reopened": "reopened",
    },
    "zh": {
        "legal": "已引发法律诉讼",
        "media": "已被媒体曝光",
        "complainants-major": "{major_complainants} 人以上集体投诉",
        "unresolved-major": "投诉 {major_after_days} 天后仍未解决",
        "complainants-hot": "{hot_complainants} 人以上集体投诉",
        "cluster": "{cluster_days} 天内 {cluster_customers} 位以上不同客户的相同投诉",
        "unresolved-hot": "投诉 {hot_after_days} 天后仍未解决",
        "secondary": "处理完毕后再次投诉（二次投诉）",
        "reopened": "重新打开",
    },
}
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
_LEGEND = {
    "en": {
        "overdue": "Overdue, or no first response past its due time",
        "due-soon": "Due soon (75% or more of the allowed time used)",
        "under-graded": "Graded lower than the facts call for",
        "repeat": "Repeat, secondary complaint or cluster member",
    },
    "zh": {
        "overdue": "超期，或超过响应期限仍未首次响应",
        "due-soon": "即将到期（已用时限 75% 以上）",
        "under-graded": "登记等级低于建议等级",
        "repeat": "重复投诉、二次投诉或群发问题",
    },
}
LIST_COLUMNS = 17  # width of the flagged list; the side tables start two columns to its right
_COUNTS_WIDTHS = [16] + [11] * (1 + len(FLAG_NAMES)) + [2]
_WIDTHS = [14, 12, 12, 26, 40, 10, 10, 30, 16, 16, 9, 24, 8, 16, 12, 16, 16, 2]
_WIDTHS += _COUNTS_WIDTHS * 2 + [8, 16, 16, 9, 9, 16, 16, 60]


def row_fill(a: Assessment) -> str | None:
    """The log row's colour key for this complaint (`ROW_FILLS`), None when it stays as it is."""
    kinds = {_ROW_FILL_OF[f] for f in a.flags if f in _ROW_FILL_OF}
    return next((kind for kind in ROW_FILLS if kind in kinds), None)


def duration(seconds: int, lang: str) -> str:
    """`3 days 4 hours` / `3 天 4 小时`; business time in business mode."""
    text = _TEXT[lang]
    days, hours = seconds // DAY, seconds % DAY // 3600
    parts = [text["days"][days == 1].format(n=days)] if days else []
    parts += [text["hours"][hours == 1].format(n=hours)] if hours else []
    return text["join"].join(parts) if parts else text["under_hour"]


def state_text(a: Assessment, lang: str) -> str:
    late = duration(a.late_seconds, lang) if a.late_seconds is not None else ""
    return STATE_TEXT[lang][a.state].format(late=late)


def flag_text(a: Assessment, lang: str) -> str:
    return "; ".join(FLAG_LABELS[lang][f] for f in a.flags)


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
    return "; ".join(RULE_TEXT[lang][code].format(**numbers) for code in codes)


_SEVERITY_TEXT = {lang: {s.key: s.text(lang) for s in SEVERITIES} for lang in _TEXT}


def severity_label(key: str | None, lang: str) -> str:
    return _SEVERITY_TEXT[lang].get(key or "", "")


def complaint_name(report: FlagReport, index: int, lang: str) -> str:
    """How a complaint is named in lists: its ID, or its row when the ID is blank."""
    return clean_text(report.parsed.column("complaint_id")[index]) or _TEXT[lang]["row"].format(
        row=report.parsed.rows[index]
    )


@dataclass(frozen=True)
class LogColumns:
    """The owned columns appended to the log: headers, one row of values per complaint, row colours."""

    headers: list[str]
    values: dict[int, list[object]]  # Excel row -> values
    fills: dict[int, str]  # Excel row -> RGB of the row's colour


def log_columns(report: FlagReport, lang: str) -> LogColumns:
    headers = [f"{OWNED_COLUMN_MARK} {h}" for h in _TEXT[lang]["columns"]]
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
    text = _TEXT[lang]
    flagged = report.flagged()
    top, side = 4, LIST_COLUMNS + 2
    dates = {8: "datetime", 9: "datetime", 13: "datetime"}
    rows = _list_rows(report, flagged, lang, id_column)
    blocks = [Block(top, 1, list(text["header"]), rows, formats=dates, filter=True)]
    # Side tables share the list's header row (a taller header row elsewhere would stretch a list row).
    column, left = report.parsed.column, side
    for caption, key in ((text["by_region"], "region"), (text["by_owner"], "owner")):
        blocks.append(_counts(flagged, column(key), caption, text[key], top, left, lang))
        left += blocks[-1].width + 1
    formats = {5: "datetime", 6: "datetime"}
    clusters = _cluster_rows(report, lang)
    blocks.append(Block(top, left, list(text["cluster_header"]), clusters, caption=text["clusters"], formats=formats))
    if legend:
        rows = [["", _LEGEND[lang][kind]] for kind in ROW_FILLS]
        fills = {(i, 0): rgb for i, rgb in enumerate(ROW_FILLS.values())}
        blocks.append(Block(blocks[1].bottom + 2, side, [], rows, caption=text["legend"], fills=fills))
    total = sum(1 for a in report.assessments if a.state is not State.UNKNOWN)
    return Page(
        name=sheet_name or FLAGS_SHEET[lang],
        title=text["title"].format(name=name),
        subtitle=text["subtitle"].format(
            as_of=clean_text(report.as_of), clock=_clock_text(report, lang), flagged=len(flagged), total=total
        ),
        blocks=blocks,
        widths=_WIDTHS,
        freeze=top + 1,
        print_rows=(top, top),
        fit_width=False,
    )


def _clock_text(report: FlagReport, lang: str) -> str:
    text = _TEXT[lang]
    if not report.business:
        return text["calendar"]
    country = report.rules.country
    clock = text["business"].format(country=country) if known_years(country) else text["business_none"]
    if report.unknown_years:
        clock += text["unknown_years"].format(years=", ".join(map(str, report.unknown_years)))
    return clock


def _list_rows(report: FlagReport, flagged: list[Assessment], lang: str, id_column: int | None) -> list[list[object]]:
    text, parsed = _TEXT[lang], report.parsed
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
            nth = text["nth"].format(n=a.repeat_count, days=report.rules.repeat_days)
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
        rows.append([text["none"]] + [""] * (LIST_COLUMNS - 1))
    return rows


def _counts(
    flagged: list[Assessment], names: list[object], caption: str, label: str, top: int, left: int, lang: str
) -> Block:
    text = _TEXT[lang]
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for a in flagged:
        key = clean_text(names[a.index]) or text["blank"]
        counts[key]["flagged"] += 1
        counts[key].update(a.flags)
    order = sorted(counts, key=lambda k: (-counts[k]["overdue"], -counts[k]["flagged"], k))
    total = sum(counts.values(), Counter())
    keys = ["flagged", *FLAG_NAMES]
    rows: list[list[object]] = [[k, *(counts[k][c] for c in keys)] for k in order]
    rows.append([text["all"], *(total[c] for c in keys)])
    short = {"under-graded": "Under-graded", "secondary": "Secondary"} if lang == "en" else {}
    header = [label, text["counts"][0], *(short.get(f, FLAG_LABELS[lang][f]) for f in FLAG_NAMES)]
    fills = {(len(rows) - 1, c): HEADER_FILL for c in range(len(header))}
    return Block(top, left, header, rows, caption=caption, fills=fills)


def _cluster_rows(report: FlagReport, lang: str) -> list[list[object]]:
    text = _TEXT[lang]
    rows: list[list[object]] = []
    for c in report.clusters:
        named = [complaint_name(report, i, lang) for i in c.members[:MEMBERS_LISTED]]
        members = ", ".join(named)
        if len(c.members) > MEMBERS_LISTED:
            members += text["more"].format(n=len(c.members) - MEMBERS_LISTED)
        category = report.category_text(c.category, lang)
        rows.append([c.id, category, c.subject, c.customers, len(c.members), c.first, c.last, members])
    if not rows:
        rows.append([text["none"], "", "", "", "", "", "", ""])
    return rows
