"""One workbook through the whole job: read, check, write the report or annotate.

This is the file-based front end's glue (openpyxl and XlsxWriter behind it); the CLI only
turns options into `Options` and prints `FileResult`s. Jobs: `validate` (the Validation
sheet and marks), `score` (the Scores sheet) and `flag` (the Flags sheet, and in the log
itself due/state/flag columns and row colours); `complaints run` does all of them. Modes:
* `report` (default): `<out>/<stem>.report.xlsx`, the input is only read;
* `annotate`: a marked copy `<out>/<stem>.annotated<suffix>`;
* `in-place`: the input itself, after a backup `<stem>.bak<suffix>`, replaced atomically.
`complaints run` also writes `<out>/<stem>.summary.xlsx` (Summary, Scores, Flags; never the
log) in every mode, and puts the Summary sheet first in the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from pathlib import Path

import openpyxl

from addin.core.calendar import known_years
from addin.core.flags import FLAG_FIELDS, FlagReport, assess
from addin.core.scoring import ScoreError, Scores, score_survey, shown
from addin.core.summary import Summary, summarise
from addin.core.validate import NoLogFound, Outcome, check_workbook
from addin.files.openpyxl_canvas import OpenpyxlCanvas
from addin.files.paths import atomic_target, keep_backup, output_path
from addin.files.reader import FileError, excel_lock_file, load
from addin.files.report import write_report
from addin.files.safety import unsafe_parts
from addin.pages.page import validation_content
from addin.pages.scores import scores_content
from addin.pages.summary import summary_content
from addin.sheets.write import flags_page, summary_pages, write_results

MODES = ("report", "annotate", "in-place")
JOBS = ("validate", "score", "flag")


@dataclass(frozen=True)
class Options:
    as_of: datetime
    mode: str = "report"
    out: Path | None = None
    lang: str | None = None
    config: Path | None = None
    jobs: tuple[str, ...] = ("validate",)
    by: tuple[str, ...] | None = None  # None: the Settings' score.by
    target: Fraction | None = None  # None: the Settings' score.target
    business: bool | None = None  # None: the Settings' clock.mode


@dataclass
class FileResult:
    path: Path
    outcome: Outcome
    outputs: dict[str, Path] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    scores: Scores | None = None
    flags: FlagReport | None = None
    summary: Summary | None = None  # `complaints run` only: it needs the flags and the scores' job


def planned_output(path: Path, options: Options) -> Path:
    """The file this run will write for `path` (the input itself with --in-place)."""
    if options.mode == "report":
        return output_path(path, options.out, "report", ".xlsx")
    if options.mode == "annotate":
        return output_path(path, options.out, "annotated")
    return path


def process_file(path: Path, options: Options) -> FileResult:
    """Run the jobs on one workbook and write its outputs; `FileError` when it cannot be processed."""
    loaded = load(path)
    if options.mode != "report":
        _refuse_unsafe(path, options)
    result = analyse(path, loaded.sheets, options, date1904=loaded.date1904, owned=loaded.owned)
    del loaded  # the grids are only needed by the checks; openpyxl's copy comes next in annotate mode
    outcome = result.outcome
    standalone = None
    if result.summary is not None and result.flags is not None:
        standalone = summary_pages(result.summary, outcome, result.scores, result.flags)
    if options.mode == "report":
        target = planned_output(path, options)
        pages = []
        if "validate" in options.jobs:
            pages.append(
                validation_content(
                    outcome.report, name=path.name, as_of=options.as_of, fields=outcome.fields, legend=False
                )
            )
        if standalone is not None:
            # the run's Scores and Flags pages are the standalone's: built once (seconds at 100k rows), written twice
            assert result.summary is not None
            pages = [summary_content(result.summary), *pages, *standalone[1:]]
        else:
            if result.scores is not None:
                pages.append(scores_content(result.scores, name=path.name, as_of=options.as_of, lang=outcome.lang))
            if result.flags is not None:
                pages.append(flags_page(result.flags, outcome, path.name, legend=False))
        result.outputs["report"] = write_report(target, pages, original=path)
    else:
        _annotate(path, options, outcome, result)
    if standalone is not None:
        summary_path = output_path(path, options.out, "summary", ".xlsx")
        result.outputs["summary"] = write_report(summary_path, standalone, original=None, links=False)
    return result


def analyse(
    path: Path, sheets: dict[str, list[list[object]]], options: Options, *, date1904: bool, owned: frozenset[str]
) -> FileResult:
    """Check, score and flag a workbook's grids (no output yet): the part every front end shares."""
    try:
        outcome = check_workbook(
            sheets,
            as_of=options.as_of,
            config=options.config,
            lang=options.lang,
            date1904=date1904,
            owned=owned,
            need_log="validate" in options.jobs or "flag" in options.jobs,
        )
    except NoLogFound as exc:
        raise FileError(str(exc)) from None
    for table in (outcome.log, outcome.survey):
        if table is not None:
            table.drop_cells()
    result = FileResult(path, outcome, notes=list(outcome.report.notes) if "validate" in options.jobs else [])
    if "score" in options.jobs:
        _score(outcome, options, result)
    if "flag" in options.jobs and outcome.log_values is not None:
        _flag(outcome, options, result)
    if result.flags is not None and set(JOBS) <= set(options.jobs):
        result.summary = summary_of(result, path.name)
    return result


