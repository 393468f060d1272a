"""Paths in and out: expanding the command line, naming outputs, writing without half-files.

Every file we write goes to a temporary name in the target folder first and is moved into
place with `os.replace` (atomic on one file system), so a crash or a full disk never leaves a
half-written workbook. In-place writes copy the original to a backup first, never over an
earlier one (`keep_backup`), and follow a symbolic link to the workbook it names.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from addin.files.package import FileError
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


def backup_path(source: Path, n: int = 1) -> Path:
    """`<stem>.bak<suffix>` for the first backup, `<stem>.<n>.bak<suffix>` after it."""
    number = "" if n == 1 else f".{n}"
    return source.with_name(f"{source.stem}{number}.bak{source.suffix}")


def cannot_write(path: Path, exc: OSError) -> FileError:
    """The one line for an output that cannot be written (a read-only folder, a full disk)."""
    hint = "; choose another folder with --out" if isinstance(exc, PermissionError) else ""
    return FileError(f"cannot write {path}: {exc.strerror or exc}{hint}")


@contextlib.contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success move it into place, else delete it.

    An `OSError` of our own writing becomes the `FileError` "cannot write …".
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix + ".tmp", dir=path.parent)
    except OSError as exc:
        raise cannot_write(path, exc) from None
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        with temporary.open("rb+") as written:
            os.fsync(written.fileno())
        _set_mode(temporary, path)
        os.replace(temporary, path)
    except OSError as exc:
        raise cannot_write(path, exc) from None
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()


def in_place_target(path: Path) -> Path:
    """The file `--in-place` changes: a symbolic link's target; `FileError` for a read-only file (as Excel)."""
    real = path.resolve() if path.is_symlink() else path
    if not os.access(real, os.W_OK) or not real.stat().st_mode & 0o222:  # no write bit: read-only, even for root
        raise FileError(f"read-only: {real.name} cannot be changed in place; use --annotate for a marked copy")
    if not os.access(real.parent, os.W_OK):
        raise FileError(f"cannot write in {real.parent}: no permission; use --annotate with --out")
    return real


def keep_backup(source: Path) -> Path:
    """Copy the original beside itself before an in-place write, never over an existing file.

    The first backup is `<stem>.bak<suffix>`, later ones `<stem>.2.bak<suffix>`, `.3.bak`…, so the
    oldest is the user's original and every run's input is kept. Returns the backup written.
    """
    for n in range(1, 10_000):
        backup = backup_path(source, n)
        try:
            with source.open("rb") as original, backup.open("xb") as copy:
                shutil.copyfileobj(original, copy)
        except FileExistsError:
            continue
        except OSError as exc:
            raise cannot_write(backup, exc) from None
        shutil.copystat(source, backup)
        return backup
    raise FileError(f"not modified: 9,999 backups of {source.name} exist beside it; move some away")


def _set_mode(temporary: Path, path: Path) -> None:
    """mkstemp makes 0600 files: keep the replaced file's mode, or the usual umask default."""
    if path.exists():
        shutil.copymode(path, temporary)
        return
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)
