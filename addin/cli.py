"""The `complaints` command line: thin click wrappers around `addin.pipeline` and `addin.sample`.

Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 usage error, 3 some file could
not be processed (that file gets one line on stderr and the batch goes on).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from addin import __version__
from addin.pipeline import FileResult, Options, planned_output, validate_file
from addin.settings import ConfigError
from addin.values import Bad, parse_date
from addin.workbook.files import expand
from addin.workbook.reader import FileError

EXIT_OK, EXIT_ERRORS, EXIT_USAGE, EXIT_FILES = 0, 1, 2, 3


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
        click.option("--as-of", help="Reference time for 'future' dates (ISO; default: now)."),
        click.option("--lang", type=click.Choice(["zh", "en"]), help="Output language (default: the workbook's)."),
        click.option("--config", type=click.Path(dir_okay=False, path_type=Path), help="TOML settings file."),
    ]
    for decorator in reversed(decorators):
        f = decorator(f)
    return f


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="complaints")
def cli() -> None:
    """Complaint Desk: check complaint logs and satisfaction surveys kept in Excel."""


def _run_validation(
    paths: tuple[str, ...],
    out: Path | None,
    annotate: bool,
    in_place: bool,
    as_json: bool,
    as_of: str | None,
    lang: str | None,
    config: Path | None,
) -> None:
    if annotate and in_place:
        raise click.UsageError("--annotate and --in-place exclude each other")
    if in_place and out is not None:
        raise click.UsageError("--out has no use with --in-place (the input itself is changed)")
    mode = "in-place" if in_place else "annotate" if annotate else "report"
    options = Options(as_of=parse_as_of(as_of), mode=mode, out=out, lang=lang, config=config)
    if config is not None and not config.is_file():
        raise click.BadParameter(f"config file not found: {config}", param_hint="--config")
    files = expand(list(paths))
    if not files:
        raise click.UsageError("no .xlsx/.xlsm files matched " + " ".join(paths))
    results: list[FileResult] = []
    failures: list[tuple[Path, str]] = []
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
            target = planned_output(path, options).resolve()
            if target in written:
                reason = (
                    f"its output {target.name} was already written for {written[target]}; use separate --out folders"
                )
                failures.append((path, reason))
                click.echo(f"{path}: {reason}", err=True)
                continue
            try:
                results.append(validate_file(path, options))
                written[target] = path
            except FileError as exc:
                failures.append((path, str(exc)))
                click.echo(f"{path}: {exc}", err=True)
            except ConfigError as exc:
                raise click.UsageError(str(exc)) from None
    if as_json:
        click.echo(json.dumps(_json(results, failures), ensure_ascii=False, indent=2))
    else:
        for result in results:
            click.echo(_line(result))
    for result in results:
        for note in result.notes:
            click.echo(f"{result.path}: note: {note}", err=True)
    if failures:
        sys.exit(EXIT_FILES)
    sys.exit(EXIT_ERRORS if any(r.outcome.report.errors for r in results) else EXIT_OK)


def _line(result: FileResult) -> str:
    report = result.outcome.report
    outputs = ", ".join(str(p) for p in result.outputs.values())
    return f"{result.path}: {report.errors} errors, {report.warnings} warnings -> {outputs}"


def _json(results: list[FileResult], failures: list[tuple[Path, str]]) -> dict[str, object]:
    files: list[dict[str, object]] = []
    for r in results:
        report, log, survey = r.outcome.report, r.outcome.log, r.outcome.survey
        files.append(
            {
                "path": str(r.path),
                "lang": report.lang,
                "errors": report.errors,
                "warnings": report.warnings,
                "problems": [p.as_dict(report.lang) for p in report.sorted()],
                "counts": report.counts(),
                "log": {"sheet": log.sheet, "header_row": log.header_row, "rows": log.row_count},
                "survey": {"sheet": survey.sheet, "header_row": survey.header_row, "rows": survey.row_count}
                if survey
                else None,
                "outputs": {k: str(v) for k, v in r.outputs.items()},
                "notes": r.notes,
            }
        )
    files += [{"path": str(path), "error": reason} for path, reason in failures]
    return {"files": files}


@cli.command()
@check_options
def validate(paths: tuple[str, ...], **options: Any) -> None:
    """Check complaint logs and surveys; list every problem with a link to its cell.

    PATHS are workbooks, folders (every .xlsx/.xlsm inside) or glob patterns.
    """
    _run_validation(paths, **options)


@cli.command()
@check_options
def run(paths: tuple[str, ...], **options: Any) -> None:
    """The whole daily job on each workbook (for now: validation)."""
    _run_validation(paths, **options)


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--rows", default=200, show_default=True, type=click.IntRange(min=20), help="Complaint log rows.")
@click.option("--survey-rows", type=click.IntRange(min=20), help="Survey rows (default: same as --rows).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Header language.")
@click.option("--seed", default=2026, show_default=True, help="Random seed; same seed, same workbook.")
def sample(path: Path, rows: int, survey_rows: int | None, lang: str, seed: int) -> None:
    """Write a realistic sample workbook with a documented set of planted problems."""
    from addin.sample import write_sample

    if path.suffix.lower() != ".xlsx":
        raise click.BadParameter("the sample is an .xlsx file", param_hint="PATH")
    write_sample(path, rows=rows, survey_rows=survey_rows or rows, lang=lang, seed=seed)
    click.echo(f"wrote {path}", err=True)


def main() -> None:
    cli()
