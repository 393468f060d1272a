"""`complaints run --annotate` and `--in-place` change only what is ours (issue 17, item 2).

Each workbook of `tests.real_files` is annotated as users do it (the CLI, in a subprocess), then
its output is run `--in-place` twice more. Every part the add-in does not own stays byte for
byte; on the marked sheets only our cells change (the `⚑` columns, the style of a marked cell),
and a re-run changes nothing. openpyxl and LibreOffice, reading independently, see the marks.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from xml.etree import ElementTree

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import rows_from_range

from tests.real_files import (
    LAST,
    LOG,
    SOFFICE,
    Parts,
    RealFile,
    build_corpus,
    missing_parts,
    owned_parts,
    read_parts,
    relations,
    sheet_part,
    soffice,
)

AS_OF = "2026-11-20T12:00"
NAMES = ["xlsxwriter", "table", "x14", "google", "wps", "template", "libreoffice", "pivot"]
OUR_COLUMNS = ["⚑ Response due", "⚑ Resolution due", "⚑ State", "⚑ Flags", "⚑ Suggested severity"]
AUTHOR, LEDGER = "Complaint Desk", "_ComplaintDesk"
RUNS = 3
_M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
T = TypeVar("T")
_FREE = {"dimension", "cols", "legacyDrawing"}  # worksheet children a run may change or add


@dataclass
class Marks:
    """What the first run says it did, read with openpyxl: our columns, marked cells, our notes."""

    columns: dict[str, str]  # column letter on the log -> its ⚑ header
    cells: dict[str, dict[str, set[str]]]  # sheet -> cell -> the colours its marks may show
    notes: dict[str, set[str]] = field(default_factory=dict)  # sheet -> cells we gave a note


@dataclass
class Result:
    source: RealFile
    outputs: list[Path]  # after each run, first to last
    error: str = ""

    def output(self, run: int) -> Path:
        """The file after `run` (1 = `--annotate`); the test fails with the tool's message if that run did."""
        if run > len(self.outputs):
            pytest.fail(f"run {len(self.outputs) + 1} of {self.source.name}: {self.error}")
        return self.outputs[run - 1]


def run_cli(paths: list[Path], *options: str) -> dict[str, dict[str, Any]]:
    """`complaints run PATHS --json` as a user runs it; the JSON entry of each file by its name."""
    command = [sys.executable, "-m", "addin", "run", *map(str, paths), "--as-of", AS_OF, "--json", *options]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.stdout, done.stderr  # a file it refuses, or fails on, is an entry with its "error"
    return {Path(str(f["path"])).name: f for f in json.loads(done.stdout)["files"]}


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RealFile]:
    return build_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="session")
def results(corpus: dict[str, RealFile], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Result]:
    """All files annotated in one run, then each output run in place on a copy, twice, in one run each."""
    found = {name: Result(real, []) for name, real in corpus.items()}
    answers = run_cli([r.path for r in corpus.values()], "--annotate", "--out", str(tmp_path_factory.mktemp("run1")))
    for result in found.values():
        answer = answers[result.source.path.name]
        outputs = answer.get("outputs") or {}
        if "annotated" in outputs:
            result.outputs.append(Path(outputs["annotated"]))
        else:
            result.error = str(answer.get("error", answer))
    for run in range(2, RUNS + 1):
        folder = tmp_path_factory.mktemp(f"run{run}")
        ready = [r for r in found.values() if not r.error]
        copies = [Path(shutil.copy(r.outputs[-1], folder / r.source.path.name)) for r in ready]
        answers = run_cli(copies, "--in-place")
        for result, copy in zip(ready, copies, strict=True):
            if "error" in answers[copy.name]:
                result.error = str(answers[copy.name]["error"])
            else:
                result.outputs.append(copy)
    return found


def pick(found: dict[str, T], name: str) -> T:
    """The corpus file's entry; without LibreOffice, the files it makes are skipped."""
    if name not in found:
        pytest.skip(f"{name} is made by LibreOffice (soffice), which is not installed")
    return found[name]


