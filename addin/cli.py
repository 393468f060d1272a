"""The `complaints` command line: thin click wrappers around `addin.files.run` and `addin.build.sample`.

Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 usage error, 3 some file could
not be processed (that file gets one line on stderr and the batch goes on), 4 some e-mail
could not be sent (`complaints email`), 5 an internal error (a bug: one line on stderr, the
traceback in the error log, `addin.files.isolation.error_log`). Each file is processed in a
child process within the `[limits]` of the config file (`addin.files.limits`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import click

from addin import __version__
from addin.core.job import Job
from addin.core.setting_values import CUT_FIELDS, cut_fields, is_address, split_addresses, subject_text
from addin.core.settings import ConfigError
from addin.core.values import Bad, parse_date
from addin.files.config import read_config
from addin.files.isolation import Failed, log_internal, run_isolated
from addin.files.limits import Limits
from addin.files.outcome import Outcome, check_file
from addin.files.paths import expand
from addin.files.run import JOBS, Options, planned_output, send_file
from addin.mail.deliver import EmailJob
from addin.map_command import map_command
from addin.pages.json_text import json_text

EXIT_OK, EXIT_ERRORS, EXIT_USAGE, EXIT_FILES, EXIT_MAIL, EXIT_INTERNAL = 0, 1, 2, 3, 4, 5


def parse_as_of(text: str | None) -> datetime:
    """`--as-of` as a naive local datetime; now when not given."""
    if text is None:
        return datetime.now().replace(microsecond=0)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        parsed = parse_date(text)
        if isinstance(parsed, Bad):
            raise click.BadParameter(f"'{text}' is not an ISO date such as 2026-11-22 or 2026-11-22T14:30") from None
        return parsed
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment


def check_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by the commands that read workbooks."""
    decorators = [
        click.argument("paths", nargs=-1, required=True),
        click.option(
            "--out",
            type=click.Path(file_okay=False, path_type=Path),
            help="Folder for outputs (default: beside each input).",
        ),
        click.option("--annotate", is_flag=True, help="Write a marked copy <stem>.annotated.xlsx."),
        click.option("--in-place", is_flag=True, help="Mark the input itself (a backup <stem>.bak.xlsx is kept)."),
        click.option("--json", "as_json", is_flag=True, help="Print results as JSON on stdout."),
        click.option("--as-of", help="Reference time for 'future' dates, deadlines and ages (ISO; default: now)."),
        click.option("--lang", type=click.Choice(["zh", "en"]), help="Output language (default: the workbook's)."),
        click.option("--config", type=click.Path(dir_okay=False, path_type=Path), help="TOML settings file."),
    ]
    for decorator in reversed(decorators):
        f = decorator(f)
    return f


def score_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Options of the commands that compute satisfaction scores."""
    f = click.option(
        "--target",
        type=click.FloatRange(0, 100),
        help="Target score on the 100 scale (default: the Settings' score.target, else 80).",
    )(f)
    return click.option(
        "--by",
        help=f"Also group by these fields, comma-separated: {', '.join(CUT_FIELDS)} (region always).",
    )(f)


def flag_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Options of the commands that flag overdue and repeat complaints."""
    return click.option(
        "--business-days",
        "business",
        is_flag=True,
        default=None,
        help="Deadlines in business days (weekends and official holidays skipped; default: Settings' clock.mode).",
    )(f)


