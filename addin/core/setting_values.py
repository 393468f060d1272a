"""How a setting's value is typed and checked: each parser returns the value or raises `ValueError(reason)`.

The reason is what the user reads (an `invalid-setting` problem at the Settings cell, or
exit 2 for the config file), so it says what to type instead. Used by the settings table
(`addin.core.settings_table`), the CLI's options and the mail layer; no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from fractions import Fraction

from addin.core.calendar import COUNTRIES
from addin.core.schema import LOG_FIELDS, SURVEY_BASE_FIELDS, Label
from addin.core.values import Bad, clean_text, is_blank, parse_date, parse_exact, parse_whole

LIST_SPLIT = re.compile(r"[;；、\n]+")
# Fields a score table can be grouped by besides region; quarter/month/year come from the survey date.
CUT_FIELDS = ("quarter", "month", "year", "product_type", "business_type", "customer_type")
LANGS = ("auto", "en", "zh")
SECURITY = ("starttls", "ssl", "none")
PASSWORD_VARIABLE = "COMPLAINTS_SMTP_PASSWORD"
KEYRING_SERVICE = "complaint-desk"
NO_PASSWORD = (
    f"a password is never read from a workbook or a file: set {PASSWORD_VARIABLE} "
    f"or store it in the system keyring (service '{KEYRING_SERVICE}')"
)
_ADDRESS_SPLIT = re.compile(r"[;,；，\s]+")
# Deliberately plain: one @, a dot in the domain, no spaces or brackets. The server has the last word.
_ADDRESS = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[^@\s<>(),;:\"\[\]]+$")
_KEY = re.compile(r"[a-z][a-z0-9_]*")
Parser = Callable[[object], object]


def as_list(value: object) -> list[str]:
    """A TOML array, or a cell's text separated by `;`, `；`, `、` or line breaks."""
    if isinstance(value, list | tuple):
        return [clean_text(v) for v in value if not is_blank(v)]
    return [part.strip() for part in LIST_SPLIT.split(clean_text(value)) if part.strip()]


def as_label(text: str, key: str | None = None) -> Label:
    """`English|中文|alias…` as a label (the key defaults to the English name)."""
    names = [n.strip() for n in text.split("|") if n.strip()]
    en, zh = names[0], names[1] if len(names) > 1 else names[0]
    return Label(key or en, en, zh, tuple(names[2:]))


def text(value: object) -> str:
    return clean_text(value)


def sheet_name(value: object) -> str | None:
    return clean_text(value) or None


def names(value: object) -> tuple[str, ...]:
    return tuple(as_list(value))


def labels(value: object) -> tuple[Label, ...]:
    found = tuple(as_label(t) for t in as_list(value))
    if not found:
        raise ValueError("the category list is empty")
    return found


# Fields a table may be declared not to have (`log.absent`, `survey.absent`): all but the ones
# nothing works without (the log's ID, receipt and status; the survey's ratings are `dimensions`).
ABSENT_LOG = tuple(f.key for f in LOG_FIELDS if f.key not in ("complaint_id", "received_at", "status"))
ABSENT_SURVEY = tuple(f.key for f in SURVEY_BASE_FIELDS)
# Texts that mean "nothing here" in any field (`cells.blank`), compared folded (`addin.core.values.fold`).
DEFAULT_BLANKS = ("null", "none", "n/a", "na", "-", "--", "无", "空", "暂无")


def _absent(allowed: tuple[str, ...]) -> Parser:
    def parse(value: object) -> tuple[str, ...]:
        given = tuple(dict.fromkeys(k.strip().casefold() for k in as_list(value)))
        unknown = [k for k in given if k not in allowed]
        if unknown:
            raise ValueError(f"'{unknown[0]}' cannot be declared absent; use any of {', '.join(allowed)}")
        return given

    return parse


log_absent, survey_absent = _absent(ABSENT_LOG), _absent(ABSENT_SURVEY)


def keys(value: object) -> tuple[str, ...]:
    found = tuple(as_list(value))
    if not found or not all(_KEY.fullmatch(k) for k in found):
        raise ValueError("dimension keys are lower-case words such as 'skill'")
    return found


def exact(value: object, reason: str) -> Fraction:
    """A number typed as `80`, `80.5` or `20%`, exactly; `ValueError(reason)` for anything else (NaN, inf)."""
    number = parse_exact(value)
    if number is None:
        raise ValueError(reason)
    return number


def target(value: object) -> Fraction:
    number = exact(value, "the target is a score from 0 to 100, such as 80")
    if not 0 <= number <= 100:
        raise ValueError("the target is a score from 0 to 100, such as 80")
    return number


def whole(low: int, reason: str = "") -> Parser:
    """A parser of whole numbers of at least `low` (`reason` replaces "a whole number of at least …")."""

    def parse(value: object) -> int:
        count = parse_whole(value)
        if count is None or count < low:
            raise ValueError(reason or f"a whole number of at least {low}")
        return count

    return parse


def positive(unit: str, example: str) -> Parser:
    """A parser of numbers greater than 0 (hours or days)."""

    def parse(value: object) -> Fraction:
        number = parse_exact(value)
        if number is None or number <= 0:
            raise ValueError(f"a number of {unit} greater than 0, such as {example}")
        return number

    return parse


