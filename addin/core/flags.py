"""Deadlines, overdue and due-soon states, repeats, clusters and the suggested severity, per complaint.

Pure: the parsed log (`addin.core.validate.Parsed`), the settings' `FlagRules` and an as-of time
in, plain records out. Decisions (README "Flags" has the full list):
* The log is read as it stood at the as-of time: a receipt, response, resolution or pause
  end recorded after it has not happened yet. The same as-of gives the same answer.
* Windows (repeat, cluster) count calendar days between the dates of receipt, both ends
  included: a complaint exactly 30 days after the first is in the window, 31 days is not.
* Deadlines use the recorded severity (the suggested one when none is recorded); the
  suggested severity is reported beside it rather than silently moving the deadline.
* "Unresolved N days after receipt" counts calendar days, less a recorded pause (the decks
  escalate what stays unresolved "for our reasons"; waiting on the customer is not ours).
Repeats and clusters are found by sorting and sliding windows: O(n log n), never pairwise.
"""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from itertools import groupby
from math import ceil
from operator import itemgetter

from addin.core.calendar import DAY, Clock
from addin.core.flag_rules import FlagRules
from addin.core.schema import DONE_STATUSES, SEVERITIES, Label
from addin.core.settings import Settings
from addin.core.validate import Parsed
from addin.core.values import clean_text, fold

# Flag names, most urgent first (the JSON contract).
FLAG_NAMES = (
    "overdue",
    "no-first-response",
    "due-soon",
    "resolved-late",
    "under-graded",
    "cluster",
    "secondary",
    "repeat",
)
# The log fields the rules read; an invalid cell in one of them is left out, not guessed.
FLAG_FIELDS = frozenset(
    {
        "complaint_id", "received_at", "customer_id", "category", "subject", "severity", "status", "first_response_at",
        "resolved_at", "paused_at", "resumed_at", "complainants", "legal", "media",
    }
)  # fmt: skip
SEVERITY_RANK = {s.key: rank for rank, s in enumerate(SEVERITIES)}  # general 0 … major 3
REPEATS_LISTED = 10  # earlier complaints named per repeat (the count is always complete)
_NEVER = float("inf")


class State(StrEnum):
    OVERDUE = "overdue"
    NO_RESPONSE = "no-first-response"
    DUE_SOON = "due-soon"
    ON_TIME = "on-time"
    RESOLVED_LATE = "resolved-late"
    RESOLVED_ON_TIME = "resolved-on-time"
    RESOLVED = "resolved"  # resolved or closed, but without a resolved time to judge it by
    UNKNOWN = "unknown"  # no valid receipt time at or before the as-of time: nothing to measure


OPEN_STATES = frozenset({State.OVERDUE, State.NO_RESPONSE, State.DUE_SOON, State.ON_TIME})


@dataclass(frozen=True)
class Cluster:
    """The same complaint (category + subject) from several customers within the window."""

    id: str
    category: str  # key
    subject: str  # as the first member wrote it
    members: tuple[int, ...]  # row indexes, in order of receipt
    customers: int
    first: datetime
    last: datetime


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the rules say about one complaint (`index` into the parsed log, `row` as Excel shows it)."""

    index: int
    row: int
    state: State
    flags: tuple[str, ...] = ()
    response_due: datetime | None = None
    resolution_due: datetime | None = None
    late_seconds: int | None = None  # past the resolution deadline, on the run's clock
    age_seconds: int | None = None  # calendar time from receipt to the as-of time
    repeat_of: tuple[int, ...] = ()  # earlier complaints in the window (the latest REPEATS_LISTED)
    repeat_count: int = 1  # complaints of this customer and category in the window, this one included
    cluster: Cluster | None = None
    recorded: str | None = None
    suggested: str = "general"
    rules: tuple[str, ...] = ()  # the rules that call for the suggested severity

    @property
    def urgency(self) -> tuple[int, int, float, int]:
        """Sort key, most urgent first: overdue, no first response, due soon, other open, closed;
        then the higher of recorded and suggested severity; then the longest overdue / the
        nearest deadline; then the row."""
        tier = {State.OVERDUE: 0, State.NO_RESPONSE: 1, State.DUE_SOON: 2}.get(
            self.state, 3 if self.state in OPEN_STATES else 4
        )
        rank = max(SEVERITY_RANK.get(self.recorded or "", 0), SEVERITY_RANK[self.suggested])
        if tier == 0:
            when = -float(self.late_seconds or 0)
        else:
            when = (self.resolution_due - datetime.min).total_seconds() if self.resolution_due else _NEVER
        return tier, -rank, when, self.row


@dataclass
class FlagReport:
    """Every complaint's assessment, the clusters, and what the clock could not know."""

    parsed: Parsed
    as_of: datetime
    rules: FlagRules
    business: bool
    assessments: list[Assessment]
    clusters: list[Cluster] = field(default_factory=list)
    unknown_years: tuple[int, ...] = ()  # business mode: years outside the official calendar
    categories: Mapping[str, Label] = field(default_factory=dict)  # key -> label, for display

    def category_text(self, key: object, lang: str) -> str:
        label = self.categories.get(key) if isinstance(key, str) else None
        return label.text(lang) if label else clean_text(key)

    def flagged(self) -> list[Assessment]:
        """The complaints with at least one flag, most urgent first."""
        return sorted((a for a in self.assessments if a.flags), key=lambda a: a.urgency)

    def counts(self) -> dict[str, int]:
        """Complaints per flag name (a complaint may count under several)."""
        counts = dict.fromkeys(FLAG_NAMES, 0)
        for a in self.assessments:
            for name in a.flags:
                counts[name] += 1
        return counts


