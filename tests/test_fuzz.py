"""Hostile inputs through the whole command line: the corpus of `tests/hostile.py`, once per output mode.

Covers every class the corpus builds: huge extents (a whole-sheet `<dimension>`, stray cells
at XFD1048576, cells and rows without `r`, rows out of order), resource exhaustion (a 1.1 GiB
zip bomb, a million styled empty rows, 70k error cells, 70k unknown categories, texts over
32,767 characters, DTD entity expansion), broken packages (garbage deflate, Deflate64, the
encryption flag, missing parts, a bad CRC, truncations, bit flips, random sheet XML), hostile
values in every field (empty template, NaN/inf/1e308/1e999999/5000 digits in cells and in a
Settings sheet, control characters, formula-like text, formula cells with cached values,
numbers in date cells, unlabelled columns right of the log, a UTF-16 sheet, x14 extensions
under another prefix, sheet names taken or quoted, `#` and spaces in the file name) and
random values in every cell (a hand-written seeded generator in the corpus, plus workbooks
drawn by hypothesis here with `derandomize=True`).

Each mode runs `python -m addin` ONCE over every file of the corpus, with `--as-of` and its
own `--out` (`--in-place` runs on a copy, twice): `validate`, `run`, `run --json`,
`run --annotate`, `run --in-place`. The invariants, each test collecting every violation
before failing: exit 0/1/3 and no traceback; every file has its output line or exactly one
stderr line (never silently skipped), as its case expects; `--json` is JSON with one entry
per file; inputs are never changed except by `--in-place`; in-place backups equal the
original and a second run never replaces the first backup; annotate/in-place keep every user
cell (values, formulas, cached values) and put our `⚑` columns only over empty cells; no
formula-like text from the log becomes a formula; peak memory under 6 GiB; wall time under
the timeout. The mode runs go two at a time in background threads while the checks proceed.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import posixpath
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from tests.builders import SURVEY_KEYS
from tests.hostile import LOG_COLUMNS, X14_NS, Case, build_corpus, pack, standard_book

AS_OF = "2026-11-22"
TIMEOUT = 900  # seconds, per command-line run
MAX_PEAK = 6 * 2**30  # bytes of resident memory, per run
ADDRESS_SPACE = 24 * 2**30  # a safety net for this machine only (soft limit; the tool sets its own per file)
SHOWN = 6  # examples shown per file and problem
ROOT = Path(__file__).resolve().parent.parent
MODES: dict[str, tuple[str, ...]] = {
    "validate": ("validate",),
    "run": ("run",),
    "run-json": ("run", "--json"),
    "in-place": ("run", "--in-place"),  # (in the order the runs finish: the tests wait for them in this order)
    "annotate": ("run", "--annotate"),
    "in-place-2": ("run", "--in-place"),  # the second run over the same copies
}
FIRST_MODES = [m for m in MODES if m != "in-place-2"]  # the second in-place run's tests come last
REWRITE_MODES = ["in-place", "annotate", "in-place-2"]
FLAG = "⚑"
M_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
LEDGER = "_ComplaintDesk"
OWNED_PREFIX = "CD_Owned_"
BLOW_UP = 20  # a rewritten workbook's sheets may unpack to this many times the input's (plus 20 MB)


# ---------------------------------------------------------------- running the command line


@dataclass
class Run:
    mode: str
    folder: Path  # where the inputs are (the corpus, or the in-place copy)
    out: Path | None
    files: list[Path]
    rc: int | None = None
    stdout: str = ""
    stderr: str = ""
    seconds: float = 0.0
    peak: int = 0  # bytes: the largest resident set of the process and its children
    timed_out: bool = False
    error_log: Path = Path()
    after: Path | None = None  # in-place: a copy of the folder right after this run

    def label(self) -> str:
        return f"[{self.mode}]"


_children: set[int] = set()
_children_lock = threading.Lock()
_stopping = threading.Event()  # set when the module's tests are done (or stopped by -x): start nothing more


def _limit_memory(pid: int) -> None:
    """A soft address-space limit on the child just started (not preexec_fn: these runs start from threads)."""
    if not hasattr(resource, "prlimit"):
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = ADDRESS_SPACE if hard == resource.RLIM_INFINITY else min(ADDRESS_SPACE, hard)
    try:
        resource.prlimit(pid, resource.RLIMIT_AS, (soft, hard))
    except (OSError, ValueError):
        pass


def execute(run: Run, args: tuple[str, ...], work: Path) -> Run:
    """`python -m addin ARGS FILES…` with a timeout; its exit code, output, wall time and peak memory."""
    argv = [sys.executable, "-m", "addin", *args, *map(str, run.files), "--as-of", AS_OF]
    if run.out is not None:
        argv += ["--out", str(run.out)]
    run.error_log = work / f"{run.mode}.errors.log"
    env = {**os.environ, "COMPLAINTS_ERROR_LOG": str(run.error_log), "PYTHONHASHSEED": "0"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    out_file, err_file = work / f"{run.mode}.stdout", work / f"{run.mode}.stderr"
    started = time.monotonic()
    if _stopping.is_set():
        raise RuntimeError("the test session is over")
    with out_file.open("wb") as out, err_file.open("wb") as err:
        child = subprocess.Popen(
            argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=work, env=env,
            start_new_session=True,
        )  # fmt: skip
        _limit_memory(child.pid)
        with _children_lock:
            _children.add(child.pid)
        try:
            while True:
                pid, status, usage = os.wait4(child.pid, os.WNOHANG)
                if pid:
                    break
                if time.monotonic() - started > TIMEOUT or _stopping.is_set():
                    run.timed_out = not _stopping.is_set()
                    os.killpg(child.pid, signal.SIGKILL)
                    pid, status, usage = os.wait4(child.pid, 0)
                    break
                time.sleep(0.05)
        finally:
            with _children_lock:
                _children.discard(child.pid)
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here: tell Popen
    run.rc, run.seconds, run.peak = child.returncode, time.monotonic() - started, usage.ru_maxrss * 1024
    run.stdout = out_file.read_text(encoding="utf-8", errors="replace")
    run.stderr = err_file.read_text(encoding="utf-8", errors="replace")
    summary = {"mode": run.mode, "exit": run.rc, "seconds": round(run.seconds, 1), "peak_mb": run.peak >> 20}
    (work / f"{run.mode}.run.json").write_text(json.dumps(summary))
    return run


def kill_children() -> None:
    with _children_lock:
        pids = list(_children)
    for pid in pids:
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# ---------------------------------------------------------------- the corpus, its runs, and what each file got


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> dict[str, str]:
    return {p.name: digest(p) for p in sorted(folder.iterdir()) if p.is_file()}


def hypothesis_books(folder: Path, count: int = 2) -> list[Case]:
    """Workbooks whose every log and survey cell hypothesis draws (derandomized: the same files each run)."""
    cell = st.one_of(
        st.none(),
        st.text(st.characters(exclude_categories=["Cs"]), max_size=60),
        st.integers(-(2**63), 2**63),
        st.floats(allow_nan=False, allow_infinity=False, width=64),
        st.booleans(),
        st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)),
        st.dates(),
    )
    drawn: list[tuple[list[list[object]], list[list[object]]]] = []

    @settings(
        derandomize=True, database=None, max_examples=5 * count, phases=[Phase.generate],
        suppress_health_check=list(HealthCheck), deadline=None,
    )  # fmt: skip
    @given(
        st.lists(st.lists(cell, min_size=len(LOG_COLUMNS), max_size=len(LOG_COLUMNS)), min_size=30, max_size=30),
        st.lists(st.lists(cell, min_size=len(SURVEY_KEYS), max_size=len(SURVEY_KEYS)), min_size=20, max_size=20),
    )
    def collect(log: list[list[object]], survey: list[list[object]]) -> None:
        drawn.append((log, survey))

    collect()
    # The first examples are the simplest (all empty): keep the fullest, in the order drawn.
    filled = sorted(range(len(drawn)), key=lambda i: -sum(v is not None for row in drawn[i][0] for v in row))
    drawn = [drawn[i] for i in sorted(filled[:count])]
    cases = []
    for k, (log, survey) in enumerate(drawn):
        records = [dict(zip(LOG_COLUMNS, row, strict=True)) for row in log]
        responses = [dict(zip(SURVEY_KEYS, row, strict=True)) for row in survey]
        path = pack(folder / f"random-hypothesis-{k}.xlsx", standard_book(records, responses).parts())
        cases.append(Case(path.name, path, "random", "processed"))
    return cases


@dataclass
class FileView:
    """What one run said about one file."""

    lines: list[str] = field(default_factory=list)  # stdout lines naming it (text modes)
    entries: list[dict[str, object]] = field(default_factory=list)  # --json entries for it
    errors: list[str] = field(default_factory=list)  # stderr lines naming it, notes left out
    notes: list[str] = field(default_factory=list)

    @property
    def processed(self) -> bool:
        if self.entries:
            return all("error" not in e for e in self.entries)
        return bool(self.lines) and not self.errors

    def outputs(self) -> list[Path]:
        if self.entries:
            found = self.entries[0].get("outputs") or {}
            return [Path(str(p)) for p in (found.values() if isinstance(found, dict) else [])]
        if not self.lines or " -> " not in self.lines[0]:
            return []
        return [Path(p) for p in self.lines[0].rsplit(" -> ", 1)[1].split(", ") if p]


class Suite:
    """The corpus and the runs over it (started in the background, two at a time)."""

    def __init__(self, base: Path) -> None:
        self.base = base
        started = time.monotonic()
        self.folder = base / "corpus"
        self.cases = build_corpus(self.folder) + hypothesis_books(self.folder)
        only = os.environ.get("FUZZ_CASES")  # a regular expression: run only these files (to debug one case)
        if only:
            self.cases = [c for c in self.cases if re.search(only, c.name)]
        self.build_seconds = time.monotonic() - started
        self.by_name = {c.name: c for c in self.cases}
        self.hashes = listing(self.folder)
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="fuzz-run")
        self.futures: dict[str, Future[Run]] = {}
        self.views: dict[str, dict[str, FileView]] = {}
        self.stray: dict[str, list[str]] = {}
        self._originals: dict[str, Snapshot | str] = {}
        self._lock = threading.Lock()
        # The longest chain (in-place twice) on one worker, the report modes, then annotate, on the other.
        self.futures["in-place"] = self.pool.submit(self._in_place, "in-place", None)
        for mode in ("validate", "run", "run-json"):
            self.futures[mode] = self.pool.submit(self._report, mode)
        self.futures["annotate"] = self.pool.submit(self._report, "annotate")
        self.futures["in-place-2"] = self.pool.submit(self._second_in_place)  # the first worker free after in-place

    def files_in(self, folder: Path) -> list[Path]:
        return [folder / c.name for c in self.cases]

    def _report(self, mode: str) -> Run:
        work = self.base / mode
        work.mkdir()
        run = Run(mode, self.folder, work / "out", self.files_in(self.folder))
        return execute(run, MODES[mode], work)

    def _in_place(self, mode: str, source: Path | None) -> Run:
        work = self.base / mode
        work.mkdir()
        copy = work / "files"
        if source is None:
            copy.mkdir()
            for case in self.cases:
                shutil.copy2(case.path, copy / case.name)
        else:
            copy = source
        run = execute(Run(mode, copy, None, self.files_in(copy)), MODES[mode], work)
        run.after = work / "after"
        shutil.copytree(copy, run.after)
        return run

    def _second_in_place(self) -> Run:
        first = self.futures["in-place"].result()
        return self._in_place("in-place-2", first.folder)

    def run(self, mode: str) -> Run:
        return self.futures[mode].result()

    def view(self, mode: str) -> dict[str, FileView]:
        """File name -> what the run said about it; unattributed lines go to `self.stray[mode]`."""
        with self._lock:
            if mode not in self.views:
                self.views[mode] = self._parse(self.run(mode))
            return self.views[mode]

    def _parse(self, run: Run) -> dict[str, FileView]:
        views = {c.name: FileView() for c in self.cases}
        prefixes = sorted(((f"{p}: ", p.name) for p in run.files), key=lambda t: -len(t[0]))
        stray: list[str] = []

        def owner(line: str) -> str | None:
            return next((name for prefix, name in prefixes if line.startswith(prefix)), None)

        if run.mode == "run-json":
            try:
                document = json.loads(run.stdout)
                entries = document["files"]
            except (ValueError, KeyError, TypeError) as exc:
                stray.append(f"stdout is not the --json document ({exc.__class__.__name__}: {exc})")
                entries = []
            by_path = {str(p): p.name for p in run.files}
            for entry in entries:
                name = by_path.get(str(entry.get("path"))) if isinstance(entry, dict) else None
                if name is None:
                    stray.append(f"a JSON entry for no input: {str(entry)[:200]}")
                else:
                    views[name].entries.append(entry)
        else:
            for line in run.stdout.splitlines():
                name = owner(line)
                if name is None:
                    stray.append(f"stdout: {line[:300]}")
                else:
                    views[name].lines.append(line)
        last, failed = "the start", False  # the file named last, and whether that line was its failure
        for line in run.stderr.splitlines():
            line = re.sub(r"^(?:Checking)+", "", line)  # the progress bar's label, without a newline of its own
            name = owner(line)
            if name is None:
                if line.strip() and failed:
                    stray.append(f"{last}: its reason goes on over more than one line: {line[:300]!r}")
                elif line.strip():
                    stray.append(f"stderr, after the line for {last}: {line[:300]!r}")
                continue
            rest = line[len(str(run.folder / name)) + 2 :]
            last, failed = name, not rest.startswith("note: ")
            (views[name].errors if failed else views[name].notes).append(rest)
        self.stray[run.mode] = stray
        return views

    def original(self, case: Case) -> Snapshot | str:
        with self._lock:
            if case.name not in self._originals:
                self._originals[case.name] = quick_snapshot(case.path)
            return self._originals[case.name]

    def internal_details(self, run: Run, name: str) -> str:
        """The last lines of the traceback the tool logged for this file, if it logged one."""
        if not run.error_log.is_file():
            return ""
        text = run.error_log.read_text(encoding="utf-8", errors="replace")
        blocks = [b for b in re.split(r"^--- ", text, flags=re.M) if name in b.split("\n", 1)[0]]
        if not blocks:
            return ""
        lines = [line.strip() for line in blocks[-1].strip().splitlines()[1:] if line.strip()]
        return " | ".join(lines[-3:])


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Suite]:
    built = Suite(tmp_path_factory.mktemp("fuzz"))
    try:
        yield built
    finally:
        _stopping.set()
        built.pool.shutdown(wait=False, cancel_futures=True)
        kill_children()
        built.pool.shutdown(wait=True)


class Problems:
    """Violations collected over a whole test; `check()` fails once, listing them all."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.found: list[str] = []

    def add(self, text: str) -> None:
        self.found.append(text)

    def check(self) -> None:
        if self.found:
            shown = "\n".join(f"  - {p}" for p in self.found[:200])
            more = f"\n  … and {len(self.found) - 200} more" if len(self.found) > 200 else ""
            pytest.fail(f"{self.title}: {len(self.found)} problem(s)\n{shown}{more}", pytrace=False)


