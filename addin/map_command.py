"""`complaints map FILE [--write config.toml]`: how the headers are read, and a config to edit (`addin.core.mapping`).

It reads the workbook as every command does (within the `[limits]` of `--config`), applies its
Settings sheet and the `--config` file, so that a rerun with the written config shows each
proposed header as exact. `--write` never replaces an existing file unless `--force` is given.
Exit codes: 0 both tables or one of them usable, 1 neither, 2 usage error, 3 file unreadable.
"""

from __future__ import annotations

from pathlib import Path

import click

from addin.core.mapping import describe, map_workbook, proposal
from addin.core.settings import ConfigError
from addin.core.validate import workbook_settings
from addin.files.config import read_config
from addin.files.package import FileError
from addin.files.paths import cannot_write
from addin.files.reader import load


@click.command("map")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--write", "target", type=click.Path(dir_okay=False, path_type=Path), help="Write the proposed config.")
@click.option("--force", is_flag=True, help="Replace the --write file if it exists.")
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path), help="TOML settings file to apply first.")
def map_command(path: Path, target: Path | None, force: bool, config: Path | None) -> None:
    """Show which sheet, header row and header each field is read from, and propose a config."""
    try:
        limits, entries = read_config(config)
        loaded = load(path, limits)
        settings, _, skip = workbook_settings(loaded.sheets, entries, loaded.owned)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    except FileError as exc:
        click.echo(f"{path}: {exc}", err=True)
        raise SystemExit(3) from None
    report = map_workbook(loaded.sheets, settings, skip)
    for line in describe(report):
        click.echo(line)
    if target is not None:
        _write(target, proposal(report, path.name), force)
    raise SystemExit(0 if report.log.usable or report.survey.usable else 1)


def _write(target: Path, text: str, force: bool) -> None:
    if target.exists() and not force:
        raise click.UsageError(f"{target} exists; choose another name or add --force to replace it")
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        click.echo(str(cannot_write(target, exc)).replace("--out", "--write"), err=True)
        raise SystemExit(3) from None
    click.echo(f"wrote {target}: edit it, then run with --config {target}")