def assess(parsed: Parsed, settings: Settings, *, as_of: datetime, business: bool | None = None) -> FlagReport:
    """Apply the deadline, repeat, cluster and severity rules to every complaint of the log.

    `business` overrides the Settings' `clock.mode` (the CLI's `--business-days`).
    """
    rules = settings.flags
    clock = Clock(rules.business if business is None else business, rules.country, rules.holidays, rules.workdays)
    log = _Log.of(parsed, as_of)
    limits = _Limits.of(rules)
    now = clock.seconds(as_of)
    with _collector_paused():
        repeats = _repeats(log, rules.repeat_days)
        clusters, cluster_of = _clusters(log, rules.cluster_days, rules.cluster_customers)
        assessments = [
            _assess(i, log, rules, limits, clock, now, repeats[i], cluster_of.get(i)) for i in range(len(parsed.rows))
        ]
    unknown = tuple(sorted(clock.unknown_years))
    categories = {label.key: label for label in settings.categories}
    return FlagReport(parsed, as_of, rules, clock.business, assessments, clusters, unknown, categories)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Hundreds of thousands of small acyclic records: the cyclic collector would only rescan them (~25% at 1M)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@dataclass
class _Log:
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
    complainants: list[object]
    legal: list[object]
    media: list[object]
    as_of: datetime
    resolved_later: frozenset[int] = frozenset()  # resolved after the as-of time: still open then

    @classmethod
    def of(cls, parsed: Parsed, as_of: datetime) -> _Log:
        def until(key: str) -> list[datetime | None]:
            return [None if t is None or t > as_of else t for t in parsed.column(key)]  # type: ignore[operator]

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
            parsed.column("complainants"),
            parsed.column("legal"),
            parsed.column("media"),
            as_of,
            frozenset(i for i, t in enumerate(parsed.column("resolved_at")) if t is not None and t > as_of),  # type: ignore[operator]
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


def _keys(values: list[object], fold: Callable[[object], str]) -> list[str | None]:
    """Each value folded for matching (each distinct value once); None where blank."""
    folded = {v: (fold(v) or None) for v in set(values) if v is not None}
    return [None if v is None else folded[v] for v in values]


@dataclass(frozen=True)
class _Repeat:
    earlier: tuple[int, ...] = ()
    count: int = 1
    secondary: bool = False


_FIRST = _Repeat()


def _repeats(log: _Log, window: int) -> list[_Repeat]:
    """Per complaint: the same customer's earlier complaints in the same category within `window` days.

    Sorted by (customer, category, receipt); a window's left edge only moves forward, and a
    monotonic deque keeps the earliest resolution time inside it, so "was any of them already
    resolved when this one came in" (a secondary complaint) costs O(1) per complaint.
    """
    result = [_FIRST] * len(log.rows)
    keyed = sorted(
        (
            (customer, category, received, i)
            for i, (customer, category, received) in enumerate(
                zip(log.customer, log.category, log.received, strict=True)
            )
            if customer is not None and category is not None and received is not None
        ),
        key=itemgetter(0, 1, 2, 3),
    )
    resolved_at = [t if t is not None and log.done(i) else None for i, t in enumerate(log.resolved)]
    for _, group in groupby(keyed, key=itemgetter(0, 1)):
        _window(list(group), window, resolved_at, result)
    return result


