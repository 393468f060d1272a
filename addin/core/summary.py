"""What the managers' summary contains, as plain data: figures, tables and the action list.

Built from a run's flags (the complaint log) and scores (the survey); rendered by
`addin.pages.summary` (the Summary sheet, the e-mail body). Decisions:
* "Received" counts the complaints with a valid receipt time at or before the as-of time;
  the period is their first and last receipt.
* Open and overdue follow the flags: overdue includes a missed first-response deadline.
  Open is a share of received, overdue and due soon are shares of open.
* Resolved on time is a share of the resolved complaints that had a deadline to judge by.
  Time to resolve is calendar days from receipt to the recorded resolution, pauses included
  (what the customer waited).
* The repeat rate counts repeat and secondary complaints among those received.
* The action list holds the *open* complaints with a flag, most urgent first; resolved ones
  stay on the Flags sheet. It names complaints, regions, categories and owners only: no
  description, no customer name or contact data.
* A region's slice (`region=`) keeps only that region's complaints and scores; regions are
  matched by `addin.core.values.fold` (case, width and surrounding spaces ignored).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from fractions import Fraction

from addin.core.flags import OPEN_STATES, Assessment, FlagReport, State
from addin.core.schema import Field
from addin.core.scoring import Group, Scores
from addin.core.validate import Parsed
from addin.core.values import clean_text, fold

ACTIONS_LISTED = 200  # open flagged complaints named on the Summary sheet; the Flags sheet has all
_REPEAT_FLAGS = frozenset({"repeat", "secondary"})
_RESOLVED = frozenset({State.RESOLVED_ON_TIME, State.RESOLVED_LATE, State.RESOLVED})


@dataclass(frozen=True)
class Counts:
    """The headline figures of a set of complaints."""

    received: int = 0
    open: int = 0
    overdue: int = 0
    due_soon: int = 0
    resolved: int = 0
    judged: int = 0  # resolved complaints with a deadline to judge them by
    on_time: int = 0
    repeat: int = 0
    under_graded: int = 0
    median_days: float | None = None
    mean_days: float | None = None

    @property
    def open_share(self) -> Fraction | None:
        return _share(self.open, self.received)

    @property
    def overdue_share(self) -> Fraction | None:
        return _share(self.overdue, self.open)

    @property
    def due_soon_share(self) -> Fraction | None:
        return _share(self.due_soon, self.open)

    @property
    def on_time_share(self) -> Fraction | None:
        return _share(self.on_time, self.judged)

    @property
    def repeat_share(self) -> Fraction | None:
        return _share(self.repeat, self.received)

    @property
    def under_graded_share(self) -> Fraction | None:
        return _share(self.under_graded, self.received)


@dataclass(frozen=True)
class Satisfaction:
    """One region's (or the company's, `region=None`) scores against the target."""

    region: str | None
    responses: int
    overall: Fraction | None
    dimensions: dict[str, Fraction | None]
    low_sample: bool
    rank: int | None

    def short(self, target: Fraction) -> Fraction | None:
        return target - self.overall if self.overall is not None and self.overall < target else None


@dataclass(frozen=True)
class Action:
    """An open flagged complaint for someone to act on (`row` as Excel shows it on `sheet`)."""

    complaint: str
    sheet: str
    row: int
    column: int  # the log's complaint ID column, where a link lands
    region: str
    category: str
    owner: str
    assessment: Assessment


@dataclass(frozen=True)
class Summary:
    name: str  # the workbook's file name
    lang: str
    as_of: datetime
    region: str | None  # the slice; None for the whole company
    first: datetime | None  # period covered: the first and last receipt
    last: datetime | None
    business: bool  # deadlines in business time
    clusters: int
    total: Counts
    regions: list[tuple[str, Counts]]
    categories: list[tuple[str, Counts]]
    target: Fraction | None  # None without scores
    dimensions: tuple[Field, ...]
    satisfaction: list[Satisfaction]  # regions, then the company (whole-company summary only)
    actions: list[Action]  # the most urgent ACTIONS_LISTED
    actions_total: int


def summarise(
    name: str,
    lang: str,
    as_of: datetime,
    flags: FlagReport,
    scores: Scores | None,
    *,
    region: str | None = None,
    id_column: int | None = None,
) -> Summary:
    """The summary of one workbook, or of one region's slice of it."""
    parsed = flags.parsed
    regions = [clean_text(v) for v in parsed.column("region")]
    categories = [flags.category_text(v, lang) for v in parsed.column("category")]
    keep = _rows_of(regions, region)
    counted = [a for a in flags.assessments if a.state is not State.UNKNOWN and (keep is None or keep[a.index])]
    receipts = parsed.column("received_at")
    received = [receipts[a.index] for a in counted]
    days = _days_to_resolve(flags, counted)
    open_flagged = sorted((a for a in counted if a.flags and a.state in OPEN_STATES), key=lambda a: a.urgency)
    actions = _actions(parsed, open_flagged[:ACTIONS_LISTED], regions, categories, id_column)
    members = {a.index for a in counted}
    dated = [r for r in received if isinstance(r, datetime)]
    return Summary(
        name=name,
        lang=lang,
        as_of=as_of,
        region=region,
        first=min(dated, default=None),
        last=max(dated, default=None),
        business=flags.business,
        clusters=sum(1 for c in flags.clusters if members.intersection(c.members)),
        total=_counts(counted, days),
        regions=_by(counted, regions, days),
        categories=_by(counted, categories, days),
        target=scores.target if scores is not None else None,
        dimensions=scores.dimensions if scores is not None else (),
        satisfaction=_satisfaction(scores, region) if scores is not None else [],
        actions=actions,
        actions_total=len(open_flagged),
    )