def expectation(case: Case, mode: str) -> str:
    return case.expect_rewrite if mode in REWRITE_MODES else case.expect


# ---------------------------------------------------------------- the tests


def test_corpus_is_deterministic_and_bounded(suite: Suite, tmp_path: Path) -> None:
    problems = Problems("corpus")
    again = build_corpus(tmp_path / "again")
    for case in again:
        if digest(case.path) != suite.hashes.get(case.name):
            problems.add(f"{case.name}: different bytes with the same seed")
    total = sum(p.stat().st_size for p in suite.folder.iterdir())
    if not 70 <= len(again) <= 110:
        problems.add(f"{len(again)} files (70-110 wanted)")
    if total > 200 * 2**20:
        problems.add(f"the corpus takes {total / 2**20:.0f} MB (200 MB at most)")
    if suite.build_seconds > 30:
        problems.add(f"building the corpus took {suite.build_seconds:.0f} s")
    problems.check()


@pytest.mark.parametrize("mode", FIRST_MODES)
def test_exit_code_and_no_traceback(suite: Suite, mode: str) -> None:
    run, views = suite.run(mode), suite.view(mode)
    problems = Problems(f"{mode}: exit code and crashes")
    if run.timed_out:
        problems.add(f"killed after the {TIMEOUT} s timeout")
    if run.rc not in (0, 1, 3):
        problems.add(f"exit code {run.rc} (0, 1 or 3 expected)")
    refused = sorted(n for n, v in views.items() if v.errors or any("error" in e for e in v.entries))
    if refused and run.rc != 3:
        problems.add(f"exit code {run.rc} although {len(refused)} file(s) failed, e.g. {refused[0]}: 3 expected")
    for stream, text in (("stdout", run.stdout), ("stderr", run.stderr)):
        if "Traceback" in text:
            at = text.index("Traceback")
            tail = [line for line in text[at:].splitlines() if line.strip()][:40]
            problems.add(f"a traceback on {stream}: {tail[-1] if tail else ''!r}")
    for name, view in views.items():
        for line in view.errors + [str(e.get("error")) for e in view.entries if "error" in e]:
            if "internal error" in line or "Traceback" in line:
                details = suite.internal_details(run, name)
                problems.add(f"{name}: {line[:300]}" + (f" || logged: {details[:500]}" if details else ""))
    problems.check()


