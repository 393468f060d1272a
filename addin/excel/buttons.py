"""The Python behind the Excel buttons (xlwings): the open workbook in, the same results as the CLI out.

Each button's macro (`macros/Buttons.bas`, `macros/Ribbon.bas`) is one `RunPython` line calling
a function here. The function reads every sheet's used range in one call each, runs the same
steps as `complaints run` (`addin.core.job.analyse`), and writes through `XlwingsCanvas` the same
owned sheets, marks and flag columns as `--annotate` (`addin.sheets.write.write_results`). Excel saves the
workbook, not us: nothing is written to disk, so charts, shapes and macros are never at risk.

xlwings API used here, and nothing else (`tests/xlwings_standin.py` implements exactly this):
* `Book.caller()`, `book.app`, `book.name`, `book.fullname`,
  `book.sheets` (iterate, `[name]`, `[-1]`, `.add(name, after=)`),
  `book.names` (iterate, `[name]`, `.add(name, refers_to)`), `Name.name/.refers_to/.delete()`;
* `app.books.active`, `app.alert(prompt, title=)`, `app.status_bar`, `app.screen_updating`;
* `sheet.name`, `.used_range`, `.range(cell)`, `.range(cell, cell)`, `.range(address)`,
  `.delete()`, `.visible`, `.activate()`, `.charts.add(left, top, width, height)`;
* `Range.options(ndim=2, err_to_str=True).value` (read), `.value` (write), `.last_cell.row/.column`,
  `.color`, `.font.bold/.italic/.size/.color`, `.wrap_text`, `.number_format`, `.column_width`,
  `.row_height`, `.left`, `.top`, `.note` (`.text`, `.delete()`), `.add_note(text)`;
* `Chart.set_source_data(range)`, `.chart_type`, `.name`.

What a live workbook does not get (xlwings has no portable API for it): frozen panes, autofilter,
print setup, underlined links and a very hidden ledger (it is hidden). Colour scales become
fixed colours computed from the same stops; links are `HYPERLINK` formulas, written with the
block's values in the same call.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from addin.core.job import ALL_JOBS, Analysis, AnalysisError, Job, Request, analyse, findings
from addin.core.schema import OWNED_PREFIX
from addin.core.scoring import ScoreError
from addin.core.settings import ConfigError
from addin.core.text import Message, text
from addin.excel.canvas import XlwingsCanvas
from addin.mail.deliver import EmailJob, Sending, deliver
from addin.mail.plan import grid_digest
from addin.mail.recipients import find_recipients
from addin.mail.settings import MailError
from addin.sheets.write import write_results

TITLE = "Complaint Desk"
LOG_FILE = Path(tempfile.gettempdir()) / "complaint-desk-excel.log"
log = logging.getLogger(__name__)


def validate_log(book: Any = None, *, active: bool = False) -> str:
    """Button "Validate log": the Validation sheet and marks on the log."""
    return press((Job.VALIDATE,), book, active=active)


def scores(book: Any = None, *, active: bool = False) -> str:
    """Button "Scores": the Scores sheet."""
    return press((Job.SCORE,), book, active=active)


def flags(book: Any = None, *, active: bool = False) -> str:
    """Button "Flags": the Flags sheet, flag columns and row colours on the log."""
    return press((Job.FLAG,), book, active=active)


def run_all(book: Any = None, *, active: bool = False) -> str:
    """Button "Run all": all three, as `complaints run`."""
    return press(ALL_JOBS, book, active=active)


def email_summary(
    book: Any = None, *, active: bool = False, as_of: datetime | None = None, environ: dict[str, str] | None = None
) -> str:
    """Button "Email summary": each region's summary to its Recipients addresses, the whole company's
    to the `*`/`全部` rows, through the SMTP server of the environment (COMPLAINTS_SMTP_*).

    It reads the workbook and changes nothing in it. The sent log sits beside the saved
    workbook (the temp folder for a new one), so a second press the same day sends only
    what did not go.
    """
    book = book if book is not None else _caller(active)
    as_of = as_of or datetime.now().replace(second=0, microsecond=0)
    app, lang = book.app, "en"  # the workbook's language once it is read
    try:
        app.status_bar = text("alert.reading", lang, title=TITLE, name=book.name)
        result, sheets = _analyse(XlwingsCanvas(book), book.name, ALL_JOBS, as_of)
        lang = result.outcome.lang
        recipients = find_recipients(sheets)
        app.status_bar = text("alert.sending", lang, title=TITLE)
        job = EmailJob(as_of=as_of, by_region=True)
        done = deliver(result, recipients, grid_digest(sheets), _folder(book), job, environ, lang)
        message = _sent_message(done)
    except (AnalysisError, ConfigError, ScoreError, MailError) as exc:
        message = text("alert.failed", lang, name=book.name, error=exc)
    except Exception as exc:  # noqa: BLE001 - the user sees an alert, the details go to the log file
        message = _unexpected(book.name, exc, lang, "email")
    finally:
        app.status_bar = False
    app.alert(message, title=TITLE)
    return message


def _folder(book: Any) -> Path:
    """Where the sent log goes: beside the saved workbook, else the temp folder."""
    saved = Path(str(getattr(book, "fullname", "") or ""))
    return saved.parent if saved.is_absolute() and saved.parent.is_dir() else Path(tempfile.gettempdir())


def _sent_message(done: Sending) -> str:
    lang = done.lang
    parts = [text("alert.sent", lang, what=s) for s in done.sent]
    parts += [text("alert.already-sent", lang, what=s) for s in done.skipped]
    parts += [text("alert.not-sent", lang, what=s) for s in done.failed]
    parts += [text("alert.note", lang, note=n.text(lang)) for n in done.notes]
    return "\n".join(parts) if parts else text("alert.nothing-sent", lang)


def _unexpected(name: str, exc: Exception, lang: str, what: object) -> str:
    """The alert for a failure we did not foresee; the traceback goes to the log file."""
    _log_to_file()
    log.exception("button %s failed", what)
    return text("alert.unexpected", lang, name=name, kind=type(exc).__name__, error=exc, log=LOG_FILE)


def _caller(active: bool) -> Any:
    import xlwings as xw  # only here: the core and the tests never need Excel

    book = xw.Book.caller()
    return book.app.books.active if active else book  # the ribbon acts on the user's workbook, not the add-in


def press(jobs: tuple[Job, ...], book: Any = None, *, active: bool = False, as_of: datetime | None = None) -> str:
    """Run `jobs` on the workbook as of `as_of` (now); every outcome ends as one alert, never a traceback."""
    book = book if book is not None else _caller(active)
    as_of = as_of or datetime.now().replace(second=0, microsecond=0)
    app, lang = book.app, "en"  # the workbook's language once it is read
    try:
        app.screen_updating = False
        app.status_bar = text("alert.reading", lang, title=TITLE, name=book.name)
        canvas = XlwingsCanvas(book)
        result = _analyse(canvas, book.name, jobs, as_of)[0]  # the grids go at once: 100k rows are ~250 MB
        lang = result.outcome.lang
        app.status_bar = text("alert.writing", lang, title=TITLE)
        written = write_results(canvas, result)
        message = _message(result, written.shown, [*result.notes, *written.notes])
    except (AnalysisError, ConfigError, ScoreError) as exc:
        message = text("alert.failed", lang, name=book.name, error=exc)
    except Exception as exc:  # noqa: BLE001 - the user sees an alert, the details go to the log file
        message = _unexpected(book.name, exc, lang, jobs)
    finally:
        app.status_bar = False
        app.screen_updating = True
    app.alert(message, title=TITLE)
    return message


def _log_to_file() -> None:
    if not log.handlers:
        log.addHandler(logging.FileHandler(LOG_FILE, encoding="utf-8"))


def _analyse(
    canvas: XlwingsCanvas, name: str, jobs: tuple[Job, ...], as_of: datetime
) -> tuple[Analysis, dict[str, list[list[object]]]]:
    """The workbook's sheets (ours left out), read once each, and what the jobs find in them."""
    owned = frozenset(title for n, title in canvas.names().items() if n.startswith(OWNED_PREFIX))
    sheets = {title: canvas.read(title) for title in canvas.titles() if title not in owned}
    return analyse(name, sheets, Request(as_of, jobs), owned=owned), sheets


def _message(result: Analysis, shown: str | None, notes: list[Message]) -> str:
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
