"""Write the deterministic sample workbook with planted problems (`complaints sample`).

Layout as teams keep it: two title rows above the log's header (row 4), an extra "Remarks"
column, a survey with its header on row 3, a Settings sheet and a Recipients table. Dates
are real Excel dates, except planted text forms. The data itself, and the table of planted
problems the tests expect, are in `addin.build.sample_data`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from pathlib import Path

import xlsxwriter

from addin.build.sample_data import SAMPLE_AS_OF, ErrorFormula, make_sample
from addin.core.schema import DEFAULT_DIMENSIONS, LOG_FIELDS, SURVEY_BASE_FIELDS
from addin.files.paths import atomic_target
from addin.files.xlsx_writer import FIXED_CREATED

__all__ = ["SAMPLE_AS_OF", "write_sample"]

LOG_ORDER = [
    "complaint_id",
    "received_at",
    "region",
    "customer_id",
    "customer_name",
    "channel",
    "category",
    "subject",
    "severity",
    "status",
    "owner",
    "first_response_at",
    "resolved_at",
    "complainants",
    "legal",
    "media",
    "description",
    "paused_at",
    "resumed_at",
]
SURVEY_ORDER = [
    "response_id",
    "surveyed_at",
    "region",
    "customer_id",
    "product_type",
    "business_type",
    "customer_type",
    "skill",
    "attitude",
    "timeliness",
    "parts",
    "overall",
]
TEXT = {
    "zh": {
        "log": "投诉登记表",
        "survey": "满意度回访表",
        "settings": "设置",
        "recipients": "收件人",
        "title": "2026年客户投诉登记表",
        "unit": "填表单位：客户服务中心",
        "remarks": "备注",
        "survey_title": "2026年客户满意度回访记录",
    },
    "en": {
        "log": "Complaints",
        "survey": "Survey",
        "settings": "Settings",
        "recipients": "Recipients",
        "title": "Customer complaint log 2026",
        "unit": "Prepared by: Customer Service Centre",
        "remarks": "Remarks",
        "survey_title": "Satisfaction survey 2026",
    },
}
HEADERS = {
    "zh": {"settings": ["设置项", "值", "说明"], "recipients": ["区域", "邮箱"]},
    "en": {"settings": ["Setting", "Value", "Description"], "recipients": ["Region", "E-mail"]},
}


def write_sample(path: Path, *, rows: int = 200, survey_rows: int = 200, lang: str = "zh", seed: int = 2026) -> None:
    """Write the sample workbook; the same arguments always give the same cell contents."""
    sample = make_sample(rows=rows, survey_rows=survey_rows, lang=lang, seed=seed)
    text, headers = TEXT[lang], HEADERS[lang]
    with atomic_target(path) as temporary:
        book = xlsxwriter.Workbook(
            str(temporary), {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
        )
        book.set_properties({"created": FIXED_CREATED, "author": "Complaint Desk sample"})
        fmt = _formats(book)
        _write_log(book.add_worksheet(text["log"]), sample.complaints, lang, fmt)
        _write_survey(book.add_worksheet(text["survey"]), sample.survey, lang, fmt)
        settings = book.add_worksheet(text["settings"])
        _table(settings, 0, headers["settings"], sample.settings, fmt["date"], fmt)
        settings.set_column(0, 0, 32)
        settings.set_column(1, 2, 48)
        _table(book.add_worksheet(text["recipients"]), 0, headers["recipients"], sample.recipients, fmt["date"], fmt)
        book.close()


def _formats(book: xlsxwriter.Workbook) -> dict[str, object]:
    return {
        "title": book.add_format({"bold": True, "font_size": 16}),
        "header": book.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter"}
        ),
        "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
    }


def _write_log(
    log: xlsxwriter.worksheet.Worksheet, complaints: list[dict[str, object]], lang: str, fmt: dict[str, object]
) -> None:
    """The log: two title rows, the header on row 4 with an extra Remarks column, one row per complaint."""
    text, fields = TEXT[lang], {f.key: f for f in LOG_FIELDS}
    log.write_string(0, 0, text["title"], fmt["title"])
    log.write_string(1, 0, text["unit"])
    headers = [fields[k].header(lang) for k in LOG_ORDER] + [text["remarks"]]
    headers[3] = headers[3].replace(" ID", "\nID") if lang == "en" else headers[3]  # a line break, as people type
    rows = [[rec[k] for k in LOG_ORDER] + [rec["remarks"]] for rec in complaints]
    _table(log, 3, headers, rows, fmt["datetime"], fmt)


def _write_survey(
    sheet: xlsxwriter.worksheet.Worksheet, survey: list[dict[str, object]], lang: str, fmt: dict[str, object]
) -> None:
    """The survey: a title row, the header on row 3, one row per response."""
    fields = {f.key: f for f in SURVEY_BASE_FIELDS + DEFAULT_DIMENSIONS}
    sheet.write_string(0, 0, TEXT[lang]["survey_title"], fmt["title"])
    headers = [fields[k].header(lang) for k in SURVEY_ORDER]
    _table(sheet, 2, headers, [[rec[k] for k in SURVEY_ORDER] for rec in survey], fmt["date"], fmt)


def _table(
    ws: xlsxwriter.worksheet.Worksheet,
    top: int,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    date_format: object,
    fmt: dict[str, object],
) -> None:
    ws.write_row(top, 0, headers, fmt["header"])
    ws.set_row(top, 32)
    ws.freeze_panes(top + 1, 0)
    ws.set_column(0, len(headers) - 1, 14)
    for r, row in enumerate(rows, start=top + 1):
        for c, value in enumerate(row):
            if isinstance(value, ErrorFormula):
                ws.write_formula(r, c, "=NA()", None, "#N/A")
            elif isinstance(value, datetime):
                ws.write_datetime(r, c, value, date_format if value.time() != time.min else fmt["date"])
            elif isinstance(value, date):
                ws.write_datetime(r, c, datetime(value.year, value.month, value.day), fmt["date"])
            elif value is None or value == "":
                continue
            else:
                ws.write(r, c, value)
    ws.autofilter(top, 0, top + len(rows), len(headers) - 1)
