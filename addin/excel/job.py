"""What every live-workbook front end does between reading and alerting: the desktop buttons
(`addin.excel.buttons`) and the xlwings Lite scripts (`addin.lite`).

It imports only the core, the pages, the sheets and the xlwings canvas, so it loads in Pyodide.
"""

from __future__ import annotations

from datetime import datetime

from addin.core.job import Analysis, Job, Request, analyse, findings
from addin.core.schema import OWNED_PREFIX
from addin.core.text import Message, text
from addin.excel.canvas import XlwingsCanvas


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
