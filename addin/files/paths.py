"""Paths in and out: expanding the command line, naming outputs, writing without half-files.

Every file we write goes to a temporary name in the target folder first and is moved into
place with `os.replace` (atomic on one file system), so a crash or a full disk never leaves a
half-written workbook. In-place writes copy the original to `<stem>.bak<suffix>` first.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from addin.files.reader import EXCEL_SUFFIXES

OUR_SUFFIXES = (".report", ".annotated", ".bak", ".summary")


def is_ours(path: Path) -> bool:
    """Files we produce (or Excel's lock files), skipped when a folder is scanned."""
    return path.name.startswith("~$") or any(path.stem.endswith(s) for s in OUR_SUFFIXES)


def expand(arguments: list[str]) -> list[Path]:
    """Files from arguments that are files, folders (their .xlsx/.xlsm) or glob patterns.

    A file named explicitly is kept even if it does not exist, so it gets its own
    "not found" line; folders and patterns skip our own outputs and lock files.
    """
    found: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            found += sorted(
                p for p in path.iterdir() if p.suffix.lower() in EXCEL_SUFFIXES and p.is_file() and not is_ours(p)
            )
        elif glob.has_magic(argument):
            found += sorted(
                p
                for p in map(Path, glob.glob(argument, recursive=True))
                if p.is_file() and p.suffix.lower() in EXCEL_SUFFIXES and not is_ours(p)
            )
        else:
            found.append(path)
    unique: dict[Path, None] = {}
    for path in found:
        unique.setdefault(path, None)
    return list(unique)


def output_path(source: Path, out: Path | None, tag: str, suffix: str | None = None) -> Path:
    """`<out>/<stem>.<tag><suffix>`; `out` defaults to the source's folder."""
    folder = out if out is not None else source.parent
    return folder / f"{source.stem}.{tag}{suffix or source.suffix}"


def backup_path(source: Path) -> Path:
    return source.with_name(f"{source.stem}.bak{source.suffix}")


@contextlib.contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success move it into place, else delete it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix + ".tmp", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        with temporary.open("rb+") as written:
            os.fsync(written.fileno())
        _set_mode(temporary, path)
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def keep_backup(source: Path) -> Path:
    """Copy the original beside itself before an in-place write; returns the backup path."""
    backup = backup_path(source)
    shutil.copy2(source, backup)
    return backup


def _set_mode(temporary: Path, path: Path) -> None:
    """mkstemp makes 0600 files: keep the replaced file's mode, or the usual umask default."""
    if path.exists():
        shutil.copymode(path, temporary)
        return
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)
