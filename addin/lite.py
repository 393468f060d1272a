"""The Python side of the xlwings Lite scripts (`lite/main.py`): the buttons for Excel without Python.

xlwings Lite runs Python in Pyodide inside Excel (Windows, macOS, Excel on the web). Its scripts
are functions decorated with `xlwings.script` that take one parameter annotated `xw.Book`;
Lite hands them the workbook as xlwings' remote engine sees it (a JSON snapshot of every
sheet's values, the defined names and the notes' addresses) and applies the writes queued as
actions when the script returns. `lite/main.py` holds those four `@script` functions, each one
line calling a function here; this module runs the same core (`addin.core.job.analyse`) and
writer (`addin.sheets.write.write_results` over `addin.excel.canvas.XlwingsCanvas`) as the
desktop buttons (`addin.excel.buttons`) and ends, like them, in one alert with the one-line
result ("22 errors, 2 warnings; … — see Validation"), in the workbook's language.

Getting complaint-desk into Lite: the editor's `requirements.txt` (`lite/requirements.txt`) names
xlwings 0.37.8 and the pure-Python packages this module needs (chinesecalendar), and
complaint-desk itself as the URL of its wheel (`pip wheel . --no-deps`, published where
Pyodide can fetch it, e.g. a GitHub release asset). This module imports only what Pyodide
has: the standard library, chinesecalendar and xlwings; no python-calamine, lxml,
openpyxl, XlsxWriter, click, smtplib or threads (`tests/test_pyodide.py` runs it in real
Pyodide); python-calamine and lxml, which have no Pyodide wheels, are declared for desktop
platforms only, so micropip installs the wheel with the rest of its pure-Python dependencies.

What differs from the desktop buttons: Lite has no status bar, so progress goes to Lite's
Output pane; an unexpected failure prints its traceback there (there is no temp-folder log to
open); there is no **Email summary** (Pyodide has no sockets for SMTP).
"""

from __future__ import annotations

import traceback
from datetime import datetime
from typing import Any

from addin.core.job import ALL_JOBS, Job
from addin.core.text import text
from addin.excel.job import TITLE, run_jobs

__all__ = ["TITLE", "flags", "press", "run_all", "scores", "validate_log"]
OUTPUT_PANE = "the xlwings Lite Output pane"


def now() -> datetime:
    """The as-of time of a press: this minute (a test replaces it to pin the clock)."""
    return datetime.now().replace(second=0, microsecond=0)


def validate_log(book: Any) -> str:
    """Script "Validate log": the Validation sheet and marks on the log."""
    return press((Job.VALIDATE,), book)


def scores(book: Any) -> str:
    """Script "Scores": the Scores sheet."""
    return press((Job.SCORE,), book)


def flags(book: Any) -> str:
    """Script "Flags": the Flags sheet, flag columns and row colours on the log."""
    return press((Job.FLAG,), book)


def run_all(book: Any) -> str:
    """Script "Run all": all three, as `complaints run`, and the Summary sheet."""
    return press(ALL_JOBS, book)


def press(jobs: tuple[Job, ...], book: Any, *, as_of: datetime | None = None) -> str:
    """Run `jobs` on the workbook as of `as_of` (now); every outcome ends as one alert, never a traceback.

    The same steps as `addin.excel.buttons.press` without the status bar and screen updating,
    which the remote engine does not have.
    """
    name = book.name

    def unexpected(exc: Exception, lang: str) -> str:
        traceback.print_exc()
        return text("alert.unexpected", lang, name=name, kind=type(exc).__name__, error=exc, log=OUTPUT_PANE)

    message = run_jobs(book, name, jobs, as_of or now(), print, unexpected)
    book.app.alert(message, title=TITLE)
    return message
