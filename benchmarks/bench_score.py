"""Scoring speed on a large survey: compute alone, against reading, and end to end.

    python benchmarks/bench_score.py --rows 100000 [--repeat 3] [--keep DIR]

Generates a sample workbook with a 100-row log and a survey of --rows rows, then measures:
  * bare-read     python-calamine reading every sheet, in a child process
  * end-to-end    `complaints score FILE --out DIR`, in a child process (read, parse, score,
                  write the report with its charts)
  * compute       `score_survey` alone on the already parsed survey, in this process, by
                  region only and with `--by quarter,product_type`
and prints medians, the child processes' peak memory and compute / bare-read (the target:
compute is a small fraction of the read).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import harness

AS_OF = "2026-11-21T09:00"


def child(kind: str, path: Path, out: Path) -> None:
    start = time.perf_counter()
    if kind == "bare-read":
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(path))
        assert sum(len(book.get_sheet_by_name(n).to_python()) for n in book.sheet_names) > 0
    else:
        from addin.cli import cli

        try:
            cli.main(["score", str(path), "--out", str(out), "--as-of", AS_OF], standalone_mode=False)
        except SystemExit:
            pass
    harness.report(time.perf_counter() - start)


def measure(kind: str, path: Path, out: Path) -> dict[str, float]:
    return harness.measure(__file__, kind, path, out)


def compute_times(path: Path, repeat: int) -> dict[str, float]:
    from datetime import datetime

    from addin.core.scoring import score_survey
    from addin.core.validate import check_workbook
    from addin.files.reader import load

    loaded = load(path)
    outcome = check_workbook(loaded.sheets, as_of=datetime.fromisoformat(AS_OF), date1904=loaded.date1904)
    times: dict[str, list[float]] = {"compute": [], "compute --by quarter,product_type": []}
    for _ in range(repeat):
        for label, by in (("compute", ()), ("compute --by quarter,product_type", ("quarter", "product_type"))):
            start = time.perf_counter()
            scores = score_survey(outcome.survey_values, outcome.settings, by=by)
            times[label].append(time.perf_counter() - start)
            assert scores.groups
    return {k: statistics.median(v) for k, v in times.items()}


def main() -> None:
    args = harness.arguments(__doc__)
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    folder = harness.folder(args, "bench-score-")
    path = folder / "survey.xlsx"
    from addin.build.sample import write_sample

    write_sample(path, rows=100, survey_rows=args.rows, lang="zh", seed=1)
    print(f"generated {path.name}: {args.rows:,} survey rows, {path.stat().st_size / 1e6:.1f} MB")
    kinds = ["bare-read", "end-to-end"]
    runs: dict[str, list[dict[str, float]]] = {k: [] for k in kinds}
    for _ in range(args.repeat):  # interleaved, so machine noise hits both alike
        for kind in kinds:
            runs[kind].append(measure(kind, path, folder))
    median = {k: statistics.median(r["seconds"] for r in v) for k, v in runs.items()}
    peak = {k: max(r["peak_mb"] for r in v) for k, v in runs.items()}
    median |= compute_times(path, args.repeat)
    print(f"\n{'job':<36}{'median s':>10}{'peak MB':>10}")
    for kind, seconds in median.items():
        print(f"{kind:<36}{seconds:>10.3f}{peak.get(kind, float('nan')):>10.0f}")
    print(f"\ncompute / bare-read             = {median['compute'] / median['bare-read']:.3f}")
    by = median["compute --by quarter,product_type"] / median["bare-read"]
    print(f"compute (--by) / bare-read      = {by:.3f}")
    print(f"end-to-end / bare-read          = {median['end-to-end'] / median['bare-read']:.2f}")


if __name__ == "__main__":
    main()
