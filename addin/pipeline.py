"""One workbook through the whole job: read, check, write the report or annotate.

This is the file-based front end's glue (openpyxl and XlsxWriter behind it); the CLI only
turns options into `Options` and prints `FileResult`s. Jobs: `validate` (the Validation
sheet and marks) and `score` (the Scores sheet); `complaints run` does all of them. Modes:
* `report` (default): `<out>/<stem>.report.xlsx`, the input is only read;
* `annotate`: a marked copy `<out>/<stem>.annotated<suffix>`;
* `in-place`: the input itself, after a backup `<stem>.bak<suffix>`, replaced atomically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from pathlib import Path

import openpyxl

from addin.layout import Page, validation_content
from addin.schema import SCORES_SHEET, VALIDATION_SHEET, Field
from addin.scores_page import scores_content
from addin.scoring import ScoreError, Scores, score_survey
from addin.validate import NoLogFound, Outcome, check_workbook
from addin.workbook import annotate as owned
from addin.workbook.files import atomic_target, keep_backup, output_path
from addin.workbook.reader import FileError, excel_lock_file, load
from addin.workbook.report import write_report
from addin.workbook.safety import unsafe_parts

MODES = ("report", "annotate", "in-place")
JOBS = ("validate", "score")


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


@dataclass
class FileResult:
    path: Path
    outcome: Outcome
    outputs: dict[str, Path] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    scores: Scores | None = None


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
    try:
        outcome = check_workbook(
            loaded.sheets,
            as_of=options.as_of,
            config=options.config,
            lang=options.lang,
            date1904=loaded.date1904,
            owned=loaded.owned,
            need_log="validate" in options.jobs,
        )
    except NoLogFound as exc:
        raise FileError(str(exc)) from None
    del loaded  # the grids are only needed by the checks; openpyxl's copy comes next in annotate mode
    for table in (outcome.log, outcome.survey):
        if table is not None:
            table.drop_cells()
    result = FileResult(path, outcome, notes=list(outcome.report.notes) if "validate" in options.jobs else [])
    if "score" in options.jobs:
        _score(outcome, options, result)
    fields = {f.key: f for table in (outcome.log, outcome.survey) if table is not None for f in table.fields}
    if options.mode == "report":
        target = planned_output(path, options)
        pages = []
        if "validate" in options.jobs:
            pages.append(
                validation_content(outcome.report, name=path.name, as_of=options.as_of, fields=fields, legend=False)
            )
        if result.scores is not None:
            pages.append(scores_content(result.scores, name=path.name, as_of=options.as_of, lang=outcome.lang))
        result.outputs["report"] = write_report(target, pages, original=path)
    else:
        _annotate(path, options, outcome, fields, result)
    return result


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


def _owned_page(
    wb: openpyxl.Workbook, role: str, wanted: str, result: FileResult
) -> openpyxl.worksheet.worksheet.Worksheet:
    ws, note = owned.new_owned_sheet(wb, role, wanted)
    if note:
        result.notes.append(note)
    return ws


def _refuse_unsafe(path: Path, options: Options) -> None:
    lost = unsafe_parts(path)
    if lost:
        raise FileError(
            f"not modified: saving it with openpyxl would lose {', '.join(lost)}; "
            "use the report (without --annotate/--in-place) instead"
        )
    if options.mode == "in-place" and (lock := excel_lock_file(path)) is not None:
        raise FileError(f"open in Excel ({lock.name} exists); close it before --in-place")


def _annotate(path: Path, options: Options, outcome: Outcome, fields: dict[str, Field], result: FileResult) -> None:
    lang = outcome.lang
    wb = openpyxl.load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm", keep_links=True)
    shown = None
    if "validate" in options.jobs:
        owned.remove_marks(wb)
        ws = _owned_page(wb, "validation", VALIDATION_SHEET[lang], result)
        page: Page = validation_content(
            outcome.report, name=path.name, as_of=options.as_of, fields=fields, legend=True, sheet_name=ws.title
        )
        owned.render(ws, page)
        owned.apply_marks(wb, owned.marks_from(outcome.report.problems, lang))
        shown = ws
    if result.scores is not None:
        ws = _owned_page(wb, "scores", SCORES_SHEET[lang], result)
        owned.render(
            ws, scores_content(result.scores, name=path.name, as_of=options.as_of, lang=lang, sheet_name=ws.title)
        )
        shown = shown or ws
    if shown is not None:
        wb.active = wb.sheetnames.index(shown.title)
        for sheet in wb.worksheets:
            sheet.sheet_view.tabSelected = sheet is shown
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
