"""What every live-workbook front end does between reading and alerting: the desktop buttons
(`addin.excel.buttons`) and the xlwings Lite scripts (`addin.lite`).

It imports only the core, the pages, the sheets and the xlwings canvas, so it loads in Pyodide.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from addin.core.job import Analysis, AnalysisError, Job, Request, analyse, findings
from addin.core.schema import OWNED_PREFIX
from addin.core.scoring import ScoreError
from addin.core.settings import ConfigError
from addin.core.text import Message, text
from addin.excel.canvas import XlwingsCanvas
from addin.sheets.write import write_results

TITLE = "Complaint Desk"


def run_jobs(
    book: Any,
    name: str,
    jobs: tuple[Job, ...],
    as_of: datetime,
    progress: Callable[[str], None],
    unexpected: Callable[[Exception, str], str],
) -> str:
    """Read, analyse and write `jobs` into the live workbook; the alert's text, whatever happens.

    `progress` shows a step (the status bar, Lite's Output pane); `unexpected` turns a failure
    nobody foresaw into its alert, given the language known by then.
    """
    lang = "en"  # the workbook's language once it is read
    try:
        progress(text("alert.reading", lang, title=TITLE, name=name))
        canvas = XlwingsCanvas(book)
        result = analyse_book(canvas, name, jobs, as_of)[0]  # the grids go at once: 100k rows are ~250 MB
        lang = result.outcome.lang
        progress(text("alert.writing", lang, title=TITLE))
        written = write_results(canvas, result)
        return result_message(result, written.shown, [*result.notes, *written.notes])
    except (AnalysisError, ConfigError, ScoreError) as exc:
        return text("alert.failed", lang, name=name, error=exc)
    except Exception as exc:  # noqa: BLE001 - the user sees an alert; the front end keeps the details
        return unexpected(exc, lang)


def analyse_book(
    canvas: XlwingsCanvas, name: str, jobs: tuple[Job, ...], as_of: datetime
) -> tuple[Analysis, dict[str, list[list[object]]]]:
    """The workbook's sheets (ours left out), read once each, and what the jobs find in them."""
    owned = frozenset(title for n, title in canvas.names().items() if n.startswith(OWNED_PREFIX))
    sheets = {title: canvas.read(title) for title in canvas.titles() if title not in owned}
    return analyse(name, sheets, Request(as_of, jobs), owned=owned), sheets


def result_message(result: Analysis, shown: str | None, notes: list[Message]) -> str:
    """The alert in the workbook's language: what was found and where to look ("22 errors — see Validation")."""
    report, lang = result.outcome.report, result.outcome.lang
    if result.jobs == (Job.VALIDATE,):
        count = report.errors + report.warnings
        head = text("alert.problems", lang, n=count) if report.problems else text("alert.no-problems", lang)
    else:
        head = ("; " if lang == "en" else "；").join(findings(result, lang))
    where = text("alert.see", lang, sheet=shown) if shown else ""
    tail = "".join("\n" + text("alert.note", lang, note=n.text(lang)) for n in notes)
    return f"{head}{where}{tail}"