def open_book(path: Path) -> openpyxl.Workbook:
    try:
        return openpyxl.load_workbook(path)
    except Exception as e:  # noqa: BLE001 - whatever stops openpyxl reading the file is the finding
        error = f"openpyxl cannot read {path.name}: {type(e).__name__}: {e}"
    pytest.fail(error)


def read_marks(path: Path) -> Marks:
    """Our columns on the log and the cells the ledger lists, with their mark colours."""
    book = open_book(path)
    log = book[LOG]
    columns = {
        c.column_letter: c.value
        for row in log.iter_rows(max_row=20)
        for c in row
        if isinstance(c.value, str) and c.value.startswith("⚑")
    }
    marks = Marks(columns, {})
    for sheet, ref, _role, _fill, rgb, added in list(book[LEDGER].iter_rows(min_row=2, values_only=True)):
        for cell in (c for row in rows_from_range(str(ref)) for c in row):
            marks.cells.setdefault(str(sheet), {}).setdefault(cell, set()).add(str(rgb))
        if added:
            marks.notes.setdefault(str(sheet), set()).add(str(ref))
    return marks


def marked_sheets(marks: Marks) -> list[str]:
    return sorted({LOG, *marks.cells})


def foreign_parts(source: Parts, marks: Marks) -> list[str]:
    """The source's parts a run must leave byte for byte."""
    return sorted(set(source) - owned_parts(source, marked_sheets(marks)))


def changed_parts(source: Parts, output: Parts, marks: Marks) -> list[str]:
    kept = foreign_parts(source, marks)
    changed = [f"{p} changed" for p in kept if p in output and output[p] != source[p]]
    gone = [f"{p} is gone" for p in source if p not in output and p != "xl/calcChain.xml"]
    return changed + gone


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _canon(element: ElementTree.Element) -> str:
    return ElementTree.canonicalize(ElementTree.tostring(element), strip_text=True)


def _numbered(elements: list[ElementTree.Element], rows: bool) -> dict[str, ElementTree.Element]:
    """Rows by number or cells by column letter; one without `r` is the one after the previous."""
    found, last = {}, 0
    for e in elements:
        ref = e.get("r")
        if ref is None:
            last += 1
        else:
            last = int(ref) if rows else openpyxl.utils.column_index_from_string(ref.rstrip("0123456789"))
        found[str(last) if rows else get_column_letter(last)] = e
    return found


def cell_changes(
    before: ElementTree.Element, after: ElementTree.Element, ours: set[str], marked: set[str]
) -> list[str]:
    """What changed in `<sheetData>` beyond our columns, a marked cell's style and the rows' spans."""
    changes = []
    old_rows, new_rows = _numbered(list(before), True), _numbered(list(after), True)
    for number, new_row in new_rows.items():
        old_row = old_rows.get(number, ElementTree.Element(f"{_M}row", {"r": number}))
        if {**old_row.attrib, "spans": ""} != {**new_row.attrib, "spans": ""} and number in old_rows:
            changes.append(f"row {number}: {old_row.attrib} -> {new_row.attrib}")
        old, new = _numbered(list(old_row), False), _numbered(list(new_row), False)
        for column in sorted(set(old) | set(new)):
            ref = f"{column}{number}"
            if column in ours:
                continue
            if column not in new:
                changes.append(f"{ref} is gone")
            elif column not in old:
                if ref not in marked or len(new[column]) or set(new[column].attrib) - {"r", "s"}:
                    changes.append(f"{ref} was added: {_canon(new[column])}")
            else:
                keep = {"s"} if ref in marked else set()
                a, b = old[column], new[column]
                same = {k: v for k, v in a.attrib.items() if k not in keep} == {
                    k: v for k, v in b.attrib.items() if k not in keep
                }
                if not same or [_canon(x) for x in a] != [_canon(x) for x in b]:
                    changes.append(f"{ref}: {_canon(a)} -> {_canon(b)}")
    changes += [f"row {n} is gone" for n in old_rows if n not in new_rows]
    return changes