def share(value: object) -> Fraction:
    """`75%`, `75` or `0.75` of the allowed time."""
    reason = "a share of the allowed time such as 75%"
    number = parse_exact(value)
    if number is None or number <= 0:
        raise ValueError(reason)
    number = number / 100 if clean_text(value).endswith("%") or number > 1 else number
    if not 0 < number <= 1:
        raise ValueError(reason)
    return number


def choice(options: Iterable[str]) -> Parser:
    """A parser of one word out of `options`, any case."""
    allowed = tuple(options)

    def parse(value: object) -> str:
        word = clean_text(value).casefold()
        if word not in allowed:
            raise ValueError(f"use {', '.join(allowed[:-1])} or {allowed[-1]}" if len(allowed) > 1 else allowed[0])
        return word

    return parse


def business(value: object) -> bool:
    return choice(("calendar", "business"))(value) == "business"


def country(value: object) -> str:
    wanted = clean_text(value).casefold()
    match = next((c for c in COUNTRIES if c.casefold() == wanted), None)
    if match is None:
        raise ValueError(f"use {' or '.join(COUNTRIES)}; add other holidays with clock.holidays")
    return match


def cut_fields(value: object) -> tuple[str, ...]:
    """Validated `score.by` / `--by` field names, in the order given, without repeats (region is always there)."""
    given = value if isinstance(value, list | tuple) else as_list(value)
    wanted = tuple(dict.fromkeys(str(n).strip().casefold() for n in given if str(n).strip()))
    unknown = [n for n in wanted if n not in CUT_FIELDS and n != "region"]
    if unknown:
        raise ValueError(f"cannot group by {', '.join(unknown)}; use {', '.join(CUT_FIELDS)}")
    return tuple(n for n in wanted if n != "region")


def dates(value: object) -> frozenset[date]:
    """Dates from a TOML array, a date cell, or text separated by `;`, `,`, `、` or line breaks."""
    if isinstance(value, list | tuple):
        items: list[object] = list(value)
    elif isinstance(value, date):
        items = [value]
    else:
        parts = clean_text(value).replace(",", ";").replace("，", ";").split(";")
        items = [p for chunk in parts for p in chunk.replace("、", "\n").splitlines()]
    days = []
    for item in items:
        if is_blank(item):
            continue
        if isinstance(item, int | float):  # a TOML number or a number cell: 5 is not 1900-01-05
            raise ValueError(f"{clean_text(item)} is a number, not a date such as 2026-10-01")
        if isinstance(item, date) and not isinstance(item, datetime):
            days.append(item)
            continue
        parsed = parse_date(item)
        if isinstance(parsed, Bad):
            raise ValueError(f"'{clean_text(item)}' is not a date such as 2026-10-01")
        days.append(parsed.date())
    return frozenset(days)


def dimension_name(value: object) -> Label:
    if not as_list(value):
        raise ValueError("a name is needed")
    return as_label(as_list(value)[0])


def scale(value: object) -> int:
    top = parse_whole(value)
    if top is None or not 2 <= top <= 100:
        raise ValueError("the scale is the highest rating, a whole number from 2 to 100 such as 10 or 5")
    return top


def weight(value: object) -> Fraction:
    number = exact(value, "a weight is a percentage such as 20 or 20%")
    if number < 0:
        raise ValueError("a weight cannot be negative")
    return number


def is_address(candidate: str) -> bool:
    return bool(_ADDRESS.match(candidate))


def split_addresses(cell: str) -> list[str]:
    """Addresses written in one cell or option, separated by `;`, `,` or spaces."""
    return [part for part in _ADDRESS_SPLIT.split(cell) if part]


def address(value: object) -> str:
    found = clean_text(value)
    if not is_address(found):
        raise ValueError(f"not an e-mail address: {found}")
    return found


def addresses(value: object) -> tuple[str, ...]:
    found = split_addresses(";".join(map(str, value)) if isinstance(value, list) else clean_text(value))
    bad = [a for a in found if not is_address(a)]
    if bad:
        raise ValueError(f"not an e-mail address: {', '.join(bad)}")
    return tuple(found)


def port(value: object) -> int:
    number = parse_whole(value)
    if number is None or not 0 < number < 65536:
        raise ValueError("a port number such as 587")
    return number


def security(value: object) -> str:
    word = clean_text(value).casefold()
    if word not in SECURITY:
        raise ValueError(f"use {', '.join(SECURITY)}")
    return word


def subject_text(template: str, *, name: str, region: str, date: str) -> str:
    """A subject template filled in; ValueError for a placeholder other than {name}, {region}, {date}."""
    try:
        return template.format_map({"name": name, "region": region, "date": date})
    except (KeyError, ValueError, IndexError, AttributeError):
        raise ValueError("use only {name}, {region} and {date} as placeholders") from None


def subject(value: object) -> str:
    template = clean_text(value)
    subject_text(template, name="", region="", date="")  # a bad placeholder is reported here, once
    return template


def refused(value: object) -> object:
    raise ValueError(NO_PASSWORD)
