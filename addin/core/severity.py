"""The severity the facts call for (the suggested one), beside the one the log records.

"Unresolved N days after receipt" counts calendar days, less a recorded pause (the decks
escalate what stays unresolved "for our reasons"; waiting on the customer is not ours).
"""

from __future__ import annotations

from addin.core.flag_log import FlagLog, Limits
from addin.core.flag_rules import FlagRules
from addin.core.repeats import Cluster, Repeat
from addin.core.schema import SEVERITIES

SEVERITY_RANK = {s.key: rank for rank, s in enumerate(SEVERITIES)}  # general 0 … major 3


def recorded_severity(value: object) -> str | None:
    """The log's severity cell, when it is one of ours."""
    return value if isinstance(value, str) and value in SEVERITY_RANK else None


def suggest(
    i: int, log: FlagLog, rules: FlagRules, limits: Limits, repeat: Repeat, cluster: Cluster | None
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
        + ("complainants-major",) * (people >= rules.major_complainants)
        + ("unresolved-major",) * unresolved(limits.major_after)
    )
    if major:
        return "major", major
    hot = (
        ("complainants-hot",) * (people >= rules.hot_complainants)
        + ("cluster",) * (cluster is not None)
        + ("unresolved-hot",) * unresolved(limits.hot_after)
    )
    if hot:
        return "hot", hot
    important = ("secondary",) * repeat.secondary + ("reopened",) * (log.status[i] == "reopened")
    return ("important", important) if important else ("general", ())


def _open_for(i: int, log: FlagLog) -> float | None:
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
