"""One analysis of a workbook's grids: check, score, flag and summarise into one `Analysis`.

Every front end runs exactly this: the file commands (`addin.files.run`), the Excel buttons
(`addin.excel.buttons`) and the e-mail (`addin.mail.deliver`). It takes grids of cell values
and settings entries, and returns plain data; no file, workbook library or network is touched.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from fractions import Fraction

from addin.core.calendar import known_years
from addin.core.flags import FLAG_FIELDS, FlagReport, assess
from addin.core.scoring import ScoreError, Scores, score_survey, shown
from addin.core.settings import Entry
from addin.core.summary import Summary, summarise
from addin.core.table import Grid
from addin.core.text import Message, message, text
from addin.core.validate import NoLogFound, Outcome, check_workbook


class Job(StrEnum):
    """What a run does: `complaints validate|score|flag`, or all three (`complaints run`)."""

    VALIDATE = "validate"
    SCORE = "score"
    FLAG = "flag"


ALL_JOBS: tuple[Job, ...] = tuple(Job)


class AnalysisError(Exception):
    """The workbook cannot be analysed for the jobs asked (no log, no usable survey); one line for the user."""


@dataclass(frozen=True)
class Request:
    """What to compute, and as of when; `None` takes the workbook's Settings."""

    as_of: datetime
    jobs: tuple[Job, ...] = (Job.VALIDATE,)
    lang: str | None = None
    config: Sequence[Entry] = ()  # settings from a config file, applied over the Settings sheet
    by: tuple[str, ...] | None = None  # None: the Settings' score.by
    target: Fraction | None = None  # None: the Settings' score.target
    business: bool | None = None  # None: the Settings' clock.mode

    def __post_init__(self) -> None:
        object.__setattr__(self, "jobs", tuple(Job(j) for j in self.jobs))

    @property
    def complete(self) -> bool:
        """Every job: what the summary needs."""
        return set(ALL_JOBS) <= set(self.jobs)


@dataclass
class Analysis:
    """What one workbook's run found: the checks, the scores, the flags and (all jobs) the summary."""

    name: str  # the workbook's file name, shown on every page
    jobs: tuple[Job, ...]
    as_of: datetime
    outcome: Outcome
    notes: list[Message] = field(default_factory=list)
    scores: Scores | None = None
    flags: FlagReport | None = None
    summary: Summary | None = None

    @property
    def validated(self) -> bool:
        return Job.VALIDATE in self.jobs


def analyse(
    name: str,
    sheets: Mapping[str, Grid],
    request: Request,
    *,
    date1904: bool = False,
    owned: frozenset[str] = frozenset(),
) -> Analysis:
    """Check, score and flag a workbook's grids (`owned`: our own sheets, left out); `AnalysisError` when it cannot."""
    jobs = request.jobs
    try:
        outcome = check_workbook(
            sheets,
            as_of=request.as_of,
            lang=request.lang,
            date1904=date1904,
            extra=request.config,
            owned=owned,
            need_log=jobs == (Job.FLAG,),
        )
    except NoLogFound as exc:
        raise AnalysisError(_needs(jobs, str(exc))) from None
    for table in (outcome.log, outcome.survey):
        if table is not None:
            table.drop_cells()
    found_notes = [message("note.text", text=n) for n in outcome.report.notes]
    analysis = Analysis(name, jobs, request.as_of, outcome, notes=found_notes if Job.VALIDATE in jobs else [])
    if Job.SCORE in jobs:
        _score(analysis, request)
    if Job.FLAG in jobs and outcome.log_values is not None:
        _flag(analysis, request)
    elif Job.FLAG in jobs:
        analysis.notes.append(message("note.no-flags"))
    if analysis.flags is not None and request.complete:
        analysis.summary = summary_of(analysis)
    return analysis


def _needs(jobs: tuple[Job, ...], reason: str) -> str:
    """The "not found" reason, led by the table the command needs (`score` a survey, `flag` a log)."""
    if jobs == (Job.SCORE,):
        return f"score needs a satisfaction survey: {reason}"
    if jobs == (Job.FLAG,):
        return f"flag needs a complaint log: {reason}"
    return reason  # it names both tables


def summary_of(analysis: Analysis, region: str | None = None) -> Summary:
    """The whole-company summary of an analysis with flags, or one region's slice of it."""
    assert analysis.flags is not None, "the summary needs the flags"
    log, lang = analysis.outcome.log, analysis.outcome.lang
    id_column = log.column_of("complaint_id") if log else None
    flags, scores = analysis.flags, analysis.scores
    return summarise(analysis.name, lang, flags.as_of, flags, scores, region=region, id_column=id_column)


def findings(analysis: Analysis, lang: str = "en") -> list[str]:
    """What a run found, in short parts ("22 errors, 2 warnings", "overall 78.8 (target 80), 5 regions", …).

    English on the command line (a batch's log reads the same for every workbook); the Excel
    alert passes the workbook's language.
    """
    report, scores = analysis.outcome.report, analysis.scores
    parts = [text("run.validated", lang, errors=report.errors, warnings=report.warnings)] if analysis.validated else []
    if scores is not None:
        overall = "—" if scores.total.overall is None else f"{shown(scores.total.overall):.1f}"
        regions = sum(1 for g in scores.level(company=False, with_by=False) if g.named_region)
        key = "run.scored" if regions else "run.scored-company"
        parts.append(text(key, lang, overall=overall, target=f"{shown(scores.target):g}", regions=regions))
    if analysis.flags is not None:
        counts, clusters = analysis.flags.counts(), len(analysis.flags.clusters)
        parts.append(
            text(
                "run.flagged",
                lang,
                overdue=counts["overdue"],
                due_soon=counts["due-soon"],
                repeat=counts["repeat"],
                clusters=clusters,
                under_graded=counts["under-graded"],
            )
        )
    return parts


def _score(analysis: Analysis, request: Request) -> None:
    """Scores; without a usable survey the workbook fails for `score` alone and gets a note otherwise."""
    outcome = analysis.outcome
    try:
        analysis.scores = score_survey(outcome.survey_values, outcome.settings, by=request.by, target=request.target)
    except ScoreError as exc:
        if not analysis.validated:
            reason = str(exc) if outcome.survey is not None else f"score needs a satisfaction survey: {exc}"
            raise AnalysisError(reason) from None
        analysis.notes.append(message("note.no-scores", reason=str(exc)))
        return
    if not analysis.validated and outcome.survey is not None:
        dimensions = {d.key for d in outcome.settings.dimensions}
        bad = sum(1 for p in outcome.report.problems if p.sheet == outcome.survey.sheet and p.field in dimensions)
        if bad:
            analysis.notes.append(message("note.invalid-ratings", n=bad))


def _flag(analysis: Analysis, request: Request) -> None:
    outcome = analysis.outcome
    assert outcome.log_values is not None
    flags = assess(outcome.log_values, outcome.settings, as_of=request.as_of, business=request.business)
    analysis.flags = flags
    if flags.unknown_years:
        first, last = known_years(flags.rules.country) or (0, 0)
        years = ", ".join(map(str, flags.unknown_years))
        analysis.notes.append(message("note.unknown-years", first=first, last=last, years=years))
    if not analysis.validated and outcome.log is not None:
        bad = sum(1 for p in outcome.report.problems if p.sheet == outcome.log.sheet and p.field in FLAG_FIELDS)
        if bad:
            analysis.notes.append(message("note.invalid-flag-cells", n=bad))
