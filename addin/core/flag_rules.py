"""The thresholds of the deadline, repeat, cluster and escalation rules, with their Settings keys.

Defaults follow DOMAIN.md §2 (from the training decks: on site within 2 hours for urgent
complaints, a reply within a day otherwise, escalation after a week and after a month).

| key | meaning (default) |
|---|---|
| `deadline.response_hours.<severity>` | hours to the first response (general 24, important 24, hot 2, major 2) |
| `deadline.resolution_days.<severity>` | days to resolution (7 for every severity) |
| `deadline.due_soon` | share of the allowed time after which an open complaint is due soon (75%) |
| `clock.mode` | `calendar` or `business` (business days skip weekends and holidays) |
| `clock.country` | whose official holidays: `CN` (with adjusted working days) or `none` |
| `clock.holidays`, `clock.workdays` | extra days off / extra working days (lists of dates) |
| `repeat.window_days` | same customer and category within this many days is a repeat (30) |
| `cluster.window_days` | a cluster's members fall within this many days (30) |
| `cluster.min_customers` | different customers with the same category and subject that make a cluster (3) |
| `severity.hot_complainants` | complainants in one complaint that make it hot (3); `..major_complainants` major (10) |
| `severity.hot_after_days` | unresolved this many days after receipt: hot (7); `..major_after_days` major (30) |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction
from types import MappingProxyType

from addin.core.calendar import COUNTRIES
from addin.core.schema import SEVERITIES
from addin.core.values import Bad, clean_text, is_blank, parse_date, parse_exact, parse_whole

PREFIXES = ("deadline", "clock", "repeat", "cluster", "severity")
_SEVERITY_KEYS = tuple(s.key for s in SEVERITIES)
_RESPONSE_HOURS = {"general": Fraction(24), "important": Fraction(24), "hot": Fraction(2), "major": Fraction(2)}
_RESOLUTION_DAYS = dict.fromkeys(_SEVERITY_KEYS, Fraction(7))
_COUNTS = {  # key -> (default, smallest allowed)
    "repeat.window_days": (30, 0),
    "cluster.window_days": (30, 0),
    "cluster.min_customers": (3, 2),
    "severity.hot_complainants": (3, 2),
    "severity.major_complainants": (10, 2),
    "severity.hot_after_days": (7, 1),
    "severity.major_after_days": (30, 1),
}


@dataclass(frozen=True)
class FlagRules:
    response_hours: Mapping[str, Fraction] = field(default_factory=lambda: MappingProxyType(_RESPONSE_HOURS))
    resolution_days: Mapping[str, Fraction] = field(default_factory=lambda: MappingProxyType(_RESOLUTION_DAYS))
    due_soon: Fraction = Fraction(3, 4)
    business: bool = False
    country: str = "CN"
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    repeat_days: int = 30
    cluster_days: int = 30
    cluster_customers: int = 3
    hot_complainants: int = 3
    major_complainants: int = 10
    hot_after_days: int = 7
    major_after_days: int = 30


def flag_value(key: str, value: object) -> object:
    """The parsed value of one flag setting; `ValueError` for a bad value, `LookupError` for an unknown key."""
    parts = key.split(".")
    if parts[0] == "deadline" and len(parts) == 3 and parts[1] in ("response_hours", "resolution_days"):
        if parts[2] not in _SEVERITY_KEYS:
            raise ValueError(f"known severities: {', '.join(_SEVERITY_KEYS)}")
        unit = "hours" if parts[1] == "response_hours" else "days"
        return _positive(value, f"a number of {unit} greater than 0, such as {'24' if unit == 'hours' else '7'}")
    if key == "deadline.due_soon":
        share = _positive(value, "a share of the allowed time such as 75%")
        share = share / 100 if clean_text(value).endswith("%") or share > 1 else share
        if not 0 < share <= 1:
            raise ValueError("a share of the allowed time such as 75%")
        return share
    if key == "clock.mode":
        mode = clean_text(value).casefold()
        if mode not in ("calendar", "business"):
            raise ValueError("use calendar or business")
        return mode == "business"
    if key == "clock.country":
        country = clean_text(value)
        match = next((c for c in COUNTRIES if c.casefold() == country.casefold()), None)
        if match is None:
            raise ValueError(f"use {' or '.join(COUNTRIES)}; add other holidays with clock.holidays")
        return match
    if key in ("clock.holidays", "clock.workdays"):
        return frozenset(_dates(value))
    if key in _COUNTS:
        count, low = parse_whole(value), _COUNTS[key][1]
        if count is None or count < low:
            raise ValueError(f"a whole number of at least {low}")
        return count
    raise LookupError(key)


def flag_rules(values: Mapping[str, object]) -> FlagRules:
    """The rules from parsed settings (`key -> flag_value(...)`), defaults where a key is absent."""

    def per_severity(kind: str, defaults: Mapping[str, Fraction]) -> Mapping[str, Fraction]:
        return MappingProxyType({s: values.get(f"deadline.{kind}.{s}", d) for s, d in defaults.items()})  # type: ignore[misc]

    counts = {key: values.get(key, default) for key, (default, _) in _COUNTS.items()}
    return FlagRules(
        response_hours=per_severity("response_hours", _RESPONSE_HOURS),
        resolution_days=per_severity("resolution_days", _RESOLUTION_DAYS),
        due_soon=values.get("deadline.due_soon", Fraction(3, 4)),  # type: ignore[arg-type]
        business=values.get("clock.mode", False),  # type: ignore[arg-type]
        country=values.get("clock.country", "CN"),  # type: ignore[arg-type]
        holidays=values.get("clock.holidays", frozenset()),  # type: ignore[arg-type]
        workdays=values.get("clock.workdays", frozenset()),  # type: ignore[arg-type]
        repeat_days=counts["repeat.window_days"],  # type: ignore[arg-type]
        cluster_days=counts["cluster.window_days"],  # type: ignore[arg-type]
        cluster_customers=counts["cluster.min_customers"],  # type: ignore[arg-type]
        hot_complainants=counts["severity.hot_complainants"],  # type: ignore[arg-type]
        major_complainants=counts["severity.major_complainants"],  # type: ignore[arg-type]
        hot_after_days=counts["severity.hot_after_days"],  # type: ignore[arg-type]
        major_after_days=counts["severity.major_after_days"],  # type: ignore[arg-type]
    )


def _positive(value: object, reason: str) -> Fraction:
    number = parse_exact(value)
    if number is None or number <= 0:
        raise ValueError(reason)
    return number


def _dates(value: object) -> list[date]:
    """Dates from a TOML array, a date cell, or text separated by `;`, `,`, `、` or line breaks."""
    if isinstance(value, list | tuple):
        items: list[object] = list(value)
    elif isinstance(value, date):
        items = [value]
    else:
        items = [part for part in clean_text(value).replace(",", ";").replace("，", ";").split(";")]
        items = [p for chunk in items for p in str(chunk).replace("、", "\n").splitlines()]
    days = []
    for item in items:
        if is_blank(item):
            continue
        if isinstance(item, date) and not isinstance(item, datetime):
            days.append(item)
            continue
        parsed = parse_date(item)
        if isinstance(parsed, Bad):
            raise ValueError(f"'{clean_text(item)}' is not a date such as 2026-10-01")
        days.append(parsed.date())
    return days
