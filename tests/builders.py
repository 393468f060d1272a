"""Workbooks and grids built in code for the tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

import openpyxl

from addin.core.schema import DEFAULT_DIMENSIONS, LOG_FIELDS, SURVEY_BASE_FIELDS

AS_OF = datetime(2026, 11, 22, 12, 0)

LOG_KEYS = [
    "complaint_id",
    "received_at",
    "customer_id",
    "region",
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
]
SURVEY_KEYS = [
    "response_id",
    "customer_id",
    "region",
    "surveyed_at",
    "skill",
    "attitude",
    "timeliness",
    "parts",
    "overall",
]


def header(key: str, lang: str = "en") -> str:
    f = {f.key: f for f in LOG_FIELDS + SURVEY_BASE_FIELDS + DEFAULT_DIMENSIONS}[key]
    return f.header(lang)


def complaint(n: int, **changes: object) -> dict[str, object]:
    """A valid complaint row (resolved), with `changes` applied."""
    row: dict[str, object] = {
        "complaint_id": f"C{n:04d}",
        "received_at": datetime(2026, 11, 1, 9, 0),
        "customer_id": f"K{n:03d}",
        "region": "East",
        "category": "Product quality",
        "subject": "AC-1",
        "severity": "General",
        "status": "Resolved",
        "owner": "Li",
        "first_response_at": datetime(2026, 11, 1, 10, 0),
        "resolved_at": datetime(2026, 11, 3, 9, 0),
        "complainants": 1,
        "legal": "N",
        "media": "N",
    }
    row.update(changes)
    return row


def response(n: int, **changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "response_id": f"R{n:04d}",
        "customer_id": f"K{n:03d}",
        "region": "East",
        "surveyed_at": datetime(2026, 10, 1),
        "skill": 8,
        "attitude": 9,
        "timeliness": 7,
        "parts": 8,
        "overall": 8,
    }
    row.update(changes)
    return row


def grid(
    records: Sequence[Mapping[str, object]], keys: Sequence[str], lang: str = "en", titles: Sequence[str] = ()
) -> list[list[object]]:
    """A sheet as rows from A1: title rows, a header row, then one row per record."""
    rows: list[list[object]] = [[t] for t in titles]
    rows.append([header(k, lang) for k in keys])
    rows += [[r.get(k, "") for k in keys] for r in records]
    return rows


def log_grid(records: Sequence[Mapping[str, object]], lang: str = "en", **kw: object) -> list[list[object]]:
    return grid(records, LOG_KEYS, lang, **kw)  # type: ignore[arg-type]


def survey_grid(records: Sequence[Mapping[str, object]], lang: str = "en") -> list[list[object]]:
    return grid(records, SURVEY_KEYS, lang)


def write_workbook(path: Path, sheets: Mapping[str, Sequence[Sequence[object]]]) -> Path:
    """A real .xlsx written with openpyxl; `None`/'' cells are left empty."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None and value != "":
                    cell = ws.cell(r, c, value)
                    if isinstance(value, str) and value.startswith("="):
                        cell.data_type = "s"  # text typed by a user, not a formula
    wb.save(path)
    return path


def standard_workbook(
    path: Path,
    records: Sequence[Mapping[str, object]] | None = None,
    responses: Sequence[Mapping[str, object]] | None = None,
) -> Path:
    records = records if records is not None else [complaint(n) for n in range(1, 6)]
    responses = responses if responses is not None else [response(n) for n in range(1, 4)]
    return write_workbook(
        path, {"Complaints": log_grid(records, titles=["Complaint log", ""]), "Survey": survey_grid(responses)}
    )


def managers_records() -> list[dict[str, object]]:
    """Seven complaints in three regions whose summary figures are worked out by hand in test_summary."""
    day = lambda d, h=9: datetime(2026, 11, d, h, 0)  # noqa: E731 - a short date maker for the table below
    rows = [
        complaint(1, resolved_at=day(3)),  # East, resolved on time in 2 days
        complaint(2, resolved_at=day(11)),  # East, resolved late in 10 days
        complaint(3, received_at=day(14), first_response_at=day(14, 10), status="Open", resolved_at=None),
        complaint(4, region="West", received_at=day(21), first_response_at=day(21, 10), status="In progress")
        | {"resolved_at": None, "owner": "Wang"},
        complaint(5, region="West", received_at=day(16, 10), first_response_at=day(16, 11), status="Open")
        | {"resolved_at": None, "owner": "Wang", "category": "Parts supply"},
        complaint(6, region="North", received_at=day(5), first_response_at=day(5, 10), resolved_at=day(9))
        | {"owner": "Zhao"},
        complaint(7, customer_id="K003", received_at=day(20), first_response_at=day(20, 10), status="Open")
        | {"resolved_at": None},
    ]
    return [row | {"subject": f"S{i}"} for i, row in enumerate(rows, start=1)]  # no clusters


def managers_workbook(
    path: Path,
    records: Sequence[Mapping[str, object]] | None = None,
    recipients: Sequence[Sequence[object]] | None = None,
) -> Path:
    """The log above, a survey (East rates 8, West 7) and a Recipients sheet (North has nobody)."""
    responses = [response(n, region="East", **dict.fromkeys(SURVEY_KEYS[4:], 8)) for n in range(1, 4)]
    responses += [response(n, region="West", **dict.fromkeys(SURVEY_KEYS[4:], 7)) for n in range(4, 6)]
    if recipients is None:
        recipients = [
            ["East", "east.boss@example.com"],
            ["West", "west@example.com; west2@example.com"],
            ["*", "director@example.com"],
        ]
    return write_workbook(
        path,
        {
            "Complaints": log_grid(records if records is not None else managers_records()),
            "Survey": survey_grid(responses),
            "Recipients": [["Region", "E-mail"], *recipients],
        },
    )
