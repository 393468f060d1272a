"""Prove that two source trees of Complaint Desk produce identical outputs, cell for cell.

Usage:
    python scripts/compare_outputs.py --old OLD_SRC --new NEW_SRC [--keep DIR]

OLD_SRC and NEW_SRC are folders that contain `addin/` (a checkout, `git worktree add /tmp/baseline ce16834`,
or `git archive ce16834 | tar -x -C /tmp/baseline`). Each tree's CLI runs as `python -m addin ...` with
PYTHONPATH=<tree> (this interpreter, so use the project's venv) on the sample workbooks of NEW_SRC/workbooks and
on a CFPB workbook built by tests/test_cfpb.py, with a fixed --as-of: validate, score, flag (each also --json),
run, run --annotate, run --json, email --by-region --dry-run, plus the --help texts. Every run gets its own
folder holding a copy of its input and an `out/` folder for --out, so anything written beside the input is
compared too.

Compared: exit codes, stdout and stderr (temp folders replaced by <TMP>; --json output parsed as data), and
every file written: .xlsx/.xlsm opened with openpyxl (sheets, their order and state, per cell the value,
number format, fill colour, bold, hyperlink and comment, merged ranges, defined names, conditional formatting
ranges, number of charts), .eml drafts by headers (without Date and Message-ID) and decoded parts (attached
workbooks compared like the others), anything else as text. Prints every difference (at most 50 per output)
and a summary; exit status 1 when any difference exists, else 0. --keep DIR keeps the run folders in DIR.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.worksheet.worksheet import Worksheet

AS_OF = "2026-11-21T09:00"
SAMPLES = ["sample_complaints.xlsx", "sample_complaints_en.xlsx", "complaints_template.xlsm"]
COMMANDS: dict[str, list[str]] = {
    "validate": ["validate"],
    "validate-json": ["validate", "--json"],
    "score": ["score"],
    "score-json": ["score", "--json"],
    "flag": ["flag"],
    "flag-json": ["flag", "--json"],
    "run": ["run"],
    "run-annotate": ["run", "--annotate"],
    "run-json": ["run", "--json"],
    "email": ["email", "--to", "boss@example.com", "--by-region", "--dry-run"],
}
HELP = ["--help", *(f"{name} --help" for name in ("validate", "score", "flag", "run", "email", "sample"))]
CFPB_BUILDER = """
import gzip, sys
from collections import Counter
from pathlib import Path
from tests.test_cfpb import DATA, read_csv, write_workbook
rows = read_csv(gzip.decompress(DATA.read_bytes()).decode("utf-8"), "compact")
products = Counter(r["Product"] for r in rows)
write_workbook(Path(sys.argv[1]), rows, [p for p, n in products.items() if n > 10])
"""
IGNORED_HEADERS = {"date", "message-id"}  # differ on every run
CAP = 50  # difference lines per output
TIMEOUT = 900  # seconds per CLI run
Snapshot = dict[str, object]  # key ("Sheet!B3", "@sheets", "$.files[0].errors", "line 2") -> comparable value


@dataclass(frozen=True)
class Job:
    name: str  # e.g. "sample_complaints/run-annotate"; also the run folder below each side's root
    argv: list[str]
    source: Path | None  # the input workbook copied into the run folder


def python_env(tree: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPLAINTS_")}  # never reach a real server
    env["PYTHONPATH"] = str(tree)
    return env


def check_tree(tree: Path) -> None:
    """The editable install of /work/main must not shadow the tree under test."""
    code = "import addin, sys; sys.stdout.write(addin.__file__)"
    where = subprocess.run([sys.executable, "-P", "-c", code], env=python_env(tree), capture_output=True, text=True)
    if not Path(where.stdout or "/").resolve().is_relative_to(tree.resolve()):
        sys.exit(f"{tree}: 'import addin' gives {where.stdout or where.stderr.strip()!r}, not this tree")


def build_cfpb(trees: list[Path], target: Path) -> Path | None:
    """The workbook of tests/test_cfpb.py, built once (by the first tree that can) and fed to both sides."""
    errors = []
    for tree in trees:
        argv = [sys.executable, "-P", "-c", CFPB_BUILDER, str(target)]
        done = subprocess.run(argv, env=python_env(tree), capture_output=True, text=True)
        if done.returncode == 0:
            print(f"note: CFPB workbook built by {tree}/tests/test_cfpb.py")
            return target
        errors.append(f"{tree}: {done.stderr.strip().splitlines()[-1:]}")
    print(f"note: CFPB skipped, the tests/test_cfpb.py builder failed: {'; '.join(errors)}")
    return None


def make_jobs(inputs: list[Path]) -> list[Job]:
    jobs = [Job(f"help/{i}", text.split(), None) for i, text in enumerate(HELP)]
    for source in inputs:
        for name, argv in COMMANDS.items():
            jobs.append(Job(f"{source.stem}/{name}", argv, source))
    return jobs


def run_job(tree: Path, root: Path, job: Job) -> Snapshot:
    folder = root / job.name
    (folder / "out").mkdir(parents=True)
    argv = job.argv
    if job.source is not None:
        shutil.copy2(job.source, folder / job.source.name)
        argv = [*argv, "--as-of", AS_OF, "--out", str(folder / "out"), str(folder / job.source.name)]
    command = [sys.executable, "-P", "-m", "addin", *argv]
    try:
        done = subprocess.run(command, cwd=folder, env=python_env(tree), capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired as expired:
        done = subprocess.CompletedProcess(command, -1, expired.stdout or b"", f"timeout after {TIMEOUT} s".encode())
    stdout, stderr = (out.decode("utf-8", "replace").replace(str(root), "<TMP>") for out in (done.stdout, done.stderr))
    snap: Snapshot = {"@exit code": done.returncode, **prefixed("stderr", text_lines(stderr))}
    snap.update(prefixed("stdout", json_or_text(stdout) if "--json" in argv else text_lines(stdout)))
    return snap


def collect_files(root: Path, job: Job) -> Iterator[tuple[str, Path]]:
    folder = root / job.name
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if job.source is not None and path == folder / job.source.name and path.read_bytes() == job.source.read_bytes():
            continue  # the untouched input copy
        yield f"{job.name}/{path.relative_to(folder)}", path


def prefixed(prefix: str, snap: Snapshot) -> Snapshot:
    return {f"{prefix} {key}": value for key, value in snap.items()}


def text_lines(text: str) -> Snapshot:
    return {f"line {i}": line for i, line in enumerate(text.splitlines(), 1)}


def json_or_text(text: str) -> Snapshot:
    try:
        return flatten_json(json.loads(text), "$")
    except ValueError:
        return text_lines(text)


def flatten_json(data: object, path: str) -> Snapshot:
    """One key per leaf, plus each object's key order and each list's length."""
    if isinstance(data, dict):
        snap: Snapshot = {f"{path} (keys)": list(data)}
        items = [(f"{path}.{k}", v) for k, v in data.items()]
    elif isinstance(data, list):
        snap = {f"{path} (len)": len(data)}
        items = [(f"{path}[{i}]", v) for i, v in enumerate(data)]
    else:
        return {path: data}
    for key, value in items:
        snap.update(flatten_json(value, key))
    return snap


def colour(cell: Cell | MergedCell) -> str | None:
    fg = cell.fill.fgColor if cell.fill is not None and cell.fill.fill_type else None
    if fg is None:
        return None
    return fg.rgb if fg.type == "rgb" else f"{fg.type}:{fg.value}"


def cell_facts(cell: Cell | MergedCell, root: str) -> tuple[object, ...] | None:
    value = cell.value.replace(root, "<TMP>") if isinstance(cell.value, str) else cell.value
    link = cell.hyperlink
    target = f"{link.target or ''}#{link.location or ''}".replace(root, "<TMP>") if link else None
    facts = (value, cell.number_format, colour(cell), bool(cell.font and cell.font.b), target)
    comment = cell.comment.text if cell.comment else None
    if facts == (None, "General", None, False, None) and comment is None:
        return None  # an empty, unstyled cell: present or absent makes no difference
    return (*facts, comment)


FIELDS = ("value", "number_format", "fill", "bold", "hyperlink", "comment")


def workbook_snapshot(data: bytes, root: str) -> Snapshot:
    book = load_workbook(io.BytesIO(data), read_only=False, data_only=False)
    snap: Snapshot = {"@sheets": book.sheetnames}
    snap["@defined names"] = sorted((n, str(d.attr_text)) for n, d in book.defined_names.items())
    for ws in book.worksheets:
        assert isinstance(ws, Worksheet)  # not read-only, so never a ReadOnlyWorksheet
        at = f"@{ws.title}:"
        snap[at + "state"] = ws.sheet_state
        snap[at + "merged"] = sorted(str(r) for r in ws.merged_cells.ranges)
        formats = ((str(cf.sqref), [rule.type for rule in cf.rules]) for cf in ws.conditional_formatting)
        snap[at + "conditional formats"] = sorted(formats)
        snap[at + "charts"] = len(ws._charts)  # type: ignore[attr-defined]  # the charts openpyxl read
        snap[at + "defined names"] = sorted((n, str(d.attr_text)) for n, d in ws.defined_names.items())
        for cell in ws._cells.values():
            facts = cell_facts(cell, root)
            if facts is not None:
                snap[f"{ws.title}!{cell.coordinate}"] = facts
    return snap


def eml_snapshot(data: bytes, root: str) -> Snapshot:
    message = email.message_from_bytes(data, policy=email.policy.default)
    snap: Snapshot = {
        f"header {k}": str(v) for k, v in message.items() if k.lower() not in IGNORED_HEADERS | {"content-type"}
    }
    for i, part in enumerate(message.walk()):
        at = f"part {i} " + (part.get_filename() or part.get_content_type())
        params = sorted((k, v) for k, v in part.get_params() or [] if k != "boundary")  # boundaries are random
        snap[f"{at} type"] = [part.get_content_type(), part.get_content_disposition(), *params]
        if part.is_multipart():
            continue
        content = part.get_content()
        if isinstance(content, str):
            snap.update(prefixed(at, text_lines(content.replace(root, "<TMP>"))))
        elif (part.get_filename() or "").endswith((".xlsx", ".xlsm")):
            snap.update(prefixed(at, workbook_snapshot(content, root)))
        else:
            snap[at] = content
    return snap


def file_snapshot(path: Path, root: str) -> Snapshot:
    data = path.read_bytes()
    if path.suffix in (".xlsx", ".xlsm"):
        return workbook_snapshot(data, root)
    if path.suffix == ".eml":
        return eml_snapshot(data, root)
    return json_or_text(data.decode("utf-8", "replace").replace(root, "<TMP>"))


def cell_count(snap: Snapshot) -> int:
    return sum(1 for key, value in snap.items() if "!" in key and not key.startswith("@") and isinstance(value, tuple))


def describe(key: str, old: object, new: object) -> str:
    if isinstance(old, tuple) and isinstance(new, tuple) and len(old) == len(new) == len(FIELDS):
        changed = [f"{f}: {a!r} -> {b!r}" for f, a, b in zip(FIELDS, old, new, strict=True) if repr(a) != repr(b)]
        return f"{key}: " + "; ".join(changed)
    return f"{key}: {old!r} -> {new!r}"


def compare(label: str, old: Snapshot, new: Snapshot) -> tuple[int, list[str]]:
    """The number of differing keys, and a line for each (at most CAP). Strict: 80 and 80.0 differ."""
    missing = "<absent>"
    keys = [
        k for k in [*old, *(k for k in new if k not in old)] if repr(old.get(k, missing)) != repr(new.get(k, missing))
    ]
    lines = [f"{label} | {describe(k, old.get(k, missing), new.get(k, missing))}" for k in keys[:CAP]]
    if len(keys) > CAP:
        lines.append(f"{label} | ... and {len(keys) - CAP} more")
    return len(keys), lines


def compare_file(name: str, old: Path, new: Path, old_root: Path, new_root: Path) -> tuple[int, list[str], int]:
    """Differences, their lines and the cells compared, for one output written by both sides."""
    snaps = []
    for path, root in ((old, str(old_root)), (new, str(new_root))):
        try:
            snaps.append(file_snapshot(path, root))
        except Exception as error:  # an unreadable output is a result too; compare it
            snaps.append({"@unreadable": f"{type(error).__name__}: {error}".replace(root, "<TMP>")})
    return (*compare(name, *snaps), max(map(cell_count, snaps)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="source tree of the old code")
    parser.add_argument("--new", type=Path, required=True, help="source tree of the new code")
    parser.add_argument("--keep", type=Path, help="keep the run folders in this (new or empty) folder")
    args = parser.parse_args()
    started = time.monotonic()
    trees = {"old": args.old.resolve(), "new": args.new.resolve()}
    for tree in trees.values():
        check_tree(tree)
    base = Path(tempfile.mkdtemp(prefix="compare_outputs_")) if args.keep is None else args.keep.resolve()
    base.mkdir(parents=True, exist_ok=True)
    old_root, new_root = base / "old", base / "new"
    differences = outputs = cells = 0
    try:
        (base / "inputs").mkdir()
        inputs = [Path(shutil.copy2(trees["new"] / "workbooks" / name, base / "inputs")) for name in SAMPLES]
        cfpb = build_cfpb([trees["new"], trees["old"]], base / "inputs" / "cfpb.xlsx")
        jobs = make_jobs(inputs + ([cfpb] if cfpb else []))
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            old_runs = pool.map(lambda job: run_job(trees["old"], old_root, job), jobs)
            new_runs = pool.map(lambda job: run_job(trees["new"], new_root, job), jobs)
            runs = list(zip(jobs, old_runs, new_runs, strict=True))
        ran = time.monotonic() - started
        with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:  # reading workbooks is most of the time
            pending = []
            for job, old_run, new_run in runs:
                count, lines = compare(f"{job.name} (process)", old_run, new_run)
                old_files, new_files = dict(collect_files(old_root, job)), dict(collect_files(new_root, job))
                for name in sorted(old_files.keys() ^ new_files.keys()):
                    lines.append(f"{name} | only written by {'old' if name in old_files else 'new'}")
                    count += 1
                both = sorted(old_files.keys() & new_files.keys())
                futures = [pool.submit(compare_file, n, old_files[n], new_files[n], old_root, new_root) for n in both]
                pending.append((count, lines, futures))
            for count, lines, futures in pending:
                for file_count, file_lines, file_cells in (future.result() for future in futures):
                    count, cells, outputs = count + file_count, cells + file_cells, outputs + 1
                    lines += file_lines
                differences += count
                print(*lines, sep="\n", end="\n" if lines else "", flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    print(
        f"{len(jobs)} runs per side, {outputs} output files and {cells} cells compared, {differences} differences "
        f"({ran:.1f} s running the CLI, {time.monotonic() - started:.1f} s in all)"
    )
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
