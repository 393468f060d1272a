"""What one workbook may cost before it is refused, checked before any reader parses it.

A file over a limit gets one line naming the limit (exit 3) and the batch goes on. The limits
come from the `[limits]` table of the `--config` file only: they guard the run against the
workbook, so a workbook's own Settings sheet cannot raise them. Each default, and why:

* `limits.file_mb` = 256: the zip itself (a 100k-row log with a 100k survey is 13 MB).
* `limits.part_mb` = 512: one part unpacked (that 100k-row log sheet is 61 MB; Excel's
  1,048,576 rows of 15 columns about 500 MB).
* `limits.total_mb` = 1024: all parts unpacked together.
* `limits.ratio` = 200: unpacked / packed size of a part past 16 MB (sheet XML packs 5-15×,
  a zip bomb over 1000×).
* `limits.cells` = 20,000,000: rows × columns a sheet's values span. calamine allocates this
  box, so one stray value at XFD1048576 would ask for 512 GB and abort the process.
* `limits.text` = 32,767: characters in one cell, Excel's own limit (a longer text was not
  typed in Excel and cannot go back into it).
* `limits.rewrite_cells` = 3,000,000: rows and cells `--annotate`/`--in-place` load with
  openpyxl (about 20 s and 0.7 GB per million); the report path has no such limit.
* `limits.memory_mb` = 4096: address space of the child process that handles one file
  (enforced on Linux; elsewhere the child still isolates a crash).
* `limits.seconds` = 600: wall time for one file, reading to writing.

XML parts with a document type declaration are refused outright (no entity expansion).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace

from addin.core.settings import ConfigError, Entry
from addin.core.values import clean_text

PREFIX = "limits."
MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    file_mb: int = 256
    part_mb: int = 512
    total_mb: int = 1024
    ratio: int = 200
    cells: int = 20_000_000
    text: int = 32_767
    rewrite_cells: int = 3_000_000
    memory_mb: int = 4096
    seconds: int = 600

    @classmethod
    def keys(cls) -> tuple[str, ...]:
        return tuple(PREFIX + f.name for f in fields(cls))


DEFAULT = Limits()


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
        if name not in known:
            known_keys = ", ".join(Limits.keys())
            raise ConfigError(f"{source}: setting '{entry.key}': unknown limit; the limits are {known_keys}")
        value = entry.value
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10**12:
            given = clean_text(value)
            raise ConfigError(f"{source}: setting '{entry.key}': a whole number of at least 1, not {given!r}")
        changes[name] = value
    return replace(DEFAULT, **changes), rest
