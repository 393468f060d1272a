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
The rules live beside this module, which runs them on every complaint: `addin.core.flag_log`
(the log as of the as-of time), `addin.core.deadlines` (the deadline clock and the states),
`addin.core.repeats` (repeats and clusters) and `addin.core.severity` (the suggested severity).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from addin.core.calendar import Clock
from addin.core.collector import collector_paused
from addin.core.deadlines import OPEN_STATES, State, deadlines, standing
from addin.core.flag_log import FlagLog, Limits
from addin.core.flag_rules import FlagRules
from addin.core.repeats import Cluster, Repeat, find_clusters, find_repeats
from addin.core.schema import Label
from addin.core.settings import Settings
from addin.core.severity import SEVERITY_RANK, recorded_severity, suggest
from addin.core.validate import Parsed
from addin.core.values import clean_text

__all__ = ["OPEN_STATES", "Cluster", "State"]  # from the rule modules; the pages, summary and tests import them here

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
_NEVER = float("inf")


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
    log = FlagLog.of(parsed, as_of)
    limits = Limits.of(rules)
    now = clock.seconds(as_of)
    with collector_paused():
        repeats = find_repeats(log, rules.repeat_days)
        clusters, cluster_of = find_clusters(log, rules.cluster_days, rules.cluster_customers)
        assessments = [
            _assess(i, log, rules, limits, clock, now, repeats[i], cluster_of.get(i)) for i in range(len(parsed.rows))
        ]
    unknown = tuple(sorted(clock.unknown_years))
    categories = {label.key: label for label in settings.categories}
    return FlagReport(parsed, as_of, rules, clock.business, assessments, clusters, unknown, categories)


def _assess(  # the per-row hot path: its context comes as plain arguments
    i: int,
    log: FlagLog,
    rules: FlagRules,
    limits: Limits,
    clock: Clock,
    now: int,
    repeat: Repeat,
    cluster: Cluster | None,
) -> Assessment:
    received, row = log.received[i], log.rows[i]
    recorded = recorded_severity(log.severity[i])
    if received is None:
        return Assessment(i, row, State.UNKNOWN, recorded=recorded)
    suggested, reasons = suggest(i, log, rules, limits, repeat, cluster)
    severity = recorded or suggested
    start = clock.seconds(received)
    response_due, due = deadlines(i, start, severity, log, limits, clock)
    state, late, flags = standing(i, start, response_due, due, severity, log, limits, clock, now)
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
