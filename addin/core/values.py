"""Cell values as people type them: dates, yes/no, counts, ratings, enumeration labels.

Each parser returns a value or a `Bad` saying why not; nothing here raises for bad input.
Decisions: a day/month order is accepted only when the text settles it (a part above 12,
both parts equal, a dot-separated European date, a month name, or year first); `03/04/2026`
is reported as ambiguous instead of guessed. Two-digit years are ambiguous too.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from addin.core.schema import Label, normalize


@dataclass(frozen=True)
class CellError:
    """An Excel error value (`#N/A`, `#DIV/0!`) found in a cell."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Bad:
    """Why a value could not be parsed: a problem code and a short reason."""

    code: str
    reason: str = ""


EXCEL_EPOCH = datetime(1899, 12, 30)
EXCEL_EPOCH_1904 = datetime(1904, 1, 1)
MAX_SERIAL = 2958465  # 9999-12-31
FICTITIOUS_LEAP_DAY = 60  # Excel's 1900 date system counts a 1900-02-29 that never was (after Lotus 1-2-3)
MAX_NUMBER = 10**15  # the largest count, rating or setting taken exactly; larger is not a number anyone typed

_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
_TIME = r"(?:[ t]+(?P<H>\d{1,2})(?:[:时](?P<M>\d{1,2})(?:[:分](?P<S>\d{1,2}(?:\.\d+)?))?)?[秒分]?)?"
_YMD = re.compile(r"(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?" + _TIME + "$")
_COMPACT = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})" + _TIME + "$")
_DMY_DOT = re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})" + _TIME + "$")
_SLASHED = re.compile(r"(?P<a>\d{1,2})[/-](?P<b>\d{1,2})[/-](?P<y>\d{4})" + _TIME + "$")
_TWO_DIGIT_YEAR = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2}(\s|$)")
_NAMED = (
    re.compile(r"(?P<d>\d{1,2})[ -](?P<mon>[a-z]{3})[a-z]*\.?[ ,-]*(?P<y>\d{4})" + _TIME + "$"),
    re.compile(r"(?P<mon>[a-z]{3})[a-z]*\.?[ ]+(?P<d>\d{1,2}),?[ ]+(?P<y>\d{4})" + _TIME + "$"),
)


def clean_text(value: object) -> str:
    """A cell as display text: width-folded, trimmed; numbers without a spurious `.0`."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes") if value.time() != time.min else value.date().isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def fold(value: object) -> str:
    """How data values are compared: trimmed, width- and case-folded (`c001` = `Ｃ001 ` = `C001`).

    The one fold for IDs (duplicates, repeat customers) and grouping values (regions, owners,
    subjects, cut fields); names people type against our vocabulary (headers, labels, sheet
    names) are matched by `addin.core.schema.normalize`, which also drops spaces and punctuation.
    """
    text = value if isinstance(value, str) and value.isascii() else clean_text(value)
    return text.strip().casefold()


def spellings(*columns: Sequence[object]) -> dict[str, str]:
    """Folded value -> its most frequent spelling in the columns (the first seen on a tie); blanks left out."""
    counts = Counter(v for column in columns for v in column if v is not None and v != "")
    best: dict[str, tuple[int, object]] = {}
    for spelling, n in counts.items():  # a Counter keeps first-seen order
        key = fold(spelling)
        if key and (key not in best or n > best[key][0]):
            best[key] = (n, spelling)
    return {key: str(spelling) for key, (_, spelling) in best.items()}


def unify(column: Sequence[object], names: dict[str, str]) -> list[object]:
    """Each value replaced by the spelling that names its group (`spellings`); blanks become None."""
    named = {v: names.get(fold(v)) for v in set(column) if v is not None}
    return [None if v is None else named[v] for v in column]


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip(" \t\r\n\u3000"))


def _build(y: int, m: int, d: int, match: re.Match[str]) -> datetime | Bad:
    hour, minute, second = (match.group(k) for k in ("H", "M", "S"))
    try:
        day = datetime(y, m, d)
    except ValueError:
        return Bad("invalid-date", f"{y:04d}-{m:02d}-{d:02d} does not exist")
    if hour is None:
        return day
    try:
        clock = time(int(hour), int(minute or 0), int(float(second or 0)))
    except ValueError:
        return Bad("invalid-date", f"{hour}:{minute or '00'} is not a time of day")
    return datetime.combine(day.date(), clock)


def _from_serial(serial: float, date1904: bool) -> datetime | Bad:
    """Excel's serial day numbers, as Excel counts them: in the 1900 system 1 is 1900-01-01 and 60 is
    the 1900-02-29 that does not exist (a problem, not a date); in the 1904 system 0 is 1904-01-01."""
    if 19000101 <= serial <= 21001231 and float(serial).is_integer():  # 20261122 typed as a number
        text = str(int(serial))
        return parse_date(f"{text[:4]}-{text[4:6]}-{text[6:]}")
    if not (0 if date1904 else 1) <= serial <= MAX_SERIAL:
        return Bad("invalid-date", "number out of the Excel date range")
    if not date1904 and int(serial) == FICTITIOUS_LEAP_DAY:
        return Bad("invalid-date", "Excel's day 60 is 1900-02-29, which does not exist")
    epoch = EXCEL_EPOCH_1904 if date1904 else EXCEL_EPOCH
    if not date1904 and serial < FICTITIOUS_LEAP_DAY:
        epoch += timedelta(days=1)  # before the fictitious day, Excel's count is one ahead of the calendar
    moment = epoch + timedelta(days=serial)
    return (
        moment.replace(microsecond=0)
        if moment.microsecond < 500_000
        else (moment.replace(microsecond=0) + timedelta(seconds=1))
    )


def parse_date(value: object, date1904: bool = False) -> datetime | Bad:
    """A datetime from an Excel date, a serial number or text; date-only values at 00:00."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, bool):
        return Bad("invalid-date", "not a date")
    if isinstance(value, int | float):
        return _from_serial(float(value), date1904)
    text = unicodedata.normalize("NFKC", str(value)).strip().casefold()
    text = re.sub(r"\s+", " ", text)
    for pattern in (_YMD, _COMPACT, _DMY_DOT):
        if match := pattern.match(text):
            return _build(int(match["y"]), int(match["m"]), int(match["d"]), match)
    if match := _SLASHED.match(text):
        a, b = int(match["a"]), int(match["b"])
        if a != b and a <= 12 and b <= 12:
            return Bad("ambiguous-date")
        day, month = (a, b) if a > 12 else (b, a) if b > 12 else (a, b)
        return _build(int(match["y"]), month, day, match)
    for pattern in _NAMED:
        if (match := pattern.match(text)) and match["mon"] in _MONTHS:
            return _build(int(match["y"]), _MONTHS[match["mon"]], int(match["d"]), match)
    if _TWO_DIGIT_YEAR.match(text):
        return Bad("ambiguous-date")
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return _from_serial(float(text), date1904)
    return Bad("invalid-date", "not a recognised date")