def summary_of(result: FileResult, name: str, region: str | None = None) -> Summary:
    """The whole-company summary of a processed workbook, or one region's slice of it."""
    assert result.flags is not None
    log, lang = result.outcome.log, result.outcome.lang
    id_column = log.column_of("complaint_id") if log else None
    return summarise(name, lang, result.flags.as_of, result.flags, result.scores, region=region, id_column=id_column)


def findings(result: FileResult, jobs: tuple[str, ...]) -> list[str]:
    """What a run found, in short parts ("22 errors, 2 warnings", "overall 78.8 (target 80), 5 regions", …)."""
    report, scores = result.outcome.report, result.scores
    parts = [f"{report.errors} errors, {report.warnings} warnings"] if "validate" in jobs else []
    if scores is not None:
        overall = "—" if scores.total.overall is None else f"{shown(scores.total.overall):.1f}"
        regions = sum(1 for g in scores.level(company=False, with_by=False) if g.named_region)
        parts.append(f"overall {overall} (target {shown(scores.target):g}), {regions} regions")
    if result.flags is not None:
        counts = result.flags.counts()
        parts.append(
            f"{counts['overdue']} overdue, {counts['due-soon']} due soon, {counts['repeat']} repeat, "
            f"{len(result.flags.clusters)} clusters, {counts['under-graded']} under-graded"
        )
    return parts


def _score(outcome: Outcome, options: Options, result: FileResult) -> None:
    """Scores for `result`; without a usable survey the file fails for `score` and gets a note in `run`."""
    try:
        result.scores = score_survey(outcome.survey_values, outcome.settings, by=options.by, target=options.target)
    except ScoreError as exc:
        if "validate" not in options.jobs:
            raise FileError(str(exc)) from None
        result.notes.append(f"no scores: {exc}")
        return
    if "validate" not in options.jobs and outcome.survey is not None:
        dimensions = {d.key for d in outcome.settings.dimensions}
        bad = sum(1 for p in outcome.report.problems if p.sheet == outcome.survey.sheet and p.field in dimensions)
        if bad:
            result.notes.append(f"{bad} invalid ratings were left out of the scores; 'complaints validate' lists them")


def _flag(outcome: Outcome, options: Options, result: FileResult) -> None:
    flags = result.flags = assess(outcome.log_values, outcome.settings, as_of=options.as_of, business=options.business)
    if flags.unknown_years:
        first, last = known_years(flags.rules.country) or (0, 0)
        years = ", ".join(map(str, flags.unknown_years))
        result.notes.append(
            f"the official calendar covers {first}-{last}; days in {years} counted weekends only "
            "(add them with clock.holidays / clock.workdays in Settings)"
        )
    if "validate" not in options.jobs and outcome.log is not None:
        bad = sum(1 for p in outcome.report.problems if p.sheet == outcome.log.sheet and p.field in FLAG_FIELDS)
        if bad:
            result.notes.append(f"{bad} invalid cells were left out of the flags; 'complaints validate' lists them")


def _refuse_unsafe(path: Path, options: Options) -> None:
    lost = unsafe_parts(path)
    if lost:
        raise FileError(
            f"not modified: saving it with openpyxl would lose {', '.join(lost)}; "
            "use the report (without --annotate/--in-place) instead"
        )
    if options.mode == "in-place" and (lock := excel_lock_file(path)) is not None:
        raise FileError(f"open in Excel ({lock.name} exists); close it before --in-place")


def _annotate(path: Path, options: Options, outcome: Outcome, result: FileResult) -> None:
    wb = openpyxl.load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm", keep_links=True)
    written = write_results(
        OpenpyxlCanvas(wb),
        outcome,
        name=path.name,
        as_of=options.as_of,
        validated="validate" in options.jobs,
        scores=result.scores,
        flags=result.flags,
        summary=result.summary,
    )
    result.notes.extend(written.notes)
    if options.mode == "in-place":
        result.outputs["backup"] = keep_backup(path)
        target = path
    else:
        target = planned_output(path, options)
        if target.resolve() == path.resolve():
            raise FileError("the annotated copy would overwrite the input; use --in-place or another --out")
    with atomic_target(target) as temporary:
        wb.save(temporary)
    result.outputs["annotated" if options.mode == "annotate" else "in-place"] = target
