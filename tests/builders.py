"""Workbooks and grids built in code for the tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

import openpyxl

from addin.schema import DEFAULT_DIMENSIONS, LOG_FIELDS, SURVEY_BASE_FIELDS

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
