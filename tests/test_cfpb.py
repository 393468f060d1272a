"""Real complaints: CFPB Consumer Complaint Database extracts (public domain) as workbooks.

Mapping (shared/datasets/README.md): State -> region, Product -> category, Issue -> subject,
Company + ZIP code -> customer, "Date sent to company" -> first response. The export has no
resolution date, so the workbook's Settings turn `resolved-without-time` off, as a team
importing it would. Expected counts are computed from the CSV independently of the add-in.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
import xlsxwriter

from addin.files.run import Options, process_file

DATA = Path(__file__).parent / "data" / "cfpb_2011-2015_sample.csv.gz"
SHARED = Path(__file__).parents[2] / "shared" / "datasets" / "cfpb"
AS_OF = datetime(2026, 11, 22)
COLUMNS = {  # our header -> the CSV's header, per export
    "compact": {
        "Complaint ID": "ComplaintId",
        "Received": "DateReceived",
        "Product": "Product",
        "Issue": "Issue",
        "Company": "Company",
        "ZIP": "ZipCode",
        "State": "State",
        "Sent": "DateSentCompany",
        "Response": "CompanyResponseConsumer",
        "Via": "SubmittedVia",
    },
    "classic": {
        "Complaint ID": "Complaint ID",
        "Received": "Date received",
        "Product": "Product",
        "Issue": "Issue",
        "Company": "Company",
        "ZIP": "ZIP code",
        "State": "State",
        "Sent": "Date sent to company",
        "Response": "Company response",
        "Via": "Submitted via",
    },
}
OUR_HEADERS = [
    "Complaint ID",
    "Received",
    "Customer ID",
    "Customer",
    "Region",
    "Channel",
    "Category",
    "Subject",
    "Severity",
    "Status",
    "First response",
    "Description (CFPB response)",
]


def read_csv(text: str, kind: str) -> list[dict[str, str]]:
    names = COLUMNS[kind]
    return [
        {ours: row.get(theirs, "") or "" for ours, theirs in names.items()}
        for row in csv.DictReader(io.StringIO(text))
        if row.get(names["Complaint ID"])
    ]


def status(response: str) -> str:
    return {"In progress": "In progress", "Untimely response": "Open"}.get(response, "Closed")


def write_workbook(path: Path, rows: list[dict[str, str]], categories: list[str]) -> Path:
    """Dates as real Excel dates on even rows and as the export's text on odd rows."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False})
    ws = book.add_worksheet("CFPB")
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_string(0, 0, "CFPB complaints (extract)")
    ws.write_row(2, 0, OUR_HEADERS)
    for r, row in enumerate(rows, start=3):
        customer = f"{row['Company']} {row['ZIP']}".strip()
        values = [
            row["Complaint ID"],
            row["Received"],
            customer,
            row["Company"],
            row["State"],
            row["Via"],
            row["Product"],
            row["Issue"],
            "General",
            status(row["Response"]),
            row["Sent"],
            row["Response"],
        ]
        for c, value in enumerate(values):
            iso = c in (1, 10) and r % 2 == 0 and len(value) == 10 and value[4] == "-"
            if iso:
                ws.write_datetime(r, c, datetime.fromisoformat(value), dates)
            elif value:
                ws.write_string(r, c, value)
    settings = book.add_worksheet("Settings")
    settings.write_row(0, 0, ["categories", ";".join(categories)])
    settings.write_row(1, 0, ["rules.resolved-without-time", "off"])
    book.close()
    return path


def expected_counts(rows: list[dict[str, str]], categories: list[str]) -> Counter[str]:
    """What the rules must find, computed here without the add-in."""
    expected: Counter[str] = Counter()
    for row in rows:
        expected["missing-value"] += not row["State"]
        expected["missing-value"] += not (row["Company"] or row["ZIP"])
        expected["unknown-category"] += row["Product"] not in categories
        for key in ("Received", "Sent"):
            text = row[key]
            if "/" in text:
                month, day, _ = (int(x) for x in text.split("/"))
                expected["ambiguous-date"] += month != day and month <= 12 and day <= 12
        if row["Sent"] and row["Received"] and "-" in row["Received"] and row["Sent"] < row["Received"]:
            expected["response-before-received"] += 1
    return +expected