def _window(
    group: list[tuple[object, object, datetime, int]],
    window: int,
    resolved_at: list[datetime | None],
    result: list[_Repeat],
) -> None:
    """One customer's complaints in one category, in order of receipt: each one's window of earlier ones."""
    days = [received.toordinal() for _, _, received, _ in group]
    indexes = [i for *_, i in group]
    lowest: deque[int] = deque()  # positions in the window, resolution times increasing
    lo = 0
    for p in range(1, len(group)):
        q = p - 1  # the previous complaint joins the window
        done = resolved_at[indexes[q]]
        if done is not None:
            while lowest and resolved_at[indexes[lowest[-1]]] >= done:
                lowest.pop()
            lowest.append(q)
        while days[p] - days[lo] > window:
            lo += 1
        while lowest and lowest[0] < lo:
            lowest.popleft()
        if lo == p:
            continue
        received = group[p][2]
        secondary = bool(lowest) and resolved_at[indexes[lowest[0]]] <= received  # type: ignore[operator]
        earlier = tuple(indexes[max(lo, p - REPEATS_LISTED) : p])
        result[indexes[p]] = _Repeat(earlier, p - lo + 1, secondary)


def _clusters(log: _Log, window: int, least: int) -> tuple[list[Cluster], dict[int, Cluster]]:
    """Runs of the same category + subject in which some `window`-day span holds `least` customers.

    Two pointers per (category, subject) with a count per customer in the window: when the
    window ending at a complaint holds enough different customers, all its complaints are
    members; windows that share a complaint make one cluster.
    """
    keyed = sorted(
        (category, subject, received, i)
        for i, (category, subject, received, customer) in enumerate(
            zip(log.category, log.subject, log.received, log.customer, strict=True)
        )
        if category is not None and subject is not None and received is not None and customer is not None
    )
    runs: list[list[int]] = []  # member indexes of each cluster, in order of receipt
    for _, group in groupby(keyed, key=itemgetter(0, 1)):
        runs += _runs([i for *_, i in group], log, window, least)
    clusters = []
    for members in sorted(runs, key=lambda m: (log.received[m[0]], log.rows[m[0]])):
        first = members[0]
        clusters.append(
            Cluster(
                f"C{len(clusters) + 1}",
                str(log.category[first]),
                clean_text(log.subject_text[first]),
                tuple(members),
                len({log.customer[i] for i in members}),
                log.received[first],  # type: ignore[arg-type]
                log.received[members[-1]],  # type: ignore[arg-type]
            )
        )
    return clusters, {i: c for c in clusters for i in c.members}


def _runs(indexes: list[int], log: _Log, window: int, least: int) -> list[list[int]]:
    days = [log.received[i].toordinal() for i in indexes]  # type: ignore[union-attr]
    inside: dict[str | None, int] = {}
    runs: list[list[int]] = []
    lo, marked = 0, -1  # `marked`: the last position already in a cluster
    for p, i in enumerate(indexes):
        customer = log.customer[i]
        inside[customer] = inside.get(customer, 0) + 1
        while days[p] - days[lo] > window:
            gone = log.customer[indexes[lo]]
            inside[gone] -= 1
            if not inside[gone]:
                del inside[gone]
            lo += 1
        if len(inside) < least:
            continue
        if lo > marked:
            runs.append([])
        runs[-1] += indexes[max(lo, marked + 1) : p + 1]
        marked = p
    return runs


@dataclass(frozen=True)
class _Limits:
    """The rules' thresholds as whole seconds, computed once per run rather than once per row."""

    response: Mapping[str, int]
    resolution: Mapping[str, int]
    response_soon: Mapping[str, int]  # time used from which a pending response is due soon
    resolution_soon: Mapping[str, int]
    hot_after: int
    major_after: int

    @classmethod
    def of(cls, rules: FlagRules) -> _Limits:
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


