"""Validation speed and memory on a large workbook, against the bare libraries, in one run.

    python benchmarks/bench_validate.py --rows 100000 [--repeat 3] [--keep DIR]

Generates a log and a survey of --rows rows each (the sample generator, with its planted
problems), then times, each in a fresh child process (so peak memory is that job's own):
  * bare-read        python-calamine reading every sheet (`to_python`)
  * bare-openpyxl    openpyxl load + save of the same file (what any annotate must pay)
  * report           `complaints validate FILE --out DIR` (the default path)
  * annotate         `complaints validate FILE --annotate --out DIR`
and prints medians, peak resident memory and the ratios the targets are stated in:
report <= 2.5 x bare-read, annotate <= 1.3 x bare-openpyxl, peak <= 600 MB. Needs the test extras (openpyxl).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import harness

AS_OF = "2026-11-21T09:00"


def child(kind: str, path: Path, out: Path) -> None:
    """Run one job in this process and print its wall time and peak memory as JSON."""
    start = time.perf_counter()
    if kind == "bare-read":
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(path))
        cells = sum(len(book.get_sheet_by_name(n).to_python()) for n in book.sheet_names)
        assert cells > 0
    elif kind == "bare-openpyxl":
        import openpyxl

        openpyxl.load_workbook(path).save(out / "copy.xlsx")
    else:
        from addin.cli import cli

        args = ["validate", str(path), "--out", str(out), "--as-of", AS_OF]
        args += ["--annotate"] if kind == "annotate" else []
        try:
            cli.main(args, standalone_mode=False)
        except SystemExit:
            pass
    harness.report(time.perf_counter() - start)


def measure(kind: str, path: Path, out: Path) -> dict[str, float]:
    return harness.measure(__file__, kind, path, out)


def main() -> None:
    args = harness.arguments(__doc__)
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    folder = harness.folder(args, "bench-validate-")
    path = folder / "big.xlsx"
    from addin.build.sample import write_sample

    start = time.perf_counter()
    write_sample(path, rows=args.rows, survey_rows=args.rows, lang="zh", seed=1)
    print(
        f"generated {path.name}: {args.rows:,} + {args.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB "
        f"in {time.perf_counter() - start:.1f} s"
    )
    kinds = ["bare-read", "report", "bare-openpyxl", "annotate"]
    runs: dict[str, list[dict[str, float]]] = {k: [] for k in kinds}
    for _ in range(args.repeat):  # interleaved, so machine noise hits every kind alike
        for kind in kinds:
            runs[kind].append(measure(kind, path, folder))
    median = {k: statistics.median(r["seconds"] for r in v) for k, v in runs.items()}
    peak = {k: max(r["peak_mb"] for r in v) for k, v in runs.items()}
    print(f"\n{'job':<16}{'median s':>10}{'runs s':>28}{'peak MB':>10}")
    for kind in kinds:
        spread = ", ".join(f"{r['seconds']:.2f}" for r in runs[kind])
        print(f"{kind:<16}{median[kind]:>10.2f}{spread:>28}{peak[kind]:>10.0f}")
    report_ratio = median["report"] / median["bare-read"]
    annotate_ratio = median["annotate"] / median["bare-openpyxl"]
    print(f"\nreport / bare-read        = {report_ratio:.2f}  (target <= 2.5)")
    print(f"annotate / bare-openpyxl  = {annotate_ratio:.2f}  (target <= 1.3)")
    print(f"peak MB report / annotate = {peak['report']:.0f} / {peak['annotate']:.0f}  (target <= 600)")


if __name__ == "__main__":
    main()