@pytest.mark.parametrize("mode", [m for m in FIRST_MODES if m != "run-json"])
def test_every_file_is_accounted_for(suite: Suite, mode: str) -> None:
    """Each file: its output line, or exactly one stderr line naming it; and what its case expects."""
    views = suite.view(mode)
    problems = Problems(f"{mode}: every file accounted for")
    for case in suite.cases:
        view = views[case.name]
        if not view.lines and not view.errors:
            problems.add(f"{case.name}: vanished (no output line, no error line)")
            continue
        if len(view.lines) > 1 or len(view.errors) > 1 or (view.lines and view.errors):
            problems.add(f"{case.name}: {len(view.lines)} output and {len(view.errors)} error lines: {view.errors}")
            continue
        want = expectation(case, mode)
        if want == "refused" and view.processed:
            problems.add(f"{case.name}: processed but should be refused: {view.lines[0][-200:]}")
        if want == "processed" and not view.processed:
            problems.add(f"{case.name}: refused but should be processed: {view.errors[0][:300]}")
        if view.errors and not view.errors[0].strip():
            problems.add(f"{case.name}: an empty reason")
    for line in suite.stray.get(mode, []):
        problems.add(f"a line naming no input: {line}")
    problems.check()


def findings_of(entry: dict[str, object]) -> dict[str, object]:
    """What must not depend on how the same data is packaged: counts of problems, rows read."""
    rows = {k: (entry.get(k) or {}).get("rows") for k in ("log", "survey")}  # type: ignore[union-attr]
    return {"errors": entry.get("errors"), "warnings": entry.get("warnings"), "counts": entry.get("counts")} | rows


