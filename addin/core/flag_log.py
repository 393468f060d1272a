"""What the flag rules read: the log's columns as they stood at the as-of time, and the thresholds in seconds.

A receipt, response, resolution or pause end recorded after the as-of time has not happened
yet, so it is blanked out here once, and every rule (`addin.core.deadlines`,
`addin.core.repeats`, `addin.core.severity`) sees the same log.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from math import ceil
from typing import cast

from addin.core.calendar import DAY
from addin.core.flag_rules import FlagRules
from addin.core.schema import DONE_STATUSES
from addin.core.validate import Parsed
from addin.core.values import fold


@dataclass
class FlagLog:
    """The columns the rules read, with events after the as-of time blanked out."""

    rows: list[int]
    received: list[datetime | None]
    responded: list[datetime | None]
    resolved: list[datetime | None]
    paused: list[datetime | None]
    resumed: list[datetime | None]
    status: list[object]
    severity: list[object]
    category: list[object]
    customer: list[str | None]
    subject: list[str | None]  # folded for matching
    subject_text: list[object]
    complainants: list[int | None]
    legal: list[object]
    media: list[object]
    as_of: datetime
    resolved_later: frozenset[int] = frozenset()  # resolved after the as-of time: still open then
    has_response: bool = True  # the log has a first-response column (without one, no response deadline)

    @classmethod
    def of(cls, parsed: Parsed, as_of: datetime) -> FlagLog:
        def until(key: str) -> list[datetime | None]:
            return [None if t is None or t > as_of else t for t in _moments(parsed, key)]

        return cls(
            parsed.rows,
            until("received_at"),
            until("first_response_at"),
            until("resolved_at"),
            until("paused_at"),
            until("resumed_at"),
            parsed.column("status"),
            parsed.column("severity"),
            parsed.column("category"),
            _keys(parsed.column("customer_id"), fold),
            _keys(parsed.column("subject"), fold),
            parsed.column("subject"),
            cast(list[int | None], parsed.column("complainants")),  # a COUNT field parses to whole numbers
            parsed.column("legal"),
            parsed.column("media"),
            as_of,
            frozenset(i for i, t in enumerate(_moments(parsed, "resolved_at")) if t is not None and t > as_of),
            "first_response_at" in parsed.values,
        )

    def done(self, i: int) -> bool:
        if i in self.resolved_later:
            return False
        state = self.status[i]
        return state in DONE_STATUSES if state is not None else self.resolved[i] is not None

    def pause(self, i: int) -> tuple[datetime, datetime] | None:
        """The recorded pause, when both ends are recorded and in order after receipt."""
        since, until, start = self.paused[i], self.resumed[i], self.received[i]
        if since is None or until is None or start is None or not start <= since <= until:
            return None
        return since, until


def _moments(parsed: Parsed, key: str) -> list[datetime | None]:
    """A date column of the log: a DATE field parses to datetimes (`addin.core.values.parse_date`)."""
    return cast(list[datetime | None], parsed.column(key))


def _keys(values: list[object], fold: Callable[[object], str]) -> list[str | None]:
    """Each value folded for matching (each distinct value once); None where blank."""
    folded = {v: (fold(v) or None) for v in set(values) if v is not None}
    return [None if v is None else folded[v] for v in values]


@dataclass(frozen=True)
class Limits:
    """The rules' thresholds as whole seconds, computed once per run rather than once per row."""

    response: Mapping[str, int]
    resolution: Mapping[str, int]
    response_soon: Mapping[str, int]  # time used from which a pending response is due soon
    resolution_soon: Mapping[str, int]
    hot_after: int
    major_after: int

    @classmethod
    def of(cls, rules: FlagRules) -> Limits:
        response = {s: int(h * 3600) for s, h in rules.response_hours.items()}
        resolution = {s: int(d * DAY) for s, d in rules.resolution_days.items()}
        return cls(
            response,
            resolution,
            {s: ceil(rules.due_soon * t) for s, t in response.items()},
            {s: ceil(rules.due_soon * t) for s, t in resolution.items()},
            rules.hot_after_days * DAY,
            rules.major_after_days * DAY,
        )
