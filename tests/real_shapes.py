"""Three workbooks shaped like the files people really have, built in code (issue 16).

* `ticket_export`: a helpdesk export opened in Excel: a KPI block above the header, Ticket ID /
  Created / Priority / Agent / Type / Contact ID (e-mail addresses) / Solved at, no region, no
  first-response column, `-` and `null` where the export had nothing.
* `forms_export`: a Google Forms response sheet: Timestamp, Email Address, Branch typed by hand
  (`North` / `north `), one question per rating dimension, an optional question left blank.
* `work_orders`: a Chinese telecom work-order log: a title row, 工单编号 / 受理时间 / 用户号码 (phone
  numbers, some stored as numbers, some as text) / 投诉来源 / 工单类型 / 处理部门 / 派单时间 /
  是否结单 (是/否) / 结单时间 (`无` for an open one), no region and no severity column.

Each row says what it is meant to be as of `AS_OF`, so the tests' expected counts follow from the
data, not from a run: deadlines are 7 days to resolve, due soon at 75 % of that, a first response
within 24 hours for a general complaint (DOMAIN.md).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl

AS_OF = datetime(2026, 11, 20, 12, 0)


def _d(day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute)


TICKET_HEADER = ["Ticket ID", "Subject", "Created", "Priority", "Status", "Agent", "Type", "Contact ID", "Solved at"]
# fmt: off
TICKETS: list[list[object]] = [
    ["T-1001", "Cannot log in", _d(2, 9, 15), "Normal", "Solved", "Ana", "Question", "ana.k@example.com", _d(2, 15)],
    ["T-1002", "Invoice wrong", _d(3, 10), "Low", "Closed", "Ben", "Question", "b.li@example.net", _d(5, 10)],
    # solved 10 days after it came in: resolved late
    ["T-1003", "App crashes", _d(4, 11, 30), "High", "Solved", "Ana", "Incident", "c.wu@example.org", _d(14, 12)],
    # open 15 and 14 days: overdue, and the facts call for hot (unresolved after 7 days)
    ["T-1004", "Refund not received", _d(5, 8), "Normal", "Open", "Ben", "Problem", "d.ho@example.com", None],
    ["T-1005", "Password reset", _d(6, 9), "Low", "Pending", "Cara", "Task", "e.ng@example.com", "-"],
    # the same customer and type as T-1002 (closed): a repeat and a secondary complaint (important)
    ["T-1006", "Invoice wrong again", _d(10, 14), "Normal", "Solved", "Ben", "Question", "b.li@example.net", _d(11, 9)],
    # open 5 days 18 hours of 7: due soon
    ["T-1007", "Slow delivery", _d(14, 18), "Urgent", "Open", "Cara", "Incident", "f.ma@example.com", "null"],
    ["T-1008", "Cannot log in", _d(18, 8), "High", "New", "Ana", "Question", "g.xu@example.com", "-"],
    ["T-1009", "Question about my plan", _d(19, 16), "Normal", "Open", "Dan", "Question", "h.yu@example.com", None],
    ["T-1010", "Damaged parcel", _d(12, 13), "High", "Solved", "Dan", "Problem", "i.qi@example.com", _d(13, 10)],
]
# fmt: on
TICKET_KPIS: list[list[object]] = [
    ["Helpdesk export", None, "generated 2026-11-20 12:00"],
    ["Tickets", len(TICKETS), "Open", 5],
    ["Avg. first reply (h)", 3.4, "CSAT", "92%"],
    [],
]


def ticket_export(path: Path) -> Path:
    """The helpdesk export: the KPI block in rows 1-4, the header in row 5."""
    return _save(path, {"Tickets": TICKET_KPIS + [TICKET_HEADER] + TICKETS})


QUESTIONS = [
    "How would you rate the service skill of our engineer?",
    "How satisfied were you with the service attitude of our staff?",
    "Timeliness: did we arrive when we promised?",
    "Parts supply: were the parts you needed available?",
    "Overall, how satisfied are you with our service?",
]
FORM_HEADER = ["Timestamp", "Email Address", "Branch", *QUESTIONS, "Anything else you would like to tell us?"]
# Per branch, the ratings of each question (skill, attitude, timeliness, parts, overall); None: skipped.
FORM_RATINGS: dict[str, list[tuple[int | None, ...]]] = {
    "North": [
        (9, 8, 7, 8, 9),
        (8, 9, 6, None, 8),
        (10, 9, 8, 7, 9),
        (7, 6, 5, 6, 6),
        (9, 10, 9, 9, 10),
        (8, 8, 7, 8, 8),
    ],
    "South": [(6, 7, 5, 6, 6), (7, 7, 6, 5, 7), (5, 6, 4, 5, 5), (8, 8, 7, 7, 8), (6, 5, 6, 6, 6)],
}


def form_rows() -> list[list[object]]:
    """The responses in the order they came in; one North answer typed `north ` by hand."""
    rows: list[list[object]] = []
    n = 0
    for branch, answers in FORM_RATINGS.items():
        for ratings in answers:
            n += 1
            typed = "north " if (branch, n) == ("North", 4) else branch
            comment = "Engineer was late" if ratings[2] is not None and ratings[2] < 6 else None
            stamp = datetime(2026, 11, 1 + n, 10 + n % 8, 7 * n % 60, 13)
            rows.append([stamp, f"user{n}@example.com", typed, *ratings, comment])
    return rows


def forms_export(path: Path) -> Path:
    """The Google Forms response sheet (the header in row 1, as Forms writes it)."""
    return _save(path, {"Form Responses 1": [FORM_HEADER] + form_rows()})


ORDER_TITLE = "2026年11月投诉工单明细（截至11月20日）"
ORDER_HEADER = "工单编号 受理时间 用户号码 投诉来源 工单类型 处理部门 派单时间 是否结单 结单时间 工单内容".split()
# fmt: off
ORDERS: list[list[object]] = [
    ["GD2026110001", _d(1, 9, 12), 13800000001, "热线", "网络质量", "网络部", _d(1, 9, 40), "是", _d(3, 17), "信号差"],
    # closed 10 days after it came in: resolved late
    ["GD2026110002", _d(2, 10), 13800000002, "营业厅", "资费争议", "市场部", _d(2, 11), "是", _d(12, 10), "多扣费"],
    # open 17 days: overdue
    ["GD2026110003", _d(3, 14), 13800000003, "热线", "宽带故障", "网络部", _d(3, 15), "否", "无", "断线"],
    # the same customer (typed as text) and type as GD…0001, which was closed: repeat + secondary; open 15 days: overdue
    ["GD2026110004", _d(5, 9), "13800000001", "热线", "网络质量", "网络部", _d(5, 9, 30), "否", None, "仍信号差"],
    ["GD2026110005", _d(10, 16), 13800000005, "网厅", "业务办理", "客服中心", _d(10, 16, 20), "是", _d(11, 10), "慢"],
    # open 6 days 4 hours of 7: due soon
    ["GD2026110006", _d(14, 8), 13800000006, "工信部", "资费争议", "市场部", _d(14, 9), "否", None, "扣费"],
    # not dispatched a day after it came in: no first response
    ["GD2026110007", _d(18, 11), 13800000007, "热线", "服务态度", "客服中心", None, "否", "无", "态度差"],
    ["GD2026110008", _d(19, 20), 13800000008, "营业厅", "宽带故障", "网络部", _d(19, 20, 30), "否", None, "装机慢"],
]
# fmt: on


def work_orders(path: Path) -> Path:
    """The work-order log: the title in row 1, the header in row 3."""
    return _save(path, {"投诉工单": [[ORDER_TITLE], [], ORDER_HEADER] + ORDERS})


def _save(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm:ss"
    book.save(path)
    return path


REVIEW_HEADER = ["airline_name", "date", "author_country", "overall_rating", "seat_comfort_rating",
                 "cabin_staff_rating", "recommended"]  # fmt: skip
# (overall 1-10, seat comfort 1-5, cabin staff 1-5); "NA" or 0: not answered, as the review site exports it
REVIEW_RATINGS: list[tuple[object, object, object]] = [
    (8, 4, 5), (3, 1, 2), (10, 5, 5), ("NA", 3, 4), (6, 0, 3), (9, 4, "NA"), (2, 2, 1), (7, 3, 0), (5, 3, 3),
]  # fmt: skip


def airline_reviews(path: Path) -> Path:
    """A review export with its own rating columns (1-10 and 1-5), `NA` and 0 for no answer, no region."""
    rows: list[list[object]] = [REVIEW_HEADER]
    for n, (overall, seat, staff) in enumerate(REVIEW_RATINGS):
        recommended = int(isinstance(overall, int) and overall >= 6)
        rows.append(["flybe", f"2015-0{1 + n % 9}-1{n}", "United Kingdom", overall, seat, staff, recommended])
    return _save(path, {"airline": rows})
