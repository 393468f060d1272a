"""Put a run's results into the user's workbook: the one sequence both front ends follow.

`complaints … --annotate/--in-place` calls it on the workbook's package
(`addin.files.package_canvas`), the Excel buttons on the live workbook; the `Canvas` is the only
difference. Order matters: each job first takes back its own old marks, validation marks go on
last (they win over row colours), and the ledger is saved once at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from addin.core.job import Analysis
from addin.core.problems import column_letter
from addin.core.text import Message
from addin.pages.flags import log_columns
from addin.pages.plan import Output, Pages, Role
from addin.sheets.canvas import Canvas
from addin.sheets.marks import FLAGS, VALIDATION, Ledger, apply_marks, marks_from, new_owned_sheet, write_log_columns


@dataclass
class Written:
    shown: str | None = None  # the sheet to show the user: the first one written
    notes: list[Message] = field(default_factory=list)


def write_results(canvas: Canvas, analysis: Analysis, pages: Pages | None = None) -> Written:
    """Owned sheets for each page of the run (`Output.WORKBOOK`), marks and flag columns on the log, the ledger."""
    outcome, written = analysis.outcome, Written()
    ledger = Ledger(canvas)
    marks = marks_from(outcome.report.problems, outcome.lang) if analysis.validated else []
    for planned in (pages or Pages(analysis)).plan(Output.WORKBOOK):
        if planned.role in (Role.VALIDATION, Role.FLAGS):
            ledger.undo(VALIDATION if planned.role == Role.VALIDATION else FLAGS)
        title, note = new_owned_sheet(canvas, planned.role, planned.wanted)
        written.notes += [note] if note else []
        written.shown = written.shown or title
        canvas.page(title, planned.content(title))
        if planned.role == Role.FLAGS and analysis.flags is not None and outcome.log is not None:
            marked = {(m.sheet, f"{column_letter(m.column)}{m.row}") for m in marks}
            skip = marked if analysis.validated else ledger.cells(VALIDATION)
            write_log_columns(canvas, ledger, outcome.log, log_columns(analysis.flags, outcome.lang), skip)
    if analysis.validated:
        apply_marks(canvas, ledger, marks)
    ledger.save()
    if written.shown is not None:
        canvas.activate(written.shown)
    return written