def _actions(
    parsed: Parsed, listed: list[Assessment], regions: list[str], categories: list[str], id_column: int | None
) -> list[Action]:
    """The action list's rows: each complaint in `listed` with its link target, region, category and owner."""
    ids, owners = parsed.column("complaint_id"), parsed.column("owner")
    return [
        Action(
            clean_text(ids[a.index]),
            parsed.sheet,
            a.row,
            id_column or 1,
            regions[a.index],
            categories[a.index],
            clean_text(owners[a.index]),
            a,
        )
        for a in listed
    ]


def _rows_of(regions: list[str], region: str | None) -> list[bool] | None:
    """Which rows belong to `region` (None: all), folding each distinct spelling once."""
    if region is None:
        return None
    wanted = fold(region)
    match = {name: fold(name) == wanted for name in set(regions)}
    return [match[name] for name in regions]


def _share(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole else None


def _days_to_resolve(flags: FlagReport, counted: list[Assessment]) -> dict[int, float]:
    """Calendar days from receipt to resolution, per resolved complaint (index -> days)."""
    received, resolved = flags.parsed.column("received_at"), flags.parsed.column("resolved_at")
    days: dict[int, float] = {}
    for a in counted:
        start, end = received[a.index], resolved[a.index]
        if a.state in _RESOLVED and isinstance(start, datetime) and isinstance(end, datetime) and start <= end:
            days[a.index] = (end - start).total_seconds() / 86400
    return days


def _counts(assessments: Iterable[Assessment], days: dict[int, float]) -> Counts:
    items = list(assessments)
    waited = [days[a.index] for a in items if a.index in days]
    states = [a.state for a in items]
    return Counts(
        received=len(items),
        open=sum(1 for s in states if s in OPEN_STATES),
        overdue=sum(1 for s in states if s in (State.OVERDUE, State.NO_RESPONSE)),
        due_soon=states.count(State.DUE_SOON),
        resolved=sum(1 for s in states if s in _RESOLVED),
        judged=sum(1 for s in states if s in (State.RESOLVED_ON_TIME, State.RESOLVED_LATE)),
        on_time=states.count(State.RESOLVED_ON_TIME),
        repeat=sum(1 for a in items if _REPEAT_FLAGS.intersection(a.flags)),
        under_graded=sum(1 for a in items if "under-graded" in a.flags),
        median_days=statistics.median(waited) if waited else None,
        mean_days=statistics.fmean(waited) if waited else None,
    )


def _by(assessments: list[Assessment], names: list[str], days: dict[int, float]) -> list[tuple[str, Counts]]:
    """Counts per name (region or category), most complaints first; a blank name sorts last."""
    groups: dict[str, list[Assessment]] = {}
    for a in assessments:
        groups.setdefault(names[a.index], []).append(a)
    counted = [(name, _counts(items, days)) for name, items in groups.items()]
    return sorted(counted, key=lambda item: (item[0] == "", -item[1].received, item[0]))


def _satisfaction(scores: Scores, region: str | None) -> list[Satisfaction]:
    wanted = fold(region) if region is not None else None
    rows = [
        _scored(g, g.keys[0][1])
        for g in scores.level(company=False, with_by=False)
        if g.named_region and (wanted is None or fold(g.keys[0][1] or "") == wanted)
    ]
    rows.sort(key=lambda s: (s.rank is None, s.rank or 0, s.region or ""))
    if wanted is None:
        rows.append(_scored(scores.total, None))
    return rows


def _scored(group: Group, region: str | None) -> Satisfaction:
    dimensions = {key: d.score for key, d in group.dimensions.items()}
    return Satisfaction(region, group.responses, group.overall, dimensions, group.low_sample, group.rank)


def region_flags(flags: FlagReport, region: str) -> FlagReport:
    """The flags of one region's complaints (and the clusters they belong to), for that region's manager."""
    rows = _rows_of([clean_text(v) for v in flags.parsed.column("region")], region)
    assert rows is not None
    keep = [a for a in flags.assessments if rows[a.index]]
    members = {a.index for a in keep}
    clusters = [c for c in flags.clusters if members.intersection(c.members)]
    return replace(flags, assessments=keep, clusters=clusters)
