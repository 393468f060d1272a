"""The buttons through xlwings' real Windows engine (`xlwings._xlwindows`), with only pywin32 faked
(`tests/fake_win32.py`): what arrives at Excel is the exact COM call the project's calls turn into.
Findings of issue 14 that are not fixed yet are strict xfails: each fails the day its fix lands,
and its mark then goes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from addin.core.values import CellError
from addin.excel import buttons, canvas, engines
from addin.excel.canvas import XlwingsCanvas
from addin.sheets.canvas import ChartSpec, Style, rgb_spec
from tests import xlwings_standin
from tests.fake_appscript import Workbook, XlError, book_from_grids, parse_address, planted_grids
from tests.fake_win32 import XL_ERRORS, FakeExcel, bgr, com_error_code, open_book

AS_OF = datetime(2026, 11, 21, 9, 0)
BUTTONS = {
    "validate_log": buttons.validate_log,
    "scores": buttons.scores,
    "flags": buttons.flags,
    "run_all": buttons.run_all,
}
LOG_OWNER = 8  # the owner column (I) of log_grid
LOG_CUSTOMER = 2  # the customer ID column (C)
SHEET = "Workbooks('log.xlsx').Worksheets"
Win = tuple[object, FakeExcel, Workbook]


def _grids() -> dict[str, list[list[object]]]:
    """The planted workbook of the macOS tests, plus an ID Excel would make 6 and one of the newer
    errors that COM hands over as a bare integer (#SPILL!: -2146826243, even with err_to_str)."""
    return planted_grids({5: {"complaint_id": "0006"}, 10: {"owner": XlError("#SPILL!")}})


def _standin(grids: dict[str, list[list[object]]]) -> xlwings_standin.Book:
    plain = {
        t: [[CellError(v.text) if isinstance(v, XlError) else v for v in row] for row in g] for t, g in grids.items()
    }
    return xlwings_standin.book_from_grids("log.xlsx", plain)


@pytest.fixture
def win(monkeypatch: pytest.MonkeyPatch) -> Iterator[Win]:
    workbook = book_from_grids("log.xlsx", _grids())
    book, excel = open_book(monkeypatch, workbook)
    yield book, excel, workbook


@pytest.fixture
def addresses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every multi-area address the canvas builds, as it builds them."""
    seen: list[str] = []
    real = canvas._address

    def spy(*args: object, **kwargs: object) -> list[str]:
        found = real(*args, **kwargs)  # type: ignore[arg-type]
        seen.extend(found)
        return found

    monkeypatch.setattr(canvas, "_address", spy)
    return seen


def _spec() -> ChartSpec:
    return ChartSpec(
        title="Scores by region",
        anchor=(2, 8),
        categories=(3, 1, 6, 1),
        series=((2, 2, 6, 2),),
        line=None,
        y_title="Score",
        y_max=10,
    )


def test_engine_is_the_real_windows_module(win: Win) -> None:
    book, excel, _ = win
    assert type(book.impl).__module__ == "xlwings._xlwindows"  # type: ignore[attr-defined]
    assert XlwingsCanvas(book).engine == engines.WINDOWS
    assert [s.name for s in book.sheets] == ["Complaints", "Survey"]  # type: ignore[attr-defined]
    assert f"{SHEET}('Complaints').Name" in {c.path for c in excel.sent("get")}


def test_com_error_numbers_are_excels() -> None:
    """The fake's error integers: 0x800A0000 + XlCVError, signed; the first seven as xlwings knows them."""
    assert com_error_code("#N/A") == -2146826246
    assert com_error_code("#SPILL!") == -2146826243
    assert com_error_code("#CALC!") == -2146826238
    assert com_error_code("#FIELD!") == -2146826239
    assert com_error_code("#CONNECT!") == -2146826242
    assert com_error_code("#BLOCKED!") == -2146826241
    assert com_error_code("#UNKNOWN!") == -2146826240
    assert com_error_code("#GETTING_DATA") == -2146826245


def test_xlwings_maps_only_the_old_seven(monkeypatch: pytest.MonkeyPatch) -> None:
    """Why the project maps COM integers itself: xlwings' table stops at #N/A's generation."""
    _, _ = open_book(monkeypatch, book_from_grids("e.xlsx", {"S": [[1]]}))
    import xlwings

    known = xlwings._xlwindows.cell_errors
    assert {com_error_code(t): t for t in ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!")} == known
    assert com_error_code("#SPILL!") not in known


def test_read_is_one_value_get_and_errors_are_cell_errors(win: Win) -> None:
    book, excel, _ = win
    grid = XlwingsCanvas(book).read("Complaints")
    assert grid[1][0] == "C0001"
    assert grid[7][LOG_CUSTOMER] == "0012"
    assert grid[10][LOG_OWNER] == CellError("#N/A")
    assert grid[11][LOG_OWNER] == CellError("#SPILL!")
    values = [c.path for c in excel.sent("get", f"{SHEET}('Complaints')") if c.path.endswith(".Value")]
    assert values == [f"{SHEET}('Complaints').Range(Cells(1, 1), Cells(13, 14)).Value"]


def test_every_error_kind_is_a_cell_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each error COM can hand over, old (xlwings maps it with err_to_str) or new (a bare integer)."""
    texts = list(XL_ERRORS)
    book, _ = open_book(monkeypatch, book_from_grids("e.xlsx", {"S": [["x", *[XlError(t) for t in texts]]]}))
    assert XlwingsCanvas(book).read("S") == [["x", *[CellError(t) for t in texts]]]


def test_multi_area_paint_reaches_com_whole(win: Win) -> None:
    book, excel, workbook = win
    XlwingsCanvas(book).paint("Complaints", [(5, 1, 9, 22), (12, 1, 12, 22)], "FFC7CE")
    sets = [str(c) for c in excel.sent("set", ".Interior.")]
    assert sets == [f"{SHEET}('Complaints').Range('A5:V9,A12:V12').Interior.Color = {0xCEC7FF}"]
    assert workbook.sheet("Complaints").cells[(12, 3)].fill == (255, 199, 206)
    assert (4, 1) not in workbook.sheet("Complaints").cells or workbook.sheet("Complaints").cells[(4, 1)].fill is None


def test_unpaint_is_color_index_none(win: Win) -> None:
    book, excel, workbook = win
    workbook.sheet("Complaints").cell(5, 1).fill = (255, 0, 0)
    XlwingsCanvas(book).paint("Complaints", [(5, 1, 5, 2), (7, 1, 7, 1)], None)
    assert [str(c) for c in excel.sent("set", ".Interior.")] == [
        f"{SHEET}('Complaints').Range('A5:B5,A7').Interior.ColorIndex = -4142"
    ]
    assert workbook.sheet("Complaints").cells[(5, 1)].fill is None


def test_style_arrives_as_com(win: Win) -> None:
    book, excel, workbook = win
    style = Style(bold=True, italic=False, size=12, colour="9C0006", fill="FFEB9C", wrap=True, number_format="0.0%")
    XlwingsCanvas(book).style("Survey", [(2, 1, 4, 3), (6, 1, 6, 3)], style)
    cells = f"{SHEET}('Survey').Range('A2:C4,A6:C6')"
    assert [str(c).removeprefix(cells) for c in excel.sent("set", cells)] == [
        ".Font.Bold = True",
        ".Font.Italic = False",
        ".Font.Size = 12",
        f".Font.Color = {bgr((0x9C, 0x00, 0x06))}",
        f".Interior.Color = {bgr((0xFF, 0xEB, 0x9C))}",
        ".WrapText = True",
        ".NumberFormat = '0.0%'",
    ]
    assert workbook.sheet("Survey").cells[(6, 3)].number_format == "0.0%"
    assert workbook.sheet("Survey").cells[(4, 3)].fill == (0xFF, 0xEB, 0x9C)


def test_notes_are_com_comments(win: Win) -> None:
    book, excel, workbook = win
    xl = XlwingsCanvas(book)
    xl.note("Complaints", (7, 4), "[missing] Region is empty", author="Complaint Desk")
    assert workbook.sheet("Complaints").cells[(7, 4)].note == "[missing] Region is empty"
    assert xl.notes("Complaints", [(7, 4), (7, 5)]) == {(7, 4): True}
    xl.note("Complaints", (7, 4), None, author="Complaint Desk")
    assert workbook.sheet("Complaints").cells[(7, 4)].note is None
    sent = [str(c) for c in excel.sent("call", "Comment")]
    cell = f"{SHEET}('Complaints').Cells(7, 4)"
    assert f"{cell}.AddComment('[missing] Region is empty')" in sent
    assert f"{cell}.Comment.Text()" in sent
    assert f"{cell}.Comment.Delete()" in sent


def test_fill_read_arrives_as_interior_reads(win: Win) -> None:
    book, excel, workbook = win
    workbook.sheet("Complaints").cell(3, 2).fill = (255, 0, 0)
    found = XlwingsCanvas(book).fills("Complaints", [(2, 2, 4, 2)])
    assert found == {(3, 2): rgb_spec("FF0000")}
    reads = [c.path for c in excel.sent("get", ".Interior.Color")]
    assert f"{SHEET}('Complaints').Range(Cells(3, 2), Cells(3, 2)).Interior.Color" in reads


def test_chart_source_is_every_area(win: Win) -> None:
    book, excel, workbook = win
    XlwingsCanvas(book).chart("Survey", _spec())
    chart = workbook.sheet("Survey").charts[0]
    assert parse_address(chart.source or "") == [(2, 1, 6, 1), (2, 2, 6, 2)]
    sent = [str(c) for c in excel.sent("call", ".SetSourceData")]
    assert sent == [
        f"{SHEET}('Survey').ChartObjects('Chart 1').Chart.SetSourceData(<COM {SHEET}('Survey').Range('A2:A6,B2:B6')>)"
    ]


def test_chart_title_is_shown_not_the_object_renamed(win: Win) -> None:
    book, excel, workbook = win
    XlwingsCanvas(book).chart("Survey", _spec())
    chart = workbook.sheet("Survey").charts[0]
    assert (chart.has_title, chart.title, chart.name) == (True, "Scores by region", "Chart 1")
    assert not [c for c in excel.sent("set") if c.path.endswith("').Name")]


def test_text_is_stored_as_text(win: Win) -> None:
    book, excel, workbook = win
    rows = [["0012", "03/04/2026", "2026-10-26 17:30", "=not a formula", 12.5]]
    XlwingsCanvas(book).write("Survey", 20, 1, rows)
    stored = [workbook.sheet("Survey").cells[(20, c)] for c in range(1, 6)]
    assert [c.value for c in stored[:3]] == rows[0][:3]
    assert stored[4].value == 12.5
    # formula-like text: never a formula; "'" is Excel's text prefix (the shared model keeps it under '@')
    assert stored[3].formula is None and str(stored[3].value).removeprefix("'") == "=not a formula"
    cells = excel.sent(contains=f"{SHEET}('Survey').")
    text_format = [i for i, c in enumerate(cells) if c.path.endswith(".NumberFormat") and c.args == ("@",)]
    value = [i for i, c in enumerate(cells) if c.path.endswith(".Value") and c.kind == "set"]
    assert text_format and value and text_format[0] < value[0]
    assert workbook.sheet("Survey").cells[(20, 5)].number_format != "@"


def test_plain_com_write_would_retype(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fake stores typed input as Excel does: what the '@' format protects against."""
    book, _ = open_book(monkeypatch, book_from_grids("e.xlsx", {"S": [[1]]}))
    book.sheets["S"].range((2, 1)).value = [["0012", "03/04/2026"]]  # type: ignore[attr-defined]
    assert book.sheets["S"].range("A2:B2").value == [12.0, datetime(2026, 3, 4)]  # type: ignore[attr-defined]


@pytest.mark.parametrize("button", BUTTONS)
def test_button_alert_as_on_the_standin(button: str, win: Win, monkeypatch: pytest.MonkeyPatch) -> None:
    book, excel, _ = win
    monkeypatch.setattr(buttons, "datetime", _Frozen)
    expected = BUTTONS[button](_standin(_grids()))
    assert BUTTONS[button](book) == expected
    assert excel.alerts == [("Complaint Desk", expected)]
    assert excel.application.props["StatusBar"] is False
    assert excel.application.props["ScreenUpdating"] is True


class _Frozen(datetime):
    """`datetime.now()` in `addin.excel.buttons` as AS_OF, so the stand-in and Excel see the same day."""

    @classmethod
    def now(cls, tz: object = None) -> _Frozen:  # type: ignore[override]
        return cls(AS_OF.year, AS_OF.month, AS_OF.day, AS_OF.hour, AS_OF.minute)


@pytest.mark.parametrize("button", BUTTONS)
def test_button_calls_arrive_intact(
    button: str, win: Win, addresses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    book, excel, _ = win
    monkeypatch.setattr(buttons, "datetime", _Frozen)
    BUTTONS[button](book)
    value_reads = [c.path.removeprefix(SHEET) for c in excel.sent("get") if c.path.endswith(".Value")]
    header = ["('Complaints').Range(Cells(1, 1), Cells(1, 14)).Value"] if button in ("flags", "run_all") else []
    # one read per sheet; the flag columns read the log's header row again to find their place
    assert [p for p in value_reads if p.startswith("('Complaints')")] == [
        "('Complaints').Range(Cells(1, 1), Cells(13, 14)).Value",
        *header,
    ]
    assert [p for p in value_reads if p.startswith("('Survey')")] == [
        "('Survey').Range(Cells(1, 1), Cells(9, 9)).Value"
    ]
    sent = {str(c.args[0]) for c in excel.sent("call") if c.path.endswith(".Range") and len(c.args) == 1}
    assert addresses and not [a for a in addresses if a not in sent]
    assert not [c for c in excel.calls if "Range(" in c.path and "!" in c.path]


def test_run_all_keeps_text_on_every_sheet(win: Win, monkeypatch: pytest.MonkeyPatch) -> None:
    """After Run all, every sheet holds what the stand-in holds: no ID, date text or number re-typed by Excel."""
    book, _, workbook = win
    monkeypatch.setattr(buttons, "datetime", _Frozen)
    standin = _standin(_grids())
    buttons.run_all(standin)
    buttons.run_all(book)
    for sheet in standin.sheets:
        mine = workbook.sheet(sheet.name)
        theirs = {k: _plain(c.value) for k, c in sheet.cells.items() if c.value is not None}
        ours = {k: _plain(c.value) for k, c in mine.cells.items() if c.value is not None}
        differ = {k: (theirs.get(k), ours.get(k)) for k in theirs.keys() | ours.keys() if theirs.get(k) != ours.get(k)}
        assert not differ, (sheet.name, sorted(differ.items())[:5])
    assert "0012" in {c.value for c in workbook.sheet("Flags").cells.values()}  # complaint 7's customer, as text


def _plain(value: object) -> object:
    """An error cell as its text (the stand-in's and the fake's error types differ), a number as float."""
    text = getattr(value, "text", None)
    if isinstance(text, str):
        return text
    return float(value) if type(value) is int else value
