"""Excel buttons on a large log: the calls each button makes to a live Excel, counted on the stand-in.

    python benchmarks/bench_excel.py [--rows 100000] [--repeat 3] [--keep DIR]

Writes the sample workbook with --rows complaints and 2,000 survey rows (not timed) and reads its
grids once. Then, for each button (Validate log, Scores, Flags, Run all), presses it as of
2026-11-21 09:00 on a fresh in-memory stand-in for xlwings (`tests/xlwings_standin.py`, the one the
tests use; building it is not timed) and prints the calls a live Excel would receive: range
reads, range writes, formatting calls (fonts, fills, wrap, number formats, widths, heights), fill
reads, note calls (read or add), and the rest (sheets, defined names, charts); and the seconds
per press, the median of --repeat presses. The counts are the same on every press; the seconds
are our Python plus the stand-in's bookkeeping, not Excel's time.

Each call is a round trip to Excel, so the target is the one `tests/test_excel.py` checks at
2,000 and 20,000 complaints: at most 20 range reads and writes per button, however long the log.
Formatting, fill reads and notes grow with the marks (coloured rows go out by colour in
multi-area ranges of at most 255 characters), not with every row. Peak resident memory of the
whole process is printed at the end.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import harness

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the stand-in lives in tests/

from addin.build.sample import write_sample  # noqa: E402
from addin.core.job import ALL_JOBS, Job  # noqa: E402
from addin.excel import buttons  # noqa: E402
from addin.files.reader import load  # noqa: E402
from tests.xlwings_standin import READS, WRITES, book_from_grids  # noqa: E402

AS_OF = datetime(2026, 11, 21, 9)
SURVEY_ROWS = 2_000
TARGET = 20  # range reads + writes per button
BUTTONS = {
    "Validate log": (Job.VALIDATE,),
    "Scores": (Job.SCORE,),
    "Flags": (Job.FLAG,),
    "Run all": ALL_JOBS,
}
COLUMNS = {  # heading -> the stand-in's counters summed under it
    "range reads": (READS,),
    "range writes": (WRITES,),
    "formatting": ("format",),
    "fill reads": ("colour read",),
    "notes": ("note",),
    "other": ("sheet add", "name", "chart"),
}


def press(jobs: tuple[Job, ...], sheets: dict[str, list[list[object]]]) -> tuple[float, Counter[str], str]:
    """One press on a fresh book: seconds, the calls it made, the alert."""
    book = book_from_grids("bench.xlsx", sheets)
    start = time.perf_counter()
    message = buttons.press(jobs, book, as_of=AS_OF)
    seconds = time.perf_counter() - start
    if "see " not in message:
        raise SystemExit(f"the button failed: {message}")
    return seconds, book.app.calls, message


def main() -> None:
    args = harness.arguments(__doc__)
    folder = harness.folder(args, "bench-excel-")
    path = folder / "excel-bench.xlsx"
    start = time.perf_counter()
    write_sample(path, rows=args.rows, survey_rows=SURVEY_ROWS, lang="en", seed=1)
    sheets = load(path).sheets
    print(f"wrote and read {args.rows:,} complaints in {time.perf_counter() - start:.1f} s (not measured)", flush=True)
    results = {}
    for name, jobs in BUTTONS.items():
        times, calls, message = [], Counter[str](), ""
        for _ in range(args.repeat):
            seconds, calls, message = press(jobs, sheets)
            times.append(seconds)
        results[name] = (statistics.median(times), calls)
        print(f"  {name}: {message.splitlines()[0]}", flush=True)
    print(f"\n{args.rows:,} complaints, {SURVEY_ROWS:,} survey rows, as of {AS_OF:%Y-%m-%d %H:%M}; calls per press,")
    print(f"seconds the median of {args.repeat}; target <= {TARGET} range reads + writes per button")
    print(f"{'button':<14}" + "".join(f"{h:>14}" for h in COLUMNS) + f"{'seconds':>10}  target")
    for name, (seconds, calls) in results.items():
        counts = [sum(calls[k] for k in keys) for keys in COLUMNS.values()]
        met = "met" if calls[READS] + calls[WRITES] <= TARGET else "MISSED"
        print(f"{name:<14}" + "".join(f"{n:>14,}" for n in counts) + f"{seconds:>10.2f}  {met}")
    print(f"\npeak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB (whole process)")


if __name__ == "__main__":
    main()
