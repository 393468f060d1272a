"""What one workbook may cost before it is refused, checked before any reader parses it.

A file over a limit gets one line naming the limit (exit 3) and the batch goes on. The limits
come from the `[limits]` table of the `--config` file only: they guard the run against the
workbook, so a workbook's own Settings sheet cannot raise them. Each default, and why:

Each limit, its default and the reason for it are declared once, below; the README's table is
made from them (`markdown`, by `python -m addin.build.readme`).

XML parts with a document type declaration are refused outright (no entity expansion).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from typing import Any

from addin.core.settings import ConfigError, Entry
from addin.core.values import clean_text

PREFIX = "limits."
MB = 1 << 20


def _limit(default: int, why: str) -> Any:
    return field(default=default, metadata={"why": why})


@dataclass(frozen=True)
class Limits:
    file_mb: int = _limit(256, "the zip itself (a 100k-row log with a 100k survey is 13 MB)")
    part_mb: int = _limit(512, "one part unpacked (that log's sheet is 61 MB; 1,048,576 rows × 15 columns: 500 MB)")
    total_mb: int = _limit(1024, "all parts unpacked together")
    ratio: int = _limit(200, "unpacked ÷ packed size of a part past 16 MB (sheet XML packs 5–15×, a zip bomb 1000×)")
    cells: int = _limit(
        20_000_000,
        "rows × columns that a sheet's *values* span (the declared `<dimension>` is ignored; formatting alone "
        "does not count). The reader allocates this box: one stray value at `XFD1048576` would ask for 512 GB",
    )
    text: int = _limit(32_767, "characters in one cell, Excel's own limit")
    memory_mb: int = _limit(
        4096, "address space of the child process (enforced on Linux; elsewhere a crash is still isolated)"
    )
    seconds: int = _limit(600, "wall time for one file")

    @classmethod
    def keys(cls) -> tuple[str, ...]:
        return tuple(PREFIX + f.name for f in fields(cls))


def markdown() -> str:
    """The README's table of limits."""
    rows = ["| limit | default | why |", "|---|---|---|"]
    rows += [f"| `{PREFIX}{f.name}` | {f.default:,} | {f.metadata['why']} |" for f in fields(Limits)]
    return "\n".join(rows) + "\n"


DEFAULT = Limits()
# Limits that no longer limit anything, still accepted so that an older config keeps working:
# `rewrite_cells` bounded the openpyxl rewrite of --annotate/--in-place, which edits the package now.
RETIRED = ("rewrite_cells",)


def split_limits(entries: Iterable[Entry]) -> tuple[Limits, list[Entry]]:
    """The config's `limits.*` entries as `Limits`, and the other entries for the Settings."""
    changes: dict[str, int] = {}
    rest: list[Entry] = []
    known = {f.name for f in fields(Limits)}
    for entry in entries:
        if not entry.key.startswith(PREFIX):
            rest.append(entry)
            continue
        name = entry.key[len(PREFIX) :]
        source = entry.origin.file or "config"
        if name in RETIRED:
            continue
        if name not in known:
            known_keys = ", ".join(Limits.keys())
            raise ConfigError(f"{source}: setting '{entry.key}': unknown limit; the limits are {known_keys}")
        value = entry.value
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10**12:
            given = clean_text(value)
            raise ConfigError(f"{source}: setting '{entry.key}': a whole number of at least 1, not {given!r}")
        changes[name] = value
    return replace(DEFAULT, **changes), rest
