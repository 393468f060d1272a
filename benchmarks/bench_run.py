"""The daily job's speed and memory against a bare python-calamine read of the same file, in one run.

    python benchmarks/bench_run.py --rows 100000 [--repeat 3] [--keep DIR] [--scale]

Generates, with the sample generator (`addin.build.sample`), a log and a survey of --rows rows each
three ways, then times each job in a fresh child process (its peak memory its own), interleaved:
  * big.xlsx       the generator's data: bare-read, `complaints run` (report + summary
                   workbook) and `complaints run --annotate` (a refusal is reported as one)
  * resolved.xlsx  the same, but nine in ten of the open complaints resolved: bare-read, run, run --annotate
  * problems.xlsx  every row of the log and of the survey has a problem: bare-read,
                   `complaints validate` and `complaints validate --json`
and prints medians, peak resident memory and the ratios the targets are stated in (issue 17):
run <= 2.5 x bare-read, annotate <= 4 x, validate (every row a problem) <= 3 x, peak <= 600 MB.

--scale adds `complaints run` (report path) on 10k, 100k and 1M complaints (a survey as long), with
a config raising the `[limits]` a million-row file needs, printing seconds, peak MB and the cost
per complaint, so that linearity can be seen (1M: one run; about 20 minutes in all, 5 GB).
"""

from __future__ import annotations

import contextlib
import os
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import harness

AS_OF = "2026-11-21T09:00"
PLANTED = 31  # the sample's planted rows (`addin.build.sample_data`): left as they are
SCALE = (10_000, 100_000, 1_000_000)
SCALE_LIMITS = """[limits]
file_mb = 4096
part_mb = 8192
total_mb = 16384
cells = 200000000
memory_mb = 20000
seconds = 7200
"""
TARGETS = {"run": 2.5, "run+annotate": 4.0, "validate": 3.0}  # × the bare read of the same file


def child(kind: str, path: Path, out: Path) -> None:
    """Run one job in this process and print its wall time, peak memory and exit code as JSON."""
    start = time.perf_counter()
    code: object = 0
    if kind == "bare-read":
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(path))
        assert sum(len(book.get_sheet_by_name(n).to_python()) for n in book.sheet_names) > 0
    else:
        from addin.cli import cli

        command, *flags = kind.split("+")
        args = [command, str(path), "--out", str(out), "--as-of", AS_OF, *(f"--{f}" for f in flags)]
        config = path.with_suffix(".toml")
        args += ["--config", str(config)] if config.exists() else []
        with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):  # --json: not into the pipe
            try:
                cli.main(args, standalone_mode=False)
            except SystemExit as exc:
                code = exc.code
    harness.report(time.perf_counter() - start, {"exit": code})


def generate(path: Path, rows: int, change: Callable[[object, str], None] | None = None) -> None:
    """The sample workbook of `rows` log and survey rows; `change(sample, lang)` edits the records first."""
    from addin.build import sample

    make = sample.make_sample

    def changed(**options: object) -> object:
        made = make(**options)  # type: ignore[arg-type]
        if change is not None:
            change(made, str(options["lang"]))
        return made

    start = time.perf_counter()
    sample.make_sample = changed  # type: ignore[assignment]
    try:
        sample.write_sample(path, rows=rows, survey_rows=rows, lang="zh", seed=1)
    finally:
        sample.make_sample = make
    print(
        f"generated {path.name}: {rows:,} + {rows:,} rows, {path.stat().st_size / 1e6:.1f} MB "
        f"in {time.perf_counter() - start:.1f} s"
    )


def _status(key: str, lang: str) -> str:
    from addin.core.schema import STATUSES

    return next(s.text(lang) for s in STATUSES if s.key == key)


def resolve_most(made: object, lang: str) -> None:
    """Nine in ten open complaints resolved two days after they came in (the newest stay open)."""
    opened = {_status(k, lang) for k in ("open", "in_progress", "waiting")}
    resolved, newest = _status("resolved", lang), datetime(2026, 11, 20, 17, 30)
    for i, record in enumerate(made.complaints[PLANTED:]):  # type: ignore[attr-defined]
        received = record["received_at"]
        if record["status"] in opened and i % 10 and isinstance(received, datetime):
            record.update(status=resolved, resolved_at=min(received + timedelta(days=2), newest), paused_at=None)