def test_9k_real_complaints(tmp_path: Path) -> None:
    rows = read_csv(gzip.decompress(DATA.read_bytes()).decode("utf-8"), "compact")
    assert len(rows) == 9224
    products = Counter(r["Product"] for r in rows)
    categories = [p for p, n in products.items() if n > 10]  # the rare products are "unknown"
    path = write_workbook(tmp_path / "cfpb.xlsx", rows, categories)
    result = process_file(path, Options(as_of=AS_OF, out=tmp_path))
    report = result.outcome.report
    assert result.outcome.log.row_count == 9224
    assert report.counts() == dict(expected_counts(rows, categories))
    assert report.counts()["missing-value"] == 123  # blank State, as in the raw export
    assert report.counts()["unknown-category"] == products["Other financial service"] == 6
    assert result.outputs["report"].exists()


def test_us_dates_in_the_2014_extract_are_reported_not_guessed(tmp_path: Path) -> None:
    source = SHARED / "cfpb_2014-10to11_sample.csv"
    if not source.exists():
        pytest.skip(f"{source} is not here (the shared datasets are not part of this repository)")
    rows = read_csv(source.read_text(encoding="utf-8"), "classic")
    categories = sorted({r["Product"] for r in rows})
    result = process_file(write_workbook(tmp_path / "cfpb14.xlsx", rows, categories), Options(as_of=AS_OF))
    counts = result.outcome.report.counts()
    assert counts == dict(expected_counts(rows, categories))
    assert counts["ambiguous-date"] > 1000  # 11/03/2014 could be 3 November or 11 March
    assert any("/13/" in r["Received"] for r in rows)  # day above 12: settled, so accepted
    assert "invalid-date" not in counts


def test_flags_on_9k_real_complaints(tmp_path: Path) -> None:
    """Company + ZIP as the customer, Product as the category, Issue as the subject."""
    rows = read_csv(gzip.decompress(DATA.read_bytes()).decode("utf-8"), "compact")
    products = Counter(r["Product"] for r in rows)
    categories = [p for p, n in products.items() if n > 10]
    path = write_workbook(tmp_path / "cfpb.xlsx", rows, categories)
    flags = process_file(path, Options(as_of=AS_OF, out=tmp_path, jobs=("flag",))).flags
    assert flags is not None
    usable = [r for r in rows if r["Product"] in categories and (r["Company"] or r["ZIP"]) and "-" in r["Received"]]
    # repeats, counted here the slow way: an earlier complaint of the same customer and product within 30 days
    seen: dict[tuple[str, str], list[datetime]] = {}
    repeats = 0
    for row in sorted(usable, key=lambda r: r["Received"]):
        key = (f"{row['Company']} {row['ZIP']}".strip().casefold(), row["Product"])
        day = datetime.fromisoformat(row["Received"])
        repeats += any((day - earlier).days <= 30 for earlier in seen.get(key, []))
        seen.setdefault(key, []).append(day)
    counts = flags.counts()
    assert counts["repeat"] == repeats > 100
    # every open complaint is years past its deadline; nothing was resolved with a time, so none is late or secondary
    still_open = sum(1 for r in rows if status(r["Response"]) != "Closed" and "-" in r["Received"])
    assert counts["overdue"] == still_open > 0
    assert counts["resolved-late"] == counts["secondary"] == 0
    # clusters: same product and issue from three or more customers within 30 days, members listed
    assert len(flags.clusters) > 10
    ids = flags.parsed.column("complaint_id")
    by_id = {r["Complaint ID"]: r for r in rows}
    for cluster in flags.clusters:
        members = [by_id[str(ids[i])] for i in cluster.members]
        assert len({(m["Product"], m["Issue"].casefold()) for m in members}) == 1
        assert len({f"{m['Company']} {m['ZIP']}".strip().casefold() for m in members}) == cluster.customers >= 3
    assert counts["cluster"] == sum(len(c.members) for c in flags.clusters) < len(rows)
    assert counts["under-graded"] >= counts["cluster"]  # all recorded General; a cluster calls for hot
