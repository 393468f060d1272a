"""The `--json` form of a `FlagReport` (the CLI contract of `complaints flag`).

Per flagged complaint: `complaint_id`, `row`, `cell`, `state`, `state_text`, `flags`,
`response_due`, `resolution_due` (ISO, minutes), `overdue_hours` (open and overdue only, on
the run's clock), `late_hours` (overdue or resolved late), `age_days`, `repeat_of` (earlier
complaint IDs, the latest ten), `repeat_count`, `cluster` (its id, or null),
`recorded_severity`, `suggested_severity`, `rule` (the first rule that calls for it),
`rules`, `region`, `owner`, `customer_id`. Per file besides: `as_of`, `clock`,
`unknown_years`, `flag_counts` per flag, and `clusters` with every member.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from addin.core.calendar import DAY
from addin.core.flags import Assessment, Cluster, FlagReport, State
from addin.core.problems import cell_ref
from addin.core.values import clean_text
from addin.pages.flags import complaint_name, state_text


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="minutes")


def as_dict(report: FlagReport, *, id_column: int | None, lang: str) -> dict[str, object]:
    """The `--json` document of one file's flags; the module docstring lists its keys."""
    parsed = report.parsed
    columns = [parsed.column(k) for k in ("complaint_id", "region", "owner", "customer_id")]
    cell = (parsed.sheet, id_column or 1)

    def name(i: int) -> str:
        return complaint_name(report, i, "en")  # JSON is read by programs: always English

    complaints = [_complaint(a, columns, cell, lang, name) for a in report.flagged()]
    clusters = [_cluster(c, name) for c in report.clusters]
    return {
        "as_of": _iso(report.as_of),
        "clock": ("business" if report.business else "calendar"),
        "unknown_years": list(report.unknown_years),
        "flag_counts": report.counts(),
        "complaints": complaints,
        "clusters": clusters,
    }


def _complaint(
    a: Assessment, columns: Sequence[list[object]], cell: tuple[str, int], lang: str, name: Callable[[int], str]
) -> dict[str, object]:
    """One flagged complaint; `columns` are the log's ID, region, owner and customer ID, `cell` the ID column."""
    ids, region, owner, customer = columns
    i = a.index
    late = None if a.late_seconds is None else round(a.late_seconds / 3600, 2)
    return {
        "complaint_id": clean_text(ids[i]),
        "row": a.row,
        "cell": cell_ref(cell[0], a.row, cell[1]),
        "state": str(a.state),
        "state_text": state_text(a, lang),
        "flags": list(a.flags),
        "response_due": _iso(a.response_due),
        "resolution_due": _iso(a.resolution_due),
        "overdue_hours": late if a.state is State.OVERDUE else None,
        "late_hours": late,
        "age_days": None if a.age_seconds is None else round(a.age_seconds / DAY, 2),
        "repeat_of": [name(j) for j in a.repeat_of],
        "repeat_count": a.repeat_count,
        "cluster": a.cluster.id if a.cluster else None,
        "recorded_severity": a.recorded,
        "suggested_severity": a.suggested,
        "rule": a.rules[0] if a.rules else None,
        "rules": list(a.rules),
        "region": clean_text(region[i]),
        "owner": clean_text(owner[i]),
        "customer_id": clean_text(customer[i]),
    }


def _cluster(c: Cluster, name: Callable[[int], str]) -> dict[str, object]:
    return {
        "id": c.id,
        "category": c.category,
        "subject": c.subject,
        "customers": c.customers,
        "first": _iso(c.first),
        "last": _iso(c.last),
        "members": [name(i) for i in c.members],
    }