def test_json_output(suite: Suite) -> None:
    views = suite.view("run-json")
    problems = Problems("run --json")
    for line in suite.stray["run-json"]:
        problems.add(line)
    for case in suite.cases:
        view = views[case.name]
        if len(view.entries) != 1:
            problems.add(f"{case.name}: {len(view.entries)} JSON entries (one expected)")
            continue
        entry, want = view.entries[0], case.expect
        if want == "refused" and "error" not in entry:
            problems.add(f'{case.name}: no "error" entry although it must be refused')
        if want == "processed" and "error" in entry:
            problems.add(f'{case.name}: an "error" entry although it must be processed: {entry["error"]}')
        if "error" in entry and len(view.errors) != 1:
            problems.add(f"{case.name}: failed with {len(view.errors)} stderr lines naming it (one expected)")
        if "error" in entry and "\n" in str(entry["error"]):
            problems.add(f"{case.name}: a multi-line reason: {str(entry['error'])[:300]!r}")
        if case.kind == "valid" and "error" not in entry and (entry.get("errors"), entry.get("warnings")) != (0, 0):
            problems.add(f"{case.name}: a valid workbook with findings: {entry.get('counts')}")
        twin = views[case.same_as].entries if case.same_as in views else []
        if twin and "error" not in entry and "error" not in twin[0]:
            mine, theirs = findings_of(entry), findings_of(twin[0])
            if mine != theirs:
                problems.add(f"{case.name}: read differently from {case.same_as} (same data): {mine} vs {theirs}")
    problems.check()


