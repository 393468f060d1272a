"""One workbook file through the whole job: read, analyse (`addin.core.job`), write the outputs.

The CLI only turns options into `Options` and prints `FileResult`s. Modes:
* `report` (default): `<out>/<stem>.report.xlsx`, the input is only read;
* `annotate`: a marked copy `<out>/<stem>.annotated<suffix>`;
* `in-place`: the input itself (a link's target), after a backup that never replaces an earlier
  one (`<stem>.bak<suffix>`, then `<stem>.2.bak<suffix>`…), replaced atomically; read-only files are refused.
`complaints run` also writes `<out>/<stem>.summary.xlsx` (Summary, Scores, Flags; never the
log) in every mode, and puts the Summary sheet first in the report. Which pages go where is
`addin.pages.plan`'s one list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from fractions import Fraction
from pathlib import Path

from addin.core import job
from addin.core.job import ALL_JOBS, Analysis, AnalysisError, Job, Request
from addin.core.table import Grid
from addin.files.config import read_config
from addin.files.limits import DEFAULT, Limits
from addin.files.package import FileError
from addin.files.package_canvas import PackageCanvas
from addin.files.package_writer import save
from addin.files.paths import atomic_target, in_place_target, keep_backup, output_path
from addin.files.reader import Loaded, excel_lock_file, load
from addin.files.xlsx_writer import write_pages
from addin.mail.deliver import EmailJob, Sending, deliver
from addin.mail.message import file_digest
from addin.mail.recipients import find_recipients
from addin.pages.plan import Output, Pages
from addin.sheets.write import write_results

MODES = ("report", "annotate", "in-place")
JOBS = ALL_JOBS


@dataclass(frozen=True)
class Options:
    as_of: datetime
    mode: str = "report"
    out: Path | None = None
    lang: str | None = None
    config: Path | None = None
    jobs: tuple[Job, ...] = (Job.VALIDATE,)
    by: tuple[str, ...] | None = None  # None: the Settings' score.by
    target: Fraction | None = None  # None: the Settings' score.target
    business: bool | None = None  # None: the Settings' clock.mode
    limits: Limits = DEFAULT  # the config's [limits] (`addin.files.config.read_config`)

    def __post_init__(self) -> None:
        object.__setattr__(self, "jobs", tuple(Job(j) for j in self.jobs))

    def request(self) -> Request:
        """The core's request; the config file is read here (a `ConfigError` when it cannot be used)."""
        _, config = read_config(self.config)
        return Request(self.as_of, self.jobs, self.lang, config, self.by, self.target, self.business)


@dataclass
class FileResult(Analysis):
    """An analysis of one file and the files written for it."""

    path: Path = Path()
    outputs: dict[str, Path] = field(default_factory=dict)


def planned_output(path: Path, options: Options) -> Path:
    """The file this run will write for `path` (the input itself with --in-place)."""
    if options.mode == "report":
        return output_path(path, options.out, "report", ".xlsx")
    if options.mode == "annotate":
        return output_path(path, options.out, "annotated")
    return path


def analyse(
    path: Path, sheets: Mapping[str, Grid], options: Options, *, date1904: bool, owned: frozenset[str]
) -> FileResult:
    """The core's analysis of a file's grids; `FileError` when it cannot be analysed."""
    try:
        found = job.analyse(path.name, sheets, options.request(), date1904=date1904, owned=owned)
    except AnalysisError as exc:
        raise FileError(str(exc)) from None
    return FileResult(**{f.name: getattr(found, f.name) for f in fields(Analysis)}, path=path)


def process_file(path: Path, options: Options) -> FileResult:
    """Run the jobs on one workbook and write its outputs; `FileError` when it cannot be processed."""
    loaded = load(path, options.limits)
    if options.mode == "in-place" and (lock := excel_lock_file(in_place_target(path))) is not None:
        raise FileError(f"open in Excel ({lock.name} exists); close it before --in-place")
    result = analyse(path, loaded.sheets, options, date1904=loaded.date1904, owned=loaded.owned)
    pages = Pages(result)
    if options.mode == "report":
        del loaded  # the grids are only needed by the checks
        contents = [planned.content(None) for planned in pages.plan(Output.REPORT)]
        result.outputs["report"] = write_pages(planned_output(path, options), contents, original=path)
    else:
        _annotate(path, options, result, pages, loaded)
        del loaded
    standalone = pages.plan(Output.SUMMARY)
    if standalone:
        summary_path = output_path(path, options.out, "summary", ".xlsx")
        contents = [planned.content(None) for planned in standalone]
        result.outputs["summary"] = write_pages(summary_path, contents, original=None, links=False)
    return result


def send_file(path: Path, job: EmailJob) -> Sending:
    """`complaints email` for one file: analyse it as `complaints run` does and mail its summary."""
    limits, _ = read_config(job.config)
    options = Options(as_of=job.as_of, lang=job.lang, config=job.config, jobs=JOBS, limits=limits)
    loaded = load(path, limits)
    recipients = find_recipients(loaded.sheets)
    result = analyse(path, loaded.sheets, options, date1904=loaded.date1904, owned=loaded.owned)
    del loaded
    return deliver(result, recipients, file_digest(path), job.out or path.parent, job)


def _annotate(path: Path, options: Options, result: FileResult, pages: Pages, loaded: Loaded) -> None:
    """Marks, columns and owned sheets written into a copy of the package (`addin.files.package_writer`)."""
    canvas = PackageCanvas(path, loaded.sheets, loaded.date1904)
    try:
        written = write_results(canvas, result, pages)
        result.notes.extend(written.notes)
        if options.mode == "in-place":
            target = in_place_target(path)
        else:
            target = planned_output(path, options)
            if target.resolve() == path.resolve():
                raise FileError("the annotated copy would overwrite the input; use --in-place or another --out")
        with atomic_target(target) as temporary:
            save(canvas, temporary)
            if options.mode == "in-place":
                result.outputs["backup"] = keep_backup(target)
    finally:
        canvas.close()
    result.outputs["annotated" if options.mode == "annotate" else "in-place"] = target
