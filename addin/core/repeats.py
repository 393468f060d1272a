"""Repeat and secondary complaints per customer, and clusters of the same complaint from several customers.

Windows count calendar days between the dates of receipt, both ends included: a complaint
exactly 30 days after the first is in the window, 31 days is not. Both are found by sorting
and sliding windows: O(n log n), never pairwise.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from operator import itemgetter
from typing import cast

from addin.core.flag_log import FlagLog
from addin.core.values import clean_text

REPEATS_LISTED = 10  # earlier complaints named per repeat (the count is always complete)


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


@dataclass(frozen=True)
class Repeat:
    """One complaint's earlier ones from the same customer in the same category, within the window."""

    earlier: tuple[int, ...] = ()
    count: int = 1
    secondary: bool = False


FIRST = Repeat()  # no earlier complaint in the window


def find_repeats(log: FlagLog, window: int) -> list[Repeat]:
    """Per complaint: the same customer's earlier complaints in the same category within `window` days.

    Sorted by (customer, category, receipt); a window's left edge only moves forward, and a
    monotonic deque keeps the earliest resolution time inside it, so "was any of them already
    resolved when this one came in" (a secondary complaint) costs O(1) per complaint.
    """
    result = [FIRST] * len(log.rows)
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
    result: list[Repeat],
) -> None:
    """One customer's complaints in one category, in order of receipt: each one's window of earlier ones."""
    days = [received.toordinal() for _, _, received, _ in group]
    indexes = [i for *_, i in group]
    lowest: deque[tuple[int, datetime]] = deque()  # (position, resolution time) in the window, times increasing
    lo = 0
    for p in range(1, len(group)):
        q = p - 1  # the previous complaint joins the window
        done = resolved_at[indexes[q]]
        if done is not None:
            while lowest and lowest[-1][1] >= done:
                lowest.pop()
            lowest.append((q, done))
        while days[p] - days[lo] > window:
            lo += 1
        while lowest and lowest[0][0] < lo:
            lowest.popleft()
        if lo == p:
            continue
        received = group[p][2]
        secondary = bool(lowest) and lowest[0][1] <= received
        earlier = tuple(indexes[max(lo, p - REPEATS_LISTED) : p])
        result[indexes[p]] = Repeat(earlier, p - lo + 1, secondary)


def find_clusters(log: FlagLog, window: int, least: int) -> tuple[list[Cluster], dict[int, Cluster]]:
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
        runs += _runs(list(group), log, window, least)
    clusters: list[Cluster] = []
    for members in sorted(runs, key=lambda m: (log.received[m[0]], log.rows[m[0]])):
        first = members[0]
        clusters.append(
            Cluster(
                f"C{len(clusters) + 1}",
                str(log.category[first]),
                clean_text(log.subject_text[first]),
                tuple(members),
                len({log.customer[i] for i in members}),
                cast(datetime, log.received[first]),  # members have a receipt: `keyed` holds no others
                cast(datetime, log.received[members[-1]]),
            )
        )
    return clusters, {i: c for c in clusters for i in c.members}


def _runs(group: list[tuple[object, object, datetime, int]], log: FlagLog, window: int, least: int) -> list[list[int]]:
    """One category + subject's complaints, in order of receipt: the member indexes of each of its clusters."""
    days = [received.toordinal() for _, _, received, _ in group]
    indexes = [i for *_, i in group]
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