@pytest.mark.parametrize("mode", FIRST_MODES)
def test_inputs_are_unchanged(suite: Suite, mode: str) -> None:
    """The corpus is never touched (in-place runs on a copy); in-place leaves a file it refused alone."""
    run, views = suite.run(mode), suite.view(mode)
    problems = Problems(f"{mode}: inputs unchanged")
    now = listing(suite.folder)
    for name in sorted(set(now) | set(suite.hashes)):
        if name not in now:
            problems.add(f"{name}: deleted from the corpus folder")
        elif name not in suite.hashes:
            problems.add(f"{name}: a new file in the corpus folder")
        elif now[name] != suite.hashes[name]:
            problems.add(f"{name}: its bytes changed")
    if mode.startswith("in-place"):
        assert run.after is not None
        before = suite.run("in-place").after if mode == "in-place-2" else suite.folder
        assert before is not None
        for case in suite.cases:
            if not views[case.name].processed and digest(run.after / case.name) != digest(before / case.name):
                problems.add(f"{case.name}: changed although it was refused ({views[case.name].errors[:1]})")
    problems.check()


def backup_of(view: FileView) -> Path | None:
    return next((p for p in view.outputs() if ".bak" in p.name), None)


# ---------------------------------------------------------------- user cells before and after a rewrite


@dataclass
class Snapshot:
    cells: dict[str, dict[tuple[int, int], tuple[object, str]]]  # sheet -> (row, col) -> (value, data_type)
    owned: set[str]  # sheets our defined names mark
    texts: set[str]  # formula-like texts of the user's cells (bodies, see `body`)
    formulas: list[tuple[str, str, str]]  # (sheet, cell, formula) of every formula cell


def body(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).strip()
    return folded[1:] if folded.startswith("=") else folded


def formula_like(text: str) -> bool:
    return unicodedata.normalize("NFKC", text).strip()[:1] in ("=", "+", "-", "@")


