"""The thresholds of the deadline, repeat, cluster and escalation rules, as one typed object.

Every default and every key is declared once, in `addin.core.settings_table` (`deadline.*`,
`clock.*`, `repeat.*`, `cluster.*`, `severity.*`); this module only gathers the parsed values.
Defaults follow DOMAIN.md §2 (from the training decks: on site within 2 hours for urgent
complaints, a reply within a day otherwise, escalation after a week and after a month).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from types import MappingProxyType
from typing import cast

from addin.core.schema import SEVERITIES
from addin.core.settings_table import SETTINGS, default_of

_SEVERITY_KEYS = tuple(s.key for s in SEVERITIES)


def _per_severity(kind: str, values: Mapping[str, object] | None = None) -> Mapping[str, Fraction]:
    keys = {s: f"deadline.{kind}.{s}" for s in _SEVERITY_KEYS}
    given = values or {}
    return MappingProxyType({s: cast(Fraction, given.get(k, default_of(k))) for s, k in keys.items()})


@dataclass(frozen=True)
class FlagRules:
    response_hours: Mapping[str, Fraction] = field(default_factory=lambda: _per_severity("response_hours"))
    resolution_days: Mapping[str, Fraction] = field(default_factory=lambda: _per_severity("resolution_days"))
    due_soon: Fraction = cast(Fraction, default_of("deadline.due_soon"))
    business: bool = cast(bool, default_of("clock.mode"))
    country: str = cast(str, default_of("clock.country"))
    holidays: frozenset[date] = cast("frozenset[date]", default_of("clock.holidays"))
    workdays: frozenset[date] = cast("frozenset[date]", default_of("clock.workdays"))
    repeat_days: int = cast(int, default_of("repeat.window_days"))
    cluster_days: int = cast(int, default_of("cluster.window_days"))
    cluster_customers: int = cast(int, default_of("cluster.min_customers"))
    hot_complainants: int = cast(int, default_of("severity.hot_complainants"))
    major_complainants: int = cast(int, default_of("severity.major_complainants"))
    hot_after_days: int = cast(int, default_of("severity.hot_after_days"))
    major_after_days: int = cast(int, default_of("severity.major_after_days"))


# FlagRules attribute -> settings key, for the rules that are one value (the table says where each lands).
FIELDS = {
    s.lands.removeprefix("FlagRules."): s.key
    for s in SETTINGS
    if s.lands.startswith("FlagRules.") and "[" not in s.lands
}


def flag_rules(values: Mapping[str, object]) -> FlagRules:
    """The rules from parsed settings (key -> value); the declared default where a key is absent."""
    given = {name: values[key] for name, key in FIELDS.items() if key in values}
    return FlagRules(
        response_hours=_per_severity("response_hours", values),
        resolution_days=_per_severity("resolution_days", values),
        **given,  # type: ignore[arg-type]
    )