def parse_by(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    try:
        return cut_fields(text.split(","))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--by") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="complaints")
def cli() -> None:
    """Complaint Desk: check complaint logs and satisfaction surveys kept in Excel."""


def _run(
    jobs: tuple[str, ...],
    paths: tuple[str, ...],
    out: Path | None,
    annotate: bool,
    in_place: bool,
    as_json: bool,
    as_of: str | None,
    lang: str | None,
    config: Path | None,
    by: str | None = None,
    target: float | None = None,
    business: bool | None = None,
) -> None:
    if annotate and in_place:
        raise click.UsageError("--annotate and --in-place exclude each other")
    if in_place and out is not None:
        raise click.UsageError("--out has no use with --in-place (the input itself is changed)")
    mode = "in-place" if in_place else "annotate" if annotate else "report"
    options = Options(
        limits=_limits(config),
        as_of=parse_as_of(as_of),
        mode=mode,
        out=out,
        lang=lang,
        config=config,
        jobs=tuple(Job(j) for j in jobs),
        by=parse_by(by),
        target=None if target is None else Fraction(str(target)),
        business=business or None,
    )
    outcomes, failures = _process_files(_inputs(paths, config), options, jobs, as_json)
    if as_json:
        files = [o.entry for o in outcomes] + [_failed_entry(path, f) for path, f in failures]
        click.echo(json_text({"files": files}))
    else:
        for outcome in outcomes:
            click.echo(outcome.line)
    for outcome in outcomes:
        for note in outcome.notes:
            click.echo(f"{outcome.path}: note: {note}", err=True)
    sys.exit(_exit_code([o.errors for o in outcomes], [f for _, f in failures]))


def _failed_entry(path: Path, failed: Failed) -> dict[str, object]:
    """A file without results in --json: why, and `"internal": true` when it was a bug of ours (exit 5)."""
    return {"path": str(path), "error": failed.reason} | ({"internal": True} if failed.internal else {})


def _exit_code(errors: list[bool], failures: list[Failed]) -> int:
    """5 when something failed inside the tool, else 3 when a file could not be processed, else 1 for errors found."""
    if any(f.internal for f in failures):
        return EXIT_INTERNAL
    if failures:
        return EXIT_FILES
    return EXIT_ERRORS if any(errors) else EXIT_OK


def _process_files(
    files: list[Path], options: Options, jobs: tuple[str, ...], as_json: bool
) -> tuple[list[Outcome], list[tuple[Path, Failed]]]:
    """Each file in its own child process (a progress bar for a batch); a failure is one line, the rest go on."""
    outcomes: list[Outcome] = []
    failures: list[tuple[Path, Failed]] = []
    with click.progressbar(
        files,
        label="Checking",
        file=sys.stderr,
        show_pos=True,
        hidden=len(files) < 2,
        item_show_func=lambda p: p.name if p else "",
    ) as bar:
        written: dict[Path, Path] = {}  # output -> the input it was written for, in this run
        for path in bar:
            output = planned_output(path, options).resolve()
            if output in written:
                reason = (
                    f"its output {output.name} was already written for {written[output]}; use separate --out folders"
                )
                failed = Failed(reason, "file")
            else:
                got = run_isolated(check_file, (path, options, jobs, as_json), options.limits)
                if not isinstance(got, Failed):
                    outcomes.append(got)
                    written[output] = path
                    continue
                failed = _failure(path, got)
            failures.append((path, failed))
            click.echo(f"{path}: {failed.reason}", err=True)
    return outcomes, failures


def _failure(path: Path, failed: Failed) -> Failed:
    """A config error stops the run (usage error); an internal one is logged, with the log named in its line."""
    if failed.kind == "config":
        raise click.UsageError(failed.reason)
    if failed.internal:
        log = log_internal(str(path), failed.details)
        return Failed(f"internal error ({failed.reason}); this is a bug: details in {log}", "internal")
    return failed


def _limits(config: Path | None) -> Limits:
    """The config's `[limits]`; a usage error when the file or a limit is wrong."""
    if config is not None and not config.is_file():
        raise click.BadParameter(f"config file not found: {config}", param_hint="--config")
    try:
        return read_config(config)[0]
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


def _inputs(paths: tuple[str, ...], config: Path | None) -> list[Path]:
    """The workbooks the arguments name; usage errors for a missing config file or no match."""
    if config is not None and not config.is_file():
        raise click.BadParameter(f"config file not found: {config}", param_hint="--config")
    files = expand(list(paths))
    if not files:
        raise click.UsageError("no .xlsx/.xlsm files matched " + " ".join(paths))
    return files


@cli.command()
@check_options
def validate(paths: tuple[str, ...], **options: Any) -> None:
    """Check complaint logs and surveys; list every problem with a link to its cell.

    PATHS are workbooks, folders (every .xlsx/.xlsm inside) or glob patterns.
    """
    _run(("validate",), paths, **options)


@cli.command()
@check_options
@score_options
def score(paths: tuple[str, ...], **options: Any) -> None:
    """Satisfaction scores per dimension and region: grades, CSAT, rank, gap to target, key drivers.

    Invalid ratings are left out (see 'complaints validate'). Exit 0 when every file was
    scored, 3 when some file has no usable survey.
    """
    _run(("score",), paths, **options)


@cli.command()
@check_options
@flag_options
def flag(paths: tuple[str, ...], **options: Any) -> None:
    """Overdue and due-soon complaints, repeats, secondary complaints, clusters and under-graded severity.

    Lists every flagged complaint, most urgent first, with a link to its row; with --annotate
    or --in-place also writes due times, state and flags into columns at the log's right end
    and colours the flagged rows. Exit 0 when every file was processed.
    """
    _run(("flag",), paths, **options)


@cli.command()
@check_options
@score_options
@flag_options
def run(paths: tuple[str, ...], **options: Any) -> None:
    """The whole daily job on each workbook: validation, satisfaction scores and flags."""
    _run(JOBS, paths, **options)


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--rows", default=200, show_default=True, type=click.IntRange(min=40), help="Complaint log rows.")
@click.option("--survey-rows", type=click.IntRange(min=20), help="Survey rows (default: same as --rows).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Header language.")
@click.option("--seed", default=2026, show_default=True, help="Random seed; same seed, same workbook.")
def sample(path: Path, rows: int, survey_rows: int | None, lang: str, seed: int) -> None:
    """Write a realistic sample workbook with a documented set of planted problems."""
    from addin.build.sample import write_sample

    if path.suffix.lower() != ".xlsx":
        raise click.BadParameter("the sample is an .xlsx file", param_hint="PATH")
    write_sample(path, rows=rows, survey_rows=survey_rows or rows, lang=lang, seed=seed)
    click.echo(f"wrote {path}", err=True)


def _addresses(param: str, values: tuple[str, ...]) -> list[str]:
    found = [a for value in values for a in split_addresses(value)]
    bad = [a for a in found if not is_address(a)]
    if bad:
        raise click.BadParameter(f"not an e-mail address: {', '.join(bad)}", param_hint=param)
    return found


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--to", multiple=True, help="Whole-company summary to these addresses (repeat, or separate by ;).")
@click.option("--cc", multiple=True, help="Copy every message to these addresses.")
@click.option("--subject", help="Subject; {name}, {region} and {date} are filled in (default: Settings' mail.subject).")
@click.option(
    "--by-region", is_flag=True, help="Also send each region its own slice, to the Recipients sheet's addresses."
)
@click.option("--dry-run", is_flag=True, help="Write one .eml draft per message into --out; send nothing.")
@click.option("--resend", is_flag=True, help="Send again what the sent log says already went today.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for drafts and the sent log (default: beside each input).",
)
@click.option("--as-of", help="Reference time for deadlines and ages (ISO; default: now).")
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Summary language (default: the workbook's).")
@click.option(
    "--config", type=click.Path(dir_okay=False, path_type=Path), help="TOML settings file ([mail] for the server)."
)
def email(
    paths: tuple[str, ...],
    to: tuple[str, ...],
    cc: tuple[str, ...],
    subject: str | None,
    by_region: bool,
    dry_run: bool,
    resend: bool,
    out: Path | None,
    as_of: str | None,
    lang: str | None,
    config: Path | None,
) -> None:
    """E-mail each workbook's summary to managers: HTML and plain text, summary workbook attached.

    SMTP server from the environment (COMPLAINTS_SMTP_HOST, _PORT, _SECURITY, _USER, _PASSWORD,
    COMPLAINTS_MAIL_FROM) or the config file's [mail] table; the password only from the
    environment or the system keyring. A sent log beside the outputs keeps a re-run from
    sending twice what already went. Exit 4 when some message could not be sent.
    """
    recipients_to, copies = _addresses("--to", to), _addresses("--cc", cc)
    if subject is not None:
        try:
            subject_text(subject, name="", region="", date="")
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--subject") from None
    if not recipients_to and not by_region:
        raise click.UsageError("say who gets the summary: --to ADDRESS, --by-region, or both")
    files = _inputs(paths, config)
    job = EmailJob(
        as_of=parse_as_of(as_of),
        to=tuple(recipients_to),
        cc=tuple(copies),
        subject=subject,
        by_region=by_region,
        dry_run=dry_run,
        resend=resend,
        out=out,
        lang=lang,
        config=config,
    )
    sys.exit(_email_files(files, job))


def _email_files(files: list[Path], job: EmailJob) -> int:
    """Mail each file's summary (each in its child process); exit 5, 4, 3 by what failed, worst first."""
    codes = [EXIT_OK]
    limits = _limits(job.config)
    for path in files:
        done = run_isolated(send_file, (path, job), limits)
        if isinstance(done, Failed):
            failed = _failure(path, done)
            click.echo(f"{path}: {failed.reason}", err=True)
            codes.append(EXIT_INTERNAL if failed.internal else EXIT_FILES)
            continue
        for line in done.lines:
            click.echo(line)
        for note in done.notes:
            click.echo(f"{path}: note: {note}", err=True)
        for reason in done.failed:
            click.echo(f"{path}: not sent: {reason}", err=True)
        codes.append(EXIT_MAIL if done.failed else EXIT_OK)
    return max(codes, key=[EXIT_OK, EXIT_FILES, EXIT_MAIL, EXIT_INTERNAL].index)


cli.add_command(map_command)


def main() -> None:
    cli()