def snapshot(path: Path) -> Snapshot | str:
    """Every non-empty cell of every worksheet via openpyxl; a string saying why not."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # noqa: BLE001 - any reason openpyxl cannot read it
        return f"{exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    owned = set()
    names = list(wb.defined_names.values()) + [n for ws in wb.worksheets for n in ws.defined_names.values()]
    for name in names:
        if name.name.startswith(OWNED_PREFIX) and name.attr_text and "!" in name.attr_text:
            owned.add(name.attr_text.rsplit("!", 1)[0].strip("'").replace("''", "'"))
    cells: dict[str, dict[tuple[int, int], tuple[object, str]]] = {}
    texts: set[str] = set()
    formulas: list[tuple[str, str, str]] = []
    for ws in wb.worksheets:
        found: dict[tuple[int, int], tuple[object, str]] = {}
        for (r, c), cell in ws._cells.items():
            if cell.value is None or cell.value == "":
                continue  # an empty text cell counts as an empty cell
            value = cell.value if isinstance(cell.value, str | int | float | bool | datetime) else str(cell.value)
            found[(r, c)] = (value, cell.data_type)
            if cell.data_type == "f":
                formulas.append((ws.title, cell.coordinate, str(value)))
            elif isinstance(value, str) and formula_like(value):
                texts.add(body(value))
        cells[ws.title] = found
    wb.close()
    return Snapshot(cells, owned, texts, formulas)


def equal(a: object, b: object) -> bool:
    """The same cell value: NaN equals NaN, 1 equals 1.0, True does not equal 1."""
    if a is None or b is None:
        return a is b
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    if isinstance(a, int | float) and isinstance(b, int | float):
        try:
            return float(a) == float(b)  # a cell holds a double: 2**63 - 1 and 9.223372036854776e18 are one
        except OverflowError:
            return a == b
    return type(a) is type(b) and a == b


def ref(row: int, column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


def cached_grid(path: Path, sheet: str) -> dict[tuple[int, int], object] | str:
    """Cached values via python-calamine, 1-based; a string when the sheet is too big to hold here."""
    try:
        found = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet)
        end = found.end
        if end is not None and (end[0] + 1) * (end[1] + 1) > 5_000_000:
            return f"spans {end[0] + 1} x {end[1] + 1} cells"
        rows = found.to_python(skip_empty_area=False)
    except Exception as exc:  # noqa: BLE001
        return f"unreadable ({exc.__class__.__name__}: {exc})"
    return {(r, c): v for r, row in enumerate(rows, 1) for c, v in enumerate(row, 1) if v not in ("", None)}


def flag_columns(cells: dict[tuple[int, int], tuple[object, str]]) -> set[int]:
    return {c for (r, c), (v, _) in cells.items() if r <= 30 and isinstance(v, str) and v.startswith(FLAG)}


def unpacked_sheets(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        return sum(i.file_size for i in archive.infolist() if i.filename.startswith("xl/worksheets/"))


EMPTY_SHEET = f'<worksheet xmlns="{M_NS}"><sheetData/></worksheet>'.encode()


# Formatting only, no value or formula: a cell without content, then a row without cells (both placed by `r`).
EMPTY_CELL = re.compile(rb'<c r="[A-Z]+\d+"[^>/]*/>')
EMPTY_ROW = re.compile(rb'<row r="\d+"[^>/]*(?:/>|></row>)')


def comparable(path: Path, folder: Path) -> Path:
    """A copy of a workbook for openpyxl to load quickly with the same user cells: our owned sheets (and the
    ledger) emptied, rows without cells dropped (a million styled empty rows cost openpyxl half a minute).
    The path itself when there is nothing to drop."""
    try:
        with zipfile.ZipFile(path) as archive:
            book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            owned = set()
            for name in book.iter(f"{{{M_NS}}}definedName"):
                if name.get("name", "").startswith(OWNED_PREFIX) and name.text and "!" in name.text:
                    owned.add(name.text.rsplit("!", 1)[0].strip("'").replace("''", "'"))
            targets = {r.get("Id"): r.get("Target", "") for r in rels}
            parts, sheets = set(), set()
            for sheet in book.iter(f"{{{M_NS}}}sheet"):
                target = targets.get(sheet.get(f"{{{R_NS}}}id"), "")
                part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
                (parts if sheet.get("name") in owned else sheets).add(part)
            big = {i.filename for i in archive.infolist() if i.filename in sheets and i.file_size > 2**20}
            if not parts and not big:
                return path
            dropped = {posixpath.join(posixpath.dirname(p), "_rels", posixpath.basename(p) + ".rels") for p in parts}
            copy = folder / path.name
            with zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target_zip:
                for info in archive.infolist():
                    if info.filename in parts:
                        target_zip.writestr(info.filename, EMPTY_SHEET)
                    elif info.filename in big:
                        target_zip.writestr(info, EMPTY_ROW.sub(b"", EMPTY_CELL.sub(b"", archive.read(info))))
                    elif info.filename not in dropped:
                        target_zip.writestr(info, archive.read(info))
            return copy
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, OSError, RuntimeError, NotImplementedError):
        return path


def quick_snapshot(path: Path) -> Snapshot | str:
    with tempfile.TemporaryDirectory() as scratch:
        return snapshot(comparable(path, Path(scratch)))


def compare(case: Case, before: Snapshot, written: Path, label: str, problems: Problems) -> None:
    """Every user cell of every user sheet: value and formula (openpyxl), cached value (calamine)."""
    size, limit = unpacked_sheets(written), BLOW_UP * unpacked_sheets(case.path) + 20 * 2**20
    if size > limit:
        problems.add(
            f"{case.name} {label}: the written sheets unpack to {size / 2**20:.0f} MB (the input's: "
            f"{unpacked_sheets(case.path) / 2**20:.1f} MB); not compared cell by cell"
        )
        return
    after = quick_snapshot(written)
    if isinstance(after, str):
        problems.add(f"{case.name} {label}: the written file cannot be read by openpyxl: {after}")
        return
    for sheet, old in before.cells.items():
        if sheet in before.owned:
            continue
        if sheet not in after.cells:
            problems.add(f"{case.name} {label}: the user's sheet {sheet!r} is gone")
            continue
        if sheet in after.owned:
            problems.add(f"{case.name} {label}: the user's sheet {sheet!r} is now marked as the tool's own")
            continue
        new = after.cells[sheet]
        ours = flag_columns(new) - flag_columns(old)
        over = sorted((r, c) for (r, c) in old if c in ours)
        if over:
            shown = ", ".join(f"{ref(r, c)}={old[(r, c)][0]!r}" for r, c in over[:SHOWN])
            problems.add(f"{case.name} {label}: {FLAG} columns over {len(over)} user cells of {sheet!r}: {shown}")
        diffs = []
        for key in sorted(set(old) | set(new)):
            if key[1] in ours:
                continue
            a, b = old.get(key), new.get(key)
            if a is None or b is None or not equal(a[0], b[0]) or a[1] != b[1]:
                diffs.append(f"{ref(*key)}: {a!r} -> {b!r}")
        if diffs:
            problems.add(f"{case.name} {label}: {len(diffs)} cells of {sheet!r} differ: {'; '.join(diffs[:SHOWN])}")
        values_before, values_after = cached_grid(case.path, sheet), cached_grid(written, sheet)
        if not values_before and old:
            continue  # calamine reads nothing of the input's sheet (a UTF-16 part): nothing to compare with
        if isinstance(values_before, str) or isinstance(values_after, str):
            if isinstance(values_after, str) and not isinstance(values_before, str):
                problems.add(f"{case.name} {label}: cached values of {sheet!r} cannot be compared: {values_after}")
            continue
        lost = []
        for key in sorted(set(values_before) | set(values_after)):
            if key[1] in ours:
                continue
            old_value, new_value = values_before.get(key), values_after.get(key)
            if not equal(old_value, new_value):
                lost.append(f"{ref(*key)}: {old_value!r} -> {new_value!r}")
        if lost:
            problems.add(
                f"{case.name} {label}: {len(lost)} cached values of {sheet!r} differ: {'; '.join(lost[:SHOWN])}"
            )


RAW_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
RAW_ATTR = re.compile(rb'\b(r|t)="([^"]*)"')
RAW_SI = re.compile(rb"<si>(.*?)</si>|<si/>", re.S)


def raw_cells(path: Path) -> dict[str, dict[bytes, tuple[bytes, bytes]]]:
    """Every cell of every worksheet part, read with regular expressions only (for inputs that no XML parser
    accepts, such as raw control characters): part -> reference -> (type, content with shared strings
    resolved). Cells without a reference are keyed by their position in the part."""
    found: dict[str, dict[bytes, tuple[bytes, bytes]]] = {}
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        sst = archive.read("xl/sharedStrings.xml") if "xl/sharedStrings.xml" in names else b""
        strings = [m.group(1) or b"" for m in RAW_SI.finditer(sst)]
        for name in sorted(n for n in names if re.fullmatch(r"xl/worksheets/[^/]+\.xml", n)):
            cells: dict[bytes, tuple[bytes, bytes]] = {}
            for i, match in enumerate(RAW_CELL.finditer(archive.read(name))):
                attrs = dict(RAW_ATTR.findall(match.group(1)))
                kind, content = attrs.get(b"t", b"n"), match.group(2) or b""
                if kind == b"s" and (index := re.search(rb"<v>\s*(\d+)\s*</v>", content)):
                    number = int(index.group(1))
                    content = strings[number] if number < len(strings) else content
                cells[attrs.get(b"r", b"#%d" % i)] = (kind, content)
            found[name] = cells
    return found


def row_counts(path: Path) -> dict[str, dict[bytes, int]]:
    """How often each row number occurs in each worksheet part (openpyxl would let the last one win)."""
    with zipfile.ZipFile(path) as archive:
        counts = {}
        for name in archive.namelist():
            if re.fullmatch(r"xl/worksheets/[^/]+\.xml", name):
                found: dict[bytes, int] = {}
                for number in re.findall(rb"<(?:[\w.-]+:)?row\b[^>]*?\sr=\"(\d+)\"", archive.read(name)):
                    found[number] = found.get(number, 0) + 1
                counts[name] = found
        return counts


def rows_written_twice(source: Path, written: Path) -> list[str]:
    """Rows of the input's sheets that the written file holds more often than the input did."""
    before, after = row_counts(source), row_counts(written)
    return [
        f"{part} row {number.decode()} x{n}"
        for part, counts in before.items()
        for number, n in after.get(part, {}).items()
        if n > max(1, counts.get(number, 0))
    ]


