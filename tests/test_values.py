from __future__ import annotations

from datetime import date, datetime

import pytest

from addin.core.schema import DEFAULT_CATEGORIES, normalize
from addin.core.values import Bad, Vocabulary, clean_text, parse_date, parse_whole, parse_yes_no


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (datetime(2026, 11, 22, 14, 30), datetime(2026, 11, 22, 14, 30)),
        (date(2026, 11, 22), datetime(2026, 11, 22)),
        ("2026-11-22", datetime(2026, 11, 22)),
        ("2026/11/22 14:30", datetime(2026, 11, 22, 14, 30)),
        ("2026-11-22T14:30:15", datetime(2026, 11, 22, 14, 30, 15)),
        ("2026.11.22", datetime(2026, 11, 22)),
        ("2026年11月22日", datetime(2026, 11, 22)),
        ("2026年11月22日 14:30", datetime(2026, 11, 22, 14, 30)),
        ("2026年11月22日 14时30分", datetime(2026, 11, 22, 14, 30)),
        ("２０２６－１１－２２", datetime(2026, 11, 22)),  # full-width digits and dash
        ("22.11.2026", datetime(2026, 11, 22)),
        ("22.11.2026 08:05", datetime(2026, 11, 22, 8, 5)),
        ("13/04/2026", datetime(2026, 4, 13)),  # day > 12 settles the order
        ("04/13/2026", datetime(2026, 4, 13)),
        ("04/04/2026", datetime(2026, 4, 4)),  # both orders agree
        ("22 Nov 2026", datetime(2026, 11, 22)),
        ("Nov 22, 2026", datetime(2026, 11, 22)),
        ("22-Nov-2026", datetime(2026, 11, 22)),
        ("20261122", datetime(2026, 11, 22)),
        (20261122, datetime(2026, 11, 22)),
        (46348, datetime(2026, 11, 22)),  # Excel serial number
        (46348.5, datetime(2026, 11, 22, 12, 0)),
        ("46348", datetime(2026, 11, 22)),
        ("  2026-11-22  ", datetime(2026, 11, 22)),
    ],
)
def test_dates_accepted(raw: object, expected: datetime) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("03/04/2026", "ambiguous-date"),
        ("03-04-2026", "ambiguous-date"),
        ("3/4/26", "ambiguous-date"),
        ("2026-02-30", "invalid-date"),
        ("2026-13-01", "invalid-date"),
        ("31.02.2026", "invalid-date"),
        ("2026-11-22 25:00", "invalid-date"),
        ("13/13/2026", "invalid-date"),
        ("yesterday", "invalid-date"),
        ("N/A", "invalid-date"),
        ("22 Nov!2026", "invalid-date"),
        (-5, "invalid-date"),
        (True, "invalid-date"),
    ],
)
def test_dates_refused(raw: object, code: str) -> None:
    result = parse_date(raw)
    assert isinstance(result, Bad)
    assert result.code == code


def test_serial_in_1904_workbook() -> None:
    assert parse_date(44886, date1904=True) == datetime(2026, 11, 22)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("n", False),
        ("YES", True),
        ("no", False),
        (1, True),
        (0.0, False),
        ("1", True),
        ("✓", True),
        (True, True),
        ("Ｙ", True),
    ],
)
def test_yes_no(raw: object, expected: bool) -> None:
    assert parse_yes_no(raw) is expected


@pytest.mark.parametrize("raw", ["maybe", "可能", 2, "yn"])
def test_yes_no_refused(raw: object) -> None:
    assert isinstance(parse_yes_no(raw), Bad)


@pytest.mark.parametrize(
    ("raw", "expected"), [(3, 3), (3.0, 3), ("12", 12), ("７", 7), (8.5, None), ("two", None), (True, None), ("1.0", 1)]
)
def test_whole_numbers(raw: object, expected: int | None) -> None:
    assert parse_whole(raw) == expected


def test_vocabulary_matches_any_language_width_and_case() -> None:
    vocabulary = Vocabulary(DEFAULT_CATEGORIES)
    for raw in (
        "工程质量",
        "ENGINEERING QUALITY",
        "engineering  quality",
        "ｅｎｇｉｎｅｅｒｉｎｇ quality",
        " 工程 质量 ",
    ):
        label = vocabulary.match(raw)
        assert label is not None and label.key == "engineering_quality", raw
    assert vocabulary.match("quality") is None
    assert vocabulary.suggest("工程质", "zh") == "工程质量"
    assert vocabulary.suggest("Engineering qualty", "en") == "Engineering quality"
    assert vocabulary.suggest("zzzz", "en") is None


def test_normalize_headers() -> None:
    assert normalize("Complaint\nID") == normalize(" complaint_id ") == normalize("COMPLAINT　ID")
    assert normalize("投诉时间（年月日）") == normalize("投诉时间")
    assert clean_text(7.0) == "7" and clean_text(datetime(2026, 1, 2)) == "2026-01-02"
