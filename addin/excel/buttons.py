"""The Python behind the Excel buttons (xlwings): the open workbook in, the same results as the CLI out.

Each button's macro (`macros/Buttons.bas`, `macros/Ribbon.bas`) is one `RunPython` line calling
a function here. The function reads every sheet's used range in one call each, runs the same
steps as `complaints run` (`addin.core.job.analyse`), and writes through `XlwingsCanvas` the same
owned sheets, marks and flag columns as `--annotate` (`addin.sheets.write.write_results`). Excel saves the
workbook, not us: nothing is written to disk, so charts, shapes and macros are never at risk.
Every outcome is one alert: a failure of the caller lookup, of the status bar or of screen
updating included (the status bar and screen updating are best effort: xlwings' remote engine
has no status bar and cannot read screen updating).

xlwings API used here, and nothing else (`tests/xlwings_standin.py` implements exactly this):
* `Book.caller()`, `xlwings.apps.active`, `book.app`, `book.impl` (which engine), `book.name`,
  `book.fullname`, `book.sheets` (iterate, `[name]`, `[-1]`, `.add(name, after=)`),
  `book.names` (iterate, `[name]`, `.add(name, refers_to)`), `Name.name/.refers_to/.delete()`;
* `app.books.active`, `app.alert(prompt, title=)`, `app.status_bar`, `app.screen_updating`;
* `sheet.name`, `.used_range`, `.range(cell)`, `.range(cell, cell)`, `.range(address)`,
  `.delete()`, `.visible`, `.activate()`, `.charts.add(width=, height=, anchor=)`,
  `.freeze_panes.freeze_at(rows)` (remote engine only);
* `Range.options(ndim=2, err_to_str=True).value` (read; on macOS `.raw_value` and
  `.api.string_value`), `.value` (write), `.last_cell.row/.column`, `.color`,
  `.font.bold/.italic/.size/.color`, `.wrap_text`, `.number_format`, `.column_width`,
  `.row_height`, `.note` (`.text`, `.delete()`), `.add_note(text)`;
* `Chart.set_source_data(range)`, `.chart_type`, `.title`.

What each engine lacks and how the canvas copes: `addin.excel.canvas`.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from addin.core.job import ALL_JOBS, AnalysisError, Job
from addin.core.scoring import ScoreError
from addin.core.settings import ConfigError
from addin.core.text import text
from addin.excel.canvas import XlwingsCanvas
from addin.excel.job import TITLE, run_jobs
from addin.excel.job import analyse_book as _analyse
from addin.mail.deliver import EmailJob, Sending, deliver
from addin.mail.plan import grid_digest
from addin.mail.recipients import find_recipients
from addin.mail.settings import MailError

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
    as_of = as_of or datetime.now().replace(second=0, microsecond=0)
    found = _book(book, active, "email")
    if isinstance(found, str):
        return found
    book, lang = found, "en"  # the workbook's language once it is read
    app, name = _app(book), _name(book)
    try:
        _show(app, "status_bar", text("alert.reading", lang, title=TITLE, name=name))
        result, sheets = _analyse(XlwingsCanvas(book), name, ALL_JOBS, as_of)
        lang = result.outcome.lang
        recipients = find_recipients(sheets)
        _show(app, "status_bar", text("alert.sending", lang, title=TITLE))
        job = EmailJob(as_of=as_of, by_region=True)
        done = deliver(result, recipients, grid_digest(sheets), _folder(book), job, environ, lang)
        message = _sent_message(done)
    except (AnalysisError, ConfigError, ScoreError, MailError) as exc:
        message = text("alert.failed", lang, name=name, error=exc)
    except Exception as exc:  # noqa: BLE001 - the user sees an alert, the details go to the log file
        message = _unexpected(name, exc, lang, "email")
    _show(app, "status_bar", False)
    return _alert(app, message)


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

    try:
        book = xw.Book.caller()
    except Exception:
        if not active:
            raise
        return _active_app().books.active  # the ribbon on macOS: a loaded add-in is not among app.books
    return book.app.books.active if active else book  # the ribbon acts on the user's workbook, not the add-in


def _name(book: Any) -> str:
    try:
        return str(book.name)
    except Exception:  # noqa: BLE001 - the alert still needs a name
        return "Excel"


def press(jobs: tuple[Job, ...], book: Any = None, *, active: bool = False, as_of: datetime | None = None) -> str:
    """Run `jobs` on the workbook as of `as_of` (now); every outcome ends as one alert, never a traceback."""
    as_of = as_of or datetime.now().replace(second=0, microsecond=0)
    found = _book(book, active, jobs)
    if isinstance(found, str):
        return found
    book = found
    app, name = _app(book), _name(book)
    _show(app, "screen_updating", False)
    message = run_jobs(
        book,
        name,
        jobs,
        as_of,
        lambda step: _show(app, "status_bar", step),
        lambda exc, lang: _unexpected(name, exc, lang, jobs),
    )
    _show(app, "status_bar", False)
    _show(app, "screen_updating", True)
    return _alert(app, message)


def _book(book: Any, active: bool, what: object) -> Any:
    """The workbook to act on, or the alert's text when it cannot be found (shown on the active Excel)."""
    if book is not None:
        return book
    try:
        return _caller(active)
    except Exception as exc:  # noqa: BLE001 - e.g. an add-in that is not among app.books (macOS)
        message = _unexpected("Excel", exc, "en", what)
    try:
        _active_app().alert(message, title=TITLE)
    except Exception:  # noqa: BLE001 - no Excel to show it on: the log file has it
        log.exception("no Excel to show the alert on")
    return message


def _app(book: Any) -> Any:
    """The book's Excel, or None when even that cannot be asked (the alert then goes to the active one)."""
    try:
        return book.app
    except Exception:  # noqa: BLE001
        _log_to_file()
        log.exception("book.app failed")
        return None


def _show(app: Any, setting: str, value: object) -> None:
    """Set the status bar or screen updating, as far as this Excel allows: a button never fails for it."""
    if app is None:
        return
    try:
        setattr(app, setting, value)
    except Exception:  # noqa: BLE001 - the remote engine has no status bar, nor a screen updating to read
        log.debug("app.%s could not be set", setting, exc_info=True)


def _alert(app: Any, message: str) -> str:
    """Show the one alert; if this Excel cannot, the active one does, and the log file keeps it in any case."""
    for target in (lambda: app, _active_app):
        try:
            found = target()
            if found is not None:
                found.alert(message, title=TITLE)
                return message
        except Exception:  # noqa: BLE001
            _log_to_file()
            log.exception("alert failed: %s", message)
    return message


def _active_app() -> Any:
    import xlwings as xw  # only here: the core and the tests never need Excel

    return xw.apps.active


def _log_to_file() -> None:
    if not log.handlers:
        log.addHandler(logging.FileHandler(LOG_FILE, encoding="utf-8"))