def compare_raw(case: Case, written: Path, label: str, problems: Problems) -> None:
    """Every cell of the input is in the written file with the same type and content (its style may change:
    our marks); only cells of ours are added."""
    before, after = raw_cells(case.path), raw_cells(written)
    for part, cells in before.items():
        kept = after.get(part)
        if kept is None:
            problems.add(f"{case.name} {label}: the worksheet part {part} is gone")
            continue
        lost = [f"{ref.decode()}: {old!r} -> {kept.get(ref)!r}" for ref, old in cells.items() if kept.get(ref) != old]
        if lost:
            problems.add(f"{case.name} {label}: {len(lost)} cells of {part} differ: {'; '.join(lost[:SHOWN])}")


def written_file(suite: Suite, mode: str, case: Case) -> Path | None:
    """The workbook a rewrite mode wrote for a case (in-place: its copy right after that run)."""
    run, view = suite.run(mode), suite.view(mode)[case.name]
    if not view.processed:
        return None
    if mode == "annotate":
        return next((p for p in view.outputs() if ".annotated" in p.name), None)
    assert run.after is not None
    return run.after / case.name


@pytest.mark.parametrize("mode", REWRITE_MODES[:2])
def test_user_cells_are_kept(suite: Suite, mode: str) -> None:
    problems = Problems(f"{mode}: user cells kept")
    for case in suite.cases:
        target = written_file(suite, mode, case)
        if target is None:
            continue
        if not target.is_file():
            problems.add(f"{case.name} [{mode}]: the written file {target} does not exist")
            continue
        doubled = rows_written_twice(case.path, target)
        if doubled:
            problems.add(f"{case.name} [{mode}]: rows written more often than the input has them: {doubled[:SHOWN]}")
        before = suite.original(case)
        if isinstance(before, str):
            compare_raw(case, target, f"[{mode}]", problems)  # openpyxl cannot read the input
            continue
        compare(case, before, target, f"[{mode}]", problems)
    problems.check()


@pytest.mark.parametrize("mode", REWRITE_MODES[:2])
def test_extensions_are_refused_or_kept(suite: Suite, mode: str) -> None:
    """x14 data validations and sparklines under another prefix: the rewrite refuses the file or keeps them."""
    problems = Problems(f"{mode}: x14 extensions")
    wanted = {"values-x14-foo-data-validation.xlsx": b"dataValidations", "values-x14-foo-sparklines.xlsx": b"sparkline"}
    for name, marker in wanted.items():
        if name not in suite.by_name:
            continue  # left out by FUZZ_CASES
        target = written_file(suite, mode, suite.by_name[name])
        if target is None or not target.is_file():
            continue
        with zipfile.ZipFile(target) as archive:
            kept = any(
                X14_NS.encode() in archive.read(i) and marker in archive.read(i)
                for i in archive.infolist()
                if i.filename.startswith("xl/worksheets/sheet")
            )
        if not kept:
            problems.add(
                f"{name} [{mode}]: rewritten without its {marker.decode()} extension (neither refused nor kept)"
            )
    problems.check()