def _suggest(
    i: int, log: _Log, rules: FlagRules, limits: _Limits, repeat: _Repeat, cluster: Cluster | None
) -> tuple[str, tuple[str, ...]]:
    """The highest severity the facts call for, and the rules at that level that call for it.

    "Unresolved N days after receipt": calendar time, less a recorded pause; an open
    complaint qualifies from the mark on, a resolved one only if resolved after it.
    """
    people = log.complainants[i] or 1
    open_for = _open_for(i, log)
    done = log.done(i)

    def unresolved(limit: int) -> bool:
        return open_for is not None and (open_for > limit if done else open_for >= limit)

    major = (
        ("legal",) * (log.legal[i] is True)
        + ("media",) * (log.media[i] is True)
        + ("complainants-major",) * (people >= rules.major_complainants)  # type: ignore[operator]
        + ("unresolved-major",) * unresolved(limits.major_after)
    )
    if major:
        return "major", major
    hot = (
        ("complainants-hot",) * (people >= rules.hot_complainants)  # type: ignore[operator]
        + ("cluster",) * (cluster is not None)
        + ("unresolved-hot",) * unresolved(limits.hot_after)
    )
    if hot:
        return "hot", hot
    important = ("secondary",) * repeat.secondary + ("reopened",) * (log.status[i] == "reopened")
    return ("important", important) if important else ("general", ())


def _open_for(i: int, log: _Log) -> float | None:
    """Seconds from receipt to resolution (or the as-of time), less a recorded pause; None when unknowable."""
    start = log.received[i]
    end = log.resolved[i] if log.done(i) else log.as_of
    if start is None or end is None:
        return None
    open_for = (end - start).total_seconds()
    if (pause := log.pause(i)) is not None:
        since, until = pause
        open_for -= max(0.0, (min(until, end) - since).total_seconds())
    return open_for


def _assess(  # the per-row hot path: its context comes as plain arguments
    i: int,
    log: _Log,
    rules: FlagRules,
    limits: _Limits,
    clock: Clock,
    now: int,
    repeat: _Repeat,
    cluster: Cluster | None,
) -> Assessment:
    received, row = log.received[i], log.rows[i]
    recorded = _severity(log.severity[i])
    if received is None:
        return Assessment(i, row, State.UNKNOWN, recorded=recorded)
    suggested, reasons = _suggest(i, log, rules, limits, repeat, cluster)
    severity = recorded or suggested
    start = clock.seconds(received)
    response_due, due = start + limits.response[severity], start + limits.resolution[severity]
    if (pause := log.pause(i)) is not None and clock.seconds(pause[0]) < due:
        due += clock.seconds(pause[1]) - clock.seconds(pause[0])
    flags: list[str] = []
    late: int | None = None
    if log.done(i):
        resolved = log.resolved[i]
        if resolved is None:
            state = State.RESOLVED
        elif (finished := clock.seconds(resolved)) > due:
            state, late = State.RESOLVED_LATE, finished - due
            flags.append("resolved-late")
        else:
            state = State.RESOLVED_ON_TIME
    else:
        responded = log.responded[i] is not None
        overdue = now > due
        silent = not responded and now > response_due
        soon = not overdue and (
            now - (due - limits.resolution[severity]) >= limits.resolution_soon[severity]
            or (not responded and not silent and now - start >= limits.response_soon[severity])
        )
        if overdue:
            flags.append("overdue")
            state, late = State.OVERDUE, now - due
        else:
            state = State.NO_RESPONSE if silent else State.DUE_SOON if soon else State.ON_TIME
        if silent:
            flags.append("no-first-response")
        if soon:
            flags.append("due-soon")
    if recorded is not None and SEVERITY_RANK[recorded] < SEVERITY_RANK[suggested]:
        flags.append("under-graded")
    if cluster is not None:
        flags.append("cluster")
    if repeat.secondary:
        flags.append("secondary")
    if repeat.count > 1:
        flags.append("repeat")
    return Assessment(
        i,
        row,
        state,
        tuple(flags),
        clock.moment(response_due),
        clock.moment(due),
        late,
        int((log.as_of - received).total_seconds()),
        repeat.earlier,
        repeat.count,
        cluster,
        recorded,
        suggested,
        reasons,
    )


def _severity(value: object) -> str | None:
    return value if isinstance(value, str) and value in SEVERITY_RANK else None