YES = frozenset({"是", "y", "yes", "1", "✓", "✔", "true", "有", "√"})
NO = frozenset({"否", "n", "no", "0", "false", "无", "✗", "×"})


def parse_yes_no(value: object) -> bool | Bad:
    """是/否, Y/N, yes/no, 1/0, ✓ (and TRUE/FALSE); blank is handled by the caller."""
    if isinstance(value, bool):
        return value
    text = normalize(clean_text(value))
    if text in YES:
        return True
    if text in NO:
        return False
    return Bad("invalid-yes-no")


def parse_whole(value: object) -> int | None:
    """A whole number from a number or digit text, at most `MAX_NUMBER` either way; None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        value = int(value) if value.is_integer() and abs(value) <= MAX_NUMBER else None  # NaN and inf are not
    elif not isinstance(value, int):
        match = re.fullmatch(r"([+-]?\d{1,16})(\.0+)?", clean_text(value))
        value = int(match.group(1)) if match else None
    return value if value is not None and abs(value) <= MAX_NUMBER else None


def parse_exact(value: object) -> Fraction | None:
    """A number typed as `80`, `80.5` or `20%` (the % sign ignored), exactly; None for anything else (NaN, inf).

    Only bounded numbers are taken (at most `MAX_NUMBER`, at most 15 decimals): `1e999999` would
    otherwise become an integer of a million digits, and every sum with it would take minutes.
    """
    try:
        number = Decimal(clean_text(value).rstrip("%"))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite():
        return None
    if number.is_zero():
        return Fraction(0)
    if not -15 <= number.adjusted() <= 15 or number.as_tuple().exponent < -15:  # type: ignore[operator]
        return None
    return Fraction(number)


class Vocabulary:
    """Match enumeration labels by any English/Chinese name, width- and case-insensitive."""

    def __init__(self, labels: tuple[Label, ...]):
        self.labels = labels
        self._index: dict[str, Label] = {}
        self._suggested: dict[str, Label | None] = {}
        for label in labels:
            for name in label.all_names:
                self._index.setdefault(normalize(name), label)

    def match(self, value: object) -> Label | None:
        return self._index.get(normalize(clean_text(value)))

    def suggest(self, value: object, lang: str) -> str | None:
        """The closest known label, in the workbook's language, or None if nothing is close.

        Once per distinct value: 70k cells of one unknown category cost one `difflib` search, not 70k.
        """
        key = normalize(clean_text(value))
        if key not in self._suggested:
            close = difflib.get_close_matches(key, list(self._index), n=1, cutoff=0.6)
            self._suggested[key] = self._index[close[0]] if close else None
        found = self._suggested[key]
        return found.text(lang) if found else None