@pytest.mark.parametrize("mode", FIRST_MODES)
def test_no_log_text_becomes_a_formula(suite: Suite, mode: str) -> None:
    """Formula-like text from the workbook is written as text in every output of every mode."""
    run, views = suite.run(mode), suite.view(mode)
    problems = Problems(f"{mode}: formula injection")
    for case in suite.cases:
        view = views[case.name]
        if not view.processed:
            continue
        before = suite.original(case)
        if isinstance(before, str) or not before.texts:
            continue
        theirs = {(s, c): f for s, c, f in before.formulas}
        for output in view.outputs():
            if ".bak" in output.name or output.suffix.lower() not in (".xlsx", ".xlsm"):
                continue
            if mode.startswith("in-place"):
                assert run.after is not None
                output = run.after / output.name
            found = snapshot(output)
            if isinstance(found, str):
                problems.add(f"{case.name} [{mode}]: {output.name} cannot be read by openpyxl: {found}")
                continue
            injected = []
            for sheet, cell, formula in found.formulas:
                text = body(formula)
                rewritten = not output.name.endswith((".report.xlsx", ".summary.xlsx"))
                if rewritten and theirs.get((sheet, cell)) == formula:
                    continue  # the user's own formula, kept where it was
                if text in before.texts or text.lstrip("@") in before.texts or "cmd|" in text or "http://x" in text:
                    injected.append(f"{sheet}!{cell} = {formula!r}")
            if injected:
                problems.add(f"{case.name} [{mode}]: {output.name} has formulas from the log: {injected[:SHOWN]}")
    problems.check()


@pytest.mark.parametrize("mode", FIRST_MODES)
def test_memory_and_time(suite: Suite, mode: str) -> None:
    run = suite.run(mode)
    problems = Problems(f"{mode}: resources")
    if run.peak >= MAX_PEAK:
        problems.add(f"peak memory {run.peak / 2**30:.2f} GiB (under {MAX_PEAK / 2**30:.0f} GiB expected)")
    if run.timed_out or run.seconds >= TIMEOUT:
        problems.add(f"took {run.seconds:.0f} s (the timeout is {TIMEOUT} s)")
    sys.stderr.write(f"\n{mode}: {run.seconds:.1f} s, peak {run.peak / 2**20:.0f} MB, exit {run.rc}\n")
    problems.check()


# ---------------------------------------------------------------- the second --in-place run (the last to finish)


def test_in_place_backups(suite: Suite) -> None:
    """A backup equal to the original; the second run keeps it and names a new one (of the first run's result)."""
    first, second = suite.run("in-place"), suite.run("in-place-2")
    one, two = suite.view("in-place"), suite.view("in-place-2")
    assert first.after is not None and second.after is not None
    problems = Problems("--in-place backups")
    for case in suite.cases:
        original = suite.hashes[case.name]
        backup = backup_of(one[case.name]) if one[case.name].processed else None
        if one[case.name].processed:
            if backup is None:
                problems.add(f"{case.name}: run 1 names no backup among {one[case.name].outputs()}")
            elif not (first.after / backup.name).is_file():
                problems.add(f"{case.name}: run 1's backup {backup.name} does not exist")
            elif digest(first.after / backup.name) != original:
                problems.add(f"{case.name}: run 1's backup {backup.name} differs from the original")
        if not two[case.name].processed:
            continue
        if backup is not None:
            kept = second.after / backup.name
            if not kept.is_file():
                problems.add(f"{case.name}: run 2 deleted the first backup {backup.name}")
            elif digest(kept) != original:
                problems.add(f"{case.name}: run 2 replaced the first backup {backup.name} (no longer the original)")
        new = backup_of(two[case.name])
        if new is None:
            problems.add(f"{case.name}: run 2 names no backup among {two[case.name].outputs()}")
        elif backup is not None and new.name == backup.name:
            problems.add(f"{case.name}: run 2 names the first backup {new.name} as its own")
        elif not (second.after / new.name).is_file():
            problems.add(f"{case.name}: run 2's backup {new.name} does not exist")
        elif one[case.name].processed and digest(second.after / new.name) != digest(first.after / case.name):
            problems.add(f"{case.name}: run 2's backup {new.name} is not the file as run 1 left it")
    problems.check()


def test_second_in_place_exit_code_and_no_traceback(suite: Suite) -> None:
    test_exit_code_and_no_traceback(suite, "in-place-2")


def test_second_in_place_every_file_is_accounted_for(suite: Suite) -> None:
    test_every_file_is_accounted_for(suite, "in-place-2")


def test_second_in_place_inputs_are_unchanged(suite: Suite) -> None:
    test_inputs_are_unchanged(suite, "in-place-2")


def test_second_in_place_user_cells_are_kept(suite: Suite) -> None:
    test_user_cells_are_kept(suite, "in-place-2")


def test_second_in_place_extensions_are_refused_or_kept(suite: Suite) -> None:
    test_extensions_are_refused_or_kept(suite, "in-place-2")


def test_second_in_place_no_log_text_becomes_a_formula(suite: Suite) -> None:
    test_no_log_text_becomes_a_formula(suite, "in-place-2")


def test_second_in_place_memory_and_time(suite: Suite) -> None:
    test_memory_and_time(suite, "in-place-2")


def test_temporary_files_are_cleaned_up(suite: Suite) -> None:
    """No half-written `.tmp` outputs are left beside the outputs or the in-place copies."""
    problems = Problems("temporary files")
    for mode in MODES:
        run = suite.run(mode)
        folder = run.after if run.after is not None else run.out
        if folder is None or not folder.is_dir():
            continue
        for path in folder.iterdir():
            if path.name.endswith(".tmp") or path.name.startswith(".") and ".tmp" in path.name:
                problems.add(f"[{mode}] {path.name} left behind")
    problems.check()