def sheet_changes(before: bytes, after: bytes, ours: set[str], marked: set[str]) -> list[str]:
    """Differences of two worksheet parts, parsed, that a run must not make."""
    old, new = ElementTree.fromstring(before), ElementTree.fromstring(after)
    changes = [] if old.attrib == new.attrib else [f"<worksheet> attributes {old.attrib} -> {new.attrib}"]
    old_parts = [e for e in old if _local(e.tag) not in _FREE]
    new_parts = [e for e in new if _local(e.tag) not in _FREE]
    if [_local(e.tag) for e in old_parts] != [_local(e.tag) for e in new_parts]:
        changes.append(f"children {[_local(e.tag) for e in old_parts]} -> {[_local(e.tag) for e in new_parts]}")
    for a, b in zip(old_parts, new_parts, strict=False):
        if _local(a.tag) == "sheetData":
            changes += cell_changes(a, b, ours, marked)
        elif _canon(a) != _canon(b):
            changes.append(f"<{_local(a.tag)}> changed")
    if old.find(f"{_M}legacyDrawing") is not None and new.find(f"{_M}legacyDrawing") is None:
        changes.append("<legacyDrawing> is gone")
    return changes


def controls(parts: Parts, sheet: str) -> list[bytes]:
    """The non-note shapes (form buttons, …) in a sheet's VML drawings, whitespace dropped."""
    part = sheet_part(parts, sheet)
    vml = [parts[t] for kind, t in relations(parts, part).values() if kind == "vmlDrawing" and t in parts]
    found = re.findall(rb'<x:ClientData\s+ObjectType="(?!Note")[^"]*">.*?</x:ClientData>', b"".join(vml), re.S)
    return sorted(re.sub(rb"\s+", b"", shape) for shape in found)


@pytest.mark.parametrize("name", NAMES)
def test_corpus_file_holds_what_it_is_made_of(corpus: dict[str, RealFile], name: str) -> None:
    real = pick(corpus, name)
    assert missing_parts(real) == []
    assert open_book(real.path)[LOG]["A4"].value == "Complaint ID"


def test_the_comparisons_see_what_a_run_must_not_do(corpus: dict[str, RealFile]) -> None:
    """The checks themselves: a changed table, a lost theme, a new value, a style outside our marks."""
    source = read_parts(corpus["table"].path)
    log = sheet_part(source, LOG)
    output = {**source, "xl/tables/table1.xml": source["xl/tables/table1.xml"].replace(b'"Log"', b'"Log2"')}
    del output["xl/theme/theme1.xml"]
    assert changed_parts(source, output, Marks({}, {})) == [
        "xl/tables/table1.xml changed",
        "xl/theme/theme1.xml is gone",
    ]
    valued = source[log].replace(b"<v>46", b"<v>47", 1)
    assert len(sheet_changes(source[log], valued, set(), {"B5"})) == 1
    styled = re.sub(rb'(<c r="B5" s=")\d+', rb"\g<1>99", source[log])
    assert styled != source[log] and sheet_changes(source[log], styled, set(), {"B5"}) == []
    assert sheet_changes(source[log], styled, set(), {"B6"}) != []
    added = source[log].replace(b'<c r="B5"', b'<c r="A5" s="3"/><c r="B5"', 1)
    assert added != source[log] and sheet_changes(source[log], added, {"A"}, set()) == []
    assert sheet_changes(source[log], added, set(), {"A5"}) == [] != sheet_changes(source[log], added, set(), set())


@pytest.mark.parametrize("name", NAMES)
def test_annotate_keeps_every_part_it_does_not_own(results: dict[str, Result], name: str) -> None:
    result = pick(results, name)
    output = result.output(1)
    source = read_parts(result.source.path)
    assert changed_parts(source, read_parts(output), read_marks(output)) == []


@pytest.mark.parametrize("name", NAMES)
def test_marked_sheets_change_only_in_our_cells(results: dict[str, Result], name: str) -> None:
    result = pick(results, name)
    output = result.output(1)
    source, annotated, marks = read_parts(result.source.path), read_parts(output), read_marks(output)
    assert list(marks.columns.values()) == OUR_COLUMNS
    for sheet in marked_sheets(marks):
        ours = set(marks.columns) if sheet == LOG else set()
        before, after = source[sheet_part(source, sheet)], annotated[sheet_part(annotated, sheet)]
        assert sheet_changes(before, after, ours, set(marks.cells.get(sheet, {})))[:20] == [], sheet
        assert controls(annotated, sheet) == controls(source, sheet), f"form controls on {sheet} changed"