def spoil_every_row(made: object, lang: str) -> None:
    """One problem in every row: of the log, in turn, a bad date, category, severity, count, yes/no,
    a blank region, an unknown status; of the survey, a rating off the scale."""
    zh = lang == "zh"
    problems = [
        {"received_at": "2026-02-30"},
        {"category": "工程质" if zh else "Engineering qualty"},
        {"severity": "紧急" if zh else "Urgent"},
        {"complainants": 0},
        {"legal": "可能" if zh else "maybe"},
        {"region": ""},
        {"status": "搁置" if zh else "Parked"},
    ]
    for i, record in enumerate(made.complaints):  # type: ignore[attr-defined]
        record.update(problems[i % len(problems)])
    for record in made.survey:  # type: ignore[attr-defined]
        record["timeliness"] = 11


Runs = dict[tuple[str, Path], list[dict[str, Any]]]  # (job, file) -> each run's seconds, peak_mb, exit, stderr


def measure(kind: str, path: Path, out: Path) -> dict[str, Any]:
    return harness.measure(__file__, kind, path, out)


def interleaved(jobs: list[tuple[str, Path]], repeat: int, out: Path) -> Runs:
    """Every job `repeat` times, in turns, so that machine noise hits every job alike."""
    runs: Runs = {job: [] for job in jobs}
    for _ in range(repeat):
        for kind, path in jobs:
            runs[(kind, path)].append(measure(kind, path, out))
    return runs


def bare_reads(runs: Runs) -> dict[Path, float]:
    """The median bare read of each file."""
    return {path: statistics.median(r["seconds"] for r in v) for (kind, path), v in runs.items() if kind == "bare-read"}


def table(runs: Runs, rows: int) -> None:
    """Medians, peaks, exit codes, µs per log row and the ratio to the same file's bare read."""
    print(f"\n{'file':<15}{'job':<18}{'median s':>9}{'runs s':>24}{'peak MB':>9}{'µs/row':>8}{'× read':>8}  exit")
    bare = bare_reads(runs)
    for (kind, path), results in runs.items():
        seconds = [r["seconds"] for r in results]
        median, peak = statistics.median(seconds), max(r["peak_mb"] for r in results)
        spread = ", ".join(f"{s:.2f}" for s in seconds)
        exits = sorted({str(r.get("exit")) for r in results})
        ratio = median / bare[path] if path in bare else float("nan")
        line = f"{path.stem:<15}{kind:<18}{median:>9.2f}{spread:>24}{peak:>9.0f}{median / rows * 1e6:>8.1f}"
        print(f"{line}{ratio:>8.2f}  {'/'.join(exits)}")
        for r in results:
            if r.get("exit") not in (0, 1) and r.get("stderr"):
                print(f"{'':<15}  refused or failed: {r['stderr']}")
                break


def verdicts(runs: Runs) -> None:
    """Each targeted job against its target: the ratio to the same file's bare read, and 600 MB."""
    bare = bare_reads(runs)
    print()
    for (kind, path), results in runs.items():
        if kind not in TARGETS:
            continue
        ratio = statistics.median(r["seconds"] for r in results) / bare[path]
        peak = max(r["peak_mb"] for r in results)
        verdict = "meets" if ratio <= TARGETS[kind] and peak <= 600 else "MISSES"
        print(
            f"{path.stem}/{kind}: {ratio:.2f} x bare read (target <= {TARGETS[kind]}), "
            f"peak {peak:.0f} MB (target <= 600): {verdict}"
        )


def scale(folder: Path, repeat: int) -> None:
    """`complaints run` on 10k, 100k and 1M complaints: seconds, peak MB and the cost per complaint."""
    print("\nscale: complaints run (report path), a survey as long as the log")
    for rows in SCALE:
        path = folder / f"scale-{rows}.xlsx"
        if not path.exists():
            generate(path, rows)
        path.with_suffix(".toml").write_text(SCALE_LIMITS, encoding="utf-8")
        runs = interleaved([("bare-read", path), ("run", path)], 1 if rows >= 1_000_000 else repeat, folder)
        table(runs, rows)


def main() -> None:
    args = harness.arguments(__doc__, extra=[("--scale", "Also run the 10k / 100k / 1M scale series.")])
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    folder = harness.folder(args, "bench-run-")
    big, resolved, problems = folder / "big.xlsx", folder / "resolved.xlsx", folder / "problems.xlsx"
    for path, change in ((big, None), (resolved, resolve_most), (problems, spoil_every_row)):
        if not path.exists():
            generate(path, args.rows, change)
    jobs = [("bare-read", big), ("run", big), ("run+annotate", big)]
    jobs += [("bare-read", resolved), ("run", resolved), ("run+annotate", resolved)]
    jobs += [("bare-read", problems), ("validate", problems), ("validate+json", problems)]
    runs = interleaved(jobs, args.repeat, folder)
    table(runs, args.rows)
    verdicts(runs)
    if args.scale:
        scale(folder, args.repeat)


if __name__ == "__main__":
    main()
