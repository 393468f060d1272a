"""What the hostile-input defences cost on a normal big file, and what hostile files cost, in one run.

    python benchmarks/bench_hostile.py --rows 100000 [--repeat 3] [--keep DIR]

On the generator's workbook (--rows log rows + --rows survey rows), each job in a fresh child
process: `bare-read` (python-calamine, every sheet), `package` (the package checks alone,
`addin.files.package.open_package`: every entry unpacked and measured), `load` (our reader:
checks + calamine + error cells) and `report` (`complaints validate`, its file in a child
process of its own). Then the hostile files, each through `complaints validate`:
`errors-70k` (70,000 `#N/A` cells), `unknown-70k` (70,000 unknown categories, 1,000 distinct),
`stray-cell` (one value at XFD1048576: refused by the limits), `zip-bomb` (a 1 GiB sheet packed
into ~1 MB: refused by the ratio limit). Prints medians, peaks and the ratios to bare-read.
"""

from __future__ import annotations

import statistics
import time
import zipfile
from pathlib import Path

import harness

AS_OF = "2026-11-21T09:00"
KINDS = ["bare-read", "package", "load", "report"]
HOSTILE = ["errors-70k", "unknown-70k", "stray-cell", "zip-bomb"]


def child(kind: str, path: Path, out: Path) -> None:
    start = time.perf_counter()
    if kind == "prepare":  # in a child too, so that the parent stays small and each job's peak is its own
        from addin.build.sample import write_sample

        write_sample(path, rows=int(out.name), survey_rows=int(out.name), lang="zh", seed=1)
        hostile_files(path.parent)
    elif kind == "bare-read":
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(path))
        assert sum(len(book.get_sheet_by_name(n).to_python()) for n in book.sheet_names) > 0
    elif kind == "package":
        from addin.files.limits import DEFAULT
        from addin.files.package import open_package

        open_package(path, DEFAULT)
    elif kind == "load":
        from addin.files.reader import load

        load(path)
    else:
        from addin.cli import cli

        try:
            cli.main(["validate", str(path), "--out", str(out), "--as-of", AS_OF], standalone_mode=False)
        except SystemExit:
            pass
    harness.report(time.perf_counter() - start)


def hostile_files(folder: Path) -> dict[str, Path]:
    """The hostile workbooks, written once into `folder`."""
    import xlsxwriter

    from addin.core.schema import LOG_FIELDS

    heads = [f.header("en") for f in LOG_FIELDS if f.required]
    files = {}
    for kind, cell in (("errors-70k", "error"), ("unknown-70k", "category")):
        path = files[kind] = folder / f"{kind}.xlsx"
        book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
        ws = book.add_worksheet("Complaints")
        ws.write_row(0, 0, heads)
        for r in range(1, 70_001):
            row = [f"C{r:06d}", "2026-11-01 09:00", f"K{r % 5000}", "East", "Product quality", "General", "Resolved"]
            ws.write_row(r, 0, row[: len(heads)])
            if cell == "error":
                ws.write_formula(r, 2, "=NA()", None, "#N/A")
            else:
                ws.write_string(r, heads.index("Category"), f"Strange thing {r % 1000}")
        book.close()
    stray = files["stray-cell"] = folder / "stray-cell.xlsx"
    with zipfile.ZipFile(files["errors-70k"]) as old, zipfile.ZipFile(stray, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                stray_row = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
                data = data.replace(b"</sheetData>", stray_row + b"</sheetData>")
            new.writestr(info, data)
    bomb = files["zip-bomb"] = folder / "zip-bomb.xlsx"
    with zipfile.ZipFile(stray) as old, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                new.writestr(info, old.read(info))
        with new.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
            for _ in range(1024):
                stream.write(b" " * (1 << 20))
    return files


def main() -> None:
    args = harness.arguments(__doc__)
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    folder = harness.folder(args, "bench-hostile-")
    big = folder / "big.xlsx"
    harness.measure(__file__, "prepare", big, Path(str(args.rows)))
    files = {k: big for k in KINDS} | {k: folder / f"{k}.xlsx" for k in HOSTILE}
    print(f"{big.name}: {big.stat().st_size / 1e6:.1f} MB; zip bomb {files['zip-bomb'].stat().st_size / 1e6:.1f} MB")
    runs: dict[str, list[dict[str, float]]] = {k: [] for k in KINDS + HOSTILE}
    for _ in range(args.repeat):  # interleaved, so machine noise hits every kind alike
        for kind in KINDS + HOSTILE:
            job = kind if kind in KINDS else "report"
            runs[kind].append(harness.measure(__file__, job, files[kind], folder))
    median = {k: statistics.median(r["seconds"] for r in v) for k, v in runs.items()}
    print(f"\n{'job':<14}{'median s':>10}{'runs s':>26}{'peak MB':>10}{'÷ bare-read':>14}")
    for kind, found in runs.items():
        spread = ", ".join(f"{r['seconds']:.2f}" for r in found)
        peak = max(r["peak_mb"] for r in found)
        print(f"{kind:<14}{median[kind]:>10.2f}{spread:>26}{peak:>10.0f}{median[kind] / median['bare-read']:>14.2f}")


if __name__ == "__main__":
    main()