@pytest.mark.parametrize("name", NAMES)
def test_reruns_in_place_change_nothing_more(results: dict[str, Result], name: str) -> None:
    result = pick(results, name)
    first = read_parts(result.output(1))
    source, marks = read_parts(result.source.path), read_marks(result.output(1))
    for run in range(2, RUNS + 1):
        again = read_parts(result.output(run))
        assert changed_parts(source, again, marks) == [], f"run {run}"
        for sheet in marked_sheets(marks):
            before, after = first[sheet_part(first, sheet)], again[sheet_part(again, sheet)]
            assert sheet_changes(before, after, set(), set()) == [], f"run {run}, {sheet}"
            assert _canon(ElementTree.fromstring(before)) == _canon(ElementTree.fromstring(after)), f"run {run}"
        assert read_marks(result.output(run)) == marks, f"run {run} marked other cells"


def check_marks(book: openpyxl.Workbook, marks: Marks, source: RealFile, authors: bool = True) -> None:
    """Marked cells show a mark colour, our notes are there (by us), the user's note is the user's.

    LibreOffice saves every note's author as a blank: `authors=False` then only checks the notes."""
    for sheet, cells in marks.cells.items():
        for ref, colours in cells.items():
            fill = book[sheet][ref].fill
            assert fill.patternType == "solid" and str(fill.fgColor.rgb)[-6:] in colours, f"{sheet}!{ref}"
    for sheet, refs in marks.notes.items():
        for ref in refs:
            note = book[sheet][ref].comment
            assert note is not None and note.text.startswith("["), f"{sheet}!{ref}: {note}"
            assert note.author == AUTHOR or not authors, f"{sheet}!{ref}: {note.author!r}"
    if source.note is not None:
        ref, text = source.note
        note = book[LOG][ref].comment
        assert note is not None and text in note.text and note.author != AUTHOR, note


@pytest.mark.parametrize("name", NAMES)
def test_openpyxl_reads_the_marks(results: dict[str, Result], name: str) -> None:
    result = pick(results, name)
    marks = read_marks(result.output(1))
    book = open_book(result.output(1))
    assert book[LEDGER].sheet_state == "veryHidden"
    assert sum(len(c) for c in marks.cells.values()) > 20 and sum(len(n) for n in marks.notes.values()) > 10
    check_marks(book, marks, result.source)
    states = [book[LOG][f"{list(marks.columns)[2]}{r}"].value for r in range(5, LAST + 1)]
    assert any(str(s).startswith("Overdue by") for s in states), states


@pytest.fixture(scope="session")
def resaved(results: dict[str, Result], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every first output opened and saved again by LibreOffice, in one call."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    ready = {name: r.outputs[0] for name, r in results.items() if r.outputs}
    if not ready:
        return {}
    converted = soffice(ready.values(), "xlsx", tmp_path_factory.mktemp("libreoffice"))
    return dict(zip(ready, converted, strict=True))


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("name", NAMES)
def test_libreoffice_shows_the_marks(results: dict[str, Result], resaved: dict[str, Path], name: str) -> None:
    result = pick(results, name)
    marks = read_marks(result.output(1))
    ours = open_book(result.output(1))[LOG]
    book = open_book(resaved[name])
    check_marks(book, marks, result.source, authors=False)
    for letter, header in marks.columns.items():
        column = [(c.value, book[LOG][c.coordinate].value) for c in ours[letter][3:]]
        assert book[LOG][f"{letter}4"].value == header
        assert all(_same(a, b) for a, b in column), (header, [p for p in column if not _same(*p)][:5])


def _same(a: object, b: object) -> bool:
    """Equal, a datetime to the second (LibreOffice rounds serial numbers differently)."""
    if isinstance(a, datetime) and isinstance(b, datetime):
        return abs((a - b).total_seconds()) < 1
    return a == b
