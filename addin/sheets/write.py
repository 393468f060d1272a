"""Put a run's results into the user's workbook: the one sequence both front ends follow.

`complaints … --annotate/--in-place` calls it on an openpyxl file, the Excel buttons on the
live workbook; the `Canvas` is the only difference. Order matters: each job first takes back
its own old marks, validation marks go on last (they win over row colours), and the ledger is
saved once at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from addin.core.flags import FlagReport
from addin.core.problems import column_letter
from addin.core.schema import FLAGS_SHEET, SCORES_SHEET, SUMMARY_SHEET, VALIDATION_SHEET
from addin.core.scoring import Scores
from addin.core.summary import Summary, region_flags
from addin.core.validate import Outcome
from addin.pages.flags import flags_content, log_columns
from addin.pages.page import Page, validation_content
from addin.pages.scores import scores_content
from addin.pages.summary import summary_content
from addin.sheets.canvas import Canvas, render
from addin.sheets.marks import FLAGS, VALIDATION, Ledger, apply_marks, marks_from, new_owned_sheet, write_log_columns


@dataclass
class Written:
    shown: str | None = None  # the sheet to show the user: the first one written
    notes: list[str] = field(default_factory=list)


def write_results(
    canvas: Canvas,
    outcome: Outcome,
    *,
    name: str,
    as_of: datetime,
    validated: bool,
    scores: Scores | None,
    flags: FlagReport | None,
    summary: Summary | None = None,
) -> Written:
    """Owned sheets for each job that ran (the Summary first), marks and flag columns on the log, the ledger."""
    lang, written = outcome.lang, Written()
    ledger = Ledger(canvas)
    marks = marks_from(outcome.report.problems, lang) if validated else []

    def page(role: str, wanted: str) -> str:
        title, note = new_owned_sheet(canvas, role, wanted)
        if note:
            written.notes.append(note)
        written.shown = written.shown or title
        return title

    if summary is not None:
        title = page("summary", SUMMARY_SHEET[lang])
        render(canvas, title, summary_content(summary, sheet_name=title))
    if validated:
        ledger.undo(VALIDATION)
        title = page("validation", VALIDATION_SHEET[lang])
        content = validation_content(
            outcome.report, name=name, as_of=as_of, fields=outcome.fields, legend=True, sheet_name=title
        )
        render(canvas, title, content)
    if scores is not None:
        title = page("scores", SCORES_SHEET[lang])
        render(canvas, title, scores_content(scores, name=name, as_of=as_of, lang=lang, sheet_name=title))
    if flags is not None and outcome.log is not None:
        ledger.undo(FLAGS)
        title = page("flags", FLAGS_SHEET[lang])
        render(canvas, title, flags_page(flags, outcome, name, legend=True, sheet_name=title))
        marked = {(m.sheet, f"{column_letter(m.column)}{m.row}") for m in marks}
        skip = marked if validated else ledger.cells(VALIDATION)
        write_log_columns(canvas, ledger, outcome.log, log_columns(flags, lang), skip)
    if validated:
        apply_marks(canvas, ledger, marks)
    ledger.save()
    if written.shown is not None:
        canvas.activate(written.shown)
    return written


def flags_page(flags: FlagReport, outcome: Outcome, name: str, *, legend: bool, sheet_name: str | None = None) -> Page:
    """The Flags sheet's content for this workbook (links use the log's ID column)."""
    id_column = outcome.log.column_of("complaint_id") if outcome.log else None
    return flags_content(flags, name=name, lang=outcome.lang, id_column=id_column, legend=legend, sheet_name=sheet_name)


def summary_pages(summary: Summary, outcome: Outcome, scores: Scores | None, flags: FlagReport) -> list[Page]:
    """The standalone summary workbook: Summary, Scores and Flags, never the log.

    A region's slice gets its own Summary and the Flags of its complaints only; the Scores
    sheet compares every region, so it goes only into the whole-company workbook.
    """
    name, lang = summary.name, outcome.lang
    pages = [summary_content(summary, owned=False)]
    if summary.region is None and scores is not None:
        pages.append(scores_content(scores, name=name, as_of=summary.as_of, lang=lang))
    sliced = flags if summary.region is None else region_flags(flags, summary.region)
    pages.append(flags_page(sliced, outcome, name, legend=False))
    return pages
